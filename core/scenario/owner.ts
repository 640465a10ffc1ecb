// Who a decoded MSI message (core/hw/decode.ts) belongs to in a run: the IRTE it selects, or the
// irq bound to its vector.
import type { DecodedMsi } from '../hw/decode';
import type { IrteRow, SimulatedIrq, SimulationResult } from './result';

const hex = (n: number) => '0x' + n.toString(16);

/** What ownerOf reads of a run: its irqs (a stored run's are read one by one) and remapping. */
export interface OwnerRun {
  irqs: Iterable<
    Pick<SimulatedIrq, 'irq' | 'chip' | 'hwirq' | 'actions' | 'owner' | 'vector' | 'cpu'>
  >;
  remapping: {
    mode: SimulationResult['remapping']['mode'];
    units: { name: string; irtes: Pick<IrteRow, 'index' | 'irq' | 'vector' | 'dest'>[] }[];
  };
}

const findIrq = <T>(irqs: Iterable<T>, test: (i: T) => boolean): T | undefined => {
  for (const i of irqs) if (test(i)) return i;
  return undefined;
};

/** Who a decoded message belongs to in a run: the IRTE it selects, or the irq on that vector. */
export function ownerOf(d: DecodedMsi, run: OwnerRun, apicIds: Map<number, number>): string[] {
  const out: string[] = [];
  if (d.format === 'remappable') {
    for (const unit of run.remapping.units) {
      const e = unit.irtes.find((x) => x.index === d.index);
      if (!e) continue;
      const irq = findIrq(run.irqs, (i) => i.irq === e.irq);
      out.push(
        `${unit.name} IRTE ${e.index}: irq ${e.irq} ${irq ? `(${irq.chip} ${irq.hwirq}, ${irq.actions.join(', ') || 'no action'}, owner ${irq.owner || '-'})` : ''} -> vector ${e.vector} on destination ${hex(e.dest)}`,
      );
    }
    if (out.length === 0)
      out.push(`no unit has IRTE ${d.index} present: fault reason 0x22 (or 0x21 beyond the table)`);
    return out;
  }
  if (d.format === 'compatibility') {
    // Physical: the APIC id; flat logical (xAPIC, up to 8 CPUs): one bit per CPU.
    const cpu = d.logical
      ? [...apicIds.keys()].find((c) => c < 8 && ((d.destination ?? 0) & (1 << c)) !== 0)
      : [...apicIds].find(([, id]) => id === d.destination)?.[0];
    const irq = findIrq(run.irqs, (i) => i.vector === d.vector && i.cpu === cpu);
    if (run.remapping.mode !== 'off')
      out.push(
        'interrupt remapping is on in this run: the IOMMU blocks this message (fault reason 37)',
      );
    out.push(
      irq
        ? `irq ${irq.irq} (${irq.chip} ${irq.hwirq}, ${irq.actions.join(', ') || 'no action'}, owner ${irq.owner || '-'}) has vector ${d.vector} on CPU ${cpu}`
        : `no irq has vector ${d.vector} on ${cpu === undefined ? 'a CPU with that APIC id' : `CPU ${cpu}`} in this run`,
    );
  }
  return out;
}
