// Build stamps: is a build's output still what its sources would give?
//
// After a build, the files it read (its inputs, as the bundler reports them, plus the config
// files that shape it) are recorded with their mtime and size, and so are the files it wrote.
// The build is fresh while every input still has that mtime and size and every output is still
// there with its size. Checking costs one stat per file, no walk of the tree: the CLI's bundle
// has ~100 inputs, checked on every `irqlab` start. A source added to the tree counts only once
// something imports it, and that something then has a new mtime. Files of installed packages
// are not listed one by one (the renderer reads over a thousand of monaco's): npm rewrites
// node_modules/.package-lock.json on every install, and that file stands for them all.
// Built-ins through process.getBuiltinModule, not import: bin/irqlab.mjs loads this module on every
// start, and an import of a built-in makes its ES module facade, which reads every export
// (node:fs's lazy ones load the fs streams and promises).
const { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } =
  process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');

const VERSION = 1;

/**
 * Records a build. `inputs` and `outputs` are paths (absolute or relative to `root`);
 * `startedAt` is Date.now() taken before the build read its inputs: an input changed after
 * that may not be in the output, so it is recorded as changed (the next check rebuilds).
 */
export function writeStamp(stampFile, { root, inputs, outputs, startedAt }) {
  const entry = (file) => {
    const rel = path.relative(root, path.resolve(root, file));
    const st = statSync(path.join(root, rel));
    // File times come from the kernel's coarse clock (a tick behind Date.now()), and some file
    // systems keep whole seconds: margins for both.
    const margin = st.mtimeMs % 1000 === 0 ? 1000 : 50;
    const changedDuringBuild = st.mtimeMs >= startedAt - margin;
    return [rel, changedDuringBuild ? -1 : st.mtimeMs, st.size];
  };
  const stamp = {
    version: VERSION,
    inputs: [...new Set(inputs)].map(entry),
    outputs: [...new Set(outputs)].map((f) => {
      const [rel, , size] = entry(f);
      return [rel, size];
    }),
  };
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, JSON.stringify(stamp) + '\n');
  return stamp;
}

/** `inputs` with the files of installed packages replaced by npm's record of the install. */
export function ownInputs(inputs, root) {
  const own = inputs.filter((f) => !/(^|[\\/])node_modules[\\/]/.test(f));
  const marker = path.join('node_modules', '.package-lock.json');
  if (existsSync(path.join(root, marker))) own.push(marker);
  return own;
}

/**
 * `{ fresh: true }`, or `{ fresh: false, reason }` naming the first file that differs
 * (relative to `root`), or the stamp's absence.
 */
export function checkStamp(stampFile, root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return { fresh: false, reason: 'not built' };
  }
  if (stamp?.version !== VERSION || !Array.isArray(stamp.inputs) || !Array.isArray(stamp.outputs))
    return { fresh: false, reason: 'not built' };
  // `rel` is path.relative's: joined by hand, as path.join's normalising of each of ~160 paths
  // costs this check (run at every start of the CLI) more than its stat calls.
  const base = root.endsWith(path.sep) ? root : root + path.sep;
  for (const [rel, size] of stamp.outputs) {
    const st = statSync(base + rel, { throwIfNoEntry: false });
    if (!st || st.size !== size) return { fresh: false, reason: `${rel} missing or changed` };
  }
  for (const [rel, mtimeMs, size] of stamp.inputs) {
    const st = statSync(base + rel, { throwIfNoEntry: false });
    if (!st) return { fresh: false, reason: `${rel} removed` };
    if (st.mtimeMs !== mtimeMs || st.size !== size)
      return { fresh: false, reason: `${rel} changed` };
  }
  return { fresh: true };
}

/** Every file under `dir` (a build's output folder), as absolute paths. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
