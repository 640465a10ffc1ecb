// Test kit for the browser-mode host as an attacker or a broken client sees it: a real host in
// its own process (so a crash is a dead process, not a failed promise), raw TCP connections, and
// hand-made WebSocket frames (RFC 6455 section 5.2) that no well-behaved client would send.
// Used by browser-host.hardening.test.ts, host.fuzz.test.ts and scripts/fuzz-host.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../api/wire';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HostProcess {
  origin: string;
  port: number;
  token: string;
  /** What the host printed at start. */
  banner: string;
  child: ChildProcess;
  alive(): boolean;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM; resolves with how long it took to exit. */
  stop(): Promise<number>;
}

/** Starts `electron/node/browser-host.ts` on a free port with its own folders and token. */
export async function spawnHost(env: Record<string, string> = {}): Promise<HostProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-host-kit-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>irqlab</title>');
  const token = randomBytes(16).toString('hex');
  const child = spawn(
    path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
    [
      path.join(repoRoot, 'electron', 'node', 'browser-host.ts'),
      '--port',
      '0',
      '--static-dir',
      staticDir,
      '--sessions-dir',
      path.join(dir, 'sessions'),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, IRQLAB_TOKEN: token, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let exited = false;
  let stderr = '';
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('running at'));
      if (line) resolve(line);
    });
    void exit.then(() => reject(new Error(`the host exited at start:\n${stderr}`)));
  });
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    token,
    banner,
    child,
    alive: () => !exited,
    stderr: () => stderr,
    async stop() {
      const t0 = performance.now();
      if (!exited) child.kill('SIGTERM');
      await exit;
      rmSync(dir, { recursive: true, force: true });
      return performance.now() - t0;
    },
  };
}

/** A well-behaved API client (the `ws` library), with the page's origin and token. */
export function connectApi(
  origin: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const protocols = token ? [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token] : [API_PROTOCOL];
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api`, protocols, {
      headers: { Origin: origin, ...headers },
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export type Reply = {
  id: unknown;
  result: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
};

/** Sends one call and waits for the answer with its id. */
export function call(ws: WebSocket, id: string | number, channel: string, request: unknown) {
  return new Promise<Reply>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(data.toString()) as Reply;
      if (reply.id !== id) return;
      ws.off('message', onMessage);
      resolve(reply);
    };
    ws.on('message', onMessage);
    ws.once('close', (code) => reject(new Error(`socket closed (${code})`)));
    ws.send(JSON.stringify({ id, channel, request }));
  });
}

/** Is the host alive and answering: a fresh socket, a valid `app.info`. */
export async function answersAppInfo(host: Pick<HostProcess, 'origin' | 'token'>) {
  const ws = await connectApi(host.origin, host.token);
  try {
    const reply = await call(ws, 'probe', 'app.info', {});
    return reply.result.ok;
  } finally {
    ws.terminate();
  }
}

export interface FrameSpec {
  fin?: boolean;
  /** RSV1..3 as bits 4..6 of the first byte (0x40, 0x20, 0x10). */
  rsv?: number;
  opcode: number;
  /** Client frames must be masked; false sends one unmasked. */
  masked?: boolean;
  payload?: Buffer;
  /** A length field that does not match the payload (a 256 MiB claim with 10 bytes behind it). */
  declaredLength?: number;
}

/** One WebSocket frame, byte by byte. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const length = spec.declaredLength ?? payload.length;
  const masked = spec.masked ?? true;
  const head: number[] = [((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv ?? 0) | (spec.opcode & 0x0f)];
  const m = masked ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126) head.push(m | length);
  else if (length < 65536) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(length);
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(length));
  }
  const key = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/**
 * A raw TCP connection that has done the WebSocket handshake (or tried to): `status` is the
 * HTTP status the host answered (101 when upgraded). `headers` replace the defaults.
 */
export async function rawSocket(
  port: number,
  options: { headers?: Record<string, string | null>; path?: string; token?: string | null } = {},
): Promise<{ socket: net.Socket; status: number; response: string }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const protocols = [API_PROTOCOL];
  if (options.token) protocols.push(TOKEN_PROTOCOL_PREFIX + options.token);
  const headers: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Origin: `http://127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': protocols.join(', '),
    ...options.headers,
  };
  const lines = [`GET ${options.path ?? '/api'} HTTP/1.1`];
  for (const [k, v] of Object.entries(headers)) if (v !== null) lines.push(`${k}: ${v}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  const response = await new Promise<string>((resolve) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(got));
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
  return { socket, status, response };
}

/** Writes bytes to a raw socket and waits until the host closes it or `ms` pass. */
export function sendAndWaitClose(socket: net.Socket, bytes: Buffer, ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.write(bytes);
  });
}

/** A plain HTTP request with exactly these headers (fetch will not send a foreign Host). */
export function rawHttp(
  port: number,
  request: string,
): Promise<{ status: number; response: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0), response: got }),
    );
    // Not ended from this side: the host would drop a request still being answered. The
    // requests say `Connection: close`; one the host cannot parse it closes after its 400.
    socket.write(request);
    setTimeout(() => socket.destroy(), 30_000).unref();
  });
}
