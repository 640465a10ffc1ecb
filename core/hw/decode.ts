// Decodes an MSI address/data pair as the hardware reads it (linux-irq-model.md §5.1, §5.2,
// §5.6): compatibility format (destination, mode, vector, delivery) or VT-d remappable format
// (handle, sub-handle, interrupt index); and, given a simulated run, who it belongs to.
import type { SimulationResult } from '../kernel/boot';
import { decodeMsiMessage } from './msi-message';

export interface DecodedMsi {
  format: 'compatibility' | 'remappable' | 'not-an-interrupt';
  /** Compatibility format (destination includes the extended destination id bits 14:8). */
  destination?: number;
  logical?: boolean;
  redirectionHint?: boolean;
  vector?: number;
  deliveryMode?: string;
  trigger?: 'edge' | 'level';
  /** Remappable format. */
  handle?: number;
  subhandleValid?: boolean;
  subhandle?: number;
  index?: number;
  lines: string[];
}

const hex = (n: number) => '0x' + n.toString(16);

/** The decoder's fields (msi-message.ts) and what they mean, line by line. */
export function decodeMsi(address: bigint, data: number): DecodedMsi {
  const lo = Number(address & 0xffffffffn);
  const hi = Number(address >> 32n);
  const m = decodeMsiMessage(lo, data, hi);
  switch (m.format) {
    case 'not-an-interrupt':
      return {
        format: 'not-an-interrupt',
        lines: [
          `address ${hex(Number(address))}: not in the interrupt window 0xfee00000-0xfeefffff (a DMA write, not an MSI)`,
        ],
      };
    case 'remappable':
      return {
        format: 'remappable',
        handle: m.handle,
        subhandleValid: m.subHandleValid,
        subhandle: m.subHandleValid ? m.subHandle : 0,
        index: m.irteIndex,
        lines: [
          'format: remappable (VT-d interrupt remapping, address bit 4 set)',
          `handle: ${m.handle} (${hex(m.handle)}), SHV=${m.subHandleValid ? 1 : 0}${m.subHandleValid ? `, sub-handle ${m.subHandle}` : ''}`,
          `IRTE index: ${m.irteIndex} (${hex(m.irteIndex)})`,
          ...(hi !== 0
            ? [`address_hi ${hex(hi)}: must be 0 (reserved): fault reason 0x20 on a VT-d unit`]
            : []),
        ],
      };
    case 'compatibility': {
      const ext = (lo >>> 5) & 0x7f;
      return {
        format: 'compatibility',
        destination: m.destination,
        logical: m.destinationMode === 'logical',
        redirectionHint: m.redirectionHint,
        vector: m.vector,
        deliveryMode: m.deliveryMode,
        trigger: m.trigger,
        lines: [
          'format: compatibility (address bit 4 clear; blocked with fault reason 0x25 while VT-d remaps interrupts)',
          `destination: ${hex(m.destination)} ${m.destinationMode}${ext ? ` (extended destination id bits 14:8 = ${hex(ext)})` : ''}${m.redirectionHint ? ', redirection hint' : ''}`,
          `vector: ${m.vector} (${hex(m.vector)}), delivery: ${m.deliveryMode}, trigger: ${m.trigger}${m.levelAssert ? ', level assert (data bit 14, kernels up to 5.10)' : ''}`,
          ...(hi & 0xff
            ? [`address_hi low byte ${hex(hi & 0xff)} set: not a valid MSI address`]
            : []),
        ],
      };
    }
  }
}

/** Who a decoded message belongs to in a run: the IRTE it selects, or the irq on that vector. */
export function ownerOf(
  d: DecodedMsi,
  run: SimulationResult,
  apicIds: Map<number, number>,
): string[] {
  const out: string[] = [];
  if (d.format === 'remappable') {
    for (const unit of run.remapping.units) {
      const e = unit.irtes.find((x) => x.index === d.index);
      if (!e) continue;
      const irq = run.irqs.find((i) => i.irq === e.irq);
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
    const irq = run.irqs.find((i) => i.vector === d.vector && i.cpu === cpu);
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
