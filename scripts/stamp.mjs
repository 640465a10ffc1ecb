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
//
// The check itself (checkStamp) lives in cli-bundle.mjs, beside the CLI bundle's runner, so that
// bin/irqlab.mjs loads one module at every start, not two (each costs a resolve, a read and a
// compile); it is exported from here too. Built-ins through process.getBuiltinModule, as there.
import { checkStamp, STAMP_VERSION as VERSION } from './cli-bundle.mjs';

const { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } =
  process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');

export { checkStamp };

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

/** Every file under `dir` (a build's output folder), as absolute paths. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
