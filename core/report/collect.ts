// One pass over a stored run: the report model every format renders. Events are read page by
// page; what is kept is bounded (LIMITS), so a 1536-CPU run with millions of events makes a report
// of readable size, and every section says what it left out.
import { explainLine } from '../import/explain';
import { MachineSchema } from '../model/schema';
import { EVENT_KIND_NAMES, EventKind, type EventKind as Kind } from '../trace/events';
import {
  readOutputs,
  summariseMachine,
  type IrqRow,
  type MachineSummary,
  type RunInput,
  type RunOutputs,
} from './run-data';
import { namedArgs, PAGE_SIZE, type StoredEvent, type TraceSource } from './trace-source';

/** How much each section keeps; the rest is counted and said. */
export const LIMITS = {
  irqRows: 100,
  deviceRows: 100,
  irteRowsPerUnit: 32,
  irteUnits: 4,
  faultRows: 200,
  traceFaults: 100,
  logLines: 2000,
  callTrees: 6,
  failedTrees: 3,
  treeNodes: 80,
  topFunctions: 15,
  pciGroups: 4,
  functionsPerGroup: 5,
  ioapics: 3,
  heatmapCells: 2048,
  explainedFaults: 12,
} as const;

/** What a kind of fault means on this machine (irqlab explain's answer for one of its lines). */
export interface FaultExplanation {
  /** How many of the run's faults are of this kind (same reason and requester). */
  count: number;
  line: string;
  title: string;
  meaning: string[];
  causes: string[];
  check: string[];
}

export interface CallNode {
  /** 'group': a run of sibling calls repeated `repeat` times; `children` is its first instance. */
  kind: 'call' | 'state' | 'fault' | 'log' | 'group';
  name: string;
  args: Record<string, number | string>;
  irq: number;
  cpu: number;
  seq: number;
  /** A call's return value (negative: -errno); null while it had not returned. */
  result: number | null;
  /** How many consecutive identical successful siblings this node stands for (1: itself). */
  repeat: number;
  children: CallNode[];
  /** Children not kept (the tree's node budget ran out). */
  omitted: number;
  text: string;
}

export interface CallTree {
  root: CallNode;
  /** The device the call names (its `dev` argument), or ''. */
  device: string;
  driver: string | null;
  why: 'failed' | 'unfinished' | 'largest of its driver';
  /** Events from the call to its return. */
  events: number;
}

export interface TraceFault {
  seq: number;
  name: string;
  text: string;
  args: Record<string, number | string>;
  irq: number;
  cpu: number;
}

export interface ChipSummary {
  /** The chip's name, per-device domains folded: "IR-PCI-MSIX-0000:04:00.0" -> "IR-PCI-MSIX". */
  chip: string;
  /** How many distinct chips were folded into this row. */
  chips: number;
  irqs: number;
  withActions: number;
  assigned: number;
  managed: number;
  msi: number;
  msix: number;
  /** The remapping units its irqs' chains go through (dmar0, AMD-Vi1), sorted. */
  remapUnits: string[];
  /** Irqs whose recorded chain has no remapping domain (PCI-MSI-3 -> VECTOR). */
  direct: number;
  /** Irqs whose chain was recorded at all. */
  chained: number;
}

/**
 * Which remapping unit an IO-APIC's interrupts go through, from the run itself: the kernel's
 * "DMAR-IR: IOAPIC id 8 under DRHD base 0x9d7fc000 IOMMU 1" (parse_ioapics_under_ir, the
 * DRHD's IOAPIC scope), else the chain of its irqs (IO-APIC-IR-<index> -> INTEL-IR-n / AMD-IR-n).
 */
export interface IoapicRoute {
  id: number;
  unit: string;
  /** The DRHD register base the kernel named ('' when read from the chains). */
  base: string;
  from: 'dmesg' | 'irq chains';
}

export interface ReportModel {
  run: Omit<RunInput, 'source' | 'outputs' | 'machineJson'>;
  machine: MachineSummary;
  outputs: RunOutputs;
  irqs: { total: number; shown: IrqRow[]; byChip: ChipSummary[] } | null;
  /** IO-APIC -> remapping unit, as this run recorded it (none when it recorded nothing). */
  ioapicRoutes: IoapicRoute[];
  trace: {
    events: number;
    byKind: Record<string, number>;
    functions: { name: string; calls: number; errors: number }[];
    faults: TraceFault[];
    faultsTotal: number;
    logs: { seq: number; level: number; text: string }[];
    logsTotal: number;
    allocations: number;
    failedAllocations: number;
  };
  callTrees: CallTree[];
  faultExplanations: FaultExplanation[];
}

export interface CollectOptions {
  /** Called after each page of events: how many were read, of how many. */
  onProgress?: (done: number, total: number) => void;
}

const ALLOCATION = 'pci_alloc_irq_vectors_affinity';

/** Builds the call trees of allocations as their events stream by, folding repetition. */
class TreeBuilder {
  private stack: (CallNode | null)[] = [];
  private root: CallNode | null = null;
  private nodes = 0;
  private firstSeq = 0;
  private faulted = false;

  constructor(
    private readonly source: TraceSource,
    private readonly done: (tree: CallNode, events: number, faulted: boolean) => void,
  ) {}

  private readonly roots = new Map<number, boolean>();

  /** A tree starts at an allocation call, at whatever depth the kernel makes it. */
  private isRoot(fn: number): boolean {
    let root = this.roots.get(fn);
    if (root === undefined)
      this.roots.set(fn, (root = this.source.symbol(fn)?.name === ALLOCATION));
    return root;
  }

  private node(e: StoredEvent, kind: CallNode['kind']): CallNode {
    return {
      kind,
      name: kind === 'log' ? '' : (this.source.symbol(e.fn)?.name ?? `fn#${e.fn}`),
      args: kind === 'log' ? {} : namedArgs(this.source, e),
      irq: e.irq,
      cpu: e.cpu,
      seq: e.seq,
      result: null,
      repeat: 1,
      children: [],
      omitted: 0,
      text: e.text ? this.source.string(e.text) : '',
    };
  }

  private add(parent: CallNode, child: CallNode | null): CallNode | null {
    if (child === null || this.nodes >= LIMITS.treeNodes) {
      parent.omitted++;
      return null;
    }
    this.nodes++;
    parent.children.push(child);
    return child;
  }

  /**
   * Folds repetition at the end of `parent`'s children: a node identical (by kind and name) to its
   * previous sibling adds to that sibling's `repeat`; a run of up to MAX_GROUP siblings that
   * repeats the run before it becomes (or adds to) a 'group' node. Only successful calls fold, so
   * a failure always shows.
   */
  private merge(parent: CallNode): void {
    const kids = parent.children;
    const last = kids[kids.length - 1];
    if (!last || !foldable(last)) return;
    const prev = kids[kids.length - 2];
    if (prev && prev.kind !== 'group' && same(prev, last)) {
      prev.repeat += last.repeat;
      kids.pop();
      this.nodes -= count(last);
      return;
    }
    for (let k = 2; k <= MAX_GROUP; k++) {
      if (kids.length < k + 1) return;
      const tail = kids.slice(-k);
      if (!tail.every(foldable)) return;
      const before = kids[kids.length - k - 1]!;
      if (before.kind === 'group' && sameRun(before.children, tail)) {
        before.repeat++;
        kids.splice(-k);
        for (const t of tail) this.nodes -= count(t);
        return;
      }
      if (
        kids.length >= 2 * k &&
        sameRun(kids.slice(-2 * k, -k), tail) &&
        kids.slice(-2 * k, -k).every(foldable)
      ) {
        const first = kids.splice(-2 * k);
        for (const t of tail) this.nodes -= count(t);
        kids.push({
          kind: 'group',
          name: '',
          args: {},
          irq: -1,
          cpu: -1,
          seq: first[0]!.seq,
          result: null,
          repeat: 2,
          children: first.slice(0, k),
          omitted: 0,
          text: '',
        });
        this.nodes++;
        return;
      }
    }
  }

  event(e: StoredEvent): void {
    if (this.root === null) {
      if (e.kind !== EventKind.call || !this.isRoot(e.fn)) return;
      this.root = this.node(e, 'call');
      this.stack = [this.root];
      this.nodes = 1;
      this.firstSeq = e.seq;
      this.faulted = false;
      return;
    }
    const top = this.stack[this.stack.length - 1];
    switch (e.kind) {
      case EventKind.call: {
        const child = top ? this.add(top, this.node(e, 'call')) : null;
        if (!top) this.stack.push(null);
        else this.stack.push(child);
        break;
      }
      case EventKind.ret: {
        const node = this.stack.pop();
        if (node) node.result = e.a0;
        const parent = this.stack[this.stack.length - 1];
        if (node && parent) this.merge(parent);
        if (this.stack.length === 0) this.finish(e.seq);
        break;
      }
      default: {
        const kind =
          e.kind === EventKind.fault ? 'fault' : e.kind === EventKind.log ? 'log' : 'state';
        if (kind === 'fault') this.faulted = true;
        if (top) {
          this.add(top, this.node(e, kind));
          this.merge(top);
        }
      }
    }
  }

  private finish(lastSeq: number): void {
    const root = this.root!;
    this.root = null;
    this.done(root, lastSeq - this.firstSeq + 1, this.faulted);
  }

  /** The run ended inside a call (an oops, an interrupted run): hand over what there is. */
  end(lastSeq: number): void {
    if (this.root) this.finish(lastSeq);
  }
}

const MAX_GROUP = 4;

const foldable = (n: CallNode) =>
  n.kind === 'state' || (n.kind === 'call' && n.result !== null && n.result >= 0);
const same = (a: CallNode, b: CallNode) => a.kind === b.kind && a.name === b.name;
const sameRun = (a: readonly CallNode[], b: readonly CallNode[]) =>
  a.length === b.length && a.every((n, i) => same(n, b[i]!));

function count(node: CallNode): number {
  let n = 1;
  for (const c of node.children) n += count(c);
  return n;
}

export function collectReport(run: RunInput, options: CollectOptions = {}): ReportModel {
  const outputs = readOutputs(run.outputs);
  const machine = summariseMachine(run.machineJson);
  const source = run.source;
  const drivers = new Map((outputs.devices ?? []).map((d) => [d.bdf, d.driver]));

  const byKind: Record<string, number> = {};
  const calls = new Map<number, { calls: number; errors: number }>();
  const faults: TraceFault[] = [];
  let faultsTotal = 0;
  const logs: { seq: number; level: number; text: string }[] = [];
  let logsTotal = 0;
  let allocations = 0;
  let failedAllocations = 0;
  const trees: CallTree[] = [];
  let failedKept = 0;
  const largest = new Map<string, CallTree>();

  const builder = new TreeBuilder(source, (root, events, faulted) => {
    const device = typeof root.args.dev === 'string' ? root.args.dev : '';
    const failed = faulted || (root.result !== null && root.result < 0);
    if (root.name === ALLOCATION) {
      allocations++;
      if (failed) failedAllocations++;
    }
    const driver = device ? (drivers.get(device) ?? null) : null;
    if (root.result === null || failed) {
      if (failedKept < LIMITS.failedTrees) {
        failedKept++;
        trees.push({
          root,
          device,
          driver,
          why: root.result === null ? 'unfinished' : 'failed',
          events,
        });
      }
      return;
    }
    // Otherwise the biggest allocation of each driver competes for the remaining places.
    const key = driver ?? device;
    if (root.name !== ALLOCATION || !key) return;
    const best = largest.get(key);
    if (!best || (root.result ?? 0) > (best.root.result ?? 0))
      largest.set(key, { root, device, driver, why: 'largest of its driver', events });
  });

  let done = 0;
  let lastSeq = 0;
  for (let from = 0; ;) {
    const page = source.page(from, PAGE_SIZE);
    if (page.length === 0) break;
    for (const e of page) {
      const kind = EVENT_KIND_NAMES[e.kind as Kind] ?? String(e.kind);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      if (e.kind === EventKind.call) {
        let c = calls.get(e.fn);
        if (!c) calls.set(e.fn, (c = { calls: 0, errors: 0 }));
        c.calls++;
      } else if (e.kind === EventKind.ret && e.a0 < 0) {
        const c = calls.get(e.fn);
        if (c) c.errors++;
      } else if (e.kind === EventKind.fault) {
        faultsTotal++;
        if (faults.length < LIMITS.traceFaults)
          faults.push({
            seq: e.seq,
            name: source.symbol(e.fn)?.name ?? `fn#${e.fn}`,
            text: source.string(e.text),
            args: namedArgs(source, e),
            irq: e.irq,
            cpu: e.cpu,
          });
      } else if (e.kind === EventKind.log) {
        logsTotal++;
        if (logs.length < LIMITS.logLines)
          logs.push({ seq: e.seq, level: e.a0, text: source.string(e.text) });
      }
      builder.event(e);
    }
    done += page.length;
    lastSeq = page[page.length - 1]!.seq;
    from = lastSeq + 1;
    options.onProgress?.(done, run.eventCount);
  }
  builder.end(lastSeq);
  trees.push(
    ...[...largest.values()]
      .sort((a, b) => (b.root.result ?? 0) - (a.root.result ?? 0) || a.root.seq - b.root.seq)
      .slice(0, LIMITS.callTrees - trees.length),
  );

  const functions = [...calls]
    .map(([fn, c]) => ({ name: source.symbol(fn)?.name ?? `fn#${fn}`, ...c }))
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name))
    .slice(0, LIMITS.topFunctions);

  let irqs: ReportModel['irqs'] = null;
  if (outputs.irqs) {
    const chips = new Map<string, ChipSummary & { names: Set<string> }>();
    for (const i of outputs.irqs) {
      const family = chipFamily(i.chip);
      let c = chips.get(family);
      if (!c)
        chips.set(
          family,
          (c = {
            chip: family,
            chips: 0,
            names: new Set(),
            irqs: 0,
            withActions: 0,
            assigned: 0,
            managed: 0,
            msi: 0,
            msix: 0,
            remapUnits: [],
            direct: 0,
            chained: 0,
          }),
        );
      if (!c.names.has(i.chip)) {
        c.names.add(i.chip);
        c.chips++;
      }
      c.irqs++;
      if (i.actions.length > 0) c.withActions++;
      if (i.vector !== 0) c.assigned++;
      if (i.managed) c.managed++;
      if (i.mode === 'MSI') c.msi++;
      if (i.mode === 'MSI-X') c.msix++;
      if (i.domains.length) {
        c.chained++;
        if (i.remapUnit === null) c.direct++;
        else if (!c.remapUnits.includes(i.remapUnit)) c.remapUnits.push(i.remapUnit);
      }
    }
    for (const c of chips.values()) c.remapUnits.sort();
    irqs = {
      total: outputs.irqs.length,
      shown: outputs.irqs.slice(0, LIMITS.irqRows),
      byChip: [...chips.values()]
        .sort((a, b) => b.irqs - a.irqs)
        .map(({ names: _names, ...c }) => c),
    };
  }

  return {
    faultExplanations: explainFaults(outputs, run.machineJson),
    run: {
      id: run.id,
      status: run.status,
      profile: run.profile,
      scenario: run.scenario,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      eventCount: run.eventCount,
      error: run.error,
    },
    machine,
    outputs,
    irqs,
    ioapicRoutes: ioapicRoutes(machine, outputs),
    trace: {
      events: done,
      byKind,
      functions,
      faults,
      faultsTotal,
      logs,
      logsTotal,
      allocations,
      failedAllocations,
    },
    callTrees: trees,
  };
}

const DMAR_IR_IOAPIC = /DMAR-IR: IOAPIC id (\d+) under DRHD base\s+(0x[0-9a-f]+) IOMMU (\d+)/;

export function ioapicRoutes(machine: MachineSummary, outputs: RunOutputs): IoapicRoute[] {
  const routes = new Map<number, IoapicRoute>();
  for (const line of outputs.dmesg ?? []) {
    const m = DMAR_IR_IOAPIC.exec(line);
    // The kernel keeps the first unit that claims an IOAPIC id (a later DRHD is a firmware bug).
    if (m && !routes.has(Number(m[1])))
      routes.set(Number(m[1]), {
        id: Number(m[1]),
        unit: `dmar${m[3]}`,
        base: m[2]!,
        from: 'dmesg',
      });
  }
  // IO-APIC-IR-<index> names the IO-APIC by its index (kernels before 5.11); IO-APIC-<n> is an
  // index or an id depending on the kernel, so it is not read as either.
  for (const i of outputs.irqs ?? []) {
    const m = /^IO-APIC-IR-(\d+)$/.exec(i.domain);
    const io = m ? machine.ioapics[Number(m[1])] : undefined;
    if (io && i.remapUnit && !routes.has(io.id))
      routes.set(io.id, { id: io.id, unit: i.remapUnit, base: '', from: 'irq chains' });
  }
  return [...routes.values()].sort((a, b) => a.id - b.id);
}

/** A chip name without the device a per-device MSI domain is named after ("PCI-MSIX-0000:04:00.0"). */
export function chipFamily(chip: string): string {
  return chip.replace(/-[0-9a-f]{4,5}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/, '');
}

/** Kernel log levels (KERN_EMERG .. KERN_DEBUG). */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/**
 * The run's IOMMU faults explained, one explanation per reason and requester (the lines differ
 * only in their index), through `irqlab explain` (core/import/explain.ts) with the run's machine.
 */
function explainFaults(outputs: RunOutputs, machineJson: string): FaultExplanation[] {
  const faults = outputs.faults ?? [];
  if (!faults.length) return [];
  let machine: Parameters<typeof explainLine>[1];
  try {
    const parsed = MachineSchema.safeParse(JSON.parse(machineJson));
    machine = parsed.success ? parsed.data : undefined;
  } catch {
    machine = undefined;
  }
  const kinds = new Map<string, FaultExplanation>();
  for (const f of faults) {
    const key = `${f.reason}|${f.source}`;
    const known = kinds.get(key);
    if (known) {
      known.count++;
      continue;
    }
    if (kinds.size >= LIMITS.explainedFaults) continue;
    let e: ReturnType<typeof explainLine> = null;
    try {
      e = explainLine(f.line, machine);
    } catch {
      e = null; // an explanation is a help, never a reason for the report to fail
    }
    kinds.set(key, {
      count: 1,
      line: f.line,
      title: e?.title ?? (f.reasonText || 'fault'),
      meaning: e?.meaning ?? (f.explanation ? [f.explanation] : []),
      causes: e?.causes ?? [],
      check: e?.check ?? [],
    });
  }
  return [...kinds.values()];
}

/**
 * What goes through which remapping unit, in words: each IO-APIC's unit (and where the run said
 * so), and each chip family's irqs that go through a unit or straight to the vector domain.
 */
export function remapRoutes(model: ReportModel): string[] {
  const lines = model.ioapicRoutes.map(
    (r) =>
      `IO-APIC id ${r.id} → ${r.unit}${r.base ? ` (DRHD base ${r.base})` : ''}, from the run's ${r.from === 'dmesg' ? 'DMAR-IR lines' : 'irq chains'}`,
  );
  for (const c of model.irqs?.byChip ?? []) {
    if (c.chained === 0) continue;
    const n = (k: number) => `${k} irq${k === 1 ? '' : 's'}`;
    if (c.remapUnits.length)
      lines.push(`${c.chip}: ${n(c.chained - c.direct)} through ${c.remapUnits.join(', ')}`);
    if (c.direct) lines.push(`${c.chip}: ${n(c.direct)} not remapped (straight to VECTOR)`);
  }
  return lines;
}

/** The remapping section when there are no tables: why, in words (off, or not recorded). */
export function noRemappingText(model: ReportModel): string {
  const remap = model.outputs.remapping;
  const units = model.machine.iommus.length;
  const has = units ? `the machine has ${units} IOMMU unit${units === 1 ? '' : 's'}` : '';
  if (!remap) return `not recorded${has ? ` — ${has}, but this run stored no remapping data` : ''}`;
  if (remap.mode === 'off')
    return `off — the kernel did not enable interrupt remapping on this run${has ? ` (${has})` : ''}`;
  return `remapping ${remap.mode}, but no unit has a present IRTE`;
}
