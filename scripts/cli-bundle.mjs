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
const {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { pathToFileURL } = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

/**
 * The cache file: a header, then what V8's createCachedData() gave. V8 checks that data against
 * the source's length and its own version and flags only (release builds verify no checksum): a
 * cache made for another bundle of the same length would be taken, and one with a damaged byte
 * can crash the process. The header names the bundle it was made for (the build id the build
 * writes on the bundle's first line, a hash of its content) and a checksum of the data.
 */
const CACHE_MAGIC = 'irqlabc2';
const BUILD_LINE = '// irqlab-build ';
const HEADER = CACHE_MAGIC.length + 40 + 8;

/**
 * FNV-1a over the data's 32-bit little-endian words, in WebAssembly: the exported function
 * h(offset, bytes) of memory m. In JavaScript it costs a start ~4 ms for the 1 MB cache, and
 * loading node:crypto or node:zlib (for a hash or a CRC) as much; this, under a millisecond.
 * The module, as text (one function, one memory):
 *   (func (export "h") (param $at i32) (param $bytes i32) (result i32)
 *     (local $hash i32) (local $end i32)
 *     (local.set $end (i32.add (local.get $bytes) (local.get $at)))
 *     (local.set $hash (i32.const 0x811c9dc5))                 ;; FNV offset basis
 *     (block (loop
 *       (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *       (local.set $hash (i32.mul (i32.xor (local.get $hash) (i32.load (local.get $at)))
 *                                 (i32.const 0x01000193)))    ;; FNV prime
 *       (local.set $at (i32.add (local.get $at) (i32.const 4)))
 *       (br 0)))
 *     (local.get $hash))
 *   (memory (export "m") 1)
 */
const CHECKSUM_WASM =
  '0061736d0100000001070160027f7f017f03020100050301000107090201680000016d02000a3d013b01027f' +
  '200120006a210341c5bbf28878210202400340200020034f0d01200220002802007341938380086c210220' +
  '0041046a21000c000b0b20020b';

/** WebAssembly memory of at least `size` bytes, and the checksum of a range of it. */
function checksummer(size) {
  const wasm = globalThis.WebAssembly;
  const { exports: w } = new wasm.Instance(new wasm.Module(Buffer.from(CHECKSUM_WASM, 'hex')));
  w.m.grow(Math.ceil(size / 65536));
  return {
    memory: new Uint8Array(w.m.buffer, 0, size),
    // Whole words only: V8's data is a multiple of 4 bytes long (else no cache is kept).
    checksum: (offset, bytes) =>
      bytes % 4 === 0 ? (w.h(offset, bytes) >>> 0).toString(16).padStart(8, '0') : null,
  };
}

/** The build id on the bundle's first line ('' without one: no cache is read or written). */
function buildIdOf(source) {
  if (!source.startsWith(BUILD_LINE)) return '';
  const id = source.slice(BUILD_LINE.length, BUILD_LINE.length + 40);
  return /^[0-9a-f]{40}$/.test(id) ? id : '';
}

/**
 * V8's data from the cache file when it was made for this build and is intact; undefined
 * otherwise. Read straight into the checksum's memory (no copy).
 */
function readCache(cacheFile, buildId) {
  if (!buildId) return undefined;
  const fd = openSync(cacheFile, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= HEADER) return undefined;
    const { memory, checksum } = checksummer(size);
    let got = 0;
    for (let n; got < size && (n = readSync(fd, memory, got, size - got, got)) > 0;) got += n;
    const header = Buffer.from(memory.buffer, 0, HEADER).toString('latin1');
    if (got !== size || header !== CACHE_MAGIC + buildId + checksum(HEADER, size - HEADER))
      return undefined;
    return memory.subarray(HEADER);
  } finally {
    closeSync(fd);
  }
}

/** The cache file's bytes for V8's data (null when it cannot be checksummed). */
function cacheFileBytes(data, buildId) {
  const { memory, checksum } = checksummer(data.length);
  memory.set(data);
  const sum = checksum(0, data.length);
  return sum && Buffer.concat([Buffer.from(CACHE_MAGIC + buildId + sum, 'latin1'), data]);
}

export function runCliBundle(dir) {
  const file = path.join(dir, 'cli.js');
  const cacheFile = `${file}.v8cache`;
  const source = readFileSync(file, 'utf8');
  const buildId = buildIdOf(source);
  let cachedData;
  try {
    cachedData = readCache(cacheFile, buildId);
  } catch {
    // No file, or no WebAssembly (node --jitless): compiled from the source.
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
        const bytes = cacheFileBytes(script.createCachedData(), buildId);
        if (!bytes) return;
        writeFileSync(tmp, bytes);
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
