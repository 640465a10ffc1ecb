// The API between the renderer and the app, defined once.
//
// Every channel names its request and response schemas. From this one table come: the request
// and response types of the renderer's client, the preload bridge and the IPC/WebSocket hosts;
// and the runtime validation the main side applies to every request before a handler sees it.
// This file is "common": it imports zod and core's pure modules only, so both ends can use it.
import { z } from 'zod';
import { InjectionSchema } from '../../core/kernel/injections';
import { KernelProfileSchema } from '../../core/kernel/profiles';
import { BreakpointSchema } from '../../core/step/breakpoints';
import { PEEK_OPS } from '../../core/step/peek';
import { fileBase64Schema, fileTextSchema } from './limits';

const empty = z.object({}).strict();

/** A validation problem, located by JSON path (`$.pci[3].msix.table_size`) or line:column. */
export const ProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
});

const MachineTextSchema = fileTextSchema('a machine file');
const MachineNameSchema = z.string().min(1).max(200);
const SessionIdSchema = z.string().regex(/^s[0-9]{1,9}$/, 'a session id the host gave');
const JobIdSchema = z.string().regex(/^j[0-9]{1,9}$/, 'a job id the host gave');
/** The longest a `job.status` call may wait for its job's end (a page's poll, not a hang). */
export const MAX_JOB_STATUS_WAIT_MS = 1000;
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
  /** `simulate`: a `machine.simulate` call waiting for its turn (the answer is the call's). */
  kind: z.enum(['run', 'export', 'compare', 'simulate']),
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
  /** The printk level of each dmesg line (0..7); null for runs stored before levels were kept. */
  dmesgLevels: z.array(z.number().int().min(0).max(7)).nullable(),
  /** Indexes into dmesg of the lines that report a problem (logged at KERN_WARNING or above). */
  faultLines: z.array(z.number()),
  /** Indexes into dmesg of the lines `irqlab explain` knows (faults or not). */
  explainLines: z.array(z.number()),
  warnings: z.array(z.string()),
  oops: z.object({ text: z.string(), callTrace: z.array(z.string()) }).nullable(),
  vectorUsage: z.array(VectorUsageSchema),
  irqCount: z.number(),
  deviceCount: z.number(),
  milliseconds: z.number(),
});
export type RunResult = z.output<typeof RunResultSchema>;

export const RealInterruptsSchema = z
  .object({
    fileName: z.string().min(1).max(255),
    text: z.string().max(16 * 1024 * 1024, 'a /proc/interrupts of at most 16 MiB'),
    /** What the import assumed for lack of a fact (the review's "missing" list). */
    missing: z.array(z.string().max(1000)).max(10_000).default([]),
  })
  .strict();

const RowViewSchema = z.object({
  irq: z.number(),
  chip: z.string(),
  hwirq: z.number().nullable(),
  handler: z.string(),
  actions: z.string(),
});

/** The real /proc/interrupts beside a run's predicted one (core/import/real-vs-predicted.ts). */
export const RealVsPredictedSchema = z.object({
  realFile: z.string(),
  cpus: z.object({ real: z.number(), predicted: z.number() }),
  identical: z.number(),
  total: z.number(),
  rows: z.array(
    z.object({
      key: z.string(),
      real: RowViewSchema.nullable(),
      predicted: RowViewSchema.nullable(),
      differs: z.array(z.enum(['irq', 'handler', 'actions'])),
      owner: z
        .object({
          bdf: z.string(),
          driver: z.string().nullable(),
          behaviour: z.enum(['modelled', 'observed', 'user']).nullable(),
        })
        .nullable(),
      explanation: z.array(z.string()),
    }),
  ),
  assumed: z.array(z.string()),
});
export type RealVsPredictedView = z.output<typeof RealVsPredictedSchema>;

export const RunDeviceSchema = z.object({
  bdf: z.string(),
  name: z.string(),
  driver: z.string().nullable(),
  /** modelled: a driver model; observed: a real /proc/interrupts (driver not modelled); user: the machine file's request. */
  behaviour: z.enum(['modelled', 'observed', 'user']).nullable(),
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
    text: fileTextSchema('an artefact').optional(),
    base64: fileBase64Schema('an artefact').optional(),
  })
  .strict()
  .refine((a) => (a.text === undefined) !== (a.base64 === undefined), {
    message: 'an artefact has either text or base64',
  });

/** A breakpoint as the session keeps it (breakpoints table); `id` once stored. */
export const StoredBreakpointSchema = z.object({
  id: z.number(),
  kind: BreakpointSchema.shape.kind,
  spec: z.string(),
  enabled: z.boolean(),
});
export type StoredBreakpoint = z.output<typeof StoredBreakpointSchema>;

const NameValueSchema = z.object({ name: z.string(), value: z.string() });

/** Where the stepping engine stopped and what the kernel looks like there (core/step/engine.ts). */
export const StepStateSchema = z.object({
  seq: z.number(),
  event: z.object({
    kind: z.string(),
    fn: z.string(),
    irq: z.number(),
    cpu: z.number(),
    depth: z.number(),
    args: z.array(NameValueSchema),
    text: z.string(),
  }),
  stack: z.array(z.object({ fn: z.string(), seq: z.number(), args: z.array(NameValueSchema) })),
  reason: z.string(),
  irq: z.number().nullable(),
  chain: z.array(z.object({ domain: z.string(), hwirq: z.string(), chip: z.string() })),
  vector: z
    .object({ vector: z.number(), cpu: z.number(), managed: z.boolean(), reserved: z.boolean() })
    .nullable(),
  matrix: z.array(
    z.object({
      cpu: z.number(),
      available: z.number(),
      allocated: z.number(),
      managed: z.number(),
      managedAllocated: z.number(),
      vectors: z.string(),
    }),
  ),
  irtes: z.array(
    z.object({
      unit: z.string(),
      index: z.number(),
      present: z.boolean(),
      vector: z.number(),
      dest: z.string(),
      sid: z.string(),
      svt: z.number(),
      sq: z.number(),
    }),
  ),
  message: z
    .object({ device: z.string(), entry: z.number(), address: z.string(), data: z.string() })
    .nullable(),
  remapping: z.enum(['xapic', 'x2apic', 'off']),
  dmesgTail: z.array(z.string()),
  done: z.boolean(),
});
export type StepStateView = z.output<typeof StepStateSchema>;

const SeqSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40);
const FunctionNameSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a kernel function name');

/** What the debugger can be told. */
export const DebugCommandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('step') }).strict(),
  z.object({ op: z.literal('into') }).strict(),
  z.object({ op: z.literal('over') }).strict(),
  z.object({ op: z.literal('out') }).strict(),
  z.object({ op: z.literal('continue') }).strict(),
  z
    .object({ op: z.literal('back'), n: z.number().int().min(1).max(1_000_000).default(1) })
    .strict(),
  z.object({ op: z.literal('goto'), seq: SeqSchema }).strict(),
  /** "Run to here": on to the next call of this function (a one-off breakpoint). */
  z.object({ op: z.literal('run-to-call'), fn: FunctionNameSchema }).strict(),
]);
export type DebugCommand = z.input<typeof DebugCommandSchema>;

/** A stored trace event with its names resolved (core/store namedEvents). */
export const TraceEventSchema = z.object({
  seq: z.number(),
  kind: z.string(),
  depth: z.number(),
  name: z.string(),
  irq: z.number(),
  cpu: z.number(),
  args: z.record(z.string(), z.union([z.number(), z.string()])),
  text: z.string(),
  device: z.string(),
});
export type TraceEvent = z.output<typeof TraceEventSchema>;

export const TRACE_KINDS = ['call', 'ret', 'state', 'log', 'fault'] as const;

export const TraceFilterSchema = z
  .object({
    fn: FunctionNameSchema.optional(),
    irq: z
      .number()
      .int()
      .min(-1)
      .max(2 ** 31)
      .optional(),
    cpu: z.number().int().min(-1).max(65535).optional(),
    device: z.string().min(1).max(32).optional(),
    kind: z.enum(TRACE_KINDS).optional(),
  })
  .strict();
export type TraceFilter = z.output<typeof TraceFilterSchema>;

const RunRef = { sessionId: SessionIdSchema, runId: RunIdSchema };

const SqlCellSchema = z.union([z.string(), z.number(), z.null()]);

/** A name SQL sees (table, virtual table, view) with its columns, each with one line of meaning. */
const SqlNameSchema = z.object({ name: z.string(), meaning: z.string() });
export const SqlRelationSchema = z.object({
  name: z.string(),
  type: z.enum(['table', 'virtual table', 'view']),
  meaning: z.string(),
  columns: z.array(SqlNameSchema),
  arguments: z.array(SqlNameSchema).optional(),
});
export type SqlRelation = z.infer<typeof SqlRelationSchema>;

const ChangeSchema = z.object({
  kind: z.enum(['added', 'removed', 'changed']),
  key: z.string(),
  a: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
  b: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
  fields: z.array(z.string()),
});
const ChangesSchema = z.object({ total: z.number(), items: z.array(ChangeSchema) });

/** Two runs side by side (core/compare diffRuns), each section capped for the page. */
export const RunDiffViewSchema = z.object({
  runA: z.number(),
  runB: z.number(),
  a: z.string(),
  b: z.string(),
  summary: z.array(z.string()),
  interrupts: ChangesSchema,
  messages: ChangesSchema,
  irtes: ChangesSchema,
  faults: z.object({ onlyA: z.array(z.string()), onlyB: z.array(z.string()) }),
  dmesg: z.object({
    total: z.number(),
    items: z.array(z.object({ op: z.enum(['-', '+']), line: z.string() })),
  }),
});
export type RunDiffView = z.output<typeof RunDiffViewSchema>;

export const DomainViewSchema = z.object({
  name: z.string(),
  parent: z.string().nullable(),
  chip: z.string(),
  bus: z.string(),
  mapped: z.number(),
  msiFlags: z.number().nullable(),
});

export const IrqSummarySchema = z.object({
  irq: z.number(),
  chip: z.string(),
  hwirq: z.number(),
  owner: z.string(),
  actions: z.array(z.string()),
  vector: z.number(),
  cpu: z.number(),
  managed: z.boolean(),
});
export type IrqSummary = z.output<typeof IrqSummarySchema>;

export const IrteViewSchema = z.object({
  index: z.number(),
  irq: z.number(),
  present: z.boolean(),
  vector: z.number(),
  dest: z.number(),
  sid: z.number(),
  sq: z.number(),
  svt: z.number(),
  owner: z.string(),
});

export const RteViewSchema = z.object({
  pin: z.number(),
  gsi: z.number(),
  irq: z.number(),
  low: z.number(),
  high: z.number(),
  masked: z.boolean(),
  trigger: z.enum(['edge', 'level']),
  polarity: z.enum(['high', 'low']),
  remappable: z.boolean(),
  vector: z.number(),
  deliveryMode: z.string(),
  destinationMode: z.enum(['physical', 'logical']),
  destination: z.number(),
  irteIndex: z.number().nullable(),
  owner: z.string(),
});

/** An example session: one of the seed thread's failures, ready to step to. */
export const ExampleSchema = z.object({
  name: z.string(),
  title: z.string(),
  story: z.string(),
  profile: z.string(),
  fixedProfile: z.string(),
  breakpoints: z.array(z.object({ kind: BreakpointSchema.shape.kind, spec: z.string() })),
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
    request: z.object({ text: MachineTextSchema }).strict(),
    response: z.object({ ok: z.boolean(), problems: z.array(ProblemSchema) }),
  },
  'machine.simulate': {
    request: z
      .object({
        text: MachineTextSchema,
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
  'examples.list': {
    request: empty,
    response: z.array(ExampleSchema),
  },

  // Sessions. The page names a session only by the id the host gave it, or (browser mode) by a
  // bare file name inside the host's sessions folder; it never hands the host a path.
  'session.new': {
    request: z
      .object({
        machineName: MachineNameSchema,
        machineText: MachineTextSchema,
        /** An imported machine's real /proc/interrupts, kept for "Real vs predicted". */
        realInterrupts: RealInterruptsSchema.optional(),
      })
      .strict(),
    response: SessionStateSchema,
  },
  /**
   * A new session on a machine from the generator (the start page's "Generate and open"): made
   * on the host, so its JSON crosses the socket once, to the page, instead of three times.
   */
  'session.generate': {
    request: LargeMachineKnobsSchema,
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
        base64: fileBase64Schema('a session file'),
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
        /** An edited clone of a profile (takes the place of `profile`). */
        customProfile: KernelProfileSchema.optional(),
        /** Fault injections (core/kernel/injections.ts). */
        injections: z.array(InjectionSchema).max(32).default([]),
      })
      .strict(),
    response: z.object({ jobId: JobIdSchema }),
  },
  /** A run's options: what it was booted with (profile flags, injections). */
  'run.spec': {
    request: z.object(RunRef).strict(),
    response: z.object({
      profile: KernelProfileSchema.nullable(),
      injections: z.array(InjectionSchema),
    }),
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
  /** null: the session has no real /proc/interrupts (its machine was not imported with one). */
  'run.realVsPredicted': {
    request: z.object({ sessionId: SessionIdSchema, runId: RunIdSchema }).strict(),
    response: RealVsPredictedSchema.nullable(),
  },
  'job.status': {
    request: z
      .object({
        jobId: JobIdSchema,
        /** Answer when the job ends, or after this many ms if it is still running then. */
        waitMs: z.number().int().min(0).max(MAX_JOB_STATUS_WAIT_MS).optional(),
      })
      .strict(),
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

  // Examples: the seed thread's failures as ready sessions (a run done, breakpoints set).
  'examples.open': {
    request: z.object({ name: z.string().min(1).max(64) }).strict(),
    response: z.object({ session: SessionStateSchema, jobId: JobIdSchema }),
  },

  // The allocation debugger: a stored run stepped again in a worker (the simulation is
  // deterministic, so step N is the trace's event N).
  'debug.start': {
    request: z.object({ ...RunRef, seq: SeqSchema.optional() }).strict(),
    response: z.object({
      debugId: z.string(),
      runId: z.number(),
      eventCount: z.number(),
      state: StepStateSchema,
    }),
  },
  'debug.command': {
    request: z
      .object({
        debugId: z.string().regex(/^d[0-9]{1,9}$/, 'a debugger id the host gave'),
        command: DebugCommandSchema,
      })
      .strict(),
    response: StepStateSchema,
  },
  /**
   * What each command would answer at the stop shown, without moving it (null: not known ahead;
   * core/step/node/session.ts `peek`): the page shows one the moment its key goes down, then gives
   * the command. `seq`: the stop the answers are for.
   */
  'debug.peek': {
    request: z
      .object({
        debugId: z.string().regex(/^d[0-9]{1,9}$/, 'a debugger id the host gave'),
        ops: z.array(z.enum(PEEK_OPS)).min(1).max(PEEK_OPS.length),
      })
      .strict(),
    response: z.object({ seq: z.number(), answers: z.array(StepStateSchema.nullable()) }),
  },
  'debug.close': {
    request: z.object({ debugId: z.string().regex(/^d[0-9]{1,9}$/) }).strict(),
    response: z.object({}),
  },
  'breakpoints.list': {
    request: z.object({ sessionId: SessionIdSchema }).strict(),
    response: z.array(StoredBreakpointSchema),
  },
  'breakpoints.set': {
    request: z
      .object({ sessionId: SessionIdSchema, breakpoints: z.array(BreakpointSchema).max(200) })
      .strict(),
    response: z.array(StoredBreakpointSchema),
  },
  'run.allocations': {
    request: z
      .object({
        ...RunRef,
        filter: z.string().max(64).default(''),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    response: z.object({
      total: z.number(),
      items: z.array(
        z.object({
          seq: z.number(),
          fn: z.string(),
          label: z.string(),
          args: z.array(NameValueSchema),
        }),
      ),
    }),
  },

  // The trace explorer: pages of a run's events from SQLite, never the whole run.
  'trace.symbols': {
    request: z.object(RunRef).strict(),
    response: z.object({ functions: z.array(z.string()), devices: z.array(z.string()) }),
  },
  'trace.page': {
    request: z
      .object({
        ...RunRef,
        fromSeq: SeqSchema,
        limit: z.number().int().min(1).max(1000).default(200),
        filter: TraceFilterSchema.default({}),
      })
      .strict(),
    response: z.object({
      events: z.array(TraceEventSchema),
      /** Where the next page starts, or null at the end of the run. */
      nextSeq: z.number().nullable(),
    }),
  },
  'trace.timeline': {
    request: z
      .object({ ...RunRef, bins: z.number().int().min(10).max(4000).default(800) })
      .strict(),
    response: z.object({
      eventCount: z.number(),
      binSize: z.number(),
      faults: z.array(z.number()),
      logs: z.array(z.number()),
      allocations: z.array(z.number()),
      marks: z.array(
        z.object({ seq: z.number(), kind: z.enum(['fault', 'allocation']), label: z.string() }),
      ),
    }),
  },
  /** What the SQL box can query (core/store/sql-schema.ts), for the schema beside it. */
  'trace.schema': {
    request: empty,
    response: z.object({ relations: z.array(SqlRelationSchema) }),
  },
  'trace.query': {
    request: z
      .object({
        sessionId: SessionIdSchema,
        sql: z
          .string()
          .min(1)
          .max(64 * 1024),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
    response: z.object({
      columns: z.array(z.string()),
      rows: z.array(z.array(SqlCellSchema)),
      truncated: z.boolean(),
      milliseconds: z.number(),
    }),
  },

  // Analysis views of a stored run.
  'run.domains': {
    request: z.object(RunRef).strict(),
    response: z.object({ domains: z.array(DomainViewSchema), remapping: z.string() }),
  },
  'run.irqs': {
    request: z
      .object({
        ...RunRef,
        /** Only irqs in this domain (any level of their chain). */
        domain: z.string().max(128).optional(),
        /** irq number, chip, owner or action containing this. */
        filter: z.string().max(64).default(''),
        offset: z.number().int().min(0).max(10_000_000).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.object({ total: z.number(), irqs: z.array(IrqSummarySchema) }),
  },
  'run.irqChain': {
    request: z
      .object({
        ...RunRef,
        irq: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      })
      .strict(),
    response: z.object({
      irq: IrqSummarySchema,
      chain: z.array(z.object({ domain: z.string(), hwirq: z.number(), chip: z.string() })),
      affinity: z.string(),
      effective: z.string(),
      messages: z.array(z.object({ entry: z.number(), address: z.string(), data: z.string() })),
      irte: IrteViewSchema.extend({ unit: z.string() }).nullable(),
      debugfs: z.string().nullable(),
    }),
  },
  'run.vectorMatrix': {
    request: z.object(RunRef).strict(),
    response: z.object({
      cpus: z.array(z.number()),
      allocated: z.array(z.number()),
      managed: z.array(z.number()),
      system: z.array(z.number()),
      /** Flat (cpu index, vector, irq) triples: who holds each allocated vector. */
      owners: z.array(z.number()),
    }),
  },
  'run.irqInfo': {
    request: z
      .object({ ...RunRef, irqs: z.array(z.number().int().min(0)).min(1).max(64) })
      .strict(),
    response: z.array(IrqSummarySchema),
  },
  'run.irtes': {
    request: z
      .object({
        ...RunRef,
        unit: z.string().max(32).optional(),
        offset: z
          .number()
          .int()
          .min(0)
          .max(1 << 20)
          .default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    response: z.object({
      units: z.array(z.object({ name: z.string(), irq: z.number(), count: z.number() })),
      unit: z.string().nullable(),
      total: z.number(),
      rows: z.array(IrteViewSchema),
    }),
  },
  'run.ioapics': {
    request: z.object(RunRef).strict(),
    response: z.array(
      z.object({
        index: z.number(),
        id: z.number(),
        gsiBase: z.number(),
        pins: z.number(),
        domain: z.string(),
        type: z.enum(['legacy', 'dynamic']),
        rtes: z.array(RteViewSchema),
      }),
    ),
  },
  'msi.decode': {
    request: z
      .object({
        address: z
          .string()
          .max(20)
          .regex(/^(0x)?[0-9a-fA-F]{1,16}$/, 'an address in hex (0xfee00000)'),
        data: z
          .string()
          .max(10)
          .regex(/^(0x)?[0-9a-fA-F]{1,8}$/, 'data in hex (0x4021)'),
        sessionId: SessionIdSchema.optional(),
        runId: RunIdSchema.optional(),
      })
      .strict(),
    response: z.object({
      format: z.enum(['compatibility', 'remappable', 'not-an-interrupt']),
      lines: z.array(z.string()),
      owner: z.array(z.string()),
    }),
  },

  // Two runs side by side: both booted again in a worker (a job), then diffRuns.
  'compare.start': {
    request: z
      .object({ sessionId: SessionIdSchema, runA: RunIdSchema, runB: RunIdSchema })
      .strict(),
    response: z.object({ jobId: JobIdSchema }),
  },
  'compare.result': {
    request: z.object({ jobId: JobIdSchema }).strict(),
    response: RunDiffViewSchema,
  },
  'compare.export': {
    request: z.object({ jobId: JobIdSchema }).strict(),
    /** null: the user dismissed the desktop save dialog. */
    response: z
      .object({
        fileName: z.string(),
        bytes: z.number(),
        url: z.string().nullable(),
        location: z.string(),
      })
      .nullable(),
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
