// better-sqlite3 for two runtimes at once. Its addon is compiled against one runtime's ABI
// (NODE_MODULE_VERSION): the CLI, the tests and browser mode run on Node, the desktop app on
// Electron, whose ABI differs. Rebuilding the one in node_modules for either breaks the other
// (better-sqlite3 #549, #704, #1163), so each runtime has its own build and every database here
// is opened through openDatabase(), which hands better-sqlite3 the addon of the runtime this
// process runs on (its `nativeBinding` option) and never lets it search for one.
//
//   Node      node_modules/better-sqlite3/build/Release/better_sqlite3.node (what `npm install`
//             builds; `npm rebuild better-sqlite3` makes it again)
//   Electron  native/electron-<abi>/better_sqlite3.node (`npm run rebuild:electron`, which builds
//             a copy of the package and never touches the Node build); in the packaged app the
//             same path inside app.asar, unpacked beside it.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export type RuntimeName = 'node' | 'electron';

/** The runtime a process runs on and its native-module ABI (process.versions.modules). */
export interface Runtime {
  name: RuntimeName;
  abi: string;
}

/** Where each runtime's build lives. */
export interface BindingLayout {
  /** Holds `electron-<abi>/better_sqlite3.node`. */
  nativeDir: string;
  /** The Node build: better-sqlite3's own build/Release/better_sqlite3.node. */
  nodeBuild: string;
}

/**
 * This process's runtime. The Electron main process sets IRQLAB_RUNTIME=electron for its worker
 * threads, which inherit its environment (their process.versions need not name Electron).
 */
export function currentRuntime(
  versions: NodeJS.ProcessVersions = process.versions,
  env: NodeJS.ProcessEnv = process.env,
): Runtime {
  const electron = Boolean(versions.electron) || env.IRQLAB_RUNTIME === 'electron';
  return { name: electron ? 'electron' : 'node', abi: versions.modules };
}

export function runtimeLabel(runtime: Runtime): string {
  return `${runtime.name}-${runtime.abi}`;
}

/** The command that makes the build a runtime needs. */
export function fixCommand(runtime: Runtime): string {
  return runtime.name === 'electron' ? 'npm run rebuild:electron' : 'npm rebuild better-sqlite3';
}

/**
 * The repository (or, packaged, the app inside app.asar): two folders above this file, as for
 * migrations/ (core/store/ in the sources; .vite/build/, dist/cli/ and dist/host/ for bundles).
 */
function appRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Where the builds are for this process; IRQLAB_NATIVE_DIR overrides native/. */
export function defaultLayout(): BindingLayout {
  let nodeBuild: string;
  try {
    const pkg = require.resolve('better-sqlite3/package.json');
    nodeBuild = path.join(path.dirname(pkg), 'build', 'Release', 'better_sqlite3.node');
  } catch {
    nodeBuild = path.join(
      appRoot(),
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
  }
  return {
    nativeDir: process.env.IRQLAB_NATIVE_DIR || path.join(appRoot(), 'native'),
    nodeBuild,
  };
}

/**
 * The file `runtime` loads. Native code cannot be loaded from inside an asar archive: the
 * packaged app's copy sits in app.asar.unpacked at the same relative path.
 */
export function bindingPath(runtime: Runtime, layout: BindingLayout): string {
  if (runtime.name === 'node') return layout.nodeBuild;
  const file = path.join(layout.nativeDir, runtimeLabel(runtime), 'better_sqlite3.node');
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/** The build this runtime needs is missing or was made for another one. */
export class NativeBindingError extends Error {
  readonly code = 'native-binding';
}

/**
 * The startup check: the path of this runtime's build, or a NativeBindingError saying which build
 * is missing and the command that makes it. A Node build that @electron/rebuild rebuilt in place
 * (its `.forge-meta` names another ABI) is refused here, before it is loaded.
 */
export function checkBinding(runtime: Runtime, layout: BindingLayout): string {
  const file = bindingPath(runtime, layout);
  const label = runtimeLabel(runtime);
  const runtimeName = runtime.name === 'electron' ? 'Electron' : 'Node';
  if (!existsSync(file))
    throw new NativeBindingError(
      `better-sqlite3 has no build for ${label} (this process runs on ${runtimeName}, ABI ${runtime.abi}): ` +
        `${file} is missing. Run \`${fixCommand(runtime)}\` in the irqlab folder.`,
    );
  if (runtime.name === 'node') {
    const meta = path.join(path.dirname(file), '.forge-meta');
    const stamped = existsSync(meta) ? readFileSync(meta, 'utf8').trim() : '';
    const abi = stamped.split('--')[1];
    if (abi && abi !== runtime.abi)
      throw new NativeBindingError(
        `better-sqlite3's Node build (${file}) was rebuilt in place for another runtime (ABI ${abi}, ` +
          `by @electron/rebuild); Node needs ABI ${runtime.abi}. Run \`${fixCommand(runtime)}\` in the ` +
          'irqlab folder (the desktop app has its own build in native/: `npm run rebuild:electron`).',
      );
  }
  return file;
}

const loaded = new Map<string, object>();

/** Loads (once per file) the addon `runtime` needs, with the check's errors. */
export function loadBinding(
  runtime: Runtime = currentRuntime(),
  layout: BindingLayout = defaultLayout(),
): object {
  const file = checkBinding(runtime, layout);
  let addon = loaded.get(file);
  if (!addon) {
    try {
      addon = require(file) as object;
    } catch (err) {
      const why = (err as Error).message.split('\n')[0];
      throw new NativeBindingError(
        `better-sqlite3's build for ${runtimeLabel(runtime)} (${file}) cannot be loaded: ${why}. ` +
          `Run \`${fixCommand(runtime)}\` in the irqlab folder.`,
      );
    }
    loaded.set(file, addon);
  }
  return addon;
}

/**
 * `new Database(...)` with this runtime's addon: the one way this code base opens SQLite. A
 * Buffer opens a serialized database in memory, as better-sqlite3 does.
 */
export function openDatabase(
  filename: string | Buffer,
  options: Omit<Database.Options, 'nativeBinding'> = {},
): Database.Database {
  // better-sqlite3 takes the loaded addon object too (its type names only a path).
  const nativeBinding = loadBinding() as unknown as string;
  return new Database(filename as string, { ...options, nativeBinding });
}
