// `npm start`: the desktop app when Electron's binary is installed, browser mode when it is not
// (an offline install, see scripts/fetch-electron.mjs). Either way the app opens on the built-in
// example machine. Browser mode prints its full address, with the per-start token.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const exe = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

if (electronBinary() && process.env.IRQLAB_BROWSER_MODE !== '1') {
  run(bin('electron-forge'), ['start']);
} else {
  console.log(
    "irqlab: Electron's binary is not installed here; starting browser mode (the same app in your browser).",
  );
  // The host prints its address with this start's access token (?token=...): the page needs it.
  console.log('irqlab: open the address printed below, token included.');
  const build = spawnSync(
    bin('vite'),
    ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(bin('tsx'), ['electron/node/browser-host.ts', ...process.argv.slice(2)]);
}
