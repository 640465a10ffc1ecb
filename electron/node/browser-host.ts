// Browser mode: the same API as the desktop app, served by Node on 127.0.0.1.
//
// Static files: the built renderer (dist/renderer). API: a WebSocket at /api carrying
// `{id, channel, request}` calls and `{id, result}` answers, each dispatched through the same
// validation as Electron IPC. Only same-origin pages may open the socket, so another site open
// in the user's browser cannot drive the app.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData } from 'ws';
import { dispatch } from '../api/dispatch';
import { createService } from '../api/service';
import { CONTENT_SECURITY_POLICY } from './csp';
import { QueryRunner } from './query-runner';
import { SimulationRunner } from './simulation-runner';

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
  url: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  port?: number;
  staticDir?: string;
  /** Where session files live (default ~/.irqlab/sessions); the page can name files only here. */
  sessionsDir?: string;
  /**
   * Tests only: every `debug.*` answer is held this long (ms) after the engine gave it, so the
   * page's commands queue up as on a slow machine (e2e/debugger-burst.spec.ts). The command
   * line reads it from IRQLAB_DEBUG_DELAY_MS; unset, answers go at once.
   */
  debugDelayMs?: number;
}

/** Largest API message accepted (a machine file of 64 MiB plus envelope). */
const MAX_MESSAGE_BYTES = 65 * 1024 * 1024;

export async function startBrowserHost(options: BrowserHostOptions = {}): Promise<BrowserHost> {
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
  const simulations = new SimulationRunner(workerEntry);
  const queries = new QueryRunner(workerEntry);
  const sessionsDir = path.resolve(
    options.sessionsDir ?? path.join(os.homedir(), '.irqlab', 'sessions'),
  );
  const stateDir = path.dirname(sessionsDir);
  const service = createService({
    mode: 'browser',
    version: pkg.version,
    platform: process.platform,
    simulate: (request) => simulations.run(request),
    execute: simulations.execute,
    query: (file, sql, limit) => queries.query(file, sql, limit),
    stepWorker: new URL('../../core/step/node/worker.mjs', import.meta.url),
    sessions: {
      sessionsDir,
      scratchDir: path.join(os.tmpdir(), `irqlab-scratch-${process.pid}`),
      recentFile: path.join(stateDir, 'recent-sessions.json'),
    },
    exportsDir: path.join(os.tmpdir(), `irqlab-exports-${process.pid}`),
  });
  const handlers = service.handlers;
  const debugDelayMs = options.debugDelayMs ?? 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // An exported report, offered as a download.
    const exported = service.exportFile(url.pathname);
    if (exported) {
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${path.basename(exported).replace(/[^\w.-]/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      createReadStream(exported).pipe(res);
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticDir, '.' + rel);
    if (!file.startsWith(staticDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const host = req.headers.host ?? '';
    const origin = req.headers.origin ?? '';
    const sameOrigin = origin === `http://${host}`;
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/api' || !sameOrigin) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: RawData) => {
        void answer(data).then((reply) => ws.send(JSON.stringify(reply)));
      });
    });
  });

  async function answer(data: RawData): Promise<unknown> {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch (err) {
      return {
        id: null,
        result: {
          ok: false,
          error: {
            code: 'invalid-request',
            message: `API message is not JSON: ${(err as Error).message}`,
          },
        },
      };
    }
    const { id, channel, request } = (message ?? {}) as {
      id?: unknown;
      channel?: unknown;
      request?: unknown;
    };
    const safeId = typeof id === 'number' || typeof id === 'string' ? id : null;
    const result = await dispatch(handlers, channel, request);
    // Held after dispatch: the engine takes the commands in the order they came.
    if (debugDelayMs > 0 && typeof channel === 'string' && channel.startsWith('debug.'))
      await new Promise((resolve) => setTimeout(resolve, debugDelayMs));
    return { id: safeId, result };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        simulations.cancel();
        queries.close();
        service.close();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

function parseSessionsDir(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--sessions-dir');
  const raw = i >= 0 ? argv[i + 1] : process.env.IRQLAB_SESSIONS_DIR;
  if (raw === undefined || raw === '') return undefined;
  return path.resolve(raw);
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
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.IRQLAB_PORT;
  if (raw === undefined) return 5177;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not ${JSON.stringify(raw)}`);
  }
  return port;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const host = await startBrowserHost({
    port: parsePort(argv),
    sessionsDir: parseSessionsDir(argv),
    debugDelayMs: parseDebugDelay(process.env.IRQLAB_DEBUG_DELAY_MS),
  });
  console.log(`irqlab (browser mode) is running at ${host.url}`);
  if (process.env.IRQLAB_DEBUG_DELAY_MS)
    console.log(
      `debugger answers held ${process.env.IRQLAB_DEBUG_DELAY_MS} ms (IRQLAB_DEBUG_DELAY_MS)`,
    );
  const stop = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
