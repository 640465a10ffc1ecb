// The renderer's API client. Typed by the channel table; carried by the preload bridge in the
// desktop app, or by a WebSocket to the browser-mode host (electron/api/wire.ts: the token, and
// long strings sent ahead as uploads). The renderer never sees Node or Electron objects, only
// plain data.
import type { ApiResult, ChannelName, RequestOf, ResponseOf } from '../../../electron/api/channels';
import type { IrqlabBridge } from '../../../electron/api/bridge';
import { fileTooLarge, MAX_FILE_BYTES } from '../../../electron/api/limits';
import {
  createWireTransport,
  TOKEN_QUERY,
  upload,
  withToken,
  type SocketLike,
  type Transport,
  type UploadRef,
  type WithUploads,
} from '../../../electron/api/wire';

declare global {
  interface Window {
    irqlab?: IrqlabBridge;
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly problems: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'irqlab-token';

/**
 * Browser mode: the host's per-start token. It comes in the address the host printed
 * (`?token=`), is kept for this tab (sessionStorage: a reload keeps it, another site never sees
 * it) and taken out of the address bar so it is not bookmarked or shared with a screenshot.
 */
function pageToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get(TOKEN_QUERY);
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage refused (a locked-down profile): the token lives as long as the page
    }
    params.delete(TOKEN_QUERY);
    const rest = params.toString();
    history.replaceState(
      history.state,
      '',
      location.pathname + (rest ? `?${rest}` : '') + location.hash,
    );
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

const desktop = window.irqlab !== undefined;
const token = desktop ? null : pageToken();
const hostOptions = {
  origin: location.origin,
  token,
  fetch: (...a: Parameters<typeof fetch>) => fetch(...a),
};

const transport: Transport = desktop
  ? (channel, request) => window.irqlab!.invoke(channel, request)
  : createWireTransport({
      ...hostOptions,
      openSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
    });

export async function invoke<C extends ChannelName>(
  channel: C,
  request: WithUploads<RequestOf<C>>,
): Promise<ResponseOf<C>> {
  const result: ApiResult = await transport(channel, request);
  if (!result.ok)
    throw new ApiError(result.error.message, result.error.code, result.error.problems);
  return result.value as ResponseOf<C>;
}

/** A download link the host gave (an exported report), with the token it asks for. */
export function downloadUrl(url: string): string {
  return withToken(url, token);
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * A binary file for a `base64` field of a call (a session file, a binary ACPI table), checked
 * against the one file limit. Browser mode sends the raw bytes ahead as an upload (no base64
 * through the socket); the desktop app passes them inline over IPC.
 */
export async function fileAsBase64(file: File): Promise<string | UploadRef> {
  if (file.size > MAX_FILE_BYTES) throw new Error(fileTooLarge(file.name, file.size));
  if (desktop) return base64Of(new Uint8Array(await file.arrayBuffer()));
  return { $upload: await upload(hostOptions, file, file.name), encoding: 'base64' };
}

/** Checks a file against the one file limit before it is read. */
export function checkFileSize(file: File): void {
  if (file.size > MAX_FILE_BYTES) throw new Error(fileTooLarge(file.name, file.size));
}
