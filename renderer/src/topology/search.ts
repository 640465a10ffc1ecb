// What the graph's search box finds: a BDF as lspci or the kernel prints it (`0000:3b:00.0`,
// `3b:00.0`), a VF's BDF, an irq number (resolved by the run shown), or a name.
import type { Machine } from '../../../core/model/schema';
import { nodeIdOfPci, vfBdf, VFS_SHOWN, type MachineGraph } from './graph';

export type SearchHit = { id: string } | { irq: number } | null;

const BDF = /^(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i;

/** seg:bus:dev.fn as numbers, so that `3b:00.0` and `0000:3b:00.0` are the same function. */
function bdfKey(bdf: string): string | null {
  const m = BDF.exec(bdf.trim());
  if (!m) return null;
  return [m[1] ?? '0', m[2]!, m[3]!, m[4]!].map((x) => parseInt(x, 16)).join(':');
}

export function searchGraph(query: string, machine: Machine, full: MachineGraph): SearchHit {
  const q = query.trim();
  if (!q) return null;
  const irq = /^(?:irq\s*)?(\d+)$/i.exec(q);
  if (irq) return { irq: Number(irq[1]) };
  const key = bdfKey(q);
  if (key) {
    for (const f of machine.pci) if (bdfKey(f.bdf) === key) return { id: nodeIdOfPci(f.bdf) };
    for (const f of machine.pci) {
      const n = f.sriov?.num_vfs ?? 0;
      for (let v = 0; v < n; v++)
        if (bdfKey(vfBdf(f, v)) === key)
          return { id: n > VFS_SHOWN ? `vfs:${f.bdf}` : `vf:${f.bdf}:${v}` };
    }
    return null;
  }
  const needle = q.toLowerCase();
  const node = full.nodes.find((n) => `${n.label} ${n.detail}`.toLowerCase().includes(needle));
  return node ? { id: node.id } : null;
}

/** The node of an irq's owner as the run stores it: a BDF, `dmar<N>`, `hpet<N>`, or an IOAPIC pin. */
export function nodeOfIrqOwner(
  machine: Machine,
  irq: { irq: number; owner: string; chip: string; hwirq: number },
): string | null {
  const o = irq.owner;
  if (o && bdfKey(o)) {
    const key = bdfKey(o);
    const f = machine.pci.find((p) => bdfKey(p.bdf) === key);
    if (f) return nodeIdOfPci(f.bdf);
    const hit = searchGraph(o, machine, { nodes: [], edges: [] });
    return hit && 'id' in hit ? hit.id : null;
  }
  const dmar = /^dmar(\d+)$/.exec(o);
  if (dmar && machine.iommus[Number(dmar[1])]) return `iommu:${dmar[1]}`;
  if (/^hpet/.test(o) && machine.hpet) return 'hpet';
  if (/IO-APIC/i.test(irq.chip)) {
    // The pin's GSI is the irq for IOAPIC pins the kernel maps 1:1 (legacy and ACPI GSIs).
    const i = machine.ioapics.findIndex(
      (io) => irq.irq >= io.gsi_base && irq.irq < io.gsi_base + io.pins,
    );
    if (i >= 0) return `ioapic:${i}`;
  }
  return null;
}
