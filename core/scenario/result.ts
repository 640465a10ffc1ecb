// What a run returns: the kernel's outputs (/proc/interrupts, dmesg, debugfs, the vector matrix,
// the remapping tables) and, per device, the driver bound and its messages. Per-irq tables are
// built when first read.
import type { Machine, PciFunction } from '../model/schema';
import type { CpuMask } from '../kernel/cpumask';
import type { DriverModel, IrqMode } from '../kernel/drivers/catalogue';
import { probeNrIrqs } from '../kernel/init';
import { irTranslationStruct } from '../kernel/iommu/intel-ir';
import { chain, type IrqDesc } from '../kernel/irq/irqdesc';
import type { IrqChip, IrqData } from '../kernel/irq/irqdesc';
import type { Kernel } from '../kernel/kernel';
import { irqDataDebugfs } from '../kernel/output/debugfs';
import {
  formatProcInterrupts,
  writeProcInterrupts,
  type ProcIrqLine,
} from '../kernel/output/proc-interrupts';
import type { KernelProfile } from '../kernel/profiles';
import { ApicChipData, MANAGED_IRQ_SHUTDOWN_VECTOR } from '../kernel/vector/vector-domain';
import type { Bound } from './boot';

export interface SimulatedIrq {
  irq: number;
  chip: string;
  hwirq: number;
  trigger: 'edge' | 'level';
  handler: string;
  actions: string[];
  owner: string;
  msi: 'msi' | 'msix' | null;
  /** Vector and CPU at the VECTOR level (0 = not assigned, 239 = parked). */
  vector: number;
  cpu: number;
  effectiveAffinity: string;
  affinity: string;
  managed: boolean;
  domains: { domain: string; hwirq: number; chip: string }[];
  /** /sys/kernel/debug/irq/irqs/<irq> from the "domain:" line on. */
  debugfs: string;
  /** Interrupts delivered per online CPU (in online order), as /proc/interrupts counts them. */
  counts: readonly number[];
}

/** One interrupt remapping table entry as reports show it. */
export interface IrteRow {
  index: number;
  irq: number;
  present: boolean;
  vector: number;
  dest: number;
  sid: number;
  sq: number;
  svt: number;
}

export interface SimulationResult {
  profile: string;
  /** The predicted /proc/interrupts (all of it: large on a big machine, see writeProcInterrupts). */
  procInterrupts(): string;
  writeProcInterrupts(write: (text: string) => boolean | void): void;
  dmesg: string[];
  /** The printk level of each dmesg line (0 KERN_EMERG .. 7 KERN_DEBUG): what makes a line a fault. */
  dmesgLevels: number[];
  irqs: SimulatedIrq[];
  devices: {
    bdf: string;
    driver: string | null;
    /**
     * Where the device's requests come from: a driver model, what a real /proc/interrupts showed
     * (for a driver irqlab does not model), or a request written in the machine file.
     */
    behaviour: DeviceBehaviour | null;
    mode: IrqMode | null;
    /** The messages as written to the device (entry index -> message; null: not written). */
    entries: readonly ({ address_lo: number; address_hi: number; data: number } | null)[];
    messages: { entry: number; address: string; data: string }[];
    /** The MSI / MSI-X capability lines as `lspci -vvv` prints them (capability offsets aside). */
    lspci: string[];
  }[];
  vectorDebugfs: string;
  vectorUsage: {
    cpu: number;
    available: number;
    allocated: number;
    managed: number;
    managedAllocated: number;
  }[];
  /** Interrupt remapping: mode and, per unit, its present IRTEs. */
  readonly remapping: {
    mode: 'xapic' | 'x2apic' | 'off';
    driver: 'intel' | 'amd' | null;
    units: { name: string; irq: number; irtes: IrteRow[]; debugfs: string }[];
  };
  /** The DMAR faults the kernel printed, and what the hardware delivered. */
  faults: { line: string; reason: number; sid: string; index: number; unit: string }[];
  deliveries: { delivered: number; faulted: number; spurious: number };
  oops: { text: string; callTrace: string[] } | null;
  panic: string | null;
  /** What this run did not model on this machine (said, not silently ignored). */
  warnings: string[];
  events: number;
}

export type DeviceBehaviour = 'modelled' | 'observed' | 'user';

function behaviourOf(
  machine: Machine,
  fn: PciFunction,
  driver: DriverModel | null,
): DeviceBehaviour | null {
  if (!driver) return null;
  const request = machine.irq_requests.find((r) => r.device === fn.bdf);
  return request ? (request.source === 'observed' ? 'observed' : 'user') : 'modelled';
}

export function outputs(
  k: Kernel,
  machine: Machine,
  profile: KernelProfile,
  bound: Bound,
  oops: SimulationResult['oops'],
  panic: string | null,
  deliveries: SimulationResult['deliveries'],
  events: number,
): SimulationResult {
  const online = [...k.online];
  // The per-irq tables are built when first read: on a big machine they cost more than the boot.
  const zeroCounts: readonly number[] = Object.freeze(online.map(() => 0));
  const buildIrqs = (): SimulatedIrq[] => {
    const irqs: SimulatedIrq[] = [];
    // Masks are shared between irqs: print each once.
    const lists = new Map<CpuMask, string>();
    const cpuList = (m: CpuMask) => {
      let l = lists.get(m);
      if (l === undefined) lists.set(m, (l = m.toList()));
      return l;
    };
    eachIrq(k, (desc, f) => {
      const data = desc.data!;
      const debugState = {
        // apicd->vector stays 0 while parked on the shutdown vector.
        vector: f.vector === MANAGED_IRQ_SHUTDOWN_VECTOR ? 0 : f.vector,
        cpu: f.vector === MANAGED_IRQ_SHUTDOWN_VECTOR ? 0 : f.cpu,
        moveInProgress: false,
        isManaged: f.managed,
        canReserve: k.apic.has(f.irq, ApicChipData.CAN_RESERVE),
        hasReserved: k.apic.has(f.irq, ApicChipData.HAS_RESERVED),
      };
      irqs.push({
        irq: f.irq,
        chip: data.chip!.name,
        hwirq: data.hwirq,
        trigger: desc.trigger,
        handler: desc.handler,
        actions: [...desc.actions],
        owner: f.owner,
        msi: desc.msiIndex < 0 ? null : desc.isMsix ? 'msix' : 'msi',
        vector: f.vector,
        cpu: f.cpu,
        effectiveAffinity: f.effective >= 0 ? String(f.effective) : '',
        affinity: cpuList(f.affinity),
        managed: f.managed,
        // Formatted when read: a big machine's runs keep them only up to a few thousand irqs.
        get debugfs() {
          return irqDataDebugfs(data, debugState);
        },
        domains: [...chain(desc)].map((d) => ({
          domain: d.domain.name,
          hwirq: d.hwirq,
          chip: d.chip?.name ?? '',
        })),
        // Irqs that never fired share one all-zero row (a 1536-CPU machine has 100,000 irqs).
        counts: countsOf(f.irq),
      });
    });
    return irqs;
  };
  const countsOf = (irq: number): readonly number[] => {
    const counted = k.counts.get(irq);
    return counted ? online.map((c) => counted[c] ?? 0) : zeroCounts;
  };
  let irqsCache: SimulatedIrq[] | null = null;
  const irqsOf = () => (irqsCache ??= buildIrqs());
  // The lines straight from the descriptors: a preview of the first lines builds no other irq.
  const lines = function* (): Generator<ProcIrqLine> {
    for (const desc of k.descs) {
      if (!isListed(desc)) continue;
      // Shown with an action, or counts on an online CPU (show_interrupts' any_count).
      const counts = countsOf(desc.irq);
      if (desc.actions.length === 0 && !counts.some((c) => c > 0)) continue;
      yield {
        irq: desc.irq,
        counts,
        chip: desc.data.chip.name,
        hwirq: desc.data.hwirq,
        handler: desc.handler,
        actions: desc.actions,
      };
    }
  };
  const nr = nrIrqs(machine, k);
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const warnings: string[] = [];
  // Tables of a big machine are built when first read.
  let devicesCache: SimulationResult['devices'] | null = null;
  let remappingCache: SimulationResult['remapping'] | null = null;
  return {
    profile: profile.name,
    procInterrupts: () => formatProcInterrupts(online, lines(), nr),
    writeProcInterrupts: (write) => writeProcInterrupts(online, lines(), nr, write),
    dmesg: k.dmesg,
    dmesgLevels: k.dmesgLevels,
    get irqs() {
      return irqsOf();
    },
    get devices() {
      return (devicesCache ??= bound.map(({ fn, driver, mode }) => {
        const entries = k.messages.get(fn.bdf)?.entries ?? [];
        let messages: SimulationResult['devices'][number]['messages'] | null = null;
        let lspci: string[] | null = null;
        return {
          bdf: fn.bdf,
          driver: driver?.name ?? null,
          behaviour: behaviourOf(machine, fn, driver),
          mode,
          entries,
          // Formatted when read: a big machine has a hundred thousand messages.
          get lspci() {
            return (lspci ??= lspciLines(fn, mode, entries));
          },
          get messages() {
            return (messages ??= entries.map((m, entry) => ({
              entry,
              address: m ? hex(m.address_hi, 8) + hex(m.address_lo, 8) : '',
              data: m ? hex(m.data, 4) : '',
            })));
          },
        };
      }));
    },
    get vectorDebugfs() {
      return k.matrix.debugShow();
    },
    vectorUsage: online.map((cpu) => ({
      cpu,
      available: k.matrix.available[cpu]!,
      allocated: k.matrix.allocated[cpu]!,
      managed: k.matrix.managed[cpu]!,
      managedAllocated: k.matrix.managedAllocated[cpu]!,
    })),
    get remapping() {
      return (remappingCache ??= {
        mode: k.irqRemapMode ?? 'off',
        driver: k.irqRemappingEnabled ? k.remapOps : null,
        units: k.iommus
          .filter((u) => u.tableEntries > 0)
          .map((u) => ({
            name: u.name,
            irq: u.faultIrq,
            irtes: [...u.presentEntries()].map((i) => ({
              index: i,
              irq: u.owner[i]!,
              present: true,
              vector: u.vector[i]!,
              dest: u.destId[i]!,
              sid: u.sid[i]!,
              sq: u.sq[i]!,
              svt: u.svt[i]!,
            })),
            get debugfs() {
              return irTranslationStruct(u);
            },
          })),
      });
    },
    faults: k.faults.map((f) => ({
      line: f.line,
      reason: f.reason,
      sid: `${hex(f.sourceId >> 8, 2)}:${hex((f.sourceId >> 3) & 0x1f, 2)}.${f.sourceId & 7}`,
      index: f.index,
      unit: f.unit,
    })),
    deliveries,
    oops,
    panic,
    warnings,
    events,
  };
}

/** What eachIrq tells of one irq (one object, reused from irq to irq). */
export interface IrqFields {
  irq: number;
  /** Vector and CPU at the VECTOR level (0 = not assigned, 239 = parked). */
  vector: number;
  cpu: number;
  /** The effective CPU, or -1. */
  effective: number;
  affinity: CpuMask;
  managed: boolean;
  /** The device or platform owner; '' for the legacy ISA irqs. */
  owner: string;
}

/** A descriptor that is an irq to show: not one an oops cut short (no chip on its outer level). */
function isListed(
  desc: IrqDesc | undefined,
): desc is IrqDesc & { data: IrqData & { chip: IrqChip } } {
  return !!desc && !!desc.data?.chip;
}

/**
 * Each irq of a booted kernel in ascending order, with the fields every view of it reads: the
 * one reading of the kernel's state behind result.irqs and the app's irq table.
 */
export function eachIrq(k: Kernel, visit: (desc: IrqDesc, fields: IrqFields) => void): void {
  const f: IrqFields = {
    irq: 0,
    vector: 0,
    cpu: 0,
    effective: -1,
    affinity: k.allCpus,
    managed: false,
    owner: '',
  };
  for (const desc of k.descs) {
    if (!isListed(desc)) continue;
    const irq = desc.irq;
    const vector = k.apic.vector[irq] ?? 0;
    const cpu = k.apic.cpu[irq] ?? 0;
    f.irq = irq;
    f.vector = vector;
    f.cpu = cpu;
    f.effective =
      vector !== 0 && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR ? cpu : (k.effectiveCpu[irq] ?? -1);
    f.affinity = k.affinity[irq] ?? k.allCpus;
    f.managed = k.apic.has(irq, ApicChipData.IS_MANAGED);
    f.owner = desc.owner === 'isa' ? '' : desc.owner;
    visit(desc, f);
  }
}

/** lspci's MSI and MSI-X capability lines (ls-caps.c cap_msi / cap_msix). */
function lspciLines(
  fn: PciFunction,
  mode: IrqMode | null,
  entries: ({ address_lo: number; address_hi: number; data: number } | null)[],
): string[] {
  const sign = (b: boolean) => (b ? '+' : '-');
  const out: string[] = [];
  if (fn.msi) {
    const enabled = mode === 'msi';
    const used = enabled ? entries.length : 1;
    const m = enabled ? entries[0] : null;
    out.push(
      `MSI: Enable${sign(enabled)} Count=${used}/${fn.msi.vectors_max} Maskable${sign(fn.msi.per_vector_mask)} 64bit${sign(fn.msi.is_64bit)}`,
    );
    const address = m
      ? (fn.msi.is_64bit ? m.address_hi.toString(16).padStart(8, '0') : '') +
        m.address_lo.toString(16).padStart(8, '0')
      : fn.msi.is_64bit
        ? '0'.repeat(16)
        : '0'.repeat(8);
    out.push(`\tAddress: ${address}  Data: ${(m?.data ?? 0).toString(16).padStart(4, '0')}`);
  }
  if (fn.msix) {
    out.push(`MSI-X: Enable${sign(mode === 'msix')} Count=${fn.msix.table_size} Masked-`);
    out.push(
      `\tVector table: BAR=${fn.msix.bar} offset=${parseInt(fn.msix.offset, 16).toString(16).padStart(8, '0')}`,
    );
  }
  return out;
}

/** nr_irqs as /proc/interrupts sizes its column: grown by the descriptors allocated beyond it. */
function nrIrqs(machine: Machine, k: Kernel): number {
  return Math.max(
    probeNrIrqs(k.gsiTop, machine.ioapics.length > 0 ? 16 : 0, k.nrCpus),
    k.descs.length,
  );
}
