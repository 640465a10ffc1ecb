// Random and malformed input for the browser-mode host: raw TCP and HTTP garbage, hostile
// handshakes (Host, Origin, token, key, version, path), malformed WebSocket frames (reserved
// opcodes, unmasked, RSV bits, bad UTF-8, huge and lying lengths, fragments that never end),
// and well-framed calls with random JSON (unknown channels, wrong types, prototype keys, deep
// nesting, made-up upload ids). Deterministic for a seed, so a failure can be replayed.
// Driven by host.fuzz.test.ts (bounded, in `npm test`) and scripts/fuzz-host.ts (long runs).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { channels } from '../api/channels';
import { TOKEN_HEADER, UPLOAD_PATH } from '../api/wire';
import { frame, rawSocket, type FrameSpec } from './host-testkit';

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
export type Rng = ReturnType<typeof prng>;

export interface FuzzTarget {
  port: number;
  origin: string;
  token: string;
}

const CHANNELS = Object.keys(channels);
const WAIT_MS = 400;

/** Holds a socket open until the host closes it or WAIT_MS pass, then drops it. */
function settle(socket: net.Socket, ms = WAIT_MS): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function randomJson(rng: Rng, depth = 0): unknown {
  const k = rng.int(depth > 3 ? 5 : 8);
  switch (k) {
    case 0:
      return rng.pick([0, -1, 1e308, -0, 2 ** 53, 3.5, NaN]);
    case 1:
      return rng.pick([
        '',
        'x',
        '__proto__',
        'constructor',
        's1',
        'j1',
        '\u0000',
        '\ud800',
        'a'.repeat(5000),
      ]);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.bytes(rng.int(40)).toString('latin1');
    case 4:
      return {
        $upload: rng.pick(['u' + '0'.repeat(32), 'u1', '', 'u' + randomBytes(16).toString('hex')]),
        encoding: rng.pick(['utf8', 'base64', 'x']),
      };
    case 5:
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--)
        o[
          rng.pick([
            'text',
            'name',
            'sessionId',
            'runId',
            'jobId',
            'files',
            '__proto__',
            'constructor',
            'x',
            'limit',
            'offset',
          ])
        ] = randomJson(rng, depth + 1);
      return o;
    }
  }
}

/** A random call: mostly well-formed JSON, often with the wrong shape for its channel. */
function randomCall(rng: Rng): string {
  const k = rng.int(10);
  if (k === 0) return rng.bytes(rng.int(64)).toString('utf8');
  if (k === 1) return '['.repeat(10_000 + rng.int(100_000));
  if (k === 2) return JSON.stringify(randomJson(rng));
  const channel =
    k === 3
      ? rng.pick(['', 'toString', '__proto__', 'app.info.x', 'x'.repeat(500)])
      : rng.pick(CHANNELS);
  // A heavy but valid call would only make the fuzz slow, not find anything: shapes are random.
  const request = rng.int(4) === 0 ? {} : randomJson(rng);
  const id = rng.pick([rng.int(1000), 'x', null, {}, [], 1.5]);
  return JSON.stringify({ id, channel, request });
}

/** One malformed or random frame sequence on an upgraded socket. */
function randomFrames(rng: Rng): Buffer {
  const frames: Buffer[] = [];
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const kind = rng.int(9);
    const spec: FrameSpec = { opcode: 0x1, payload: Buffer.from(randomCall(rng)) };
    if (kind === 0) spec.opcode = rng.pick([0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]);
    if (kind === 1) spec.masked = false;
    if (kind === 2) spec.rsv = rng.pick([0x40, 0x20, 0x10, 0x70]);
    if (kind === 3)
      spec.payload = Buffer.concat([
        Buffer.from('{"id":1,"channel":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]);
    if (kind === 4) spec.declaredLength = rng.pick([2 ** 28, 2 ** 32, 2 ** 53 - 1, 65536, 126]);
    if (kind === 5) spec.fin = false;
    if (kind === 6) spec.opcode = rng.pick([0x0, 0x2, 0x8, 0x9, 0xa]);
    if (kind === 7) spec.payload = rng.bytes(rng.int(300));
    frames.push(frame(spec));
  }
  const all = Buffer.concat(frames);
  // Sometimes cut off mid-frame, or followed by garbage.
  if (rng.int(4) === 0) return all.subarray(0, rng.int(all.length + 1));
  if (rng.int(4) === 0) return Buffer.concat([all, rng.bytes(rng.int(64))]);
  return all;
}

async function fuzzFrames(t: FuzzTarget, rng: Rng): Promise<void> {
  const { socket, status } = await rawSocket(t.port, { token: t.token });
  if (status !== 101) throw new Error(`a valid handshake was answered ${status}`);
  socket.write(randomFrames(rng));
  await settle(socket);
}

async function fuzzHandshake(t: FuzzTarget, rng: Rng): Promise<void> {
  const host = rng.pick([
    `evil.example:${t.port}`,
    `127.0.0.1:${t.port}`,
    `localhost:${t.port}`,
    '127.0.0.1',
    '',
    `127.0.0.1:${t.port + 1}`,
    `[::1]:${t.port}`,
    `127.0.0.1:${t.port}\u0000`,
  ]);
  const headers: Record<string, string | null> = {
    Host: host,
    Origin: rng.pick([
      `http://${host}`,
      'http://evil.example',
      'null',
      '',
      null,
      `https://127.0.0.1:${t.port}`,
    ]),
  };
  if (rng.int(3) === 0)
    headers['Sec-WebSocket-Key'] = rng.pick(['', 'short', '!!!!', null] as const);
  if (rng.int(3) === 0) headers['Sec-WebSocket-Version'] = rng.pick(['8', '', '99', null] as const);
  if (rng.int(4) === 0)
    headers['Sec-WebSocket-Extensions'] = 'permessage-deflate; client_max_window_bits';
  const token = rng.pick([
    t.token,
    null,
    'x',
    t.token.toUpperCase(),
    t.token + ' ',
    'a'.repeat(5000),
  ]);
  const path = rng.pick(['/api', '/api?x=1', '/', '/api/', '//api', '/%00', '/api/upload']);
  try {
    const { socket, status } = await rawSocket(t.port, { headers, token, path });
    if (status === 101) socket.write(randomFrames(rng));
    await settle(socket);
  } catch {
    // refused at connect: fine
  }
}

async function fuzzHttp(t: FuzzTarget, rng: Rng): Promise<void> {
  const socket = net.connect(t.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('error', () => resolve());
  });
  const method = rng.pick(['GET', 'POST', 'PUT', 'OPTIONS', 'DELETE', 'GARBAGE', 'POST ']);
  const path = rng.pick([
    UPLOAD_PATH,
    '/api/ping',
    '/exports/' + 'a'.repeat(24) + '/x',
    '/',
    '/%',
    '/../../etc/passwd',
    '*',
    'http://evil/',
  ]);
  const host = rng.pick([`127.0.0.1:${t.port}`, `evil.example:${t.port}`, '']);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`];
  if (rng.int(2)) lines.push(`${TOKEN_HEADER}: ${rng.pick([t.token, 'x', ''])}`);
  const body = rng.bytes(rng.int(2000));
  const lengthKind = rng.int(4);
  if (lengthKind === 0) lines.push(`Content-Length: ${body.length}`);
  if (lengthKind === 1)
    lines.push(`Content-Length: ${rng.pick([-1, 2 ** 40, 'abc', body.length + 100])}`);
  if (lengthKind === 2) lines.push('Transfer-Encoding: chunked');
  if (rng.int(5) === 0) lines.push(rng.bytes(30).toString('latin1'));
  lines.push('Connection: close');
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  socket.write(rng.int(6) === 0 ? rng.bytes(rng.int(500)) : Buffer.concat([head, body]));
  await settle(socket);
}

/** Runs `n` random inputs, `parallel` at a time. */
export async function fuzzBatch(t: FuzzTarget, rng: Rng, n: number, parallel = 16): Promise<void> {
  const kinds = [fuzzFrames, fuzzFrames, fuzzFrames, fuzzHandshake, fuzzHttp];
  let left = n;
  const lane = async () => {
    while (left-- > 0) await rng.pick(kinds)(t, rng);
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}
