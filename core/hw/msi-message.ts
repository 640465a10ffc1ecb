// Decoding an x86 MSI message (address, data) as the IOMMU and the local APICs read it
// (linux-irq-model.md §5.1, §5.2): compatibility format (destination APIC id, vector) or Intel
// VT-d remappable format (interrupt handle = IRTE index, sub-handle).

export type MsiMessage =
  | {
      format: 'compatibility';
      address: number;
      data: number;
      destination: number;
      destinationMode: 'physical' | 'logical';
      redirectionHint: boolean;
      vector: number;
      deliveryMode: 'fixed' | 'lowest-priority' | 'smi' | 'nmi' | 'init' | 'extint' | 'reserved';
      trigger: 'edge' | 'level';
      /** Data bit 14 (level assert), set by kernels up to 5.10. */
      levelAssert: boolean;
    }
  | {
      format: 'remappable';
      address: number;
      data: number;
      /** Interrupt handle: the IRTE index (plus the sub-handle when SHV is set). */
      handle: number;
      subHandleValid: boolean;
      subHandle: number;
      irteIndex: number;
    }
  | { format: 'not-an-interrupt'; address: number; data: number };

const DELIVERY = [
  'fixed',
  'lowest-priority',
  'smi',
  'reserved',
  'nmi',
  'init',
  'reserved',
  'extint',
] as const;

/**
 * `address` is address_lo; `addressHi` is 0 except on kernels up to 5.10 in x2APIC mode, which put
 * destination bits 31:8 there.
 */
export function decodeMsiMessage(address: number, data: number, addressHi = 0): MsiMessage {
  address >>>= 0;
  data &= 0xffff;
  if (address >>> 20 !== 0xfee) return { format: 'not-an-interrupt', address, data };
  if (address & 0x10) {
    const handle = ((address >>> 5) & 0x7fff) | (((address >>> 2) & 1) << 15);
    const shv = (address & 0x8) !== 0;
    return {
      format: 'remappable',
      address,
      data,
      handle,
      subHandleValid: shv,
      subHandle: data,
      irteIndex: shv ? handle + data : handle,
    };
  }
  const ext = (address >>> 5) & 0x7f;
  return {
    format: 'compatibility',
    address,
    data,
    destination: (((address >>> 12) & 0xff) | (ext << 8) | (addressHi & 0xffffff00)) >>> 0,
    destinationMode: address & 0x4 ? 'logical' : 'physical',
    redirectionHint: (address & 0x8) !== 0,
    vector: data & 0xff,
    deliveryMode: DELIVERY[(data >> 8) & 7]!,
    trigger: data & 0x8000 ? 'level' : 'edge',
    levelAssert: (data & 0x4000) !== 0,
  };
}

export function describeMsiMessage(m: MsiMessage): string {
  const hx = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const head = `address ${hx(m.address, 8)} data ${hx(m.data, 4)}`;
  switch (m.format) {
    case 'not-an-interrupt':
      return `${head}: not in the 0xfee00000 interrupt window`;
    case 'remappable':
      return `${head}: remappable format, handle ${m.handle}${m.subHandleValid ? ` + sub-handle ${m.subHandle}` : ''} = IRTE ${m.irteIndex}`;
    case 'compatibility':
      return `${head}: compatibility format, ${m.destinationMode} destination 0x${m.destination.toString(16)}, vector 0x${hx(m.vector, 2)}, ${m.deliveryMode}, ${m.trigger}${m.redirectionHint ? ', RH' : ''}`;
  }
}
