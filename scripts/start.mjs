// `npm start`: the desktop app when Electron's binary is installed, browser mode when it is not
// (an offline install, see scripts/fetch-electron.mjs). Either way the app opens on the built-in
// example machine. Browser mode prints its full address, with the per-start token.
//
// Browser mode builds the renderer only when its sources changed since the last build (the
// stamp vite.renderer.config.ts writes, checked by scripts/stamp.mjs in a few milliseconds), and
// runs the host as a JavaScript bundle (dist/host, rebuilt the same way; through tsx it would
// take seconds more to start). The `irqlab` command's bundle is kept up to date in the background.
//
// The desktop app loads its own better-sqlite3 build (native/electron-<abi>/), made by Forge's
// preStart hook (scripts/rebuild-electron.mjs) when missing; node_modules keeps Node's build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setInterval } from 'node:timers';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHost, HOST_DIR } from './build-cli.mjs';
import { checkStamp } from './stamp.mjs';
import { withHostMalloc } from '../electron/node/host-malloc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const exe = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  // npm does not pass a SIGTERM sent to `npm start` on to its script: npm exits and this process
  // is handed to init. Seeing the parent change, stop the app as if the signal had come here.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) forward('SIGTERM');
  }, 500).unref();
}

/** The CLI bundle (scripts/build-cli.mjs) rebuilt beside the app when a source changed. */
function refreshCli() {
  const state = checkStamp(path.join(root, 'dist', 'cli', 'stamp.json'), root);
  if (state.fresh) return;
  console.log(`irqlab: rebuilding the irqlab command's bundle in the background (${state.reason})`);
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== 0)
      console.error('irqlab: the CLI bundle did not build (npm run build:cli says why)');
  });
}

refreshCli();
if (electronBinary() && process.env.IRQLAB_BROWSER_MODE !== '1') {
  run(bin('electron-forge'), ['start']);
} else {
  console.log(
    "irqlab: Electron's binary is not installed here; starting browser mode (the same app in your browser).",
  );
  // The host prints its address with this start's access token (?token=...): the page needs it.
  console.log('irqlab: open the address printed below, token included.');
  const renderer = checkStamp(path.join(root, 'dist', 'renderer.stamp.json'), root);
  if (!renderer.fresh) {
    console.log(`irqlab: building the renderer (${renderer.reason})`);
    const build = spawnSync(
      bin('vite'),
      ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'],
      { cwd: root, stdio: 'inherit' },
    );
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  try {
    const host = await buildHost({ ifStale: true });
    if (host.built) console.log('irqlab: browser-mode host bundled in dist/host');
    run(
      process.execPath,
      [path.join(HOST_DIR, 'browser-host.mjs'), ...process.argv.slice(2)],
      withHostMalloc(process.env),
    );
  } catch (err) {
    console.warn(
      `irqlab: the host could not be bundled (${err.message.split('\n')[0]}); from source`,
    );
    run(
      bin('tsx'),
      ['electron/node/browser-host.ts', ...process.argv.slice(2)],
      withHostMalloc(process.env),
    );
  }
}
