// `npm run build:cli` (also run by postinstall and `npm start`): the `irqlab` command as one
// JavaScript bundle, so that bin/irqlab.mjs starts without transpiling TypeScript through tsx.
//
//   dist/cli/cli.js       core/cli/run.ts and everything it imports but better-sqlite3 (native),
//                         as one function expression that scripts/cli-bundle.mjs compiles with
//                         V8's code cache (cli.js.v8cache, made here by first runs: warmUpCommands)
//   dist/cli/irqlab.mjs   runs it without the freshness check of bin/irqlab.mjs (for an alias)
//   dist/cli/worker.mjs   the stepping worker thread (core/step/node/worker.ts) of `irqlab step`,
//                         found beside the bundle as core/step/node/session.ts looks for it
//   dist/cli/stamp.json   what the bundle was built from (scripts/stamp.mjs), so bin/irqlab.mjs
//                         can tell when it is out of date and run the sources instead
//
// The bundle must sit two folders below the repository root, as core/store/migrate.ts does:
// that module finds migrations/ from its own URL, which in the bundle is the bundle's.
// Whitespace and syntax are minified (less to read and compile), names are kept (stack traces).
// Of zod's error-message locales only English is bundled: the others are a third of the bundle.
//
//   node scripts/build-cli.mjs [--if-stale] [--outdir DIR] [--postinstall]
//
// It also builds the browser-mode host for `npm start` (buildHost, below).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkStamp, ownInputs, writeStamp } from './stamp.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_DIR = path.join(root, 'dist', 'cli');

/** Files that shape the bundle besides the sources esbuild reads. */
const CONFIG_INPUTS = [
  'package.json',
  'tsconfig.json',
  'scripts/build-cli.mjs',
  'scripts/cli-bundle.mjs',
];

/** zod's locales index (every language) replaced by English alone, the one zod itself uses. */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? {
            path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'),
            namespace: 'zod-en',
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * zod's fromJSONSchema left out of the CLI: nothing in it reads a JSON Schema, and that module's
 * evaluation (its own z object, spread from every export of zod's schemas and checks) is part of
 * every start. The stand-in says so if something ever calls it.
 */
const zodWithoutFromJsonSchema = {
  name: 'zod-without-from-json-schema',
  setup(b) {
    b.onResolve({ filter: /^\.\/from-json-schema\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: 'from-json-schema', namespace: 'zod-stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-stub' }, () => ({
      contents:
        "export function fromJSONSchema() { throw new Error('zod fromJSONSchema is not in the irqlab CLI bundle (scripts/build-cli.mjs)'); }",
    }));
  },
};

/**
 * Modules loaded at their first use, not at start: most commands need none of them, and loading
 * better-sqlite3 (a native addon) costs more than the rest of `irqlab --help`. Each stands in with
 * the names the sources import from it (a new name fails the build: "No matching export").
 */
const LAZY = {
  'better-sqlite3': `export default function Database(...args) { return new (require('better-sqlite3'))(...args); }`,
  'node:child_process': `export function spawn(...args) { return require('node:child_process').spawn(...args); }`,
  // readline (and its promises API) only for stdin (irqlab step) and files too big to read whole.
  'node:readline': `export function createInterface(...args) { return require('node:readline').createInterface(...args); }`,
  'node:zlib': `export function crc32(...args) { return require('node:zlib').crc32(...args); }\nexport function gunzipSync(...args) { return require('node:zlib').gunzipSync(...args); }`,
};
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'lazy'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: LAZY[args.path],
      resolveDir: root,
    }));
  },
};

/**
 * The commands the build runs once each, in turn, so that V8's code cache beside the bundle holds
 * the functions they compiled (each run adds its own to the cache the previous one left, see
 * scripts/cli-bundle.mjs): importing a capture's artefacts and booting it (a QEMU capture of the
 * repository's own fixtures, /proc/interrupts compared too), and simulating a preset. Any other
 * command still works; it compiles the functions it needs that are not in the cache, at each start.
 */
function warmUpCommands() {
  const capture = path.join(root, 'fixtures', 'qemu', 'q35-ir-x2apic-16cpu@6.1.0-57-amd64');
  const artefacts = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt', 'interrupts.txt'].map((f) =>
    path.join(capture, f),
  );
  return [
    ...(artefacts.every((f) => existsSync(f)) ? [['import', ...artefacts, '--simulate']] : []),
    ['simulate', 'preset:example', '--json'],
  ];
}

/** What every bundle here shares. */
function commonOptions(outdir) {
  return {
    absWorkingDir: root,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Native addon: loaded from node_modules at run time.
    external: ['better-sqlite3'],
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
  };
}

/** An ES module bundle; CommonJS dependencies bundled into it call require() for built-ins. */
const ESM = {
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  banner: {
    js: "import { createRequire as __irqlabCreateRequire } from 'node:module';\nconst require = __irqlabCreateRequire(import.meta.url);",
  },
};

/** The files esbuild read for these builds (the plugins' stand-ins have no file of their own). */
function sourcesOf(...builds) {
  return builds
    .flatMap((b) => Object.keys(b.metafile.inputs))
    .filter(
      (f) => !f.startsWith('zod-en:') && !f.startsWith('zod-stub:') && !f.startsWith('lazy:'),
    );
}

/**
 * Builds the CLI bundle into `outdir` (dist/cli). With `ifStale`, does nothing when the stamp says
 * the bundle is up to date. Returns whether it built and why.
 */
export async function buildCli({ outdir = CLI_DIR, ifStale = false } = {}) {
  const stampFile = path.join(outdir, 'stamp.json');
  if (ifStale) {
    const state = checkStamp(stampFile, root);
    if (state.fresh) return { built: false };
  }
  // esbuild is loaded only when there is something to build: the check above stays cheap.
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  const common = commonOptions(outdir);
  const cli = await build({
    ...common,
    entryPoints: { cli: 'core/cli/run.ts' },
    plugins: [zodEnglishOnly, zodWithoutFromJsonSchema, lazyModules],
    format: 'cjs',
    define: { 'import.meta.url': '__irqlab_import_meta_url' },
    banner: { js: '(function (require, __irqlab_import_meta_url) {' },
    footer: { js: '})' },
  });
  // The build id on the bundle's first line: the code cache is read only for the bundle it was
  // made for (scripts/cli-bundle.mjs).
  const bundleFile = path.join(outdir, 'cli.js');
  const bundle = readFileSync(bundleFile);
  const buildId = createHash('sha1').update(bundle).digest('hex');
  writeFileSync(bundleFile, Buffer.concat([Buffer.from(`// irqlab-build ${buildId}\n`), bundle]));
  const worker = await build({
    ...common,
    entryPoints: { worker: 'core/step/node/worker.ts' },
    ...ESM,
  });
  const loader = path.join(outdir, 'irqlab.mjs');
  writeFileSync(
    loader,
    `#!/usr/bin/env node\n// irqlab without the freshness check of bin/irqlab.mjs (scripts/build-cli.mjs).\nimport { runCliBundle } from ${JSON.stringify(
      path
        .relative(outdir, path.join(root, 'scripts', 'cli-bundle.mjs'))
        .split(path.sep)
        .join('/'),
    )};\nrunCliBundle(import.meta.dirname);\n`,
  );
  chmodSync(loader, 0o755);
  // First runs leave V8's code cache beside the bundle for the next starts.
  for (const args of warmUpCommands()) {
    // Its stderr (import's summary) is shown only if it fails.
    const warm = spawnSync(process.execPath, [loader, ...args], {
      env: { ...process.env, IRQLAB_CLI_CACHE: 'refresh' },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (warm.status !== 0)
      throw new Error(
        `the CLI bundle does not run (irqlab ${args.join(' ')}: exit ${warm.status})\n${warm.stderr}`,
      );
  }
  const inputs = [...sourcesOf(cli, worker), ...CONFIG_INPUTS];
  const outputs = [
    ...Object.keys(cli.metafile.outputs),
    ...Object.keys(worker.metafile.outputs),
    loader,
  ];
  const stamp = writeStamp(stampFile, {
    root,
    inputs: ownInputs(inputs, root),
    outputs,
    startedAt,
  });
  return { built: true, inputs: stamp.inputs.length };
}

export const HOST_DIR = path.join(root, 'dist', 'host');

/**
 * The browser-mode host as JavaScript (`npm start` runs it): dist/host/browser-host.mjs and the
 * simulation worker it starts for each run, dist/host/simulation-worker.mjs (found beside it, as
 * electron/node/browser-host.ts looks for it). Two folders below the root, as the sources, for the
 * paths they compute from their own URL (the repository, dist/renderer, migrations/, the
 * stepping worker). From source (tsx) the host takes seconds more to start.
 */
export async function buildHost({ outdir = HOST_DIR, ifStale = false } = {}) {
  const stampFile = path.join(outdir, 'stamp.json');
  if (ifStale && checkStamp(stampFile, root).fresh) return { built: false };
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  const host = await build({
    ...commonOptions(outdir),
    ...ESM,
    entryPoints: {
      'browser-host': 'electron/node/browser-host.ts',
      'simulation-worker': 'electron/node/simulation-worker.ts',
    },
  });
  const inputs = [...sourcesOf(host), 'package.json', 'tsconfig.json', 'scripts/build-cli.mjs'];
  const outputs = Object.keys(host.metafile.outputs);
  const stamp = writeStamp(stampFile, {
    root,
    inputs: ownInputs(inputs, root),
    outputs,
    startedAt,
  });
  return { built: true, inputs: stamp.inputs.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  const outdir = at >= 0 ? path.resolve(args[at + 1]) : CLI_DIR;
  const rel = path.relative(root, outdir) || '.';
  const t0 = performance.now();
  try {
    const r = await buildCli({ outdir, ifStale: args.includes('--if-stale') });
    if (r.built)
      console.log(
        `irqlab: CLI bundle built in ${rel} (${r.inputs} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    else console.log(`irqlab: CLI bundle in ${rel} is up to date`);
  } catch (err) {
    // At install, a failed bundle must not fail the install: bin/irqlab.mjs runs the sources.
    if (!args.includes('--postinstall')) throw err;
    console.warn(
      `irqlab: the CLI bundle could not be built (${err.message.split('\n')[0]}); irqlab will run from source (slower start)`,
    );
  }
}
