// The Intel interrupt remapping domain INTEL-IR-<seq> (drivers/iommu/intel/irq_remapping.c):
// intel_irq_remapping_alloc() takes the vector first, then a block of IRTEs (alloc_irte), and
// prepares each IRTE (vector, destination, source-id) and the remappable-format message its
// chip composes; activation writes the IRTE (modify_irte), deactivation clears it, free
// releases the block (clear_entries).
import { ENOMEM, EINVAL } from '../errno';
import {
  X86_IRQ_ALLOC_CONTIGUOUS_VECTORS,
  X86_IRQ_ALLOC_TYPE,
  type IrqData,
  type IrqDomainOps,
  type MsiMessage,
} from '../irq/irqdesc';
import type { Kernel } from '../kernel';
import { PciTopology, type PciDev } from '../pci';
import { MANAGED_IRQ_SHUTDOWN_VECTOR } from '../vector/vector-domain';
import {
  remappableAddress,
  SQ_13_IGNORE_3,
  SQ_ALL_16,
  SVT_NO_VERIFY,
  SVT_VERIFY_BUS,
  SVT_VERIFY_SID_SQ,
  type IntelIommu,
} from './intel-iommu';

/** struct intel_ir_data: the level's IRTE reference, the IRTE in memory, the message. */
export interface IntelIrData {
  iommu: IntelIommu;
  /** irq_2_iommu: block base, sub-handle, log2 of the block size. */
  index: number;
  subHandle: number;
  mask: number;
  /** The IRTE as prepared (irte_entry): source-id fields, fixed per allocation. */
  sid: number;
  sq: number;
  svt: number;
  /** msi_entry data: the sub-handle (the pin for an IOAPIC); the address is the handle's. */
  msgData: number;
}

type SourceId = { readonly sid: number; readonly sq: number; readonly svt: number };

/**
 * A device's source-id check depends only on where it sits (its aliases and the bridges above
 * it), which a run never changes: computed once per device, not once per MSI-X vector.
 */
const msiSids = new WeakMap<PciDev, SourceId>();

/** set_msi_sid(): the requester id check for a PCI device, from its DMA aliases. */
export function set_msi_sid(dev: PciDev): SourceId {
  let sid = msiSids.get(dev);
  if (!sid) msiSids.set(dev, (sid = msiSourceId(dev)));
  return sid;
}

function msiSourceId(dev: PciDev): SourceId {
  const aliases = PciTopology.dmaAliases(dev);
  let busmatch = 0;
  let last = aliases[0]!;
  for (let i = 0; i < aliases.length; i++) {
    const a = aliases[i]!;
    if (i === 0 || a.alias >> 8 === last.alias >> 8) busmatch++;
    last = a;
  }
  const aliasBus = last.alias >> 8;
  if (aliasBus !== last.from.bus)
    return { svt: SVT_VERIFY_BUS, sq: SQ_ALL_16, sid: (aliasBus << 8) | dev.bus };
  if (aliases.length >= 2 && busmatch === aliases.length)
    return { svt: SVT_VERIFY_BUS, sq: SQ_ALL_16, sid: (dev.bus << 8) | dev.bus };
  if (last.from.bus !== dev.bus) return { svt: SVT_VERIFY_SID_SQ, sq: SQ_ALL_16, sid: last.alias };
  return { svt: SVT_VERIFY_SID_SQ, sq: SQ_ALL_16, sid: dev.rid };
}

/** pci_real_dma_dev(): VMD children send DMA (and MSI) as the VMD endpoint. */
function realDmaDev(dev: PciDev): PciDev {
  return dev.vmd && !dev.vmd.fn.vmd?.bypass_msi_remapping ? dev.vmd : dev;
}

export const INTEL_IR_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  alloc(k, domain, virq, nr, info) {
    const iommu = domain.hostData as IntelIommu;
    k.enter('intel_irq_remapping_alloc', virq, -1, virq, nr, info.type);
    const failed = k.injected('intel_irq_remapping_alloc');
    if (failed) return k.leave('intel_irq_remapping_alloc', failed, virq);
    if (nr > 1 && info.type !== X86_IRQ_ALLOC_TYPE.PCI_MSI)
      return k.leave('intel_irq_remapping_alloc', -EINVAL, virq);
    // With IR, multi-MSI needs no contiguous vectors.
    if (info.type === X86_IRQ_ALLOC_TYPE.PCI_MSI) info.flags &= ~X86_IRQ_ALLOC_CONTIGUOUS_VECTORS;
    let ret = k.irq_domain_alloc_irqs_parent(domain, virq, nr, info);
    if (ret < 0) return k.leave('intel_irq_remapping_alloc', ret, virq);
    const index = alloc_irte(k, iommu, nr);
    if (index < 0) {
      k.log(4, 'DMAR-IR: Failed to allocate IRTE');
      k.irq_domain_free_irqs_parent(domain, virq, nr);
      return k.leave('intel_irq_remapping_alloc', -ENOMEM, virq);
    }
    // The source-id the IRTE verifies, per allocation type.
    let src: SourceId;
    let subHandleBase = 0;
    const scopes = k.irScopes!;
    switch (info.type) {
      case X86_IRQ_ALLOC_TYPE.IOAPIC: {
        const s = scopes.ioapic.get(info.devid);
        if (!s) k.log(3, `DMAR-IR: Failed to set source-id of IOAPIC (${info.devid})`);
        src = { svt: SVT_VERIFY_SID_SQ, sq: SQ_ALL_16, sid: s ? (s.bus << 8) | s.devfn : 0 };
        subHandleBase = info.ioapic!.pin;
        break;
      }
      case X86_IRQ_ALLOC_TYPE.HPET: {
        const s = scopes.hpet.get(info.devid);
        if (!s) k.log(3, `DMAR-IR: Failed to set source-id of HPET block (${info.devid})`);
        src = { svt: SVT_VERIFY_SID_SQ, sq: SQ_13_IGNORE_3, sid: s ? (s.bus << 8) | s.devfn : 0 };
        break;
      }
      default: {
        const dev = k.pci.get(info.dev!.bdf)!;
        src = set_msi_sid(realDmaDev(dev));
      }
    }
    if (k.cmdline.intremap.nosid) src = { sid: 0, sq: 0, svt: SVT_NO_VERIFY };
    const mask = irteMask(nr);
    for (let i = 0; i < nr; i++) {
      const data: IntelIrData = {
        iommu,
        index,
        subHandle: i,
        mask,
        sid: src.sid,
        sq: src.sq,
        svt: src.svt,
        msgData: info.type === X86_IRQ_ALLOC_TYPE.IOAPIC ? subHandleBase : i,
      };
      k.irq_domain_set_hwirq_and_chip(domain, virq + i, index * 65536 + i, domain.chip, data);
      iommu.owner[index + i] = virq + i;
    }
    ret = 0;
    return k.leave('intel_irq_remapping_alloc', ret, virq);
  },

  /** intel_irq_remapping_free(): clear_entries() for the block (sub-handle 0 does it). */
  free(k, domain, virq, nr) {
    k.enter('intel_irq_remapping_free', virq, -1, virq, nr);
    const level = k.descs[virq] ? levelData(k, virq, domain) : null;
    if (level) {
      const { iommu, index, mask } = level;
      for (let i = index; i < index + (1 << mask); i++) {
        iommu.present[i] = 0;
        iommu.vector[i] = 0;
        iommu.destId[i] = 0;
        iommu.sid[i] = 0;
        iommu.sq[i] = 0;
        iommu.svt[i] = 0;
        iommu.owner[i] = -1;
      }
      iommu.releaseRegion(index, mask);
    }
    k.irq_domain_free_irqs_parent(domain, virq, nr);
    k.leave('intel_irq_remapping_free', 0, virq);
  },

  /** intel_irq_remapping_activate(): intel_ir_reconfigure_irte(force) — vector and destination. */
  activate(k, _domain, data) {
    k.enter('intel_irq_remapping_activate', data.irq, -1, data.irq);
    modify_irte(k, data);
    return k.leave('intel_irq_remapping_activate', 0, data.irq);
  },

  /** intel_irq_remapping_deactivate(): an all-zero IRTE (present clear). */
  deactivate(k, _domain, data) {
    const ir = data.chipData as IntelIrData;
    k.enter('intel_irq_remapping_deactivate', data.irq, -1, data.irq);
    const i = ir.index + ir.subHandle;
    ir.iommu.present[i] = 0;
    ir.iommu.vector[i] = 0;
    ir.iommu.destId[i] = 0;
    ir.iommu.sid[i] = 0;
    ir.iommu.sq[i] = 0;
    ir.iommu.svt[i] = 0;
    k.state('irte_cleared', data.irq, -1, i);
    k.leave('intel_irq_remapping_deactivate', 0, data.irq);
  },
};

function levelData(k: Kernel, virq: number, domain: IrqData['domain']): IntelIrData | null {
  for (let d = k.descs[virq]!.data; d; d = d.parent)
    if (d.domain === domain) return d.chipData as IntelIrData;
  return null;
}

/**
 * alloc_irte(): count 1 -> one entry; more -> the next power of two, aligned (multi-MSI);
 * a mask above ECAP.MHMV cannot be invalidated and is refused.
 */
function alloc_irte(k: Kernel, iommu: IntelIommu, count: number): number {
  k.enter('alloc_irte', -1, -1, iommu.seqId, count);
  if (k.injected('alloc_irte')) {
    k.log(4, `DMAR-IR: IR${iommu.seqId}: can't allocate an IRTE`);
    return k.leave('alloc_irte', -1);
  }
  const mask = irteMask(count);
  if (mask > iommu.maxHandleMask) {
    k.log(
      3,
      `DMAR-IR: Requested mask ${mask.toString(16)} exceeds the max invalidation handle mask value ${iommu.maxHandleMask.toString(16)}`,
    );
    return k.leave('alloc_irte', -1);
  }
  const index = iommu.bitmap_find_free_region(mask);
  if (index < 0) k.log(4, `DMAR-IR: IR${iommu.seqId}: can't allocate an IRTE`);
  return k.leave('alloc_irte', index);
}

/** alloc_irte()'s mask: a block of 2^mask entries holds `count` (multi-MSI is aligned). */
function irteMask(count: number): number {
  return count > 1 ? Math.ceil(Math.log2(count)) : 0;
}

/**
 * modify_irte(): the IRTE at index + sub-handle from the prepared entry and the vector level's
 * irq_cfg (vector, dest_apicid): P=1, DM per APIC driver, RH=1, edge, fixed; destination in
 * xAPIC layout (APIC id << 8) or, in x2APIC mode (EIM), the full 32-bit id. Then an IEC flush.
 */
export function modify_irte(k: Kernel, data: IrqData): void {
  const ir = data.chipData as IntelIrData;
  const irq = data.irq;
  const iommu = ir.iommu;
  const i = ir.index + ir.subHandle;
  const vector = k.apic.vector[irq]!;
  const cpu = k.apic.cpu[irq]!;
  const { dest, logical } = k.destination(cpu);
  k.enter('modify_irte', irq, cpu, i, vector, dest);
  iommu.present[i] = 1;
  iommu.dstMode[i] = logical ? 1 : 0;
  iommu.redirHint[i] = 1;
  iommu.triggerMode[i] = 0;
  iommu.vector[i] = vector;
  iommu.destId[i] = (k.irqRemapMode === 'x2apic' ? dest : dest << 8) >>> 0;
  iommu.sid[i] = ir.sid;
  iommu.sq[i] = ir.sq;
  iommu.svt[i] = ir.svt;
  iommu.owner[i] = irq;
  k.leave('modify_irte', 0, irq, vector === MANAGED_IRQ_SHUTDOWN_VECTOR ? -1 : cpu);
}

/** intel_ir_compose_msi_msg(): the remappable message prepared at allocation (fill_msi_msg). */
export function intelIrCompose(_irq: number, data: IrqData): MsiMessage {
  const ir = data.chipData as IntelIrData;
  return { address_lo: remappableAddress(ir.index), address_hi: 0, data: ir.msgData };
}

/**
 * /sys/kernel/debug/iommu/intel/ir_translation_struct: one line per present IRTE (index,
 * source id, destination, vector, high and low quadwords).
 */
export function irTranslationStruct(iommu: IntelIommu): string {
  const h = (n: bigint | number, w: number) => n.toString(16).padStart(w, '0');
  let out = `Remapped Interrupt supported on IOMMU: ${iommu.name}\n`;
  out += ' Entry SrcID   DstID    Vct IRTE_high\t\tIRTE_low\n';
  for (const i of iommu.presentEntries()) {
    const { low, high } = iommu.irteWords(i);
    const sid = iommu.sid[i]!;
    const src = `${h(sid >> 8, 2)}:${h((sid >> 3) & 0x1f, 2)}.${sid & 7}`;
    out += ` ${String(i).padEnd(5)} ${src} ${h(iommu.destId[i]!, 8)} ${h(iommu.vector[i]!, 2)}  ${h(high, 16)}\t${h(low, 16)}\n`;
  }
  return out;
}
