// One Intel VT-d unit (struct intel_iommu) as interrupt remapping uses it: the DRHD it came from,
// CAP/ECAP decoded as include/linux/intel-iommu.h decodes them, the interrupt remapping table
// (65536 IRTEs in typed arrays, one field per array) with its allocation bitmap, and the
// registers the hardware side reads and writes (GSTS, fault recording).
import type { Machine } from '../../model/schema';

type IntelDrhd = Extract<Machine['iommus'][number], { kind: 'intel-vtd' }>;

/** INTR_REMAP_TABLE_ENTRIES (drivers/iommu/intel/irq_remapping.c) */
export const INTR_REMAP_TABLE_ENTRIES = 65536;

/** enum irte SVT / SQ values (include/linux/dmar.h) */
export const SVT_NO_VERIFY = 0;
export const SVT_VERIFY_SID_SQ = 1;
export const SVT_VERIFY_BUS = 2;
export const SQ_ALL_16 = 0;
export const SQ_13_IGNORE_1 = 1;
export const SQ_13_IGNORE_2 = 2;
export const SQ_13_IGNORE_3 = 3;

const bits = (v: bigint, lo: number, width: number) =>
  Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));

/** A fault record as the hardware writes it into a fault recording register. */
export interface FaultRecord {
  sourceId: number;
  reason: number;
  /** For interrupt-remapping faults: the interrupt index (record bits 63:48). */
  index: number;
}

export class IntelIommu {
  readonly name: string;
  readonly cap: bigint;
  readonly ecap: bigint;
  /** ecap_qis, ecap_ir_support, ecap_eim_support, ecap_max_handle_mask */
  readonly qi: boolean;
  readonly irSupport: boolean;
  readonly eimSupport: boolean;
  readonly maxHandleMask: number;
  /** cap_num_fault_regs */
  readonly faultRecords: number;

  // The interrupt remapping table (allocated by intel_setup_irq_remapping).
  tableEntries = 0;
  private used = new Uint32Array(0);
  /** No entry below this index is free (bitmap_find_free_region scans from 0; this skips ahead). */
  private lowestFree = 0;
  present = new Uint8Array(0);
  dstMode = new Uint8Array(0);
  redirHint = new Uint8Array(0);
  triggerMode = new Uint8Array(0);
  vector = new Uint8Array(0);
  destId = new Uint32Array(0);
  sid = new Uint16Array(0);
  sq = new Uint8Array(0);
  svt = new Uint8Array(0);
  /** Linux irq that owns the entry (-1: free), for reports and the hardware's fault messages. */
  owner = new Int32Array(0);
  usedCount = 0;

  /** Registers: GSTS.IRES (remapping on), GSTS.CFIS (compatibility format allowed), IRTA.EIME. */
  irEnabled = false;
  compatFormatAllowed = true;
  eime = false;
  /** Fault recording: the records (cap.NFR + 1), the next one hardware writes, pending ones. */
  readonly records: (FaultRecord | null)[];
  nextRecord = 0;
  /** Linux irq of the unit's fault interrupt (iommu->irq), 0 = none; the one being set up. */
  faultIrq = 0;
  pendingFaultIrq = -1;
  /** The fault event message (FEADDR/FEUADDR/FEDATA) the unit signals faults with. */
  faultEventMsg: import('../irq/irqdesc').MsiMessage | null = null;
  /** The IR domain (INTEL-IR-<seq>) and, up to 6.1, its PCI MSI child (INTEL-IR-MSI-<seq>-3). */
  irDomain: import('../irq/irqdesc').IrqDomain | null = null;
  irMsiDomain: import('../irq/irqdesc').IrqDomain | null = null;

  constructor(
    readonly seqId: number,
    readonly drhd: IntelDrhd,
  ) {
    this.name = `dmar${seqId}`;
    this.cap = BigInt(drhd.cap);
    this.ecap = BigInt(drhd.ecap);
    this.qi = bits(this.ecap, 1, 1) === 1;
    this.irSupport = bits(this.ecap, 3, 1) === 1;
    this.eimSupport = bits(this.ecap, 4, 1) === 1;
    this.maxHandleMask = bits(this.ecap, 20, 4);
    this.faultRecords = bits(this.cap, 40, 8) + 1;
    this.records = new Array<FaultRecord | null>(this.faultRecords).fill(null);
  }

  get registerBase(): number {
    return parseInt(this.drhd.register_base, 16);
  }

  /** The table of 2^(IRTA.S + 1) entries, all free and not present. */
  setupTable(entries = INTR_REMAP_TABLE_ENTRIES): void {
    this.tableEntries = entries;
    this.used = new Uint32Array(Math.ceil(entries / 32));
    this.present = new Uint8Array(entries);
    this.dstMode = new Uint8Array(entries);
    this.redirHint = new Uint8Array(entries);
    this.triggerMode = new Uint8Array(entries);
    this.vector = new Uint8Array(entries);
    this.destId = new Uint32Array(entries);
    this.sid = new Uint16Array(entries);
    this.sq = new Uint8Array(entries);
    this.svt = new Uint8Array(entries);
    this.owner = new Int32Array(entries).fill(-1);
    this.lowestFree = 0;
    this.usedCount = 0;
  }

  private isUsed(i: number): boolean {
    return (this.used[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /**
   * bitmap_find_free_region(bitmap, entries, order): the lowest free block of 2^order entries
   * aligned to its size; -1 when there is none.
   */
  bitmap_find_free_region(order: number): number {
    const size = 1 << order;
    let pos = Math.ceil(this.lowestFree / size) * size;
    for (; pos + size <= this.tableEntries; pos += size) {
      let free = true;
      for (let i = pos; i < pos + size; i++) {
        if (this.isUsed(i)) {
          free = false;
          break;
        }
      }
      if (!free) continue;
      for (let i = pos; i < pos + size; i++) this.used[i >>> 5]! |= 1 << (i & 31);
      this.usedCount += size;
      if (pos === this.lowestFree) {
        let next = pos + size;
        while (next < this.tableEntries && this.isUsed(next)) next++;
        this.lowestFree = next;
      }
      return pos;
    }
    return -1;
  }

  /** bitmap_release_region() */
  releaseRegion(index: number, order: number): void {
    const size = 1 << order;
    for (let i = index; i < index + size; i++) this.used[i >>> 5]! &= ~(1 << (i & 31));
    this.usedCount -= size;
    if (index < this.lowestFree) this.lowestFree = index;
  }

  /** Marks `count` entries from 0 as taken (fault injection: a nearly full table). */
  reserveEntries(count: number): void {
    for (let i = 0; i < count && i < this.tableEntries; i++) {
      if (!this.isUsed(i)) {
        this.used[i >>> 5]! |= 1 << (i & 31);
        this.usedCount++;
      }
    }
    while (this.lowestFree < this.tableEntries && this.isUsed(this.lowestFree)) this.lowestFree++;
  }

  /** The 128-bit IRTE as two quadwords (low: P..dest, high: SID/SQ/SVT), as debugfs prints it. */
  irteWords(i: number): { low: bigint; high: bigint } {
    const low =
      (BigInt(this.destId[i]!) << 32n) |
      (BigInt(this.vector[i]!) << 16n) |
      (BigInt(this.triggerMode[i]!) << 4n) |
      (BigInt(this.redirHint[i]!) << 3n) |
      (BigInt(this.dstMode[i]!) << 2n) |
      BigInt(this.present[i]!);
    const high =
      (BigInt(this.svt[i]!) << 18n) | (BigInt(this.sq[i]!) << 16n) | BigInt(this.sid[i]!);
    return { low, high };
  }

  /** Present entries, in index order. */
  *presentEntries(): Generator<number> {
    for (let i = 0; i < this.tableEntries; i++) if (this.present[i]) yield i;
  }
}

/** Remappable-format MSI address for an IRTE handle (fill_msi_msg, drivers/iommu/intel). */
export function remappableAddress(index: number): number {
  return (
    (0xfee00000 |
      ((index & 0x7fff) << 5) |
      (1 << 4) | // interrupt format: remappable
      (1 << 3) | // SHV: sub-handle valid
      (((index >> 15) & 1) << 2)) >>>
    0
  );
}

/** "bb:dd.f" of a 16-bit requester id. */
export function ridName(rid: number): string {
  const h = (n: number) => n.toString(16).padStart(2, '0');
  return `${h(rid >> 8)}:${h((rid >> 3) & 0x1f)}.${rid & 7}`;
}

/** Where IOAPIC and HPET source-ids come from: the DRHD scopes (ir_ioapic[], ir_hpet[]). */
export interface IrScopeMaps {
  ioapic: Map<number, { iommu: IntelIommu; bus: number; devfn: number }>;
  hpet: Map<number, { iommu: IntelIommu; bus: number; devfn: number }>;
}
