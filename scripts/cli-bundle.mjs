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
// Built-ins come through process.getBuiltinModule, not import: an import of a built-in makes its
// ES module facade, which reads every export (node:fs's lazy ones load the fs streams and
// promises), a cost on every start of bin/irqlab.mjs.
const { readFileSync, renameSync, unlinkSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { pathToFileURL } = process.getBuiltinModule('node:url');
const vm = process.getBuiltinModule('node:vm');

export function runCliBundle(dir) {
  const file = path.join(dir, 'cli.js');
  const cacheFile = `${file}.v8cache`;
  const source = readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(source, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected || process.env.IRQLAB_CLI_CACHE === 'refresh') {
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
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
