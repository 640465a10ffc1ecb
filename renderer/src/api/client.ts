// The renderer's API client. Typed by the channel table; carried by the preload bridge in the
// desktop app, or by a WebSocket to the browser-mode host. The renderer never sees Node or
// Electron objects, only plain data.
import type { ApiResult, ChannelName, RequestOf, ResponseOf } from '../../../electron/api/channels';
import type { IrqlabBridge } from '../../../electron/api/bridge';

declare global {
  interface Window {
    irqlab?: IrqlabBridge;
  }
}

type Transport = (channel: string, request: unknown) => Promise<ApiResult>;

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

function webSocketTransport(url: string): Transport {
  let socket: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (result: ApiResult) => void>();

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error(`cannot reach the irqlab host at ${url}`));
      ws.onclose = () => {
        socket = null;
        for (const [id, settle] of pending) {
          settle({
            ok: false,
            error: { code: 'failed', message: 'connection to the irqlab host closed' },
          });
          pending.delete(id);
        }
      };
      ws.onmessage = (event: MessageEvent<string>) => {
        const reply = JSON.parse(event.data) as { id: number; result: ApiResult };
        pending.get(reply.id)?.(reply.result);
        pending.delete(reply.id);
      };
    });

  return async (channel, request) => {
    socket ??= connect();
    const ws = await socket;
    const id = nextId++;
    return new Promise<ApiResult>((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, request }));
    });
  };
}

function pickTransport(): Transport {
  if (window.irqlab) return (channel, request) => window.irqlab!.invoke(channel, request);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketTransport(`${scheme}://${location.host}/api`);
}

const transport = pickTransport();

export async function invoke<C extends ChannelName>(
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await transport(channel, request);
  if (!result.ok)
    throw new ApiError(result.error.message, result.error.code, result.error.problems);
  return result.value as ResponseOf<C>;
}
