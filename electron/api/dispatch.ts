// Validates a call against the channel table and runs its handler. Both transports (Electron IPC
// and browser-mode WebSocket) go through here, so a hostile or malformed message is rejected the
// same way wherever it comes from, and never reaches a handler or crashes the host.
import type { z } from 'zod';
import {
  channels,
  isChannelName,
  type ApiResult,
  type ChannelName,
  type RequestOf,
  type ResponseOf,
} from './channels';

export type Handlers = {
  [C in ChannelName]: (
    request: z.output<(typeof channels)[C]['request']>,
  ) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

function jsonPath(path: readonly PropertyKey[]): string {
  return (
    '$' + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')
  );
}

export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  request: unknown,
): Promise<ApiResult> {
  if (!isChannelName(channel)) {
    const shown =
      typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
    return {
      ok: false,
      error: { code: 'unknown-channel', message: `unknown API channel ${shown}` },
    };
  }
  const parsed = channels[channel].request.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      message: issue.message,
    }));
    return {
      ok: false,
      error: {
        code: 'invalid-request',
        message: `invalid request for ${channel}: ${problems
          .map((p) => `${p.path}: ${p.message}`)
          .join('; ')}`,
        problems,
      },
    };
  }
  try {
    const handler = handlers[channel] as (req: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { code: 'failed', message: `${channel} failed: ${message}` } };
  }
}

/** Typed convenience for callers inside the main side (tests, the CLI). */
export async function call<C extends ChannelName>(
  handlers: Handlers,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await dispatch(handlers, channel, request);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ResponseOf<C>;
}
