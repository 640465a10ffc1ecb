// Runs the CLI bundle (dist/cli/cli.js, made by scripts/build-cli.mjs) with V8's code cache.
//
// Most of a short irqlab command's time is Node compiling the 1 MB bundle. The bundle is therefore
// a script (a function expression, not an ES module: Node 20 keeps no compile cache for modules)
// compiled through node:vm with the code V8 produced for it on an earlier run (cli.js.v8cache).
// The cache is written at the end of a run that had none, or whose cache V8 rejected (another
// Node version), and by the build's warm-up runs (IRQLAB_CLI_CACHE=refresh: the cache then keeps
// what the run read from it and adds the functions the run compiled); writes go through a
// temporary file and a rename, so concurrent runs never see half a file, and a failure to write
// costs only the next start's time.
//
// It also has the check of the bundle's build stamp (checkStamp; scripts/stamp.mjs writes the
// stamps and re-exports it): bin/irqlab.mjs then loads this one module at every start.
//
// Built-ins come through process.getBuiltinModule, not import: an import of a built-in makes its
// ES module facade, which reads every export (node:fs's lazy ones load the fs streams and
// promises), a cost on every start of bin/irqlab.mjs.
const { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } =
  process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { pathToFileURL } = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

/**
 * The cache file: a header, then what V8's createCachedData() gave. V8 checks that data against
 * the source's length and its own version and flags only (release builds verify no checksum): a
 * cache made for another bundle of the same length would be taken, and one with a damaged byte
 * can crash the process. The header names the bundle it was made for (the build id the build
 * writes on the bundle's first line, a hash of its content) and the SHA-1 of the data.
 */
const CACHE_MAGIC = 'irqlabc1';
const HEADER = CACHE_MAGIC.length + 40 + 40;
const BUILD_LINE = '// irqlab-build ';

const sha1 = (data) => {
  const crypto = process.getBuiltinModule('node:crypto');
  return crypto.hash
    ? crypto.hash('sha1', data)
    : crypto.createHash('sha1').update(data).digest('hex');
};

/** The build id on the bundle's first line ('' without one: its cache is never read). */
function buildIdOf(source) {
  if (!source.startsWith(BUILD_LINE)) return '';
  const id = source.slice(BUILD_LINE.length, BUILD_LINE.length + 40);
  return /^[0-9a-f]{40}$/.test(id) ? id : '';
}

/** V8's data from a cache file made for this build and intact; undefined otherwise. */
function cacheFor(buf, buildId) {
  if (!buildId || buf.length <= HEADER) return undefined;
  if (buf.toString('latin1', 0, CACHE_MAGIC.length) !== CACHE_MAGIC) return undefined;
  if (buf.toString('latin1', CACHE_MAGIC.length, CACHE_MAGIC.length + 40) !== buildId)
    return undefined;
  const data = buf.subarray(HEADER);
  return sha1(data) === buf.toString('latin1', CACHE_MAGIC.length + 40, HEADER) ? data : undefined;
}

export function runCliBundle(dir) {
  const file = path.join(dir, 'cli.js');
  const cacheFile = `${file}.v8cache`;
  const source = readFileSync(file, 'utf8');
  const buildId = buildIdOf(source);
  let cachedData;
  try {
    cachedData = cacheFor(readFileSync(cacheFile), buildId);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(source, { filename: file, cachedData });
  if (
    buildId &&
    (!cachedData || script.cachedDataRejected || process.env.IRQLAB_CLI_CACHE === 'refresh')
  ) {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        const data = script.createCachedData();
        writeFileSync(
          tmp,
          Buffer.concat([Buffer.from(CACHE_MAGIC + buildId + sha1(data), 'latin1'), data]),
        );
        renameSync(tmp, cacheFile);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          // nothing written
        }
      }
    });
  }
  // The bundle's `import.meta.url` (core/store/migrate.ts finds migrations/ from it; the stepper
  // its worker) is the bundle file's URL.
  script.runInThisContext()(createRequire(file), pathToFileURL(file).href);
}

// The build stamps' format (scripts/stamp.mjs).
export const STAMP_VERSION = 1;

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
  if (
    stamp?.version !== STAMP_VERSION ||
    !Array.isArray(stamp.inputs) ||
    !Array.isArray(stamp.outputs)
  )
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
