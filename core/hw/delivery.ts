// The hardware side: a device raising an interrupt sends the message the kernel programmed into
// it (MSI capability, MSI-X table entry, IOAPIC redirection entry), with the requester id the
// bus really carries. The remapping unit that covers the device decodes it — compatibility or
// remappable format — looks the IRTE up and applies the checks VT-d applies, then either
// delivers the vector to the target CPU's local APIC or records a fault and raises its own
// fault event interrupt, whose kernel handler prints the DMAR lines. A local APIC receiving a
// vector runs the irq bound to it (counted in /proc/interrupts) or complains it has none.
import { PciTopology } from '../kernel/pci';
import type { Kernel } from '../kernel/kernel';
import { dmar_fault, dmar_find_matched_drhd_unit } from '../kernel/iommu/dmar';
import { FAULT_REASON } from '../kernel/iommu/fault-reasons';
import type { IntelIommu } from '../kernel/iommu/intel-iommu';
import type { MsiMessage } from '../kernel/irq/irqdesc';
import { amdDevid } from '../kernel/iommu/amd-ir';
import { X86_IRQ_ALLOC_TYPE } from '../kernel/irq/irqdesc';

/** One device vector to raise: (device, MSI/MSI-X entry), `count` times. */
export interface FireTarget {
  bdf: string;
  entry: number;
  count: number;
  /** An IMS slot rather than an MSI/MSI-X entry. */
  ims?: boolean;
}

export interface FireResult {
  delivered: number;
  faulted: number;
  spurious: number;
}

/** The CPU a (destination, mode) addresses, as the local APICs decode it. */
function targetCpu(k: Kernel, dest: number, logical: boolean, x2apic: boolean): number {
  for (const cpu of k.online) {
    const id = k.apicId(cpu);
    if (!logical) {
      if ((x2apic ? dest : dest & 0xff) === id) return cpu;
    } else if (k.x2apicMode) {
      // x2APIC cluster: cluster in bits 31:16, one bit per APIC of the cluster.
      if (dest >>> 16 === id >>> 4 && (dest & (1 << (id & 0xf))) !== 0) return cpu;
    } else if ((dest & 0xff & (1 << cpu)) !== 0) {
      return cpu; // flat logical: one bit per CPU
    }
  }
  return -1;
}

class Delivery {
  readonly result: FireResult = { delivered: 0, faulted: 0, spurious: 0 };
  /** VMD vector irq -> the child irqs muxed onto it. */
  private readonly vmdChildren = new Map<number, number[]>();
  constructor(private readonly k: Kernel) {
    for (const vmd of k.vmds.values())
      for (const v of vmd.vectors) this.vmdChildren.set(v.virq, v.children);
  }

  private count(irq: number, cpu: number): void {
    let counts = this.k.counts.get(irq);
    if (!counts) this.k.counts.set(irq, (counts = new Uint32Array(this.k.nrCpus)));
    counts[cpu]!++;
  }

  /** The local APIC of the target CPU accepts the vector; the irq bound to it runs. */
  lapic(dest: number, logical: boolean, x2apic: boolean, vector: number): void {
    const k = this.k;
    const cpu = targetCpu(k, dest, logical, x2apic);
    k.enter('lapic_deliver', -1, cpu, dest, vector);
    const irq = cpu < 0 ? -1 : k.apic.vectorIrq[cpu * 256 + vector]!;
    if (irq < 0) {
      this.result.spurious++;
      if (cpu >= 0) k.log(0, `__common_interrupt: ${cpu}.${vector} No irq handler for vector`);
      k.leave('lapic_deliver', -1, -1, cpu);
      return;
    }
    this.count(irq, cpu);
    this.result.delivered++;
    // vmd_irq(): the VMD's vector runs every child irq muxed onto it (handle_untracked_irq).
    for (const child of this.vmdChildren.get(irq) ?? []) this.count(child, cpu);
    // The units' own fault interrupts run the kernel's fault handler.
    const unit = k.iommus.find((u) => u.faultIrq === irq);
    if (unit) dmar_fault(k, unit);
    k.leave('lapic_deliver', irq, irq, cpu);
  }

  /** A compatibility-format message reaching the APICs directly. */
  compat(msg: MsiMessage): void {
    const dest = ((msg.address_lo >>> 12) & 0xff) | (msg.address_hi & 0xffffff00);
    this.lapic(dest, ((msg.address_lo >>> 2) & 1) === 1, this.k.x2apicMode, msg.data & 0xff);
  }

  /** The VT-d unit's interrupt remapping decode and checks. */
  intel(iommu: IntelIommu, rid: number, msg: MsiMessage): void {
    const k = this.k;
    const addr = msg.address_lo;
    k.enter('dmar_remap_request', -1, -1, iommu.seqId, rid, addr, msg.data);
    const handle = ((addr >>> 5) & 0x7fff) | (((addr >>> 2) & 1) << 15);
    const fault = (reason: number, index: number) => {
      this.result.faulted++;
      this.recordFault(iommu, rid, reason, index);
      k.leave('dmar_remap_request', -reason, -1, -1);
    };
    if (((addr >>> 4) & 1) === 0) {
      // Compatibility format: blocked while IR is on (GCMD.CFI clear, or x2APIC mode).
      if (iommu.irEnabled && (!iommu.compatFormatAllowed || iommu.eime))
        return fault(FAULT_REASON.IR_COMPAT_BLOCKED, handle);
      k.leave('dmar_remap_request', 0, -1, -1);
      return this.compat(msg);
    }
    if (!iommu.irEnabled) {
      k.leave('dmar_remap_request', 0, -1, -1);
      return this.compat(msg);
    }
    const shv = ((addr >>> 3) & 1) === 1;
    if ((addr & 0x3) !== 0 || msg.address_hi !== 0)
      return fault(FAULT_REASON.IR_RESERVED_REQUEST, handle);
    const index = shv ? handle + (msg.data & 0xffff) : handle;
    if (index >= iommu.tableEntries) return fault(FAULT_REASON.IR_INDEX_BEYOND_TABLE, index);
    if (!iommu.present[index]) return fault(FAULT_REASON.IR_NOT_PRESENT, index);
    const svt = iommu.svt[index]!;
    const sid = iommu.sid[index]!;
    if (svt === 3) return fault(FAULT_REASON.IR_RESERVED_IRTE, index);
    if (svt === 1) {
      const ignore = [0, 0b100, 0b110, 0b111][iommu.sq[index]!]!;
      if ((rid & ~ignore) !== (sid & ~ignore)) return fault(FAULT_REASON.IR_SID_MISMATCH, index);
    } else if (svt === 2) {
      const bus = rid >> 8;
      if (bus < sid >> 8 || bus > (sid & 0xff)) return fault(FAULT_REASON.IR_SID_MISMATCH, index);
    }
    k.leave('dmar_remap_request', 0, -1, -1);
    const x2 = iommu.eime;
    const dest = x2 ? iommu.destId[index]! : (iommu.destId[index]! >>> 8) & 0xff;
    this.lapic(dest, iommu.dstMode[index] === 1, x2, iommu.vector[index]!);
  }

  /** The fault is recorded; the unit signals its fault event (never remapped). */
  private recordFault(iommu: IntelIommu, rid: number, reason: number, index: number): void {
    const k = this.k;
    k.trace.fault(
      k.trace.symbol({ name: 'dmar_fault_record', args: [] }),
      `${iommu.name}: fault reason 0x${reason.toString(16)} from ${rid.toString(16)}`,
      -1,
      -1,
      iommu.seqId,
      rid,
      reason,
      index,
    );
    const slot = iommu.nextRecord;
    if (iommu.records[slot]) return; // PFO: primary fault overflow, the fault is lost
    iommu.records[slot] = { sourceId: rid, reason, index };
    iommu.nextRecord = (slot + 1) % iommu.records.length;
    // Without a registered fault interrupt (FEADDR/FEDATA never written) nothing is signalled.
    if (iommu.faultEventMsg && iommu.faultIrq) this.compat(iommu.faultEventMsg);
  }

  /** AMD-Vi: the table of the requester id's device table entry, index from the data. */
  amd(rid: number, msg: MsiMessage): void {
    const k = this.k;
    const table = k.amd!.tables.get(rid);
    const index = msg.data & 0x7ff;
    if (!table || !table.valid[index]) {
      this.result.faulted++;
      const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
      k.log(
        3,
        `AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:${h(rid >> 8, 2)}:${h((rid >> 3) & 0x1f, 2)}.${rid & 7} domain=0x0000 address=0x${h(msg.address_lo, 1)} flags=0x0000]`,
      );
      return;
    }
    this.lapic(table.dest[index]!, table.dm[index] === 1, k.x2apicMode, table.vector[index]!);
  }

  /** One device vector raised `count` times: its message through the remapping unit. */
  fireFrom(bdf: string, entry: number, count: number, ims = false): void {
    const k = this.k;
    const dev = k.pci.get(bdf);
    let msg: MsiMessage | null | undefined;
    if (ims) {
      // The slot as the device sees it (IMS_QUEUE: what the last sync pushed).
      msg = k.ims.get(bdf)?.visible[entry];
    } else {
      const rec = k.messages.get(bdf);
      const base = rec?.entries[rec.isMsix ? entry : 0];
      // Multi-MSI: the device puts the vector number into the low data bits.
      msg = !rec || !base ? null : rec.isMsix ? base : { ...base, data: base.data | entry };
    }
    if (!msg || !dev) return;
    // A VMD child's write is taken by its VMD, which raises its own vector of that index.
    const vmd = dev.vmd ? k.vmds.get(dev.vmd.bdf) : undefined;
    if (vmd?.domain) {
      const index = (msg.address_lo >>> 12) & 0xff;
      if (vmd.vectors[index]) this.fireFrom(vmd.dev.bdf, index, count);
      return;
    }
    // With MSI remapping bypassed, VMD children reach the VMD's IOMMU with their own id.
    const rid = PciTopology.hardwareRequesterId(dev);
    for (let n = 0; n < count; n++) {
      k.enter('device_fire', -1, -1, k.str(bdf), entry, msg.address_lo, msg.data);
      if (k.irqRemappingEnabled && k.remapOps === 'intel') {
        const unit = dmar_find_matched_drhd_unit(k, dev.vmd ?? dev);
        if (unit) this.intel(unit, rid, msg);
        else this.compat(msg);
      } else if (k.irqRemappingEnabled && k.remapOps === 'amd') {
        const devid = amdDevid(k, X86_IRQ_ALLOC_TYPE.PCI_MSIX, 0, bdf);
        this.amd(devid < 0 ? rid : devid, msg);
      } else {
        this.compat(msg);
      }
      k.leave('device_fire', 0);
    }
  }
}

/**
 * Raises each target's programmed message `count` times. The DMAR fault handler's rate limit
 * starts a new window with each call (a fire step is one instant of the scenario).
 */
export function fire(k: Kernel, targets: FireTarget[]): FireResult {
  const d = new Delivery(k);
  k.faultRatelimit.printed = 0;
  for (const t of targets) d.fireFrom(t.bdf, t.entry, t.count, t.ims ?? false);
  return d.result;
}
