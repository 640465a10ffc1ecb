// The browser-mode wire protocol, both ends: how the page reaches the host's API over HTTP and a
// WebSocket, and the client the renderer uses (electron/node/browser-host.ts is the other end).
//
// - Calls are `{id, channel, request}` text messages on the WebSocket at API_PATH, answered with
//   `{id, result}`. The socket opens only with the host's per-start token, sent as a
//   subprotocol (TOKEN_PROTOCOL_PREFIX + token) beside API_PROTOCOL.
// - No message from the page is larger than WS_MESSAGE_MAX_BYTES: when a call would be, its long
//   strings are first POSTed raw to UPLOAD_PATH (token in TOKEN_HEADER; each at most the one file
//   limit, electron/api/limits.ts) and the call carries `{$upload: id, encoding}` in their place.
//   The host puts the uploaded text back before the call is validated, so the channel table
//   checks the same request it would have seen inline (and that Electron IPC sees).
// - Downloads (exported reports) carry the token in the URL's query (TOKEN_QUERY).
// Common code: no Node, no DOM beyond fetch/Blob (both ends have them).
import type { ApiResult } from './channels';
import { fileTooLarge, MAX_FILE_BYTES, utf8Length } from './limits';

export const API_PATH = '/api';
export const UPLOAD_PATH = '/api/upload';
/** GET with the token header: 204 when the token is the host's, 401 when not. */
export const PING_PATH = '/api/ping';
/** The subprotocol the host answers with. */
export const API_PROTOCOL = 'irqlab.v1';
/** The token travels as a second subprotocol: `irqlab.token.<token>`. */
export const TOKEN_PROTOCOL_PREFIX = 'irqlab.token.';
export const TOKEN_HEADER = 'x-irqlab-token';
export const TOKEN_QUERY = 'token';
/** A token: what the host makes (32 hex digits) or is given with --token. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Largest message the page sends on the socket. Not a limit on what a call may carry: longer
 * strings go as uploads, so the only size limit a user meets is the file limit.
 */
export const WS_MESSAGE_MAX_BYTES = 4 * 1024 * 1024;
/** Strings at least this long are the ones moved to uploads when a message is too large. */
const UPLOAD_MIN_CHARS = 8 * 1024;

/** What stands in a call for a string that went ahead as an upload. */
export interface UploadRef {
  $upload: string;
  /** utf8: the upload is the string's text; base64: the string is the upload's bytes in base64. */
  encoding: 'utf8' | 'base64';
}

export const UPLOAD_ID_PATTERN = /^u[0-9a-f]{32}$/;

export function isUploadRef(v: unknown): v is UploadRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const r = v as Partial<UploadRef>;
  return (
    keys.length === 2 &&
    typeof r.$upload === 'string' &&
    (r.encoding === 'utf8' || r.encoding === 'base64')
  );
}

/** A request where any string may be an UploadRef (what the page hands the transport). */
export type WithUploads<T> = T extends string
  ? T | UploadRef
  : T extends readonly (infer E)[]
    ? WithUploads<E>[]
    : T extends object
      ? { [K in keyof T]: WithUploads<T[K]> }
      : T;

/** The part of a WebSocket the client uses (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface WireClientOptions {
  /** The host's base URL: `http://127.0.0.1:5177`. */
  origin: string;
  /** The host's per-start token (from the page's URL), or null when the page was opened without. */
  token: string | null;
  openSocket(url: string, protocols: string[]): SocketLike;
  fetch: typeof fetch;
}

export type Transport = (channel: string, request: unknown) => Promise<ApiResult>;

const failed = (message: string): ApiResult => ({ ok: false, error: { code: 'failed', message } });

export const WRONG_TOKEN_MESSAGE =
  "the irqlab host does not know this page's access token (it was restarted?): open irqlab at " +
  'the address it printed when it started (http://127.0.0.1:<port>/?token=...)';

export const NO_TOKEN_MESSAGE =
  'this page has no access token: open irqlab at the address its host printed when it started ' +
  '(http://127.0.0.1:<port>/?token=...)';

/** POSTs `body` to the host's upload endpoint; returns the upload's id. */
export async function upload(
  options: Pick<WireClientOptions, 'origin' | 'token' | 'fetch'>,
  body: string | Blob,
  name = 'the file',
): Promise<string> {
  if (!options.token) throw new Error(NO_TOKEN_MESSAGE);
  const bytes = typeof body === 'string' ? utf8Length(body) : body.size;
  if (bytes > MAX_FILE_BYTES) throw new Error(fileTooLarge(name, bytes));
  const post = () =>
    options.fetch(options.origin + UPLOAD_PATH, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: options.token!, 'content-type': 'application/octet-stream' },
      body,
    });
  // A kept-alive connection the host closed just as this request went out fails without an
  // answer: sent once more (an upload nobody names is deleted by the host after a while).
  const res = await post().catch(post);
  const text = await res.text();
  if (!res.ok) throw new Error(`the host refused the upload of ${name}: ${text}`);
  const { uploadId } = JSON.parse(text) as { uploadId: string };
  return uploadId;
}

function messageBytes(text: string): number {
  return text.length * 3 <= WS_MESSAGE_MAX_BYTES ? text.length : utf8Length(text);
}

/** The strings of a request long enough to move to an upload, with where they sit. */
function longStrings(
  value: unknown,
  out: { holder: Record<string, unknown> | unknown[]; key: string | number; text: string }[],
  depth = 0,
): void {
  if (depth > 16 || typeof value !== 'object' || value === null) return;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v === 'string' && v.length >= UPLOAD_MIN_CHARS)
      out.push({ holder: value as Record<string, unknown>, key, text: v });
    else longStrings(v, out, depth + 1);
  }
}

/** The page's side of the socket: one connection, reopened when it closes; calls by id. */
export function createWireTransport(options: WireClientOptions): Transport {
  let socket: Promise<SocketLike> | null = null;
  let nextId = 1;
  const pending = new Map<number, (result: ApiResult) => void>();
  const url = options.origin.replace(/^http/, 'ws') + API_PATH;

  const connect = (): Promise<SocketLike> =>
    new Promise((resolve, reject) => {
      const ws = options.openSocket(url, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + options.token]);
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve(ws);
      };
      ws.onerror = () => {
        if (!opened)
          reject(new Error(`cannot reach the irqlab host at ${options.origin} (or it refused)`));
      };
      ws.onclose = (event) => {
        socket = null;
        if (!opened) reject(new Error(`cannot reach the irqlab host at ${options.origin}`));
        const why = event.reason ? `: ${event.reason}` : '';
        for (const [id, settle] of pending) {
          settle(failed(`connection to the irqlab host closed (${event.code}${why})`));
          pending.delete(id);
        }
      };
      ws.onmessage = (event) => {
        let reply: { id: number; result: ApiResult };
        try {
          reply = JSON.parse(String(event.data)) as { id: number; result: ApiResult };
        } catch {
          return;
        }
        pending.get(reply.id)?.(reply.result);
        pending.delete(reply.id);
      };
    });

  /** The message to send: as it is, or with its long strings uploaded first. */
  async function encode(id: number, channel: string, request: unknown): Promise<string> {
    let text = JSON.stringify({ id, channel, request });
    if (messageBytes(text) <= WS_MESSAGE_MAX_BYTES) return text;
    // Copied so the caller's object keeps its strings.
    const copy = JSON.parse(text) as { request: unknown };
    const found: Parameters<typeof longStrings>[1] = [];
    longStrings(copy, found);
    found.sort((a, b) => b.text.length - a.text.length);
    for (const f of found) {
      const uploadId = await upload(options, f.text, `a ${channel} request`);
      const ref: UploadRef = { $upload: uploadId, encoding: 'utf8' };
      (f.holder as Record<string | number, unknown>)[f.key] = ref;
      text = JSON.stringify(copy);
      if (messageBytes(text) <= WS_MESSAGE_MAX_BYTES) return text;
    }
    throw new Error(`this ${channel} call is too large to send`);
  }

  return async (channel, request) => {
    if (!options.token) return failed(NO_TOKEN_MESSAGE);
    const id = nextId++;
    let message: string;
    try {
      message = await encode(id, channel, request);
    } catch (err) {
      return failed((err as Error).message);
    }
    let ws: SocketLike;
    try {
      socket ??= connect();
      ws = await socket;
    } catch (err) {
      socket = null;
      // The browser does not say why a handshake failed: ask whether the token is the problem.
      const ping = await options
        .fetch(options.origin + PING_PATH, { headers: { [TOKEN_HEADER]: options.token } })
        .catch(() => null);
      return failed(ping?.status === 401 ? WRONG_TOKEN_MESSAGE : (err as Error).message);
    }
    return new Promise<ApiResult>((resolve) => {
      pending.set(id, resolve);
      ws.send(message);
    });
  };
}

/** An export's download URL with the token the host asks for. */
export function withToken(url: string, token: string | null): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${TOKEN_QUERY}=${encodeURIComponent(token)}`;
}
