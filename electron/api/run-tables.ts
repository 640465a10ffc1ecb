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
import { buildIrqTable, type BuiltIrqTable } from '../../core/scenario/irq-table';
import type { Machine } from '../../core/model/schema';
import {
  storedIrteTable,
  type IrteTable,
  type StoredIrteTable,
} from '../../core/scenario/irte-table';

/** What a run was booted with: enough to boot it again to the same step. */
export interface RunSpec {
  profile: KernelProfile;
  injections: Injection[];
}

/** A run's tables as the views read them (analysis.ts tablesOf): each unit's IRTEs as rows. */
export interface RunTables<Irtes = IrteTable> {
  remapping: 'xapic' | 'x2apic' | 'off';
  domains: DomainRow[];
  /** Chip names that the rows of irqlab-app-run/1 runs' chains refer to (newer runs: irqTable). */
  chips?: string[];
  irtes: Irtes[];
  ioapics: IoapicTable[];
  matrix: MatrixBitmaps;
  faults: SimulationResult['faults'];
  /** APIC id of each CPU (index = CPU number). */
  apicIds: number[];
  /** /sys/kernel/debug/irq/irqs/<irq> per irq; only kept for runs of up to DEBUGFS_MAX_IRQS. */
  debugfs: Record<string, string> | null;
}

/** As stored (runs.outputs_json tables): the IRTEs as columns, or in older runs flat rows. */
export type StoredRunTables = RunTables<StoredIrteTable>;

export const DEBUGFS_MAX_IRQS = 4096;

/**
 * The run's domain table and its irq table, built before the rest of its tables (buildRunTables)
 * so that the irq table can go to the store, which makes its text, while the rest is built.
 */
export function buildIrqTables(k: Kernel): { domains: DomainRow[]; irqTable: BuiltIrqTable } {
  const domains = domainTable(k);
  // A level whose domain the kernel no longer lists (removed since): kept by its name.
  const irqTable = buildIrqTable(k, domains, (name, chip) => {
    domains.push({ name, parent: null, chip, bus: '', mapped: 0, msiFlags: null });
    return domains.length - 1;
  });
  return { domains, irqTable };
}

/** The run's tables around the domains buildIrqTables made (for a table of `irqCount` irqs). */
export function buildRunTables(
  k: Kernel,
  result: SimulationResult,
  machine: Machine,
  domains: DomainRow[],
  irqCount: number,
): StoredRunTables {
  const apicIds: number[] = [];
  for (const c of machine.cpus.list) apicIds[c.cpu] = c.apic_id;
  return {
    remapping: k.irqRemapMode ?? 'off',
    domains,
    irtes: irteTables(k),
    ioapics: ioapicTables(k),
    matrix: matrixBitmaps(k),
    faults: result.faults,
    apicIds: Array.from(apicIds, (id) => id ?? -1),
    debugfs:
      irqCount <= DEBUGFS_MAX_IRQS
        ? Object.fromEntries(result.irqs.map((i) => [String(i.irq), i.debugfs]))
        : null,
  };
}

/** Each remapping unit's present IRTEs, a column per field (irte-table.ts), read from its tables. */
function irteTables(k: Kernel): StoredIrteTable[] {
  return k.iommus
    .filter((u) => u.tableEntries > 0)
    .map((u) => {
      let present = 0;
      for (let i = 0; i < u.tableEntries; i++) if (u.present[i]) present++;
      const column = () => new Int32Array(present);
      const index = column();
      const irq = column();
      const vector = column();
      // Destination ids are 32-bit (x2APIC): past int32's range.
      const dest = new Float64Array(present);
      const sid = column();
      const sq = column();
      const svt = column();
      let r = 0;
      for (let i = 0; i < u.tableEntries; i++) {
        if (!u.present[i]) continue;
        index[r] = i;
        irq[r] = u.owner[i]!;
        vector[r] = u.vector[i]!;
        dest[r] = u.destId[i]!;
        sid[r] = u.sid[i]!;
        sq[r] = u.sq[i]!;
        svt[r] = u.svt[i]!;
        r++;
      }
      const columns = { index, irq, present: column().fill(1), vector, dest, sid, sq, svt };
      return storedIrteTable(u.name, u.faultIrq, columns);
    });
}
