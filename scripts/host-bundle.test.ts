// The browser-mode host as `npm start` runs it: the JavaScript bundle scripts/build-cli.mjs makes
// (buildHost), built here into a folder of its own beside dist/host, serving the API over
// WebSocket and running a boot in its bundled simulation worker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { repoRoot } from '../core/testing/shared';
import { PRESETS } from '../core/model/presets';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../electron/api/wire';
import type { BrowserHost, BrowserHostOptions } from '../electron/node/browser-host';
import { buildHost } from './build-cli.mjs';
import { checkStamp } from './stamp.mjs';

// Two folders below the root, as dist/host (the host finds the repository from there).
const dir = path.join(repoRoot, 'dist', `host-test-${process.pid}`);
const tmp = mkdtempSync(path.join(tmpdir(), 'irqlab-host-bundle-'));
let host: BrowserHost;

beforeAll(async () => {
  expect(await buildHost({ outdir: dir })).toMatchObject({ built: true });
  const bundle = (await import(pathToFileURL(path.join(dir, 'browser-host.mjs')).href)) as {
    startBrowserHost(o: BrowserHostOptions): Promise<BrowserHost>;
  };
  writeFileSync(path.join(tmp, 'index.html'), '<!doctype html><title>irqlab</title>');
  host = await bundle.startBrowserHost({
    port: 0,
    staticDir: tmp,
    sessionsDir: path.join(tmp, 'sessions'),
  });
}, 300_000);
afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the bundled browser-mode host', () => {
  it('is recorded as up to date by its stamp, so the next npm start does not build it', () => {
    expect(checkStamp(path.join(dir, 'stamp.json'), repoRoot)).toEqual({ fresh: true });
  });

  it('serves the page and answers a boot from its bundled simulation worker', async () => {
    expect((await fetch(host.url)).status).toBe(200);
    const origin = host.origin;
    // The bundle is the same host: it wants this start's token too.
    const ws = new WebSocket(
      `${origin.replace('http', 'ws')}/api`,
      [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + host.token],
      { headers: { Origin: origin } },
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = await new Promise<{ result: { ok: boolean; value?: { irqs?: number } } }>(
      (resolve) => {
        ws.once('message', (data) => resolve(JSON.parse(data.toString())));
        const text = JSON.stringify(PRESETS.example!.make());
        ws.send(JSON.stringify({ id: 1, channel: 'machine.simulate', request: { text } }));
      },
    );
    ws.close();
    expect(reply.result.ok).toBe(true);
    expect(reply.result.value?.irqs).toBeGreaterThan(10);
  });
});
