// Fetches Electron's binary after `npm install`.
//
// package.json's "allowScripts" stops npm from running Electron's own postinstall, because on an
// offline machine that download fails and takes the whole install down with it. Here we run the
// same download ourselves: on an online machine Electron arrives as usual; offline, we say so and
// carry on, and `npm start` runs irqlab in browser mode instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // production install without devDependencies
  }
}

const dir = electronDir();
if (!dir) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('irqlab: ELECTRON_SKIP_BINARY_DOWNLOAD is set; not fetching Electron.');
  process.exit(0);
}
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0); // already installed

const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: 5 * 60_000,
  encoding: 'utf8',
});
if (result.status === 0 && existsSync(path.join(dir, 'path.txt'))) {
  console.log('irqlab: Electron binary installed; `npm start` opens the desktop app.');
} else {
  // The download error's first line says why (e.g. "RequestError: getaddrinfo ENOTFOUND ...").
  const why = (result.stderr || result.error?.message || '')
    .split('\n')
    .find((line) => /error/i.test(line))
    ?.trim();
  console.log(
    `irqlab: Electron's binary could not be fetched (${why || 'no network'}).\n` +
      'irqlab: `npm start` will run in browser mode (same app, served on 127.0.0.1).',
  );
}
process.exit(0);
