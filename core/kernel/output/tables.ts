// The kernel's tables the app's analysis views show, read from a kernel after (or during) a run:
// the irq domain hierarchy (/sys/kernel/debug/irq/domains), the IOAPIC redirection table entries
// decoded the way the IOAPIC reads them, and the vector matrix as bitmaps. Plain data only, so a
// run's tables can be stored beside its outputs and shown without the kernel.
import { DOMAIN_BUS } from '../irq/irqdesc';
import type { Kernel } from '../kernel';

export interface DomainRow {
  name: string;
  /** The parent domain's name (null for VECTOR and for parentless domains such as VMD-MSI). */
  parent: string | null;
  /** The chip this domain's alloc installs. */
  chip: string;
  /** enum irq_domain_bus_token name (DOMAIN_BUS_PCI_MSI, ...). */
  bus: string;
  /** debugfs "mapped": irqs this domain holds a level of. */
  mapped: number;
  /** MSI domains: the msi_domain_info flags (null for others). */
  msiFlags: number | null;
}

const BUS_NAMES = new Map<number, string>(
  Object.entries(DOMAIN_BUS).map(([name, n]) => [n, `DOMAIN_BUS_${name}`]),
);

/** Every irq domain, parents before children (VECTOR first), each with its parent and count. */
export function domainTable(k: Kernel): DomainRow[] {
  // k.domains is newest first; the kernel creates parents before children.
  return [...k.domains].reverse().map((d) => ({
    name: d.name,
    parent: d.parent?.name ?? null,
    chip: d.chip.name,
    bus: BUS_NAMES.get(d.busToken) ?? String(d.busToken),
    mapped: d.mapcount,
    msiFlags: d.msiInfo ? d.msiInfo.flags : null,
  }));
}

/** One IOAPIC redirection table entry, decoded (82093AA datasheet §3.2.4; VT-d §5.1.5.1). */
export interface RteRow {
  pin: number;
  gsi: number;
  /** The Linux irq mapped to the pin, or -1. */
  irq: number;
  low: number;
  high: number;
  masked: boolean;
  trigger: 'edge' | 'level';
  polarity: 'high' | 'low';
  /** Bit 48 of the RTE: 1 = remappable format (the entry names an IRTE, not a CPU). */
  remappable: boolean;
  /** Compatibility format: vector, delivery mode, destination mode and destination. */
  vector: number;
  deliveryMode: string;
  destinationMode: 'physical' | 'logical';
  destination: number;
  /** Remappable format: the IRTE index (bits 63:49 and 11). */
  irteIndex: number | null;
}

const DELIVERY = ['Fixed', 'LowestPrio', 'SMI', 'reserved', 'NMI', 'INIT', 'reserved', 'ExtINT'];

export interface IoapicTable {
  index: number;
  id: number;
  gsiBase: number;
  pins: number;
  domain: string;
  type: 'legacy' | 'dynamic';
  rtes: RteRow[];
}

/** The redirection table of every IOAPIC as the kernel programmed it. */
export function ioapicTables(k: Kernel): IoapicTable[] {
  return k.ioapics.map((io) => {
    const rtes: RteRow[] = [];
    for (let pin = 0; pin < io.pins; pin++) {
      const low = io.rteLow[pin]! >>> 0;
      const high = io.rteHigh[pin]! >>> 0;
      const remappable = ((high >>> 16) & 1) === 1;
      rtes.push({
        pin,
        gsi: io.gsiBase + pin,
        irq: io.pinIrq[pin]!,
        low,
        high,
        masked: ((low >>> 16) & 1) === 1,
        trigger: (low >>> 15) & 1 ? 'level' : 'edge',
        polarity: (low >>> 13) & 1 ? 'low' : 'high',
        remappable,
        vector: low & 0xff,
        deliveryMode: DELIVERY[(low >>> 8) & 7]!,
        destinationMode: (low >>> 11) & 1 ? 'logical' : 'physical',
        // Compatibility: destination in bits 63:56, extended destination id in 55:49.
        destination: remappable ? 0 : (high >>> 24) | (((high >>> 17) & 0x7f) << 8),
        // Remappable: handle[14:0] in bits 63:49, handle[15] in bit 11.
        irteIndex: remappable ? ((high >>> 17) & 0x7fff) | (((low >>> 11) & 1) << 15) : null,
      });
    }
    return {
      index: io.index,
      id: io.id,
      gsiBase: io.gsiBase,
      pins: io.pins,
      domain: io.domain.name,
      type: io.type,
      rtes,
    };
  });
}

/** The vector matrix as bitmaps: 8 words of 32 bits (256 vectors) per online CPU. */
export interface MatrixBitmaps {
  /** The online CPUs, in order; row i of the maps is cpus[i]. */
  cpus: number[];
  /** Allocated vectors (device and legacy irqs), cpus.length * 8 words. */
  allocated: number[];
  /** Vectors reserved for managed interrupts (allocated or not). */
  managed: number[];
  /** System vectors (the same on every CPU), 8 words. */
  system: number[];
}

export function matrixBitmaps(k: Kernel): MatrixBitmaps {
  const m = k.matrix;
  const cpus: number[] = [];
  const allocated: number[] = [];
  const managed: number[] = [];
  for (let cpu = 0; cpu < m.nrCpus; cpu++) {
    if (!m.online[cpu]) continue;
    cpus.push(cpu);
    for (let w = 0; w < 8; w++) {
      allocated.push(m.allocMap[cpu * 8 + w]! >>> 0);
      managed.push(m.managedMap[cpu * 8 + w]! >>> 0);
    }
  }
  return { cpus, allocated, managed, system: [...m.systemMap].map((w) => w >>> 0) };
}
