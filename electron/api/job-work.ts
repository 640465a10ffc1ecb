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
import { Session } from '../../core/store/session';
import type { TraceSink } from '../../core/trace/emitter';
import { TraceEmitter } from '../../core/trace/emitter';
import type { ReportFormat, RequestOf, ResponseOf, RunDiffView } from './channels';
import { buildRunTables, type IrqTableFields, type RunSpec, type RunTables } from './run-tables';
import { PROC_INTERRUPTS_LIMIT, runSimulationRequest } from './simulation';

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
  | { kind: 'run'; runId: number; events: number }
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
  format: 'irqlab-app-run/1';
  profile: string;
  procInterrupts: string;
  truncated: boolean;
  dmesg: string[];
  /** The printk level of each dmesg line (absent in runs stored before it was kept). */
  dmesgLevels?: number[];
  warnings: string[];
  oops: SimulationResult['oops'];
  vectorUsage: SimulationResult['vectorUsage'];
  irqs: ({
    irq: number;
    chip: string;
    hwirq: number;
    vector: number;
    cpu: number;
    actions: string[];
    managed: boolean;
    owner: string;
  } & Partial<IrqTableFields>)[];
  devices: {
    bdf: string;
    name: string;
    driver: string | null;
    /** modelled / observed / user (runs stored before it existed lack it). */
    behaviour?: string | null;
    mode: string | null;
    messages: { entry: number; address: string; data: string }[];
    /** A device on its INTx line: that (shareable) IO-APIC irq, which has no single owner. */
    intxIrq?: number | null;
  }[];
  milliseconds: number;
  /** What the run was booted with (runs stored before the debugger existed lack it). */
  spec?: RunSpec;
  /** The analysis views' tables (same: absent in older runs). */
  tables?: RunTables;
}

export interface JobContext {
  report(progress: JobProgress): void;
  cancelled(): boolean;
}

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
  const session = Session.open(request.file);
  try {
    const writer = session.beginRun({
      profile: profile.name,
      scenario: 'boot',
      machineJson: request.machineText,
    });
    const trace = new TraceEmitter();
    trace.addSink(writer);
    // Between chunks: say how far the boot is, and stop if the user asked to.
    const progress: TraceSink = {
      write: (chunk) => {
        ctx.report({
          phase: 'booting',
          done: chunk.base + chunk.length,
          total: request.expectedEvents,
          unit: 'trace events',
        });
        if (ctx.cancelled()) throw new JobCancelled();
      },
    };
    trace.addSink(progress);
    ctx.report({ phase: 'booting', done: 0, total: request.expectedEvents, unit: 'trace events' });
    const t0 = performance.now();
    try {
      let kernel: Kernel | null = null;
      const result = simulate(machine, {
        profile,
        injections,
        trace,
        onKernel: (k) => (kernel = k),
      });
      const { tables, perIrq } = buildRunTables(kernel!, result, machine);
      ctx.report({
        phase: 'storing the outputs',
        done: trace.seq,
        total: trace.seq,
        unit: 'trace events',
      });
      const names = new Map(machine.pci.map((f) => [f.bdf, f.name ?? '']));
      // The irq of each IO-APIC pin: its first domain is IO-APIC-<id>, hwirq the pin.
      const pinIrq = new Map<string, number>();
      for (const i of result.irqs) {
        const first = i.domains[0];
        if (first?.domain.startsWith('IO-APIC-'))
          pinIrq.set(`${first.domain}:${first.hwirq}`, i.irq);
      }
      const intxIrqOf = (bdf: string): number | null => {
        const gsi = machine.pci.find((f) => f.bdf === bdf)?.intx_gsi ?? null;
        if (gsi === null) return null;
        const io = machine.ioapics.find((a) => gsi >= a.gsi_base && gsi < a.gsi_base + a.pins);
        return io ? (pinIrq.get(`IO-APIC-${io.id}:${gsi - io.gsi_base}`) ?? null) : null;
      };
      const parts: string[] = [];
      let size = 0;
      let truncated = false;
      result.writeProcInterrupts((line) => {
        if (size + line.length > PROC_INTERRUPTS_LIMIT) {
          truncated = true;
          return false;
        }
        size += line.length;
        parts.push(line);
      });
      const outputs: StoredRunOutputs = {
        format: 'irqlab-app-run/1',
        profile: result.profile,
        procInterrupts: parts.join(''),
        truncated,
        dmesg: result.dmesg,
        dmesgLevels: result.dmesgLevels,
        warnings: result.warnings,
        oops: result.oops,
        vectorUsage: result.vectorUsage,
        irqs: result.irqs.map((i, n) => ({
          irq: i.irq,
          chip: i.chip,
          hwirq: i.hwirq,
          vector: i.vector,
          cpu: i.cpu,
          actions: i.actions,
          managed: i.managed,
          owner: i.owner,
          ...perIrq[n]!,
        })),
        devices: result.devices.map((d) => ({
          bdf: d.bdf,
          name: names.get(d.bdf) ?? '',
          driver: d.driver,
          behaviour: d.behaviour,
          mode: d.mode,
          messages: d.messages,
          intxIrq: d.mode === 'intx' ? intxIrqOf(d.bdf) : null,
        })),
        milliseconds: Math.round(performance.now() - t0),
        spec: { profile, injections },
        tables,
      };
      writer.finish(outputs);
      return { kind: 'run', runId: writer.runId, events: trace.seq };
    } catch (err) {
      writer.fail(err instanceof JobCancelled ? 'cancelled by the user' : (err as Error).message);
      throw err;
    }
  } finally {
    session.close();
  }
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
