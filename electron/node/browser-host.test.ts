import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../api/wire';
import { parseDebugDelay, startBrowserHost, type BrowserHost } from './browser-host';

let host: BrowserHost;
let origin: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-static-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>irqlab</title>');
  host = await startBrowserHost({ port: 0, staticDir: dir });
  origin = host.origin;
});
afterAll(() => host.close());

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${origin.replace('http', 'ws')}/api`,
      [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + host.token],
      { headers },
    );
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function ask(
  ws: WebSocket,
  message: string,
): Promise<{ id: unknown; result: { ok: boolean; error?: { code: string } } }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(message);
  });
}

describe('browser-mode host', () => {
  it('serves the renderer with the strict Content-Security-Policy', async () => {
    const res = await fetch(host.origin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`${origin}/..%2f..%2fpackage.json`);
    expect(res.status).toBe(404);
  });

  it('answers API calls from its own origin over WebSocket', async () => {
    const ws = await connect({ Origin: origin });
    const reply = await ask(ws, JSON.stringify({ id: 7, channel: 'app.info', request: {} }));
    expect(reply.id).toBe(7);
    expect(reply.result).toMatchObject({ ok: true, value: { mode: 'browser' } });
    ws.close();
  });

  it('refuses a WebSocket from another origin (another site in the same browser)', async () => {
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('survives hostile messages and answers each with an error', async () => {
    const ws = await connect({ Origin: origin });
    expect((await ask(ws, 'not json')).result.error?.code).toBe('invalid-request');
    expect((await ask(ws, 'null')).result.error?.code).toBe('unknown-channel');
    expect(
      (await ask(ws, JSON.stringify({ id: 1, channel: 'machine.validate', request: { text: 5 } })))
        .result.error?.code,
    ).toBe('invalid-request');
    // Still alive afterwards.
    const reply = await ask(ws, JSON.stringify({ id: 2, channel: 'app.info', request: {} }));
    expect(reply.result.ok).toBe(true);
    ws.close();
  });
});

describe('a slowed debugger for tests (IRQLAB_DEBUG_DELAY_MS)', () => {
  it('holds debug.* answers only, after the engine took the command', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-static-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>irqlab</title>');
    const slow = await startBrowserHost({ port: 0, staticDir: dir, debugDelayMs: 300 });
    const slowOrigin = slow.origin;
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const w = new WebSocket(
        `${slowOrigin.replace('http', 'ws')}/api`,
        [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + slow.token],
        { headers: { Origin: slowOrigin } },
      );
      w.once('open', () => resolve(w));
      w.once('error', reject);
    });
    const order: unknown[] = [];
    const both = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        order.push((JSON.parse(data.toString()) as { id: unknown }).id);
        if (order.length === 2) resolve();
      }),
    );
    ws.send(JSON.stringify({ id: 'debug', channel: 'debug.close', request: { debugId: 'd9' } }));
    ws.send(JSON.stringify({ id: 'info', channel: 'app.info', request: {} }));
    await both;
    // Asked second, answered first: only the debugger's answer was held.
    expect(order).toEqual(['info', 'debug']);
    ws.close();
    await slow.close();
  });

  it('is read only when set, and refuses what is not a number of milliseconds', () => {
    expect(parseDebugDelay(undefined)).toBeUndefined();
    expect(parseDebugDelay('')).toBeUndefined();
    expect(parseDebugDelay('250')).toBe(250);
    expect(() => parseDebugDelay('fast')).toThrow(/IRQLAB_DEBUG_DELAY_MS .* not "fast"/);
    expect(() => parseDebugDelay('-5')).toThrow(/from 0 to 60000/);
  });
});

describe('simulations in browser mode', () => {
  it("run off the host's thread: it keeps answering while a big machine boots", async () => {
    const { PRESETS } = await import('../../core/model/presets');
    const ws = await connect({ Origin: origin });
    const replies: {
      id: unknown;
      result: { ok: boolean; value?: { ok?: boolean; irqs?: number } };
    }[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        replies.push(JSON.parse(data.toString()));
        if (replies.length === 2) resolve();
      });
    });
    const text = JSON.stringify(PRESETS.large!.make());
    ws.send(JSON.stringify({ id: 'sim', channel: 'machine.simulate', request: { text } }));
    ws.send(JSON.stringify({ id: 'info', channel: 'app.info', request: {} }));
    await done;
    // The quick call was answered first: the boot did not block the host.
    expect(replies.map((r) => r.id)).toEqual(['info', 'sim']);
    expect(replies[1]!.result.ok).toBe(true);
    expect(replies[1]!.result.value?.irqs).toBeGreaterThan(100_000);
    ws.close();
  });
});

describe('exported reports in browser mode', () => {
  it('serves only the exact URL an export gave, never a path out of the exports folder', async () => {
    for (const p of [
      '/exports/../../etc/passwd',
      '/exports/%2e%2e/%2e%2e/etc/passwd',
      `/exports/${'0'.repeat(24)}/x.csv`,
      '/exports/',
      '/%E0%A4%A',
    ]) {
      const res = await fetch(`${origin}${p}?token=${host.token}`);
      expect(res.status, p).toBe(404);
    }
  });
});
