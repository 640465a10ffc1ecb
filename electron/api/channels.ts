// The API between the renderer and the app, defined once.
//
// Every channel names its request and response schemas. From this one table come: the request
// and response types of the renderer's client, the preload bridge and the IPC/WebSocket hosts;
// and the runtime validation the main side applies to every request before a handler sees it.
// This file is "common": it imports zod and core's pure modules only, so both ends can use it.
import { z } from 'zod';

const empty = z.object({}).strict();

/** A validation problem, located by JSON path (`$.pci[3].msix.table_size`) or line:column. */
export const ProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
});

export const channels = {
  'app.info': {
    request: empty,
    response: z.object({
      name: z.literal('irqlab'),
      version: z.string(),
      /** `electron`: the desktop app; `browser`: served over HTTP/WebSocket by Node. */
      mode: z.enum(['electron', 'browser']),
      platform: z.string(),
    }),
  },
  'presets.list': {
    request: empty,
    response: z.array(z.object({ name: z.string(), description: z.string() })),
  },
  'machine.fromPreset': {
    request: z.object({ name: z.string().min(1).max(64) }).strict(),
    response: z.object({ name: z.string(), text: z.string() }),
  },
  'machine.validate': {
    request: z
      .object({ text: z.string().max(64 * 1024 * 1024, 'a machine file is at most 64 MiB') })
      .strict(),
    response: z.object({ ok: z.boolean(), problems: z.array(ProblemSchema) }),
  },
  'machine.simulate': {
    request: z
      .object({
        text: z.string().max(64 * 1024 * 1024, 'a machine file is at most 64 MiB'),
        profile: z.string().max(32).optional(),
      })
      .strict(),
    response: z.object({
      ok: z.boolean(),
      problems: z.array(ProblemSchema),
      profile: z.string(),
      /** The predicted /proc/interrupts, cut at `limitBytes` (a 1536-CPU table is gigabytes). */
      procInterrupts: z.string(),
      truncated: z.boolean(),
      dmesg: z.array(z.string()),
      warnings: z.array(z.string()),
      irqs: z.number(),
      events: z.number(),
      milliseconds: z.number(),
    }),
  },
  'machine.jsonSchema': {
    request: empty,
    response: z.object({ schema: z.record(z.string(), z.unknown()) }),
  },
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;

/** What every transport returns for a call: the response, or an error the renderer can show. */
export type ApiResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiError {
  code: 'unknown-channel' | 'invalid-request' | 'failed';
  message: string;
  problems?: { path: string; message: string }[];
}

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** The single IPC channel the preload bridge uses; the API channel name travels inside. */
export const IPC_INVOKE = 'irqlab:invoke';
