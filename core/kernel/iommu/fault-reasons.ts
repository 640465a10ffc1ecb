// VT-d fault reasons as drivers/iommu/intel/dmar.c names them (dma_remap_fault_reasons[],
// irq_remap_fault_reasons[]) and the log lines dmar_fault_do_one() prints, era by era. The one
// table the simulated fault handler prints from and `irqlab explain` reads back.

/** Interrupt-remapping fault reasons 0x20..0x26 (irq_remap_fault_reasons[reason - 0x20]). */
export const IRQ_REMAP_FAULT_REASONS: readonly string[] = [
  'Detected reserved fields in the decoded interrupt-remapped request',
  'Interrupt index exceeded the interrupt-remapping table size',
  'Present field in the IRTE entry is clear',
  'Error accessing interrupt-remapping table pointed by IRTA_REG',
  'Detected reserved fields in the IRTE entry',
  'Blocked a compatibility format interrupt request',
  'Blocked an interrupt request due to source-id verification failure',
];

/** Legacy-mode DMA remapping fault reasons 0x0..0xd (dma_remap_fault_reasons[]). */
export const DMA_REMAP_FAULT_REASONS: readonly string[] = [
  'Software',
  'Present bit in root entry is clear',
  'Present bit in context entry is clear',
  'Invalid context entry',
  'Access beyond MGAW',
  'PTE Write access is not set',
  'PTE Read access is not set',
  'Next page table ptr is invalid',
  'Root table address invalid',
  'Context table ptr is invalid',
  'non-zero reserved fields in RTP',
  'non-zero reserved fields in CTP',
  'non-zero reserved fields in PTE',
  'PCE for translation request specifies blocking',
];

export const FAULT_REASON = {
  IR_RESERVED_REQUEST: 0x20,
  IR_INDEX_BEYOND_TABLE: 0x21,
  IR_NOT_PRESENT: 0x22,
  IR_TABLE_ACCESS: 0x23,
  IR_RESERVED_IRTE: 0x24,
  IR_COMPAT_BLOCKED: 0x25,
  IR_SID_MISMATCH: 0x26,
} as const;

export type FaultType = 'INTR-REMAP' | 'DMA' | 'Unknown';

/** dmar_get_fault_reason(): the class and text of a reason code. */
export function dmar_get_fault_reason(reason: number): { type: FaultType; text: string } {
  if (reason >= 0x20 && reason < 0x20 + IRQ_REMAP_FAULT_REASONS.length)
    return { type: 'INTR-REMAP', text: IRQ_REMAP_FAULT_REASONS[reason - 0x20]! };
  if (reason < DMA_REMAP_FAULT_REASONS.length)
    return { type: 'DMA', text: DMA_REMAP_FAULT_REASONS[reason]! };
  return { type: 'Unknown', text: 'Unknown' };
}

/**
 * The log format of an INTR-REMAP fault record by kernel era (linux-irq-model.md §6.4):
 * `decimal` up to 5.13 (reason in decimal: "[fault reason 37]"), `0x` in ~5.14 (every number with
 * 0x), `hex` later (index and reason 0x, bus/device without).
 */
export type FaultLogFormat = 'decimal' | '0x' | 'hex';

const hx = (n: number, w = 2) => n.toString(16).padStart(w, '0');

/** The line dmar_fault_do_one() prints for an interrupt-remapping fault, without "DMAR: ". */
export function intrRemapFaultLine(
  format: FaultLogFormat,
  sourceId: number,
  index: number,
  reason: number,
): string {
  const bus = sourceId >> 8;
  const slot = (sourceId & 0xff) >> 3;
  const fn = sourceId & 7;
  const text = dmar_get_fault_reason(reason).text;
  switch (format) {
    case 'decimal':
      return `[INTR-REMAP] Request device [${hx(bus)}:${hx(slot)}.${fn}] fault index ${index.toString(16)} [fault reason ${String(reason).padStart(2, '0')}] ${text}`;
    case '0x':
      return `[INTR-REMAP] Request device [0x${hx(bus)}:0x${hx(slot)}.${fn}] fault index 0x${index.toString(16)} [fault reason 0x${hx(reason)}] ${text}`;
    case 'hex':
      return `[INTR-REMAP] Request device [${hx(bus)}:${hx(slot)}.${fn}] fault index 0x${index.toString(16)} [fault reason 0x${hx(reason)}] ${text}`;
  }
}
