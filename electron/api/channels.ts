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

const MachineTextSchema = z.string().max(64 * 1024 * 1024, 'a machine file is at most 64 MiB');
const MachineNameSchema = z.string().min(1).max(200);
const SessionIdSchema = z.string().regex(/^s[0-9]{1,9}$/, 'a session id the host gave');
const JobIdSchema = z.string().regex(/^j[0-9]{1,9}$/, 'a job id the host gave');
const RunIdSchema = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31);

/**
 * A session file's name inside the host's sessions folder: no folders, no "..", no hidden files,
 * ending in .irqlab. The page can only name files there (browser mode), never a path.
 */
export const SessionFileNameSchema = z
  .string()
  .max(128, 'a session name is at most 128 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._()+-]*\.irqlab$/,
    'a session name is letters, digits, spaces and ._()+- ending in .irqlab, with no folder',
  )
  .refine((name) => !name.includes('..'), 'a session name may not contain ".."');

/** Largest session file the page may upload (base64 of 48 MiB). */
export const MAX_UPLOAD_BASE64 = Math.ceil((48 * 1024 * 1024) / 3) * 4;

/** The large-machine generator's knobs (core/model/presets/large.ts). */
export const LargeMachineKnobsSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and ._-'),
    sockets: z.number().int().min(1).max(64),
    coresPerSocket: z.number().int().min(1).max(512),
    threadsPerCore: z.union([z.literal(1), z.literal(2)]),
    ioapics: z.number().int().min(1).max(128),
    rootComplexes: z.number().int().min(0).max(256),
    nicsPerRootComplex: z.number().int().min(0).max(15),
    nicMsixTableSize: z.number().int().min(1).max(2048),
    nvmePerRootComplex: z.number().int().min(0).max(15),
  })
  .strict()
  .refine((k) => k.sockets * k.coresPerSocket * k.threadsPerCore <= 8192, {
    message: 'at most 8192 CPUs (sockets x cores x threads)',
    path: ['coresPerSocket'],
  })
  .refine((k) => k.nicsPerRootComplex + k.nvmePerRootComplex <= 15, {
    message: 'at most 15 endpoints (NICs + NVMe) per root complex',
    path: ['nvmePerRootComplex'],
  });
export type LargeMachineKnobs = z.output<typeof LargeMachineKnobsSchema>;

export const RunSummarySchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  profile: z.string(),
  scenario: z.string(),
  status: z.enum(['running', 'complete', 'failed', 'incomplete']),
  eventCount: z.number(),
  error: z.string().nullable(),
});

export const SessionStateSchema = z.object({
  sessionId: z.string(),
  /** What the title bar shows: the file name, or "Untitled" before the first save. */
  title: z.string(),
  /** False until saved under a name (an untitled session lives in a scratch file). */
  titled: z.boolean(),
  /** Where it is, for display only (browser mode: the name in the sessions folder). */
  location: z.string(),
  machine: z.object({ name: z.string(), text: z.string() }).nullable(),
  runs: z.array(RunSummarySchema),
});
export type SessionState = z.output<typeof SessionStateSchema>;

export const RecentSessionSchema = z.object({
  recentId: z.string(),
  title: z.string(),
  location: z.string(),
  modifiedAt: z.string(),
  bytes: z.number(),
});

export const JobStatusSchema = z.object({
  jobId: z.string(),
  kind: z.enum(['run', 'export']),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** What the job is doing now ("booting", "writing the report"). */
  phase: z.string(),
  done: z.number(),
  /** Expected total in the same unit as done (trace events); null when not known in advance. */
  total: z.number().nullable(),
  unit: z.string(),
  elapsedMs: z.number(),
  error: z.string().nullable(),
  /** A finished run job: the run it stored. */
  runId: z.number().nullable(),
  /** A finished export: the file name, and where to fetch it (browser mode) or where it went. */
  output: z
    .object({
      fileName: z.string(),
      bytes: z.number(),
      url: z.string().nullable(),
      location: z.string(),
    })
    .nullable(),
});
export type JobStatus = z.output<typeof JobStatusSchema>;

export const VectorUsageSchema = z.object({
  cpu: z.number(),
  available: z.number(),
  allocated: z.number(),
  managed: z.number(),
  managedAllocated: z.number(),
});

export const RunResultSchema = z.object({
  run: RunSummarySchema,
  profile: z.string(),
  procInterrupts: z.string(),
  truncated: z.boolean(),
  dmesg: z.array(z.string()),
  /** Indexes into dmesg of the lines that are faults (oops, failures, refusals). */
  faultLines: z.array(z.number()),
  warnings: z.array(z.string()),
  oops: z.object({ text: z.string(), callTrace: z.array(z.string()) }).nullable(),
  vectorUsage: z.array(VectorUsageSchema),
  irqCount: z.number(),
  deviceCount: z.number(),
  milliseconds: z.number(),
});
export type RunResult = z.output<typeof RunResultSchema>;

export const RunDeviceSchema = z.object({
  bdf: z.string(),
  name: z.string(),
  driver: z.string().nullable(),
  mode: z.string().nullable(),
  irqs: z.array(
    z.object({
      irq: z.number(),
      chip: z.string(),
      hwirq: z.number(),
      vector: z.number(),
      cpu: z.number(),
      actions: z.array(z.string()),
      managed: z.boolean(),
    }),
  ),
  messages: z.array(z.object({ entry: z.number(), address: z.string(), data: z.string() })),
  /** Messages beyond the ones listed (a 2048-entry MSI-X table is cut for the page). */
  moreMessages: z.number(),
});
export type RunDevice = z.output<typeof RunDeviceSchema>;

export const ReportFormatSchema = z.enum(['html', 'md', 'json', 'csv', 'perfetto']);
export type ReportFormat = z.output<typeof ReportFormatSchema>;

/** What the importers made of the artefacts, shown to the user before they accept it. */
export const ImportResultSchema = z.object({
  /** null when the facts do not make a valid machine (see problems). */
  machineName: z.string().nullable(),
  machineText: z.string().nullable(),
  /** Each artefact as recognised, then what was found. */
  summary: z.array(z.string()),
  /** Facts the artefacts disagree on: every value with where it came from; the first is used. */
  conflicts: z.array(
    z.object({
      path: z.string(),
      what: z.string(),
      values: z.array(z.object({ value: z.string(), from: z.array(z.string()) })),
    }),
  ),
  /** Facts no artefact gave, and what was assumed instead. */
  missing: z.array(z.string()),
  notes: z.array(z.string()),
  problems: z.array(ProblemSchema),
});
export type ImportResult = z.output<typeof ImportResultSchema>;

/** What a kernel log line means (core/import's explain), on the run's machine when given. */
export const ExplanationSchema = z.object({
  known: z.boolean(),
  title: z.string(),
  meaning: z.array(z.string()),
  causes: z.array(z.string()),
  check: z.array(z.string()),
});

/** An artefact read by the page: text, or base64 for binary ACPI tables (.dat). */
export const ArtefactSchema = z
  .object({
    name: z.string().min(1).max(255),
    text: z
      .string()
      .max(32 * 1024 * 1024, 'an artefact is at most 32 MiB')
      .optional(),
    base64: z
      .string()
      .max(Math.ceil((16 * 1024 * 1024) / 3) * 4, 'a binary artefact is at most 16 MiB')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
      .optional(),
  })
  .strict()
  .refine((a) => (a.text === undefined) !== (a.base64 === undefined), {
    message: 'an artefact has either text or base64',
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
      /** Browser mode: the folder the host keeps session files in (display only). */
      sessionsDir: z.string().nullable(),
      /** Parts that depend on core modules still being written; the UI says when one is missing. */
      features: z.object({ importers: z.boolean(), explain: z.boolean() }),
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
  'machine.generate': {
    request: LargeMachineKnobsSchema,
    response: z.object({ name: z.string(), text: z.string() }),
  },
  'profiles.list': {
    request: empty,
    response: z.array(z.object({ name: z.string(), description: z.string() })),
  },

  // Sessions. The page names a session only by the id the host gave it, or (browser mode) by a
  // bare file name inside the host's sessions folder; it never hands the host a path.
  'session.new': {
    request: z.object({ machineName: MachineNameSchema, machineText: MachineTextSchema }).strict(),
    response: SessionStateSchema,
  },
  'session.open': {
    request: z.object({ name: SessionFileNameSchema }).strict(),
    response: SessionStateSchema,
  },
  'session.openRecent': {
    request: z.object({ recentId: z.string().min(1).max(64) }).strict(),
    response: SessionStateSchema,
  },
  'session.openDialog': {
    request: empty,
    response: SessionStateSchema.nullable(),
  },
  'session.upload': {
    request: z
      .object({
        fileName: z.string().min(1).max(255),
        base64: z
          .string()
          .max(MAX_UPLOAD_BASE64, 'a session uploaded from the page is at most 48 MiB')
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
      })
      .strict(),
    response: SessionStateSchema,
  },
  'session.recent': {
    request: empty,
    response: z.array(RecentSessionSchema),
  },
  'session.save': {
    request: z
      .object({
        sessionId: SessionIdSchema,
        machineName: MachineNameSchema,
        machineText: MachineTextSchema,
      })
      .strict(),
    response: SessionStateSchema,
  },
  'session.saveAs': {
    request: z
      .object({
        sessionId: SessionIdSchema,
        machineName: MachineNameSchema,
        machineText: MachineTextSchema,
        /** Browser mode: the new file's name in the sessions folder. Desktop: omitted (dialog). */
        name: SessionFileNameSchema.optional(),
        overwrite: z.boolean().default(false),
      })
      .strict(),
    response: SessionStateSchema.nullable(),
  },
  'session.close': {
    request: z.object({ sessionId: SessionIdSchema }).strict(),
    response: z.object({}),
  },

  // Runs: started as jobs (off the host's thread), polled for progress, cancellable.
  'runs.list': {
    request: z.object({ sessionId: SessionIdSchema }).strict(),
    response: z.array(RunSummarySchema),
  },
  'run.start': {
    request: z
      .object({
        sessionId: SessionIdSchema,
        machineText: MachineTextSchema,
        profile: z.string().max(32).optional(),
        /** Fault injections: none exist yet (the injection engine is a later issue). */
        injections: z.array(z.never()).max(0).default([]),
      })
      .strict(),
    response: z.object({ jobId: JobIdSchema }),
  },
  'run.result': {
    request: z.object({ sessionId: SessionIdSchema, runId: RunIdSchema }).strict(),
    response: RunResultSchema,
  },
  'run.devices': {
    request: z
      .object({
        sessionId: SessionIdSchema,
        runId: RunIdSchema,
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        /** Only devices whose BDF, driver or name contains this. */
        filter: z.string().max(64).default(''),
      })
      .strict(),
    response: z.object({ total: z.number(), devices: z.array(RunDeviceSchema) }),
  },
  'job.status': {
    request: z.object({ jobId: JobIdSchema }).strict(),
    response: JobStatusSchema,
  },
  'job.cancel': {
    request: z.object({ jobId: JobIdSchema }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  },

  // Reports.
  'report.formats': {
    request: empty,
    response: z.array(
      z.object({
        format: ReportFormatSchema,
        label: z.string(),
        extension: z.string(),
        available: z.boolean(),
        /** Why a format is not available yet. */
        reason: z.string().nullable(),
      }),
    ),
  },
  'report.export': {
    request: z
      .object({ sessionId: SessionIdSchema, runId: RunIdSchema, format: ReportFormatSchema })
      .strict(),
    /** null: the user dismissed the desktop save dialog. */
    response: z.object({ jobId: JobIdSchema }).nullable(),
  },

  // Import and explain: served by core/import once it exists (see electron/api/importing.ts).
  'import.artefacts': {
    request: z.object({ files: z.array(ArtefactSchema).min(1).max(32) }).strict(),
    response: ImportResultSchema,
  },
  'fault.explain': {
    request: z
      .object({
        line: z.string().min(1).max(4096),
        /** Explain it on the machine of this run. */
        sessionId: SessionIdSchema.optional(),
        runId: RunIdSchema.optional(),
      })
      .strict(),
    response: ExplanationSchema,
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
