// The browser the UI benchmarks drive: Debian's chromium (Playwright cannot download its own
// here), CHROMIUM_PATH to change, with the flags that keep it off the network; and the host they
// drive it against.
import { withHostMalloc } from '../electron/node/host-malloc.mjs';
import { chromium, type Browser } from '@playwright/test';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { HOST_DIR } from '../scripts/build-cli.mjs';

const repo = path.resolve(import.meta.dirname, '..');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/**
 * The browser-mode host as `npm start` runs it: the bundle dist/host (build it first:
 * buildHost), a process of its own on a free port, with `dir`'s sessions and config folders.
 */
export async function startHost(dir: string) {
  const token = randomBytes(16).toString('hex');
  const child = spawn(
    process.execPath,
    [
      path.join(HOST_DIR, 'browser-host.mjs'),
      '--port',
      '0',
      '--sessions-dir',
      path.join(dir, 'sessions'),
    ],
    {
      cwd: repo,
      // As scripts/start.mjs starts it: with the host's malloc policy.
      env: {
        ...withHostMalloc(process.env),
        IRQLAB_TOKEN: token,
        IRQLAB_CONFIG_DIR: path.join(dir, 'config'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return { child, url: await listeningUrl(child, 'the host') };
}

/** The URL a server process started by a benchmark prints ("running at <url>") once it listens. */
export function listeningUrl(child: ChildProcessByStdio<null, Readable, null>, what: string) {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${out}`)));
  });
}
