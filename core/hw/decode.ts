// Decodes an MSI address/data pair as the hardware reads it (linux-irq-model.md §5.1, §5.2,
// §5.6): compatibility format (destination, mode, vector, delivery) or VT-d remappable format
// (handle, sub-handle, interrupt index). Who it belongs to in a run is core/scenario/owner.ts.
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
