// What a run stores for the analysis views, beside its outputs: the options it was booted with
// (so the debugger and the comparison can boot it again exactly), each irq's domain chain, the
// IRTEs, the IOAPIC entries, the vector matrix and the faults. Compact: numbers in flat arrays
// where a 1536-CPU run has a hundred thousand of them.
import type { SimulationResult } from '../../core/scenario';
import type { Injection } from '../../core/kernel/injections';
import type { Kernel } from '../../core/kernel/kernel';
import {
  domainTable,
  ioapicTables,
  matrixBitmaps,
  type DomainRow,
  type IoapicTable,
  type MatrixBitmaps,
} from '../../core/kernel/output/tables';
import type { KernelProfile } from '../../core/kernel/profiles';
import type { Machine } from '../../core/model/schema';

/** What a run was booted with: enough to boot it again to the same step. */
export interface RunSpec {
  profile: KernelProfile;
  injections: Injection[];
}

/** Numbers per IRTE row in RunTables.irtes[].rows. */
export const IRTE_FIELDS = [
  'index',
  'irq',
  'present',
  'vector',
  'dest',
  'sid',
  'sq',
  'svt',
] as const;

export interface RunTables {
  remapping: 'xapic' | 'x2apic' | 'off';
  domains: DomainRow[];
  /** Chip names; irqs[].chain refers to them (and to domains) by index. */
  chips: string[];
  irtes: { unit: string; irq: number; rows: number[] }[];
  ioapics: IoapicTable[];
  matrix: MatrixBitmaps;
  faults: SimulationResult['faults'];
  /** APIC id of each CPU (index = CPU number). */
  apicIds: number[];
  /** /sys/kernel/debug/irq/irqs/<irq> per irq; only kept for runs of up to DEBUGFS_MAX_IRQS. */
  debugfs: Record<string, string> | null;
}

export const DEBUGFS_MAX_IRQS = 4096;

/** The per-irq part: chain as flat (domain index, hwirq, chip index) triples, the affinities. */
export interface IrqTableFields {
  chain: number[];
  affinity: string;
  effective: string;
}

export function buildRunTables(
  k: Kernel,
  result: SimulationResult,
  machine: Machine,
): { tables: RunTables; perIrq: IrqTableFields[] } {
  const domains = domainTable(k);
  const domainIndex = new Map(domains.map((d, i) => [d.name, i]));
  const chips: string[] = [];
  const chipIndex = new Map<string, number>();
  const chip = (name: string) => {
    let i = chipIndex.get(name);
    if (i === undefined) {
      i = chips.length;
      chips.push(name);
      chipIndex.set(name, i);
    }
    return i;
  };
  const perIrq = result.irqs.map((irq) => {
    const chain: number[] = [];
    for (const level of irq.domains) {
      let d = domainIndex.get(level.domain);
      if (d === undefined) {
        // A level whose domain the kernel no longer lists (removed since): keep its name.
        d = domains.length;
        domains.push({
          name: level.domain,
          parent: null,
          chip: level.chip,
          bus: '',
          mapped: 0,
          msiFlags: null,
        });
        domainIndex.set(level.domain, d);
      }
      chain.push(d, level.hwirq, chip(level.chip));
    }
    return { chain, affinity: irq.affinity, effective: irq.effectiveAffinity };
  });
  const apicIds: number[] = [];
  for (const c of machine.cpus.list) apicIds[c.cpu] = c.apic_id;
  const keepDebugfs = result.irqs.length <= DEBUGFS_MAX_IRQS;
  return {
    perIrq,
    tables: {
      remapping: result.remapping.mode,
      domains,
      chips,
      irtes: result.remapping.units.map((u) => ({
        unit: u.name,
        irq: u.irq,
        rows: u.irtes.flatMap((e) => [
          e.index,
          e.irq,
          e.present ? 1 : 0,
          e.vector,
          e.dest,
          e.sid,
          e.sq,
          e.svt,
        ]),
      })),
      ioapics: ioapicTables(k),
      matrix: matrixBitmaps(k),
      faults: result.faults,
      apicIds: Array.from(apicIds, (id) => id ?? -1),
      debugfs: keepDebugfs
        ? Object.fromEntries(result.irqs.map((i) => [String(i.irq), i.debugfs]))
        : null,
    },
  };
}
