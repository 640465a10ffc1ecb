// The layers of core/, lowest first: the one place the order is written (docs/architecture.md
// explains it). A module may import its own folder and the folders of lower tiers, never a folder
// of its own tier or above. eslint.config.js enforces it file by file ("irqlab/core-layers"),
// core/import-graph.test.ts over the whole import graph (with `import type`), with no cycle.
// Plain JavaScript: eslint.config.js imports it without a transpiler.

/** Tiers of core/ folders, lowest first. */
export const CORE_LAYERS = [
  // the machine model; trace event layout and the emitter
  ['model', 'trace'],
  // the simulated kernel: domains, MSI core, vector matrix, IOAPIC, IOMMUs, drivers, profiles
  // and the kernel's own source as pseudo-source beside it (core/kernel-source)
  ['kernel', 'kernel-source'],
  // the hardware acting on what the kernel programmed: delivery, remapping checks, MSI decoding
  ['hw'],
  // a run: profile, injections, boot, probes in module order, hotplug, fire steps, outputs
  ['scenario'],
  // what runs scenarios or reads their results: stepping, run comparison, importers
  ['step', 'compare', 'import'],
  ['report'],
  ['store'],
  // the command line, the collector, test helpers
  ['cli', 'collect', 'testing'],
];

const tierOf = new Map(CORE_LAYERS.flatMap((tier, rank) => tier.map((f) => [f, rank])));

/**
 * The core/ folder of a repository-relative path ('core/kernel/x.ts' -> 'kernel'; an import of a
 * folder, 'core/scenario', names that folder), or null (outside core/, a file directly in core/).
 */
export function coreFolderOf(path) {
  const parts = path.replace(/\\/g, '/').split('/');
  if (parts[0] !== 'core' || parts.length < 2) return null;
  return parts.length > 2 || !/\.[cm]?[jt]sx?$/.test(parts[1]) ? parts[1] : null;
}

/** The tier of a core/ folder, or undefined for a folder the order does not name. */
export function coreTierOf(folder) {
  return tierOf.get(folder);
}

/** Whether a core/ test file: tests may drive any layer (nothing imports them). */
export function isCoreTest(path) {
  return /\.test\.ts$/.test(path);
}

/**
 * Why `from` (a repository-relative path in core/) may not import `to`, or null when it may.
 * Paths outside core/ and test files are not judged here.
 */
export function layerViolation(from, to) {
  const a = coreFolderOf(from);
  const b = coreFolderOf(to);
  if (a === null || b === null || a === b || isCoreTest(from)) return null;
  const ta = tierOf.get(a);
  const tb = tierOf.get(b);
  if (ta === undefined) return `core/${a} is not in the layer order (scripts/layers.mjs)`;
  if (tb === undefined) return `core/${b} is not in the layer order (scripts/layers.mjs)`;
  if (tb < ta) return null;
  return tb === ta
    ? `core/${a} may not import core/${b}: the same tier (scripts/layers.mjs)`
    : `core/${a} may not import core/${b}: it is a higher layer (scripts/layers.mjs)`;
}
