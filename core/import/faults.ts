// DMAR fault records as dmar_fault_do_one() prints them, in every era's format
// (linux-irq-model.md §6.4): INTR-REMAP faults (≤5.13 decimal reason, ~5.14 "0x" everywhere,
// later 0x index/reason with plain bus/device) and DMA read/write faults (with or without PASID).
// The reason texts come from core/kernel/iommu/fault-reasons.ts.
import {
  dmar_get_fault_reason,
  type FaultLogFormat,
  type FaultType,
} from '../kernel/iommu/fault-reasons';

export interface IntrRemapFault {
  kind: 'INTR-REMAP';
  format: FaultLogFormat;
  /** Requester id: bus << 8 | devfn. */
  sourceId: number;
  device: string;
  index: number;
  reason: number;
  /** The text as printed, and what the kernel's table says for that reason. */
  text: string;
  reasonText: string;
  reasonType: FaultType;
}

export interface DmaFault {
  kind: 'DMA';
  format: 'decimal' | '0x' | 'hex';
  access: 'Read' | 'Write' | string;
  pasid: number | null;
  sourceId: number;
  device: string;
  address: string;
  reason: number;
  text: string;
  reasonText: string;
  reasonType: FaultType;
}

export type DmarFault = IntrRemapFault | DmaFault;

const NUM = '(0x)?([0-9a-fA-F]+)';
const DEVICE = `\\[${NUM}:${NUM}\\.(\\d)\\]`;
const INTR = new RegExp(
  `\\[INTR-REMAP\\] Request device ${DEVICE} fault index ${NUM}\\s*\\[fault reason ${NUM}\\]\\s*(.*)$`,
);
const DMA = new RegExp(
  `\\[(DMA \\w+|INTR-REMAP)(?: (NO_PASID|PASID ${NUM}))?\\] Request device ${DEVICE}(?: PASID ${NUM})? fault addr ${NUM}\\s*\\[fault reason ${NUM}\\]\\s*(.*)$`,
);

const hx = (n: number) => n.toString(16).padStart(2, '0');

/** A fault record from one (joined) log message, or null when the message is not one. */
export function parseFaultLine(message: string): DmarFault | null {
  const i = INTR.exec(message);
  if (i) {
    const bus = parseInt(i[2]!, 16);
    const dev = parseInt(i[4]!, 16);
    const fn = Number(i[5]);
    const reasonHex = i[8] !== undefined;
    const reason = reasonHex ? parseInt(i[9]!, 16) : parseInt(i[9]!, 10);
    if (bus > 255 || dev > 31 || fn > 7 || Number.isNaN(reason)) return null;
    const known = dmar_get_fault_reason(reason);
    return {
      kind: 'INTR-REMAP',
      format: i[1] !== undefined ? '0x' : reasonHex ? 'hex' : 'decimal',
      sourceId: (bus << 8) | (dev << 3) | fn,
      device: `${hx(bus)}:${hx(dev)}.${fn}`,
      index: parseInt(i[7]!, 16),
      reason,
      text: i[10]!.trim(),
      reasonText: known.text,
      reasonType: known.type,
    };
  }
  const d = DMA.exec(message);
  if (d && d[1]!.startsWith('DMA')) {
    const bus = parseInt(d[6]!, 16);
    const dev = parseInt(d[8]!, 16);
    const fn = Number(d[9]);
    const reasonHex = d[14] !== undefined;
    const reason = reasonHex ? parseInt(d[15]!, 16) : parseInt(d[15]!, 10);
    if (bus > 255 || dev > 31 || fn > 7 || Number.isNaN(reason)) return null;
    const pasidText = d[4] ?? d[11];
    const pasid = pasidText === undefined ? null : parseInt(pasidText, 16);
    const known = dmar_get_fault_reason(reason);
    return {
      kind: 'DMA',
      format: d[5] !== undefined ? '0x' : reasonHex ? 'hex' : 'decimal',
      access: d[1]!.slice(4),
      pasid: pasid === 0xffffffff ? null : pasid,
      sourceId: (bus << 8) | (dev << 3) | fn,
      device: `${hx(bus)}:${hx(dev)}.${fn}`,
      address: `0x${d[13]!.toLowerCase().replace(/^0+(?=.)/, '')}`,
      reason,
      text: d[16]!.trim(),
      reasonText: known.text,
      reasonType: known.type,
    };
  }
  return null;
}

/** A fault record that the log wrapped: the start of one, still missing its reason. */
export function isIncompleteFault(message: string): boolean {
  return (
    /\[(INTR-REMAP|DMA \w+)[^\]]*\] Request device /.test(message) &&
    !/\[fault reason /.test(message)
  );
}

/** `DMAR: DRHD: handling fault status reg %x`: PPF (bit 1) and the fault record index (15:8). */
export function parseFaultStatus(
  message: string,
): { status: number; fri: number; ppf: boolean; pfo: boolean } | null {
  const m = /DRHD: handling fault status reg ([0-9a-fA-F]+)/.exec(message);
  if (!m) return null;
  const status = parseInt(m[1]!, 16);
  return { status, fri: (status >> 8) & 0xff, ppf: (status & 2) !== 0, pfo: (status & 1) !== 0 };
}
