// What a report is made from: a stored run (its summary, the machine it ran on, the outputs the
// simulation returned, its trace), and the readers that turn the stored JSON into the shapes the
// reports show. Stored outputs come in several shapes: what `irqlab simulate --out` stores
// (storedRunOutputs() below: the kernel's SimulationResult without what only a live run needs),
// the whole SimulationResult (sessions written before that), and what the app stores
// ('irqlab-app-run/1', electron/api/job-work.ts). All are read loosely: a field a run did not
// record is "not recorded", never a crash, so files from older and newer versions still report.
import type { SimulationResult } from '../scenario';
import { dmar_get_fault_reason } from '../kernel/iommu/fault-reasons';
import type { TraceSource } from './trace-source';
import { StoredIrqs } from '../scenario/irq-table';
import { irteAt, IRTE_FIELDS, readIrteTables, type IrteTable } from '../scenario/irte-table';
import { messageCount, readMessageWords, shownMessage } from '../scenario/device-messages';

export const STORED_RUN_FORMAT = 'irqlab-run/1';
/** The formats of the app's own runs (electron/api/job-work.ts StoredRunOutputs). */
export const APP_RUN_FORMATS = [
  'irqlab-app-run/1',
  'irqlab-app-run/2',
  'irqlab-app-run/3',
  'irqlab-app-run/4',
  'irqlab-app-run/5',
] as const;
export const isAppRunFormat = (format: unknown): format is (typeof APP_RUN_FORMATS)[number] =>
  (APP_RUN_FORMATS as readonly unknown[]).includes(format);
/** Which producer stored a run's outputs (RunOutputs.shape): the CLI, the app, or none. */
export const RUN_OUTPUT_SHAPES = [
  STORED_RUN_FORMAT,
  'simulation-result',
  ...APP_RUN_FORMATS,
  'none',
  'unknown',
] as const;

/**
 * What `irqlab simulate --out` stores as a run's outputs (runs.outputs_json): the
 * SimulationResult's data, minus what is big and derivable. Dropped: each irq's debugfs text and
 * each IR unit's (rebuilt by re-running), and per-CPU interrupt counts that are all zero (a
 * 1536-CPU machine with 100,000 irqs would store 150 million zeros); non-zero counts are kept as
 * { online-CPU index: count }.
 */
export function storedRunOutputs(result: SimulationResult): Record<string, unknown> {
  // Irqs nobody interrupted share one array of zeros: look at each distinct array once.
  const sparse = new Map<readonly number[], Record<number, number> | null>();
  const nonZero = (counts: readonly number[]) => {
    let known = sparse.get(counts);
    if (known === undefined) {
      known = null;
      for (let i = 0; i < counts.length; i++) {
        const c = counts[i]!;
        if (c !== 0) (known ??= {})[i] = c;
      }
      sparse.set(counts, known);
    }
    return known;
  };
  return {
    format: STORED_RUN_FORMAT,
    profile: result.profile,
    dmesg: result.dmesg,
    warnings: result.warnings,
    oops: result.oops,
    panic: result.panic ?? null,
    events: result.events,
    vectorUsage: result.vectorUsage,
    vectorDebugfs: result.vectorDebugfs,
    irqs: result.irqs.map((irq) => {
      const {
        debugfs: _debugfs,
        counts,
        ...rest
      } = irq as typeof irq & {
        counts?: readonly number[];
      };
      const kept = counts ? nonZero(counts) : null;
      return kept ? { ...rest, counts: kept } : rest;
    }),
    devices: result.devices,
    remapping: result.remapping
      ? {
          ...result.remapping,
          units: result.remapping.units.map(({ debugfs: _debugfs, ...unit }) => unit),
        }
      : null,
    faults: result.faults ?? [],
    deliveries: result.deliveries ?? null,
  };
}

export interface RunInput {
  id: number;
  status: string;
  profile: string;
  scenario: string;
  createdAt: string;
  finishedAt: string | null;
  eventCount: number;
  error: string | null;
  /** The machine the run booted, as stored with the run (JSON text). */
  machineJson: string;
  /** The run's stored outputs (runs.outputs_json, parsed), or null. */
  outputs: unknown;
  source: TraceSource;
}

// --- loose readers for stored JSON ----------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, fallback = ''): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
const num = (v: unknown, fallback = 0): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const numOrNull = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;
const bool = (v: unknown): boolean => v === true;

// --- the machine ------------------------------------------------------------------------------

export interface PackageSummary {
  package: number;
  nodes: number[];
  cpus: number;
  /** CPU numbers as a list ("0-95,768-863"). */
  cpuList: string;
  online: number;
}

export interface PciGroup {
  /** The root bus ("0000:00"), where the host bridge and root ports sit. */
  root: string;
  functions: { bdf: string; kind: string; name: string; vendorDevice: string }[];
}

export interface MachineSummary {
  name: string;
  description: string;
  kernelVersion: string;
  cmdline: string;
  apicMode: string;
  x2apic: boolean;
  hypervisor: string | null;
  cpus: { total: number; online: number; nodes: number; packages: PackageSummary[] };
  ioapics: { id: number; address: string; gsiBase: number; pins: number }[];
  hpet: { address: string; timers: number } | null;
  iommus: { kind: string; base: string; segment: number; detail: string }[];
  pci: { total: number; byKind: Record<string, number>; groups: PciGroup[] };
  /** Set when the stored machine JSON could not be read at all. */
  problem: string | null;
}

/** "0-3,8,10-11" from ascending numbers. */
export function rangeList(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function summariseMachine(machineJson: string): MachineSummary {
  let m: Obj = {};
  let problem: string | null = null;
  try {
    m = obj(JSON.parse(machineJson));
  } catch (err) {
    problem = `the stored machine is not valid JSON (${(err as Error).message})`;
  }
  const kernel = obj(m.kernel);
  const cpus = obj(m.cpus);
  const list = arr(cpus.list).map(obj);
  const packages = new Map<number, { nodes: Set<number>; cpus: number[]; online: number }>();
  for (const c of list) {
    const pkg = num(c.package);
    let p = packages.get(pkg);
    if (!p) packages.set(pkg, (p = { nodes: new Set(), cpus: [], online: 0 }));
    p.nodes.add(num(c.node));
    p.cpus.push(num(c.cpu));
    if (c.online !== false) p.online++;
  }
  const pci = arr(m.pci).map(obj);
  const byKind: Record<string, number> = {};
  for (const f of pci) {
    const kind = str(f.kind, 'endpoint');
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  // Group functions under their root bus: follow parents up to a function on a root bus.
  const byBdf = new Map(pci.map((f) => [str(f.bdf), f]));
  const rootOf = (f: Obj): string => {
    let at = f;
    for (let hops = 0; hops < 64; hops++) {
      const parent = at.parent;
      const up = typeof parent === 'string' ? byBdf.get(parent) : undefined;
      if (!up) break;
      at = up;
    }
    return str(at.bdf).slice(0, -5); // "0000:3b:00.0" -> "0000:3b"
  };
  const groups = new Map<string, PciGroup>();
  for (const f of pci) {
    const root = rootOf(f);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { root, functions: [] }));
    g.functions.push({
      bdf: str(f.bdf),
      kind: str(f.kind, 'endpoint'),
      name: str(f.name),
      vendorDevice: str(f.vendor_device),
    });
  }
  const hpet = isObj(m.hpet) ? m.hpet : null;
  return {
    name: str(m.name, '(unnamed machine)'),
    description: str(m.description),
    kernelVersion: str(kernel.version, 'unknown'),
    cmdline: str(kernel.cmdline),
    apicMode: str(cpus.apic_mode, 'unknown'),
    x2apic: bool(cpus.cpu_has_x2apic),
    hypervisor: isObj(m.hypervisor) ? str(m.hypervisor.kind, 'other') : null,
    cpus: {
      total: list.length,
      online: list.filter((c) => c.online !== false).length,
      nodes: new Set(list.map((c) => num(c.node))).size,
      packages: [...packages]
        .sort((a, b) => a[0] - b[0])
        .map(([pkg, p]) => ({
          package: pkg,
          nodes: [...p.nodes].sort((a, b) => a - b),
          cpus: p.cpus.length,
          cpuList: rangeList(p.cpus),
          online: p.online,
        })),
    },
    ioapics: arr(m.ioapics)
      .map(obj)
      .map((io) => ({
        id: num(io.id),
        address: str(io.address),
        gsiBase: num(io.gsi_base),
        pins: num(io.pins, 24),
      })),
    hpet: hpet ? { address: str(hpet.address), timers: num(hpet.timers, 3) } : null,
    iommus: arr(m.iommus)
      .map(obj)
      .map((u) => ({
        kind: str(u.kind, 'unknown'),
        base: str(u.register_base),
        segment: num(u.segment),
        detail:
          u.kind === 'intel-vtd'
            ? `${bool(u.include_pci_all) ? 'INCLUDE_PCI_ALL, ' : ''}${arr(u.scopes).length} scope entr${arr(u.scopes).length === 1 ? 'y' : 'ies'}, ecap ${str(u.ecap, '?')}`
            : `devid 0x${num(u.devid).toString(16)}, ${arr(u.devices).length} device entr${arr(u.devices).length === 1 ? 'y' : 'ies'}${bool(u.xt) ? ', XT' : ''}`,
      })),
    pci: { total: pci.length, byKind, groups: [...groups.values()] },
    problem,
  };
}

// --- the run's outputs ------------------------------------------------------------------------

export interface IrqRow {
  irq: number;
  chip: string;
  hwirq: number;
  /** The innermost domain (e.g. PCI-MSI-3, IO-APIC-0), when recorded. */
  domain: string;
  /** The irq's domain chain, innermost first (PCI-MSI-3, VECTOR); [] when not recorded. */
  domains: string[];
  /**
   * The remapping unit its chain goes through (INTEL-IR-1 -> dmar1, AMD-IR-0 -> AMD-Vi0), or null
   * when the chain has no remapping domain (PCI-MSI-3 -> VECTOR: the message goes straight to the
   * APIC) or was not recorded.
   */
  remapUnit: string | null;
  trigger: string;
  actions: string[];
  owner: string;
  mode: string;
  vector: number;
  cpu: number;
  effectiveAffinity: string;
  affinity: string;
  managed: boolean;
}

export interface DeviceRow {
  bdf: string;
  name: string;
  driver: string | null;
  mode: string | null;
  vectors: number;
  firstMessage: { address: string; data: string } | null;
}

export interface VectorUsageRow {
  cpu: number;
  available: number;
  allocated: number;
  managed: number;
  managedAllocated: number;
}

export interface IrteRow {
  index: number;
  irq: number | null;
  present: boolean;
  vector: number | null;
  dest: number | null;
  sid: number | null;
  sq: number | null;
  svt: number | null;
}

export interface RemappingUnit {
  name: string;
  mode: string;
  irtes: IrteRow[];
}

export interface FaultRow {
  line: string;
  reason: number | null;
  /** dmar_get_fault_reason(): the class and text of the reason. */
  reasonType: string;
  reasonText: string;
  /** The requester that faulted, as bus:device.function ('' when not recorded). */
  source: string;
  index: number | null;
  /** The remapping unit that reported it ('' when not recorded). */
  unit: string;
  explanation: string | null;
}

export interface RunOutputs {
  /** Which producer stored them: the CLI (SimulationResult), the app, or none stored. */
  shape: (typeof RUN_OUTPUT_SHAPES)[number];
  profile: string | null;
  dmesg: string[] | null;
  warnings: string[];
  oops: { text: string; callTrace: string[] } | null;
  irqs: IrqRow[] | null;
  devices: DeviceRow[] | null;
  vectorUsage: VectorUsageRow[] | null;
  /** null: the run recorded nothing about interrupt remapping. */
  remapping: { mode: string; driver: string | null; units: RemappingUnit[] } | null;
  faults: FaultRow[] | null;
  /** What the hardware did with the messages the run sent, when it sent any. */
  deliveries: { delivered: number; faulted: number; spurious: number } | null;
  panic: string | null;
}

/** The app's irq columns (irqlab-app-run/2 and /3) as rows; null when absent or not valid. */
function irqTableRows(table: unknown, domainNames: string[]): IrqRow[] | null {
  if (table === undefined) return null;
  let irqs: StoredIrqs;
  try {
    irqs = StoredIrqs.fromTable(table);
  } catch {
    return null;
  }
  const rows: IrqRow[] = [];
  for (let i = 0; i < irqs.length; i++) {
    const domains = irqs.chain(i).map((l) => domainNames[l.domain] ?? '');
    rows.push({
      irq: irqs.irq(i),
      chip: irqs.chip(i),
      hwirq: irqs.hwirq(i),
      domain: domains[0] ?? '',
      domains,
      remapUnit: remapUnitOf(domains),
      trigger: '',
      actions: irqs.actions(i),
      owner: irqs.owner(i),
      mode: '',
      vector: irqs.vector(i),
      cpu: irqs.cpu(i),
      effectiveAffinity: irqs.effective(i),
      affinity: irqs.affinity(i),
      managed: irqs.managed(i),
    });
  }
  return rows;
}

export function readOutputs(outputs: unknown): RunOutputs {
  if (outputs === null || outputs === undefined)
    return {
      shape: 'none',
      profile: null,
      dmesg: null,
      warnings: [],
      oops: null,
      irqs: null,
      devices: null,
      vectorUsage: null,
      remapping: null,
      faults: null,
      deliveries: null,
      panic: null,
    };
  const o = obj(outputs);
  const shape =
    isAppRunFormat(o.format) || o.format === STORED_RUN_FORMAT
      ? o.format
      : Array.isArray(o.irqs) || Array.isArray(o.dmesg)
        ? 'simulation-result'
        : 'unknown';
  const oops = isObj(o.oops)
    ? { text: str(o.oops.text), callTrace: arr(o.oops.callTrace).map((l) => str(l)) }
    : null;
  // The app stores the chain as (domain index, hwirq, chip index) triples into tables.domains.
  const tables = obj(o.tables);
  const domainNames = arr(tables.domains).map((d) => str(obj(d).name));
  const chainOf = (i: Obj): string[] => {
    if (Array.isArray(i.domains)) return i.domains.map((d) => str(obj(d).domain));
    const chain = arr(i.chain);
    const names: string[] = [];
    for (let k = 0; k < chain.length; k += 3) names.push(domainNames[num(chain[k], -1)] ?? '');
    return names;
  };
  const irqs = Array.isArray(o.irqs)
    ? o.irqs.map(obj).map((i): IrqRow => {
        const domains = chainOf(i);
        return {
          irq: num(i.irq, -1),
          chip: str(i.chip),
          hwirq: num(i.hwirq),
          domain: domains[0] ?? '',
          domains,
          remapUnit: remapUnitOf(domains),
          trigger: str(i.trigger),
          actions: arr(i.actions).map((a) => str(a)),
          owner: str(i.owner),
          mode: i.msi === 'msi' ? 'MSI' : i.msi === 'msix' ? 'MSI-X' : '',
          vector: num(i.vector),
          cpu: num(i.cpu),
          effectiveAffinity: str(i.effectiveAffinity, str(i.effective)),
          affinity: str(i.affinity),
          managed: bool(i.managed),
        };
      })
    : irqTableRows(o.irqTable, domainNames);
  const devices = Array.isArray(o.devices)
    ? o.devices.map(obj).map((d, i): DeviceRow => {
        // The app's newer runs keep (address_hi, address_lo, data) triples (device-messages.ts).
        const words =
          d.messageWords === undefined
            ? null
            : readMessageWords(`devices[${i}].messageWords`, d.messageWords);
        const messages: Obj[] = words
          ? Array.from({ length: messageCount(words) }, (_, e) => ({ ...shownMessage(words, e) }))
          : arr(d.messages).map(obj);
        const first = messages.find((m) => str(m.address) !== '');
        return {
          bdf: str(d.bdf),
          name: str(d.name),
          driver: typeof d.driver === 'string' ? d.driver : null,
          mode: typeof d.mode === 'string' ? d.mode : null,
          vectors: messages.length,
          firstMessage: first ? { address: str(first.address), data: str(first.data) } : null,
        };
      })
    : null;
  const vectorUsage = Array.isArray(o.vectorUsage)
    ? o.vectorUsage.map(obj).map((v) => ({
        cpu: num(v.cpu),
        available: num(v.available),
        allocated: num(v.allocated),
        managed: num(v.managed),
        managedAllocated: num(v.managedAllocated),
      }))
    : null;
  const remapping = isObj(o.remapping)
    ? {
        mode: str(o.remapping.mode, '?'),
        driver: typeof o.remapping.driver === 'string' ? o.remapping.driver : null,
        units: arr(o.remapping.units)
          .map(obj)
          .map((u) => ({
            name: str(u.name, '?'),
            mode: str(u.mode, str(obj(o.remapping).mode, '?')),
            irtes: arr(u.irtes)
              .map(obj)
              .map((e) => ({
                index: num(e.index),
                irq: numOrNull(e.irq),
                present: bool(e.present),
                vector: numOrNull(e.vector),
                dest: numOrNull(e.dest),
                sid: numOrNull(e.sid),
                sq: numOrNull(e.sq),
                svt: numOrNull(e.svt),
              })),
          })),
      }
    : null;
  const faultList = Array.isArray(o.faults)
    ? o.faults
    : Array.isArray(tables.faults)
      ? tables.faults
      : null;
  const faults = faultList
    ? faultList.map(obj).map((f): FaultRow => {
        const reason = numOrNull(f.reason);
        const known = reason === null ? null : dmar_get_fault_reason(reason);
        return {
          line: str(f.line),
          reason,
          reasonType: known?.type ?? '',
          reasonText: known?.text ?? '',
          source: typeof f.sid === 'number' ? formatSid(f.sid) : str(f.sid),
          index: numOrNull(f.index),
          unit: str(f.unit),
          explanation: typeof f.explanation === 'string' ? f.explanation : null,
        };
      })
    : null;
  return {
    shape,
    profile: typeof o.profile === 'string' ? o.profile : null,
    dmesg: Array.isArray(o.dmesg) ? o.dmesg.map((l) => str(l)) : null,
    warnings: arr(o.warnings).map((w) => str(w)),
    oops,
    irqs,
    devices,
    vectorUsage,
    remapping: remapping ?? appRemapping(tables, irqs),
    faults,
    deliveries: isObj(o.deliveries)
      ? {
          delivered: num(o.deliveries.delivered),
          faulted: num(o.deliveries.faulted),
          spurious: num(o.deliveries.spurious),
        }
      : null,
    panic: typeof o.panic === 'string' ? o.panic : null,
  };
}

/** The unit a chain's remapping domain belongs to (the kernel names both after the unit). */
export function remapUnitOf(domains: readonly string[]): string | null {
  for (const d of domains) {
    const intel = /^INTEL-IR-(\d+)$/.exec(d);
    if (intel) return `dmar${intel[1]}`;
    const amd = /^AMD-IR-(\d+)$/.exec(d);
    if (amd) return `AMD-Vi${amd[1]}`;
  }
  return null;
}

/**
 * The app's runs keep remapping in their analysis tables (tables.remapping, tables.irtes: each
 * unit's IRTEs, irte-table.ts), not as `remapping`. Tables that do not read: none shown.
 */
function appRemapping(tables: Obj, irqs: IrqRow[] | null): RunOutputs['remapping'] {
  if (typeof tables.remapping !== 'string') return null;
  const mode = tables.remapping;
  let read: IrteTable[];
  try {
    read = readIrteTables(tables.irtes);
  } catch {
    return null;
  }
  const n = IRTE_FIELDS.length;
  const units = read.map(({ unit, rows }) => {
    const irtes: IrteRow[] = [];
    for (let k = 0; k + n <= rows.length; k += n) irtes.push(irteAt(rows, k));
    return { name: unit, mode, irtes };
  });
  // The driver is not stored: the units' names say it (dmarN: intel, AMD-ViN: amd).
  const names = [...units.map((u) => u.name), ...(irqs ?? []).map((i) => i.remapUnit ?? '')];
  const driver =
    mode === 'off'
      ? null
      : names.some((n) => n.startsWith('dmar'))
        ? 'intel'
        : names.some((n) => n.startsWith('AMD-Vi'))
          ? 'amd'
          : null;
  return { mode, driver, units };
}

// --- small formatting helpers shared by the reports --------------------------------------------

// A requester id and an IRTE destination print one way everywhere (core/model/format).
export { formatIrteDest, formatSid } from '../model/format';
import { formatSid } from '../model/format';

/** What an IRTE's SVT/SQ/SID mean (VT-d: SVT 1 requester id check, 2 bus range, 0 none). */
export function describeSourceCheck(e: IrteRow): string {
  if (e.svt === null) return '';
  if (e.svt === 0) return 'not checked';
  if (e.svt === 1 && e.sid !== null) {
    const masked = [
      '',
      ', function bit 2 ignored',
      ', function bits 2:1 ignored',
      ', any function',
    ];
    return `requester ${formatSid(e.sid)}${masked[e.sq ?? 0] ?? ''}`;
  }
  if (e.svt === 2 && e.sid !== null) {
    const h = (n: number) => n.toString(16).padStart(2, '0');
    return `bus ${h(e.sid >> 8)}-${h(e.sid & 0xff)}`;
  }
  return `SVT ${e.svt}`;
}

export const hex = (n: number) => `0x${n.toString(16)}`;
