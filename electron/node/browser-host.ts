// Browser mode: the same API as the desktop app, served by Node on 127.0.0.1.
//
// Static files: the built renderer (dist/renderer). API: a WebSocket at /api carrying
// `{id, channel, request}` calls and `{id, result}` answers, each dispatched through the same
// validation as Electron IPC; large strings of a call arrive first as uploads (POST /api/upload),
// see electron/api/wire.ts. Any web page in the user's browser can aim at this port, so (see
// "Trust model" in docs/architecture.md):
// - only requests for the names the host is bound to (127.0.0.1, localhost, [::1] with its port)
//   are answered, so a DNS-rebinding site (evil.example resolving to 127.0.0.1) gets nothing;
// - the socket, uploads and downloads need the per-start token printed in the URL at start
//   (`?token=`); the static page loads without it;
// - the socket accepts only same-origin pages; a malformed frame closes that socket, never the
//   host (every socket, the server and the HTTP parser have error listeners).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { loadBinding, NativeBindingError } from '../../core/store/native-binding';
import { dispatch, type Handlers } from '../api/dispatch';
import { createService, EXPORTS_URL_PREFIX } from '../api/service';
import {
  API_PATH,
  API_PROTOCOL,
  PING_PATH,
  TOKEN_HEADER,
  TOKEN_PATTERN,
  TOKEN_PROTOCOL_PREFIX,
  TOKEN_QUERY,
  UPLOAD_PATH,
  WS_MESSAGE_MAX_BYTES,
} from '../api/wire';
import { collectSoon } from './collect';
import { CONTENT_SECURITY_POLICY } from './csp';
import { QueryRunner } from './query-runner';
import { SimulationRunner } from './simulation-runner';
import { UploadError, Uploads } from './uploads';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface BrowserHost {
  /** The address to open: the origin with the token (`http://127.0.0.1:5177/?token=...`). */
  url: string;
  /** `http://127.0.0.1:5177` */
  origin: string;
  port: number;
  /** The per-start secret every API call, upload and download needs. */
  token: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  port?: number;
  staticDir?: string;
  /** Where session files live (default ~/.irqlab/sessions); the page can name files only here. */
  sessionsDir?: string;
  /** Where the recent lists live (default configDirOf(): $IRQLAB_CONFIG_DIR, ~/.config/irqlab). */
  configDir?: string;
  /** The token the page must present; a random one per start when absent. */
  token?: string;
  /**
   * Tests only: every `debug.*` answer is held this long (ms) after the engine gave it, so the
   * page's commands queue up as on a slow machine (e2e/debugger-burst.spec.ts). The command
   * line reads it from IRQLAB_DEBUG_DELAY_MS; unset, answers go at once.
   */
  debugDelayMs?: number;
}

/** A constant-time comparison, so the token cannot be guessed a character at a time. */
function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses a raw socket (before or instead of a WebSocket handshake) with a status line. */
function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // Gone once written (or at once if the peer does not read).
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}

export async function startBrowserHost(options: BrowserHostOptions = {}): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(16).toString('hex');
  if (!TOKEN_PATTERN.test(token))
    throw new Error('a token is 16 to 128 letters, digits, "-" and "_"');
  const staticDir = options.staticDir ?? path.join(repoRoot, 'dist', 'renderer');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(
      `the renderer is not built (${staticDir}/index.html missing): run npm run build:renderer`,
    );
  }
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const workerEntry = new URL('./simulation-worker.mjs', import.meta.url);
  // Jobs in processes of their own: what a large run's threads malloc is given back when the
  // process ends (kept warm between runs, let go when a session closes: simulation-runner.ts).
  const simulations = new SimulationRunner(workerEntry, { processes: true });
  const queries = new QueryRunner(workerEntry);
  const sessionsDir = path.resolve(
    options.sessionsDir ?? path.join(os.homedir(), '.irqlab', 'sessions'),
  );
  const service = createService({
    mode: 'browser',
    version: pkg.version,
    platform: process.platform,
    execute: simulations.execute,
    // A spare job process at once for a new window; for a session just opened, once its page has
    // drawn it (its start would take CPU from that drawing).
    prepareJobs: (cause) => simulations.spareLater(cause === 'window' ? 0 : SPARE_AFTER_OPEN_MS),
    releaseJobs: () => simulations.releaseWarm(),
    query: (file, sql, limit) => queries.query(file, sql, limit),
    stepWorker: new URL('../../core/step/node/worker.mjs', import.meta.url),
    sessions: {
      sessionsDir,
      scratchDir: path.join(os.tmpdir(), `irqlab-scratch-${process.pid}`),
      // The recent list: the user's config folder (configDirOf), one per sessions folder.
      ...(options.configDir ? { configDir: options.configDir } : {}),
    },
    exportsDir: path.join(os.tmpdir(), `irqlab-exports-${process.pid}`),
  });
  // One folder per host (tests start several in one process).
  const uploads = new Uploads(
    mkdtempSync(path.join(os.tmpdir(), `irqlab-uploads-${process.pid}-`)),
  );
  /** The Host headers this host answers (filled once the port is known). */
  const allowedHosts = new Set<string>();
  const hostAllowed = (req: http.IncomingMessage) =>
    allowedHosts.has((req.headers.host ?? '').toLowerCase());
  const tokenOf = (req: http.IncomingMessage, url: URL): string | null => {
    const header = req.headers[TOKEN_HEADER];
    if (typeof header === 'string') return header;
    return url.searchParams.get(TOKEN_QUERY);
  };
  const debugDelayMs = options.debugDelayMs ?? 0;

  const server = http.createServer((req, res) => {
    const text = (status: number, message: string, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        ...headers,
      });
      res.end(`${message}\n`);
    };
    // A DNS-rebinding page asks for its own name (evil.example:port): not ours, no answer.
    if (!hostAllowed(req)) {
      text(403, `irqlab answers only requests for ${[...allowedHosts].join(', ')}`);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      text(400, 'bad request');
      return;
    }
    if (url.pathname === PING_PATH) {
      if (sameToken(tokenOf(req, url), token)) {
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        res.end();
      } else text(401, 'not the token irqlab printed when it started');
      return;
    }
    if (url.pathname === UPLOAD_PATH) {
      upload(req, res, url, text);
      return;
    }
    // An exported report, offered as a download (the token in the link's query).
    const exported = service.exportFile(url.pathname);
    if (exported || url.pathname.startsWith(EXPORTS_URL_PREFIX)) {
      if (!sameToken(tokenOf(req, url), token)) {
        text(401, 'this download needs the token of the page that asked for it');
        return;
      }
      if (!exported) {
        text(404, 'not found');
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${path.basename(exported).replace(/[^\w.-]/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      createReadStream(exported)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      text(404, 'not found');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticDir, '.' + rel);
    if (!file.startsWith(staticDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      text(404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });

  /** POST /api/upload: the body streamed to a scratch file, at most the one file limit. */
  function upload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    text: (status: number, message: string, headers?: http.OutgoingHttpHeaders) => void,
  ): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      text(403, 'uploads come only from the irqlab page itself');
      return;
    }
    if (req.method !== 'POST') {
      text(405, 'an upload is a POST', { Allow: 'POST' });
      return;
    }
    if (!sameToken(tokenOf(req, url), token)) {
      text(401, 'an upload needs the token irqlab printed when it started');
      req.resume();
      return;
    }
    uploads.receive(req).then(
      (done) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(done));
      },
      (err: Error) => {
        const status = err instanceof UploadError ? err.status : 500;
        // Answered once the client has sent it all (Uploads drops the rest as it comes).
        const respond = () => text(status, err.message, { Connection: 'close' });
        if (req.complete) respond();
        else req.once('end', respond);
      },
    );
  }

  // Idle kept-alive connections stay longer than Node's 5 s: a page preparing its next upload
  // (a large call serialised on a busy machine) would otherwise race the host closing them.
  server.keepAliveTimeout = 30_000;

  // A malformed request line or header: answered 400 and dropped, never thrown.
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) refuse(socket, 400, 'Bad Request', 'bad request');
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MESSAGE_MAX_BYTES,
    // The page asks for [API_PROTOCOL, token]; only API_PROTOCOL is answered back.
    handleProtocols: (protocols) => (protocols.has(API_PROTOCOL) ? API_PROTOCOL : false),
  });
  wss.on('error', (err) => console.error(`irqlab: WebSocket server: ${err.message}`));
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const host = (req.headers.host ?? '').toLowerCase();
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      pathname = '';
    }
    if (pathname !== API_PATH) {
      refuse(socket, 404, 'Not Found', 'the API is at /api');
      return;
    }
    if (!allowedHosts.has(host)) {
      refuse(socket, 403, 'Forbidden', `irqlab answers only ${[...allowedHosts].join(', ')}`);
      return;
    }
    if (req.headers.origin !== `http://${host}`) {
      refuse(socket, 403, 'Forbidden', 'only the irqlab page itself may open the API');
      return;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const given = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (!sameToken(given?.slice(TOKEN_PROTOCOL_PREFIX.length), token)) {
      refuse(
        socket,
        401,
        'Unauthorized',
        'the API needs the token irqlab printed when it started (open the URL with ?token=)',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    // The sessions this socket opens are its own: closed when it goes (unless another holds
    // them), with its waiting and running simulations.
    const client = service.connect();
    ws.on('close', () => {
      client.close();
      collectSoon();
    });
    // A bad frame (reserved opcode, unmasked, RSV bits, invalid UTF-8, over maxPayload) makes
    // ws close this socket with the matching status; the listener keeps it from being thrown.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(client.handlers, data, isBinary).then((reply) => {
        if (ws.readyState !== ws.OPEN) return;
        let text: string;
        try {
          text = JSON.stringify(reply);
        } catch (err) {
          const { id } = reply as { id: unknown };
          text = JSON.stringify({
            id,
            result: {
              ok: false,
              error: {
                code: 'failed',
                message: `the answer cannot be sent: ${(err as Error).message}`,
              },
            },
          });
        }
        ws.send(text, () => undefined);
      });
    });
  }

  async function answer(handlers: Handlers, data: RawData, isBinary: boolean): Promise<unknown> {
    const invalid = (message: string, id: unknown = null) => ({
      id,
      result: { ok: false, error: { code: 'invalid-request', message } },
    });
    if (isBinary) return invalid('API messages are JSON text, not binary frames');
    let message: unknown;
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    } catch (err) {
      return invalid(`API message is not JSON: ${(err as Error).message}`);
    }
    const { id, channel, request } = (message ?? {}) as {
      id?: unknown;
      channel?: unknown;
      request?: unknown;
    };
    const safeId = typeof id === 'number' || typeof id === 'string' ? id : null;
    let resolved: unknown;
    try {
      resolved = uploads.resolve(request);
    } catch (err) {
      return invalid((err as Error).message, safeId);
    }
    const result = await dispatch(handlers, channel, resolved);
    // What the session's views held is garbage now: given back, not kept until the next one.
    if (channel === 'session.close') collectSoon();
    // Held after dispatch: the engine takes the commands in the order they came.
    if (debugDelayMs > 0 && typeof channel === 'string' && channel.startsWith('debug.'))
      await new Promise((resolve) => setTimeout(resolve, debugDelayMs));
    return { id: safeId, result };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // Errors after listening (a socket the OS resets, EMFILE on accept) are reported, not thrown.
  server.on('error', (err) => console.error(`irqlab: HTTP server: ${err.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  for (const name of ['127.0.0.1', 'localhost', '[::1]']) allowedHosts.add(`${name}:${port}`);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?${TOKEN_QUERY}=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        simulations.close();
        queries.close();
        service.close();
        uploads.close();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A flag's value (`--name value`) or, when absent, an environment variable's. */
function argument(argv: readonly string[], flag: string, env: string): string | undefined {
  const i = argv.indexOf(flag);
  const raw = i >= 0 ? argv[i + 1] : process.env[env];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** IRQLAB_DEBUG_DELAY_MS (tests only): how long each debugger answer is held, if set. */
export function parseDebugDelay(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
    throw new Error(
      `IRQLAB_DEBUG_DELAY_MS must be a whole number of milliseconds from 0 to 60000, not ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}

function parsePort(argv: readonly string[]): number {
  const raw = argument(argv, '--port', 'IRQLAB_PORT');
  if (raw === undefined) return 5177;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(raw)}`);
  }
  return port;
}

/** How long a stop may take before the process leaves anyway (a worker that will not end). */
const STOP_GRACE_MS = 3000;
/**
 * How long after a session opens a spare job process is started, when there is none (the one a
 * run left warm is let go when its session closes): not while its page draws it. Reopening a
 * saved large session took 1.14 s in one bench where a spare started a second after the close, as
 * the reopen came; with this, 0.70-0.82 s (0.74-0.89 s with a process per job, 4 pages each).
 */
const SPARE_AFTER_OPEN_MS = 1500;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  // The startup check: Node's better-sqlite3 build is there and is Node's, else say how to fix.
  try {
    loadBinding();
  } catch (err) {
    if (!(err instanceof NativeBindingError)) throw err;
    console.error(`irqlab: ${err.message}`);
    process.exit(1);
  }
  const sessionsDir = argument(argv, '--sessions-dir', 'IRQLAB_SESSIONS_DIR');
  const staticDir = argument(argv, '--static-dir', 'IRQLAB_STATIC_DIR');
  const host = await startBrowserHost({
    port: parsePort(argv),
    sessionsDir: sessionsDir && path.resolve(sessionsDir),
    staticDir: staticDir && path.resolve(staticDir),
    // --token (or IRQLAB_TOKEN): a fixed token, for harnesses that open the page themselves.
    token: argument(argv, '--token', 'IRQLAB_TOKEN'),
    debugDelayMs: parseDebugDelay(process.env.IRQLAB_DEBUG_DELAY_MS),
  });
  console.log(`irqlab (browser mode) is running at ${host.url}`);
  if (process.env.IRQLAB_DEBUG_DELAY_MS)
    console.log(
      `debugger answers held ${process.env.IRQLAB_DEBUG_DELAY_MS} ms (IRQLAB_DEBUG_DELAY_MS)`,
    );
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
    void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
