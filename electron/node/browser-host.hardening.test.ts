// What a web page on another origin, a DNS-rebinding site or a broken client can do to the
// browser-mode host: nothing but get refused. The host runs in its own process (host-testkit),
// so a crash shows as a dead process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/service';
import { MAX_FILE_BYTES } from '../api/limits';
import {
  createWireTransport,
  TOKEN_HEADER,
  UPLOAD_PATH,
  WS_MESSAGE_MAX_BYTES,
  type SocketLike,
} from '../api/wire';
import {
  answersAppInfo,
  frame,
  rawHttp,
  rawSocket,
  sendAndWaitClose,
  spawnHost,
  type HostProcess,
} from './host-testkit';

let host: HostProcess;

beforeAll(async () => {
  host = await spawnHost();
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

/** The page's own transport (electron/api/wire.ts), driven from Node with `ws`. */
function pageTransport(token: string | null = host.token) {
  return createWireTransport({
    origin: host.origin,
    token,
    openSocket: (url, protocols) =>
      new WebSocket(url, protocols, { origin: host.origin }) as unknown as SocketLike,
    fetch,
  });
}

describe('a malformed WebSocket frame closes its socket, never the host', () => {
  const cases: [string, Buffer][] = [
    ['a reserved opcode (0x3)', frame({ opcode: 0x3, payload: Buffer.from('x') })],
    [
      'an unmasked frame from the client',
      frame({ opcode: 0x1, masked: false, payload: Buffer.from('{}') }),
    ],
    [
      'RSV1 set with no extension agreed',
      frame({ opcode: 0x1, rsv: 0x40, payload: Buffer.from('{}') }),
    ],
    [
      'a text frame that is not UTF-8',
      frame({ opcode: 0x1, payload: Buffer.from([0xff, 0xfe, 0xc3]) }),
    ],
    [
      'a length of 256 MiB',
      frame({ opcode: 0x1, declaredLength: 256 * 1024 * 1024, payload: Buffer.from('{"id":1') }),
    ],
    ['a continuation with nothing to continue', frame({ opcode: 0x0, payload: Buffer.from('x') })],
    ['a fragmented ping', frame({ opcode: 0x9, fin: false, payload: Buffer.from('x') })],
    [
      'a ping of 200 bytes (control frames are at most 125)',
      frame({ opcode: 0x9, payload: Buffer.alloc(200) }),
    ],
    ['a close frame with a 1-byte body', frame({ opcode: 0x8, payload: Buffer.from([3]) })],
  ];
  for (const [name, bytes] of cases) {
    it(name, async () => {
      const { socket, status } = await rawSocket(host.port, { token: host.token });
      expect(status).toBe(101);
      expect(await sendAndWaitClose(socket, bytes)).toBe(true);
      expect(host.alive()).toBe(true);
      expect(await answersAppInfo(host)).toBe(true);
    });
  }

  it('a message over the socket limit (the page never sends one: it uploads)', async () => {
    const { socket, status } = await rawSocket(host.port, { token: host.token });
    expect(status).toBe(101);
    const big = frame({ opcode: 0x1, payload: Buffer.alloc(WS_MESSAGE_MAX_BYTES + 1, 0x20) });
    expect(await sendAndWaitClose(socket, big, 10_000)).toBe(true);
    expect(host.alive()).toBe(true);
    expect(await answersAppInfo(host)).toBe(true);
  });

  it('a request line the HTTP parser refuses', async () => {
    const r = await rawHttp(host.port, 'GARBAGE \x00\x01 HTTP/9\r\n\r\n');
    expect(r.status).toBe(400);
    expect(host.alive()).toBe(true);
    expect(await answersAppInfo(host)).toBe(true);
  });
});

describe('large payloads travel as uploads, with no cliff below the one file limit', () => {
  it('a machine text whose JSON escaping doubles it past 64 MiB is answered', async () => {
    // 40 MB of quotes: 80 MB once escaped into a message, under the 64 MiB file limit as text.
    const text = '"'.repeat(40 * 1000 * 1000);
    const result = await pageTransport()('machine.validate', { text });
    expect(result).toMatchObject({ ok: true, value: { ok: false } });
    expect(host.alive()).toBe(true);
  }, 120_000);

  it('three 22 MB logs imported at once are answered', async () => {
    const line = '[    0.000000] Linux version 6.1.0 (irqlab test) #1 SMP\n';
    const text = line.repeat(Math.ceil((22 * 1000 * 1000) / line.length));
    const files = [1, 2, 3].map((n) => ({ name: `dmesg-${n}.txt`, text }));
    const result = await pageTransport()('import.artefacts', { files });
    expect(result.ok ? 'answered' : result.error.message).toBe('answered');
    expect(host.alive()).toBe(true);
  }, 180_000);

  it('the one limit is the same on every path: upload, page, channel table (IPC)', async () => {
    const over = 'x'.repeat(MAX_FILE_BYTES + 1);
    // HTTP: the upload endpoint refuses the body past the cap.
    const res = await fetch(host.origin + UPLOAD_PATH, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token },
      body: over,
    }).catch((err: Error) => err);
    if (res instanceof Error) expect.fail(`the upload failed without an answer: ${res.message}`);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('at most 64 MiB');
    // The page: refused before it is sent, with the same words.
    const viaPage = await pageTransport()('machine.validate', { text: over });
    expect(viaPage.ok).toBe(false);
    if (!viaPage.ok) expect(viaPage.error.message).toContain('at most 64 MiB');
    // Electron IPC and the socket: the channel table.
    const viaTable = await dispatch(
      createHandlers({ mode: 'browser', version: 't', platform: 'linux' }),
      'machine.validate',
      { text: over },
    );
    expect(viaTable.ok).toBe(false);
    if (!viaTable.ok) expect(viaTable.error.message).toContain('a machine file is at most 64 MiB');
    // Exactly at the limit is fine (counted in UTF-8 bytes: 'é' is two).
    const at = 'é'.repeat(MAX_FILE_BYTES / 2);
    const atResult = await dispatch(
      createHandlers({ mode: 'browser', version: 't', platform: 'linux' }),
      'machine.validate',
      { text: at },
    );
    expect(atResult).toMatchObject({ ok: true, value: { ok: false } });
    const overByOne = await dispatch(
      createHandlers({ mode: 'browser', version: 't', platform: 'linux' }),
      'machine.validate',
      { text: at + 'x' },
    );
    expect(overByOne.ok).toBe(false);
    expect(host.alive()).toBe(true);
  }, 120_000);

  it('an upload is used once, and a made-up upload id is refused', async () => {
    const ws = await (await import('./host-testkit')).connectApi(host.origin, host.token);
    const { call } = await import('./host-testkit');
    const made = await call(ws, 1, 'machine.validate', {
      text: { $upload: 'u' + '0'.repeat(32), encoding: 'utf8' },
    });
    expect(made.result.error?.message).toContain('is not known');
    const up = await fetch(host.origin + UPLOAD_PATH, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token },
      body: '{}',
    });
    const { uploadId } = (await up.json()) as { uploadId: string };
    const ref = { $upload: uploadId, encoding: 'utf8' };
    const first = await call(ws, 2, 'machine.validate', { text: ref });
    expect(first.result.ok).toBe(true);
    const again = await call(ws, 3, 'machine.validate', { text: ref });
    expect(again.result.error?.message).toContain('is not known');
    ws.terminate();
  });
});

describe('a session file from the page', () => {
  it('goes up as raw bytes and arrives as the base64 the channel table checks', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { Session } = await import('../../core/store/session');
    const { call, connectApi } = await import('./host-testkit');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'irqlab-up-')), 'bring-up.irqlab');
    const session = Session.open(file, { create: true });
    session.saveMachine('m', '{}');
    session.close();
    const up = await fetch(host.origin + UPLOAD_PATH, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: host.token },
      body: readFileSync(file),
    });
    const { uploadId } = (await up.json()) as { uploadId: string };
    const ws = await connectApi(host.origin, host.token);
    const reply = await call(ws, 1, 'session.upload', {
      fileName: 'bring-up.irqlab',
      base64: { $upload: uploadId, encoding: 'base64' },
    });
    expect(reply.result).toMatchObject({ ok: true, value: { machine: { name: 'm' } } });
    ws.terminate();
  });
});

describe('DNS rebinding: only the names the host is bound to are answered', () => {
  it('a WebSocket for evil.example:port with a matching Origin is refused', async () => {
    const evil = `evil.example:${host.port}`;
    const { status } = await rawSocket(host.port, {
      token: host.token,
      headers: { Host: evil, Origin: `http://${evil}` },
    });
    expect(status).toBe(403);
  });

  it('plain HTTP for another name is refused; 127.0.0.1, localhost and [::1] are answered', async () => {
    const get = (h: string) =>
      rawHttp(host.port, `GET / HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`);
    expect((await get(`evil.example:${host.port}`)).status).toBe(403);
    expect((await get(`127.0.0.1.evil.example:${host.port}`)).status).toBe(403);
    expect((await get('127.0.0.1')).status).toBe(403);
    for (const h of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'])
      expect((await get(`${h}:${host.port}`)).status, h).toBe(200);
  });

  it('a WebSocket from another origin is refused', async () => {
    const { status } = await rawSocket(host.port, {
      token: host.token,
      headers: { Origin: 'http://evil.example' },
    });
    expect(status).toBe(403);
    const none = await rawSocket(host.port, { token: host.token, headers: { Origin: null } });
    expect(none.status).toBe(403);
  });
});

describe('the per-start token', () => {
  it('is printed in the URL at start', () => {
    expect(host.banner).toContain(`${host.origin}/?token=${host.token}`);
  });

  it('the static page loads without it', async () => {
    expect((await fetch(host.origin + '/')).status).toBe(200);
  });

  it('the API socket refuses a missing or wrong token (401)', async () => {
    expect((await rawSocket(host.port, { token: null })).status).toBe(401);
    expect((await rawSocket(host.port, { token: 'f'.repeat(32) })).status).toBe(401);
    expect((await rawSocket(host.port, { token: host.token + 'x' })).status).toBe(401);
    expect((await rawSocket(host.port, { token: host.token })).status).toBe(101);
  });

  it('the page transport says where to find it', async () => {
    const result = await pageTransport(null)('app.info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('?token=');
    const wrong = await pageTransport('0'.repeat(32))('app.info', {});
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toContain('does not know this page');
  });

  it('uploads and downloads need it', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(host.origin + UPLOAD_PATH, { method: 'POST', headers, body: 'x' });
    expect((await post({})).status).toBe(401);
    expect((await post({ [TOKEN_HEADER]: 'nope-nope-nope-nope' })).status).toBe(401);
    expect((await post({ [TOKEN_HEADER]: host.token })).status).toBe(200);
    // Another origin cannot upload even with the token (a page that stole it cannot use it).
    expect((await post({ [TOKEN_HEADER]: host.token, Origin: 'http://evil.example' })).status).toBe(
      403,
    );
    const exportUrl = `${host.origin}/exports/${'0'.repeat(24)}/x.csv`;
    expect((await fetch(exportUrl)).status).toBe(401);
    expect((await fetch(`${exportUrl}?token=${host.token}`)).status).toBe(404);
  });
});

describe('what a socket leaves behind', () => {
  it('the sessions it opened are closed when it goes', async () => {
    const { call, connectApi } = await import('./host-testkit');
    const a = await connectApi(host.origin, host.token);
    const opened = await call(a, 1, 'session.new', { machineName: 'm', machineText: '{}' });
    const { sessionId } = opened.result.value as { sessionId: string };
    a.close();
    const b = await connectApi(host.origin, host.token);
    // The close is handled as the host reads it: ask until it has been.
    for (;;) {
      const r = await call(b, 2, 'runs.list', { sessionId });
      if (!r.result.ok) {
        expect(r.result.error?.message).toContain('was closed');
        break;
      }
    }
    b.terminate();
  });

  it('SIGTERM during a large boot: the host exits within seconds', async () => {
    const { PRESETS } = await import('../../core/model/presets');
    const { connectApi } = await import('./host-testkit');
    const other = await spawnHost();
    const ws = await connectApi(other.origin, other.token);
    const text = JSON.stringify(PRESETS.large!.make());
    ws.send(JSON.stringify({ id: 1, channel: 'machine.simulate', request: { text } }));
    ws.send(
      JSON.stringify({
        id: 2,
        channel: 'session.new',
        request: { machineName: 'm', machineText: '{}' },
      }),
    );
    await new Promise<void>((resolve) => ws.on('message', () => resolve()));
    const ms = await other.stop();
    expect(ms).toBeLessThan(5000);
  }, 120_000);
});
