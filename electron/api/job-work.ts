// The long work behind the UI's jobs: a run (boot the machine, its trace streamed into the session
// file) and a report export (a stored run read page by page into a file). Node-only; runs in a
// worker thread in the app (electron/node/simulation-worker.ts) so the host keeps answering, or
// in-process in tests. Progress goes out through `report`; `cancelled()` is polled between trace
// chunks, and a cancelled job leaves its session consistent (the run is stored as failed).
import { closeSync, openSync, writeSync } from 'node:fs';
import { diffRuns, formatDiff, type Change } from '../../core/compare/diff';
import { resolveProfile, simulate, type SimulationResult } from '../../core/scenario';
import type { Injection } from '../../core/kernel/injections';
import type { Kernel } from '../../core/kernel/kernel';
import { PROFILES, type KernelProfile } from '../../core/kernel/profiles';
import { parseMachineJson } from '../../core/model/validate';
import { writeReport } from '../../core/report/report';
import type { RunWriter } from '../../core/store/run-writer';
import { Session } from '../../core/store/session';
import type { ChunkSource, TraceSink } from '../../core/trace/emitter';
import { TraceEmitter } from '../../core/trace/emitter';
import { explainLine } from '../../core/import/explain';
import { isProblemLevel } from '../../core/kernel/printk';
import type { Machine } from '../../core/model/schema';
import type { ReportFormat, RequestOf, ResponseOf, RunDiffView, RunResult } from './channels';
import { toBase64, type StoredColumn } from '../../core/scenario/stored-column';
import {
  messageCount,
  readMessageWords,
  shownMessage,
  storedMessageWords,
} from '../../core/scenario/device-messages';
import { APP_RUN_FORMATS } from '../../core/report/run-data';
import { buildIrqTables, buildRunTables, type RunSpec, type StoredRunTables } from './run-tables';
import {
  irqTableNamesText,
  irqTableParts,
  type BuiltIrqTable,
  type IrqTableJson,
  type TextPart,
  type V1IrqRow,
} from '../../core/scenario/irq-table';
import { procInterruptsPreview, runSimulationRequest } from './simulation';

export type JobRequest =
  | {
      kind: 'run';
      file: string;
      machineText: string;
      profile?: string;
      /** An edited profile: boots with it instead of `profile`. */
      customProfile?: KernelProfile;
      injections?: Injection[];
      /** Events the same machine took last time, for a progress fraction (null: unknown). */
      expectedEvents: number | null;
    }
  | { kind: 'export'; file: string; runId: number; format: ReportFormat; outFile: string }
  | { kind: 'compare'; file: string; runA: number; runB: number }
  | { kind: 'simulate'; request: RequestOf<'machine.simulate'> };

export type JobProgress = { phase: string; done: number; total: number | null; unit: string };

export type JobOutcome =
  | { kind: 'run'; runId: number; events: number; result: RunResultParts }
  | { kind: 'export'; bytes: number }
  | { kind: 'compare'; diff: RunDiffView; text: string }
  | { kind: 'simulate'; result: ResponseOf<'machine.simulate'> };

export class JobCancelled extends Error {
  constructor() {
    super('cancelled by the user');
    this.name = 'JobCancelled';
  }
}

/** What the app stores as a run's outputs (runs.outputs_json) and reads back for the results. */
export interface StoredRunOutputs {
  /**
   * /2 and later keep the irqs as columns (irqTable; since /3 each column in the narrowest type
   * that holds it, irq-table.ts), /1 as one object each (irqs). /4 keeps the IRTEs as columns too
   * (tables.irtes, irte-table.ts), the earlier ones as flat rows.
   */
  format: (typeof APP_RUN_FORMATS)[number];
  profile: string;
  procInterrupts: string;
  truncated: boolean;
  dmesg: string[];
  /** The printk level of each dmesg line (absent in runs stored before it was kept). */
  dmesgLevels?: number[];
  /** The dmesg lines read as faults (runs stored before it existed lack it: found on read). */
  faultLines?: number[];
  /** The dmesg lines core/import can explain (older runs lack it: found on read). */
  explainLines?: number[];
  /** irqs.length and devices.length, readable without them (older runs lack them). */
  irqCount?: number;
  deviceCount?: number;
  warnings: string[];
  oops: SimulationResult['oops'];
  vectorUsage: SimulationResult['vectorUsage'];
  /** The irqs as columns (irqlab-app-run/2 and /3): read them through storedIrqs(). */
  irqTable?: IrqTableJson;
  /** The irqs, one object each (irqlab-app-run/1 runs). */
  irqs?: V1IrqRow[];
  devices: {
    bdf: string;
    name: string;
    driver: string | null;
    /** modelled / observed / user (runs stored before it existed lack it). */
    behaviour?: string | null;
    mode: string | null;
    /** Its MSI/MSI-X messages, one object each (irqlab-app-run/1 runs): read them through deviceMessages(). */
    messages?: { entry: number; address: string; data: string }[];
    /**
     * Its messages as (address_hi, address_lo, data) triples, -1s for an entry not written: a
     * column since irqlab-app-run/5, a list in /2 to /4 (device-messages.ts).
     */
    messageWords?: StoredColumn;
    /** A device on its INTx line: that (shareable) IO-APIC irq, which has no single owner. */
    intxIrq?: number | null;
  }[];
  milliseconds: number;
  /** What the run was booted with (runs stored before the debugger existed lack it). */
  spec?: RunSpec;
  /** The analysis views' tables (same: absent in older runs). */
  tables?: StoredRunTables;
}

export interface JobContext {
  report(progress: JobProgress): void;
  cancelled(): boolean;
  /**
   * Where a run's trace and outputs are stored: a thread of its own in the app (the boot does
   * not wait for SQLite; electron/node/run-store.ts), this thread when absent (tests).
   */
  openRunStore?: OpenRunStore;
}

/** The run being stored, as the boot sees it. */
export interface RunStore {
  /** Takes the trace as the boot emits it. */
  sink: TraceSink;
  /** Chunks the sink keeps as they are (no copy), if it has them: the emitter must write into them. */
  chunks?: ChunkSource;
  /** Events committed to the file so far. */
  stored(): number;
  /**
   * The trace is complete (no more chunks): what is left of it can go into the file, and into
   * the database from its WAL, while the outputs are built.
   */
  traceEnded(): void;
  /**
   * The outputs' irq table, handed over as soon as it is built: the store makes its text
   * (irq-table.ts irqTableParts: 9.7 MB on a 1536-CPU machine) while the rest is built. Its
   * columns' buffers may be moved to the store's thread, unreadable here afterwards.
   */
  irqTable(table: BuiltIrqTable): void;
  /**
   * Stores the outputs (serialized, without the irq table: it goes in as their first key,
   * `irqTable`: StoredOutputs) and marks the run complete, once every event is stored; `waiting`
   * is told how many are while it waits. Returns the run's id.
   */
  finish(outputsJson: string, waiting: (stored: number) => void): number;
  /** Marks the run failed (what was stored stays readable). */
  fail(error: string): void;
}

export type OpenRunStore = (
  file: string,
  run: { profile: string; scenario: string; machineJson: string },
) => RunStore;

const utf8 = new TextEncoder();

/**
 * A run's stored outputs as UTF-8 bytes, made in one buffer: the irq table's text first
 * (`{"irqTable":…,`), written as soon as the table is built (while the boot's thread builds the
 * rest), then the rest of the outputs' JSON after it. On a 1536-CPU machine the table is 9.7 MB of
 * text and the rest 7.5 MB: joined afterwards into a new buffer, the store spent 55-107 ms more on
 * the run's way to its results (the first touch of fresh memory is what costs, on this VM ~10 us a
 * page). The buffer is allocated with room after the table (ROOM_PER_TABLE_BYTE for each of its
 * bytes, at least MIN_ROOM): pages never written are never touched, so the room costs address
 * space rather than memory. Outputs too big for it are joined by a copy.
 */
export class StoredOutputs {
  private static readonly ROOM_PER_TABLE_BYTE = 2;
  private static readonly MIN_ROOM = 1 << 20;
  private readonly bytes: Buffer | null = null;
  private readonly head: number = 0;

  /** `irqTable`: its text parts (irq-table.ts irqTableParts); null: outputs without one. */
  constructor(irqTable: readonly TextPart[] | null) {
    if (!irqTable) return;
    const parts: TextPart[] = ['{"irqTable":', ...irqTable, ','];
    // Bytes become base64, which is ASCII: its length is known and it is written as latin1 (a
    // copy); only the JSON parts (names) are measured and written as UTF-8.
    let size = 0;
    for (const p of parts)
      size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : 4 * Math.ceil(p.length / 3);
    const bytes = Buffer.allocUnsafeSlow(
      size + Math.max(StoredOutputs.MIN_ROOM, size * StoredOutputs.ROOM_PER_TABLE_BYTE),
    );
    let at = 0;
    for (const p of parts)
      at +=
        typeof p === 'string' ? bytes.write(p, at, 'utf8') : bytes.write(toBase64(p), at, 'latin1');
    this.bytes = bytes;
    this.head = at;
  }

  /** The outputs (a JSON object's UTF-8 bytes) with the irq table, if any, as their first key. */
  join(outputsJson: Uint8Array): Uint8Array {
    const bytes = this.bytes;
    if (!bytes) return outputsJson;
    // Past the object's `{`; an empty object's `}` then replaces the table's trailing comma.
    const rest = outputsJson.subarray(1);
    const at = rest.length === 1 ? this.head - 1 : this.head;
    if (at + rest.length > bytes.length)
      return Buffer.concat([bytes.subarray(0, at), rest], at + rest.length);
    bytes.set(rest, at);
    return bytes.subarray(0, at + rest.length);
  }
}

/** The run stored by this thread as the boot goes (tests; a host without workers). */
export const inThreadRunStore: OpenRunStore = (file, run) => {
  const session = Session.open(file);
  let writer: RunWriter;
  try {
    writer = session.beginRun(run);
  } catch (err) {
    session.close();
    throw err;
  }
  let outputs = new StoredOutputs(null);
  return {
    sink: writer,
    stored: () => writer.eventCount,
    traceEnded: () => undefined,
    irqTable(table) {
      outputs = new StoredOutputs(irqTableParts(table, irqTableNamesText(table)));
    },
    finish(outputsJson) {
      try {
        writer.finishJson(outputs.join(utf8.encode(outputsJson)));
        return writer.runId;
      } finally {
        session.close();
      }
    },
    fail(error) {
      try {
        writer.fail(error);
      } finally {
        session.close();
      }
    },
  };
};

export function runJob(request: JobRequest, ctx: JobContext): JobOutcome {
  if (request.kind === 'run') return runBoot(request, ctx);
  if (request.kind === 'compare') return compareRuns(request, ctx);
  if (request.kind === 'simulate') {
    // One boot with no trace to check between: a cancel ends its thread (nothing is stored).
    ctx.report({ phase: 'booting', done: 0, total: null, unit: '' });
    return { kind: 'simulate', result: runSimulationRequest(request.request) };
  }
  return exportReport(request, ctx);
}

function runBoot(request: Extract<JobRequest, { kind: 'run' }>, ctx: JobContext): JobOutcome {
  const parsed = parseMachineJson(request.machineText);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    throw new Error(
      `the machine is not valid (${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'}; first: ${first.path}: ${first.message})`,
    );
  }
  if (
    request.customProfile === undefined &&
    request.profile !== undefined &&
    !Object.prototype.hasOwnProperty.call(PROFILES, request.profile)
  ) {
    throw new Error(`unknown profile ${JSON.stringify(request.profile)}`);
  }
  const machine = parsed.machine;
  // The profile the run follows: the edited one, the one asked for, or the kernel version's.
  const profile = request.customProfile ?? resolveProfile(machine, request.profile);
  const injections = request.injections ?? [];
  const open = ctx.openRunStore ?? inThreadRunStore;
  const store = open(request.file, {
    profile: profile.name,
    scenario: 'boot',
    machineJson: request.machineText,
  });
  // The boot's share of the work is its trace; the first run of a machine has no count of its
  // own yet, so the machine's size gives one (estimateBootEvents), shown as approximate.
  const expected = request.expectedEvents ?? estimateBootEvents(machine);
  const approximate = request.expectedEvents === null;
  const booting = (done: number): JobProgress => ({
    phase: 'booting',
    done,
    // Past the estimate: the total grows with the boot, so the share never passes 99%.
    total: Math.max(expected, Math.ceil(done / 0.99)),
    unit: approximate ? 'trace events (estimated)' : 'trace events',
  });
  const trace = new TraceEmitter();
  if (store.chunks) trace.useChunks(store.chunks);
  trace.addSink(store.sink);
  // Between chunks: say how far the boot is, and stop if the user asked to.
  trace.addSink({
    write: (chunk) => {
      ctx.report(booting(chunk.base + chunk.length));
      if (ctx.cancelled()) throw new JobCancelled();
    },
  });
  ctx.report(booting(0));
  const t0 = performance.now();
  try {
    let kernel: Kernel | null = null;
    const result = simulate(machine, {
      profile,
      injections,
      trace,
      onKernel: (k) => (kernel = k),
    });
    const events = trace.seq;
    store.traceEnded();
    const OUTPUT_PARTS = 4;
    const building = (done: number) =>
      ctx.report({ phase: 'building the outputs', done, total: OUTPUT_PARTS, unit: 'parts' });
    building(0);
    const { domains, irqTable } = buildIrqTables(kernel!);
    const devices = deviceRows(result, machine, irqTable, domains);
    const irqCount = irqTable.irq.length;
    // First, so that the store makes its text while the rest is built (not read here again).
    store.irqTable(irqTable);
    building(1);
    const tables = buildRunTables(kernel!, result, machine, domains, irqCount);
    const procInterrupts = procInterruptsPreview(result);
    building(2);
    const outputs: StoredRunOutputs = {
      format: 'irqlab-app-run/5',
      profile: result.profile,
      procInterrupts: procInterrupts.text,
      truncated: procInterrupts.truncated,
      dmesg: result.dmesg,
      dmesgLevels: result.dmesgLevels,
      faultLines: faultLineIndexes(result.dmesg, result.dmesgLevels),
      explainLines: explainableLineIndexes(result.dmesg),
      warnings: result.warnings,
      oops: result.oops,
      vectorUsage: result.vectorUsage,
      devices,
      irqCount,
      deviceCount: result.devices.length,
      milliseconds: Math.round(performance.now() - t0),
      spec: { profile, injections },
      tables,
    };
    building(3);
    const outputsJson = JSON.stringify(outputs);
    building(4);
    // The trace may still be going into the file (its own thread): the rest of it, then the
    // outputs, each with its share done.
    const runId = store.finish(outputsJson, (stored) => {
      ctx.report(
        stored < events
          ? { phase: 'storing the trace', done: stored, total: events, unit: 'trace events' }
          : { phase: 'storing the outputs', done: 0, total: 1, unit: 'run' },
      );
    });
    return { kind: 'run', runId, events, result: resultOf(outputs) };
  } catch (err) {
    try {
      store.fail(err instanceof JobCancelled ? 'cancelled by the user' : (err as Error).message);
    } catch {
      // the store's own failure: the boot's error is the one to tell
    }
    throw err;
  }
}

/** Each device with its name, driver, mode and messages (an INTx device: its irq). */
function deviceRows(
  result: SimulationResult,
  machine: Machine,
  irqs: BuiltIrqTable,
  domains: readonly { name: string }[],
): StoredRunOutputs['devices'] {
  const byBdf = new Map(machine.pci.map((f) => [f.bdf, f]));
  // The irq of each IO-APIC pin: its first domain is IO-APIC-<id>, hwirq the pin.
  const pinIrq = new Map<string, number>();
  for (let i = 0; i < irqs.irq.length; i++) {
    const at = irqs.chainStart[i]!;
    if (at >= irqs.chainStart[i + 1]!) continue;
    const domain = domains[irqs.chainDomain[at]!]!.name;
    if (domain.startsWith('IO-APIC-'))
      pinIrq.set(`${domain}:${irqs.chainHwirq[at]!}`, irqs.irq[i]!);
  }
  const intxIrqOf = (bdf: string): number | null => {
    const gsi = byBdf.get(bdf)?.intx_gsi ?? null;
    if (gsi === null) return null;
    const io = machine.ioapics.find((a) => gsi >= a.gsi_base && gsi < a.gsi_base + a.pins);
    return io ? (pinIrq.get(`IO-APIC-${io.id}:${gsi - io.gsi_base}`) ?? null) : null;
  };
  return result.devices.map((d) => {
    const messageWords = storedMessageWords(d.entries);
    return {
      bdf: d.bdf,
      name: byBdf.get(d.bdf)?.name ?? '',
      driver: d.driver,
      behaviour: d.behaviour,
      mode: d.mode,
      messageWords,
      intxIrq: d.mode === 'intx' ? intxIrqOf(d.bdf) : null,
    };
  });
}

/**
 * A stored device's first `limit` messages (all by default) as the views show them, and how many
 * more it has: its stored words read once for both.
 */
export function deviceMessages(
  d: StoredRunOutputs['devices'][number],
  limit = Infinity,
): { messages: { entry: number; address: string; data: string }[]; more: number } {
  if (d.messages)
    return {
      messages: d.messages.slice(0, limit),
      more: Math.max(0, d.messages.length - limit),
    };
  const words = readMessageWords(`messageWords of ${d.bdf}`, d.messageWords);
  const count = messageCount(words);
  const messages: { entry: number; address: string; data: string }[] = [];
  for (let entry = 0; entry < Math.min(limit, count); entry++)
    messages.push({ entry, ...shownMessage(words, entry) });
  return { messages, more: Math.max(0, count - limit) };
}

/**
 * Trace events a boot of this machine will emit, roughly (within a factor of two on the
 * presets): the per-CPU bring-up, then each function's interrupts. Only for the progress of a
 * machine's first run; later runs know the count of the last one.
 */
export function estimateBootEvents(machine: Machine): number {
  let vectors = 0;
  for (const f of machine.pci) {
    const msix = f.msix?.table_size ?? 0;
    const msi = f.msi?.vectors_max ?? 0;
    const perFn = Math.max(1, Math.min(Math.max(msix, msi), machine.cpus.list.length + 8));
    vectors += perFn * (1 + (f.sriov?.num_vfs ?? 0));
  }
  return Math.round(
    BOOT_EVENTS.base +
      BOOT_EVENTS.perCpu * machine.cpus.list.length +
      BOOT_EVENTS.perVector * vectors,
  );
}
const BOOT_EVENTS = { base: 100, perCpu: 2, perVector: 42 };

/** What the results view shows first (the host keeps it: the page asks for it at once). */
export function resultOf(outputs: StoredRunOutputs): RunResultParts {
  return {
    profile: outputs.profile,
    procInterrupts: outputs.procInterrupts,
    truncated: outputs.truncated,
    dmesg: outputs.dmesg,
    ...dmesgMarks(outputs),
    warnings: outputs.warnings,
    oops: outputs.oops,
    vectorUsage: outputs.vectorUsage,
    irqCount: outputs.irqCount ?? outputs.irqs?.length ?? 0,
    deviceCount: outputs.deviceCount ?? outputs.devices.length,
    milliseconds: outputs.milliseconds,
  };
}

/**
 * The levels of a run's log lines and the lines flagged and explainable, as stored, or found on
 * read for runs stored before each was kept.
 */
export function dmesgMarks(
  outputs: Pick<StoredRunOutputs, 'dmesg' | 'dmesgLevels' | 'faultLines' | 'explainLines'>,
): Pick<RunResultParts, 'dmesgLevels' | 'faultLines' | 'explainLines'> {
  return {
    dmesgLevels: outputs.dmesgLevels ?? null,
    faultLines: outputs.faultLines ?? faultLineIndexes(outputs.dmesg, outputs.dmesgLevels),
    explainLines: outputs.explainLines ?? explainableLineIndexes(outputs.dmesg),
  };
}

/** A run's result without its summary row (which the host reads from the file). */
export type RunResultParts = Omit<RunResult, 'run'>;

/**
 * Runs stored before each line's printk level was kept: lines that read as a fault. Newer runs
 * are classified by their level.
 */
const FAULT_LINE_WORDS =
  /\b(BUG|Oops|WARNING|fail|error|refus|exceed|broken|fault|cannot|can't|unable|No irq handler|No free IRQ|INTR-REMAP|Call Trace)/i;

/**
 * The log lines to flag as faults: those the kernel logged at KERN_WARNING or more severe
 * (pr_warn, pr_err, FW_BUG, BUG, Oops). A pr_info line is never one, whatever its words.
 */
export function faultLineIndexes(dmesg: readonly string[], levels?: readonly number[]): number[] {
  const out: number[] = [];
  dmesg.forEach((line, i) => {
    const level = levels?.[i];
    if (level !== undefined ? isProblemLevel(level) : FAULT_LINE_WORDS.test(line)) out.push(i);
  });
  return out;
}

/** Lines core/import can explain (an "Explain" beside them, whatever their level). */
export function explainableLineIndexes(dmesg: readonly string[]): number[] {
  const out: number[] = [];
  dmesg.forEach((line, i) => {
    if (explainLine(line) !== null) out.push(i);
  });
  return out;
}

function exportReport(
  request: Extract<JobRequest, { kind: 'export' }>,
  ctx: JobContext,
): JobOutcome {
  const session = Session.open(request.file, { readonly: true });
  try {
    const run = session.run(request.runId);
    if (!run) throw new Error(`no run ${request.runId} in this session`);
    const total = run.eventCount;
    ctx.report({ phase: "reading the run's outputs", done: 0, total, unit: 'trace events' });
    const outputs = session.runOutputs(request.runId);
    const source = session.traceSource(request.runId);
    // Count events as the report reads them, page by page.
    let done = 0;
    const counted = {
      ...source,
      page: (fromSeq: number, limit: number) => {
        const page = source.page(fromSeq, limit);
        done += page.length;
        ctx.report({ phase: 'writing the report', done, total, unit: 'trace events' });
        if (ctx.cancelled()) throw new JobCancelled();
        return page;
      },
    };
    // Written synchronously in 1 MiB pieces: memory stays bounded however long the run.
    const fd = openSync(request.outFile, 'w');
    let bytes = 0;
    let pending: string[] = [];
    let pendingLength = 0;
    const drain = () => {
      if (pending.length === 0) return;
      const buffer = Buffer.from(pending.join(''));
      writeSync(fd, buffer);
      bytes += buffer.length;
      pending = [];
      pendingLength = 0;
    };
    const write = (text: string) => {
      pending.push(text);
      pendingLength += text.length;
      if (pendingLength >= 1 << 20) drain();
    };
    try {
      const { outputsJson: _outputs, ...summary } = run;
      writeReport(request.format, { ...summary, outputs, source: counted }, write);
      drain();
    } finally {
      closeSync(fd);
    }
    return { kind: 'export', bytes };
  } finally {
    session.close();
  }
}

/** A stored run's machine and what it was booted with (older runs: their profile's name). */
export function runSpecOf(
  session: Session,
  runId: number,
): { machineJson: string; profile: KernelProfile; injections: Injection[] } {
  const run = session.run(runId);
  if (!run) throw new Error(`no run ${runId} in this session`);
  if (run.status !== 'complete')
    throw new Error(`run ${runId} is ${run.status}${run.error ? ` (${run.error})` : ''}`);
  let spec: RunSpec | undefined;
  try {
    spec = (JSON.parse(run.outputsJson ?? '{}') as Partial<StoredRunOutputs>).spec;
  } catch {
    spec = undefined;
  }
  if (spec) return { machineJson: run.machineJson, ...spec };
  const named = PROFILES[run.profile];
  if (!named)
    throw new Error(`run ${runId} used profile ${JSON.stringify(run.profile)}, which is not known`);
  return { machineJson: run.machineJson, profile: named, injections: [] };
}

/** Changes per section shown on the page; the counts say how many there were. */
const COMPARE_ITEMS = 2000;

function changeView<T extends object>(c: Change<T>) {
  const flat = (v: T | undefined) =>
    v === undefined
      ? null
      : (Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, typeof x === 'number' ? x : String(x)]),
        ) as Record<string, string | number>);
  return {
    kind: c.kind,
    key: c.key,
    a: flat(c.kind === 'added' ? undefined : c.a),
    b: flat(c.kind === 'removed' ? undefined : c.b),
    fields: c.kind === 'changed' ? c.fields : [],
  };
}

function compareRuns(
  request: Extract<JobRequest, { kind: 'compare' }>,
  ctx: JobContext,
): JobOutcome {
  const session = Session.open(request.file, { readonly: true });
  const boots: SimulationResult[] = [];
  const labels: string[] = [];
  try {
    for (const [i, runId] of [request.runA, request.runB].entries()) {
      const spec = runSpecOf(session, runId);
      const parsed = parseMachineJson(spec.machineJson);
      if (!parsed.ok) throw new Error(`run ${runId}: its machine is not valid`);
      ctx.report({ phase: `booting run ${runId} again`, done: i, total: 3, unit: 'steps' });
      if (ctx.cancelled()) throw new JobCancelled();
      boots.push(simulate(parsed.machine, { profile: spec.profile, injections: spec.injections }));
      const extra = spec.injections.length
        ? ` + ${spec.injections.map((x) => x.kind).join(', ')}`
        : '';
      labels.push(`run ${runId} (${spec.profile.name}${extra})`);
    }
  } finally {
    session.close();
  }
  ctx.report({ phase: 'comparing', done: 2, total: 3, unit: 'steps' });
  const d = diffRuns(boots[0]!, boots[1]!, labels);
  const cap = <T>(xs: T[]) => xs.slice(0, COMPARE_ITEMS);
  const diff: RunDiffView = {
    runA: request.runA,
    runB: request.runB,
    a: d.a,
    b: d.b,
    summary: d.summary,
    interrupts: { total: d.interrupts.length, items: cap(d.interrupts).map(changeView) },
    messages: { total: d.messages.length, items: cap(d.messages).map(changeView) },
    irtes: { total: d.irtes.length, items: cap(d.irtes).map(changeView) },
    faults: { onlyA: cap(d.faults.onlyA), onlyB: cap(d.faults.onlyB) },
    dmesg: { total: d.dmesg.length, items: cap(d.dmesg) },
  };
  return { kind: 'compare', diff, text: formatDiff(d, 200) };
}
