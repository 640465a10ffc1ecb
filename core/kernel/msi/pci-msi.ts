// The generic MSI domain ops (kernel/irq/msi.c: msi_domain_alloc, msi_domain_activate, ...) and
// PCI MSI / MSI-X (drivers/pci/msi/*.c): pci_alloc_irq_vectors_affinity() with its MSI-X -> MSI
// -> INTx fallback and retries, the per-descriptor allocation of __msi_domain_alloc_irqs(), early
// activation with or without reservation mode, and teardown.
import type { PciFunction } from '../../model/schema';
import { CpuMask } from '../cpumask';
import { EEXIST, EINVAL, ENODEV, ENOSPC, ERANGE } from '../errno';
import {
  DOMAIN_BUS,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_TYPE,
  type IrqAllocInfo,
  type IrqDomain,
  type IrqDomainOps,
  type MsiMessage,
  newAllocInfo,
} from '../irq/irqdesc';
import {
  PCI_IRQ_AFFINITY,
  PCI_IRQ_LEGACY,
  PCI_IRQ_MSI,
  PCI_IRQ_MSIX,
  type Kernel,
} from '../kernel';
import { PciTopology, type PciDev } from '../pci';
import { MSI_FLAG, pciMsiDomainInfo, type MsiDomainInfo } from './msi-domain';

/** msi_domain_ops of every MSI domain: PCI-MSI, IR-PCI-MSI, DMAR-MSI, HPET-MSI, IMS. */
export const MSI_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  /** msi_domain_alloc(): hwirq from get_hwirq, no duplicate hwirq, parent first, msi_init. */
  alloc(k, domain, virq, nr, arg) {
    const info = domain.msiInfo!;
    k.enter('msi_domain_alloc', virq, -1, virq, nr, arg.hwirq);
    const failed = k.injected('msi_domain_alloc');
    if (failed) return k.leave('msi_domain_alloc', failed, virq);
    const hwirq = k.msiOp(info, 'get_hwirq')(info, arg);
    if (k.irq_find_mapping(domain, hwirq) > 0) return k.leave('msi_domain_alloc', -EEXIST, virq);
    if (domain.parent) {
      const ret = k.irq_domain_alloc_irqs_parent(domain, virq, nr, arg);
      if (ret < 0) return k.leave('msi_domain_alloc', ret, virq);
    }
    for (let i = 0; i < nr; i++) {
      const ret = k.msiOp(info, 'msi_init')(k, domain, info, virq + i, hwirq + i, arg);
      if (ret < 0) {
        k.irq_domain_free_irqs_parent(domain, virq, nr);
        return k.leave('msi_domain_alloc', ret, virq);
      }
    }
    return k.leave('msi_domain_alloc', 0, virq);
  },
  free(k, domain, virq, nr) {
    k.irq_domain_free_irqs_parent(domain, virq, nr);
  },
  /** msi_domain_activate(): compose (first composer from the top) and write the message. */
  activate(k, domain, data) {
    const irq = data.irq;
    k.enter('msi_domain_activate', irq, -1, irq);
    const msg = k.irq_chip_compose_msi_msg(irq);
    writeMsiMsg(k, domain.msiInfo!, irq, msg);
    return k.leave('msi_domain_activate', 0, irq);
  },
  /** msi_domain_deactivate(): an all-zero message. */
  deactivate(k, domain, data) {
    const irq = data.irq;
    k.enter('msi_domain_deactivate', irq, -1, irq);
    writeMsiMsg(k, domain.msiInfo!, irq, { address_lo: 0, address_hi: 0, data: 0 });
    k.leave('msi_domain_deactivate', 0, irq);
  },
};

/** irq_chip.irq_write_msi_msg of the outermost chip. */
function writeMsiMsg(k: Kernel, info: MsiDomainInfo, irq: number, msg: MsiMessage): void {
  const desc = k.descs[irq]!;
  switch (info.writer) {
    case 'pci': {
      const dev = k.messages.get(desc.owner);
      // For MSI only the first vector of a multi-MSI block writes (they share the capability).
      if (!dev || (!desc.isMsix && dev.irqs[0] !== irq)) return;
      k.enter('pci_msi_domain_write_msg', irq, -1, msg.address_lo, msg.data);
      const old = dev.entries[desc.msiIndex];
      // The same message again (a remapped irq re-activated at request_irq) changes nothing.
      if (
        !old ||
        old.address_lo !== msg.address_lo ||
        old.address_hi !== msg.address_hi ||
        old.data !== msg.data
      )
        dev.entries[desc.msiIndex] = msg;
      k.leave('pci_msi_domain_write_msg', 0, irq);
      return;
    }
    default:
      k.platformMsiWriters[info.writer]?.(irq, msg);
  }
}

/** pci_msi_domain_calc_hwirq(): (domain << 27) | (bus << 19) | (devfn << 11) | index. */
export function pci_msi_domain_calc_hwirq(arg: IrqAllocInfo): number {
  const dev = arg.dev!;
  const seg = parseInt(dev.bdf.slice(0, dev.bdf.indexOf(':')), 16);
  return (seg & 0xffffffff) * 2 ** 27 + ((arg.devid << 11) | arg.msiIndex);
}

/** A PCI MSI domain: the global PCI-MSI / INTEL-IR-MSI-n (renamed "-3" by its bus token). */
export function createPciMsiDomain(
  k: Kernel,
  name: string,
  parent: IrqDomain,
  chipName: string,
  multiMsi: boolean,
): IrqDomain {
  const d = newDomain(name, DOMAIN_BUS.PCI_MSI, parent, newChip(chipName), MSI_DOMAIN_OPS);
  d.msiInfo = pciMsiDomainInfo(pci_msi_domain_calc_hwirq, chipName, multiMsi);
  return k.addDomain(d);
}

/**
 * The MSI domain a device allocates from. Up to 6.1 that is dev->msi_domain (the global
 * PCI-MSI-3 or its IOMMU's INTEL-IR-MSI-n-3). From 6.2 a per-device domain is created at first
 * use under the device's MSI parent (VECTOR or INTEL-IR-n), named after its chip
 * ("IR-PCI-MSIX-0000:00:14.3"), hwirq = the MSI index.
 */
export function pciMsiDomainFor(k: Kernel, dev: PciDev, isMsix: boolean): IrqDomain | null {
  if (!k.profile.perDeviceMsiDomains) return dev.msiDomain ?? null;
  const parent = dev.msiParent ?? null;
  if (!parent) return null;
  const prefix = parent === k.vectorDomain ? '' : 'IR-';
  const name = `${prefix}${isMsix ? 'PCI-MSIX' : 'PCI-MSI'}-${dev.bdf}`;
  let d = k.domains.find((x) => x.name === name);
  if (!d) {
    d = newDomain(
      name,
      isMsix ? DOMAIN_BUS.PCI_DEVICE_MSIX : DOMAIN_BUS.PCI_DEVICE_MSI,
      parent,
      newChip(name),
      MSI_DOMAIN_OPS,
    );
    d.msiInfo = pciMsiDomainInfo((arg) => arg.msiIndex, name, parent !== k.vectorDomain);
    k.addDomain(d);
  }
  return d;
}

/** PCI_IRQ_AFFINITY spreading parameters (struct irq_affinity). */
export interface AffinityDesc {
  pre: number;
  post: number;
}

/**
 * pci_alloc_irq_vectors_affinity(): MSI-X, then MSI, then INTx, as the flags allow; MSI-X and
 * MSI retry with fewer vectors when the allocation says how many it could do.
 * Returns the number of vectors (> 0) or -errno.
 */
export function pci_alloc_irq_vectors_affinity(
  k: Kernel,
  fn: PciFunction,
  min: number,
  max: number,
  flags: number,
  affd: AffinityDesc | null,
): number {
  k.enter('pci_alloc_irq_vectors_affinity', -1, -1, k.str(fn.bdf), min, max, flags);
  const dev = k.pci.get(fn.bdf);
  let ret = -ENOSPC;
  if (flags & PCI_IRQ_MSIX && fn.msix && !k.cmdline.pci_nomsi && dev) {
    ret = enableRange(k, dev, true, min, max, flags & PCI_IRQ_AFFINITY ? affd : null);
    if (ret > 0) return k.leave('pci_alloc_irq_vectors_affinity', ret);
  }
  if (flags & PCI_IRQ_MSI && fn.msi && !k.cmdline.pci_nomsi && dev) {
    ret = enableRange(k, dev, false, min, max, flags & PCI_IRQ_AFFINITY ? affd : null);
    if (ret > 0) return k.leave('pci_alloc_irq_vectors_affinity', ret);
  }
  if (flags & PCI_IRQ_LEGACY && min === 1 && fn.intx_pin && fn.intx_gsi !== null) {
    const irq = k.gsiIrq.get(fn.intx_gsi);
    if (irq !== undefined) {
      k.messages.set(fn.bdf, { isMsix: false, entries: [], irqs: [irq] });
      return k.leave('pci_alloc_irq_vectors_affinity', 1);
    }
  }
  return k.leave('pci_alloc_irq_vectors_affinity', ret);
}

function enableRange(
  k: Kernel,
  dev: PciDev,
  isMsix: boolean,
  min: number,
  max: number,
  affd: AffinityDesc | null,
): number {
  const fnName = isMsix ? '__pci_enable_msix_range' : '__pci_enable_msi_range';
  k.enter(fnName, -1, -1, k.str(dev.bdf), min, max);
  if (max < min) return k.leave(fnName, -ERANGE);
  const other = k.messages.get(dev.bdf);
  if (other && other.irqs.length && other.entries.length) {
    k.log(
      3,
      isMsix
        ? `pci ${dev.bdf}: can't enable MSI-X (MSI IRQ already assigned)`
        : `pci ${dev.bdf}: can't enable MSI (MSI-X already enabled)`,
    );
    return k.leave(fnName, -EINVAL);
  }
  let nvec = max;
  const hwMax = isMsix ? dev.fn.msix!.table_size : dev.fn.msi!.vectors_max;
  if (!isMsix && hwMax < min) return k.leave(fnName, -ENOSPC);
  if (nvec > hwMax) nvec = hwMax;
  for (;;) {
    if (nvec < min) return k.leave(fnName, -ENOSPC);
    const rc = pci_msi_setup_msi_irqs(k, dev, isMsix, nvec, affd);
    if (rc === 0) return k.leave(fnName, nvec);
    if (rc < 0) return k.leave(fnName, rc);
    nvec = rc;
  }
}

/** irq_create_affinity_masks(): pre/post vectors unmanaged, the rest spread over the CPUs. */
function affinityMasks(
  k: Kernel,
  nvec: number,
  affd: AffinityDesc | null,
): (CpuMask | null)[] | null {
  if (!affd) return null;
  const spread = nvec - affd.pre - affd.post;
  if (spread <= 0) return null;
  const cpus = [...k.allCpus];
  const masks: (CpuMask | null)[] = [];
  for (let i = 0; i < affd.pre; i++) masks.push(null);
  // group_cpus_evenly() on one node: consecutive groups of CPUs, the first groups one larger.
  const per = Math.floor(cpus.length / spread);
  let extra = cpus.length % spread;
  let next = 0;
  for (let v = 0; v < spread; v++) {
    const size = Math.max(1, per + (extra > 0 ? 1 : 0));
    if (extra > 0) extra--;
    const group = cpus.slice(next % cpus.length, (next % cpus.length) + size);
    next += size;
    masks.push(group.length === 1 ? k.cpuMask(group[0]!) : CpuMask.of(k.nrCpus, group));
  }
  for (let i = 0; i < affd.post; i++) masks.push(null);
  return masks;
}

/**
 * pci_msi_setup_msi_irqs(): through the device's MSI domain when it is a hierarchy domain;
 * without one (a device IR left without a domain) the arch fallback, which x86 bare metal does
 * not have: -ENODEV.
 */
function pci_msi_setup_msi_irqs(
  k: Kernel,
  dev: PciDev,
  isMsix: boolean,
  nvec: number,
  affd: AffinityDesc | null,
): number {
  const domain = pciMsiDomainFor(k, dev, isMsix);
  if (!domain) {
    // pci_msi_legacy_setup_msi_irqs() without PCI_MSI_ARCH_FALLBACKS: WARN_ON_ONCE, -ENODEV.
    if (!k.warnedNoMsiDomain) {
      k.warnedNoMsiDomain = true;
      k.log(4, '------------[ cut here ]------------');
      k.log(4, 'WARNING: CPU: 0 PID: 1 at drivers/pci/msi/msi.h pci_msi_legacy_setup_msi_irqs');
    }
    return -ENODEV;
  }
  return __msi_domain_alloc_irqs(k, domain, dev, isMsix, nvec, affinityMasks(k, nvec, affd));
}

/**
 * __msi_domain_alloc_irqs() for a PCI function: msi_check/msi_prepare, then per descriptor
 * (one per MSI-X entry; one block for MSI) set_desc, __irq_domain_alloc_irqs and early
 * activation — with reservation for MSI-X and maskable MSI (the real vector comes at
 * request_irq), without it for non-maskable MSI (a real vector now). On failure everything is
 * freed and the caller hears how many descriptors did succeed (msi_handle_pci_fail).
 */
export function __msi_domain_alloc_irqs(
  k: Kernel,
  domain: IrqDomain,
  dev: PciDev,
  isMsix: boolean,
  nvec: number,
  masks: (CpuMask | null)[] | null,
): number {
  const info = domain.msiInfo!;
  k.enter('__msi_domain_alloc_irqs', -1, -1, k.domainNameId(domain), nvec);
  const arg = newAllocInfo(isMsix ? X86_IRQ_ALLOC_TYPE.PCI_MSIX : X86_IRQ_ALLOC_TYPE.PCI_MSI);
  arg.dev = dev.fn;
  arg.devid = dev.rid;
  // msi_domain_prepare_irqs(): the core calls msi_check and msi_prepare whether or not the
  // domain has them.
  const check = k.msiOp(info, 'msi_check')(info, arg, isMsix ? 1 : nvec, isMsix);
  if (check !== 0) return k.leave('__msi_domain_alloc_irqs', check);
  const prep = k.msiOp(info, 'msi_prepare')(info, arg, nvec, isMsix);
  if (prep < 0) return k.leave('__msi_domain_alloc_irqs', prep);
  // msi_check_reservation_mode(): PCI MSI domains, MSI-X or maskable MSI.
  const canReserve =
    (domain.busToken === DOMAIN_BUS.PCI_MSI ||
      domain.busToken === DOMAIN_BUS.PCI_DEVICE_MSIX ||
      domain.busToken === DOMAIN_BUS.PCI_DEVICE_MSI ||
      domain.busToken === DOMAIN_BUS.VMD_MSI) &&
    (info.flags & MSI_FLAG.MUST_REACTIVATE) !== 0 &&
    (isMsix || (dev.fn.msi?.per_vector_mask ?? false));
  const record = {
    isMsix,
    entries: new Array<MsiMessage | null>(nvec).fill(null),
    irqs: [] as number[],
  };
  k.messages.set(dev.bdf, record);
  const descriptors = isMsix ? nvec : 1;
  const perDesc = isMsix ? 1 : nvec;
  let allocated = 0;
  const fail = (ret: number) => {
    freeMsiIrqs(k, dev);
    return k.leave('__msi_domain_alloc_irqs', ret);
  };
  for (let d = 0; d < descriptors; d++) {
    k.msiOp(info, 'set_desc')(arg, d);
    arg.managed = masks;
    arg.managedFrom = d * perDesc;
    const virq = k.__irq_domain_alloc_irqs(domain, -1, perDesc, arg);
    if (virq < 0) {
      // msi_handle_pci_fail(): multi-MSI retries; else how many descriptors did succeed.
      const ret = perDesc > 1 ? 1 : allocated ? allocated : -ENOSPC;
      return fail(ret);
    }
    for (let i = 0; i < perDesc; i++) {
      const irq = virq + i;
      const desc = k.descs[irq]!;
      desc.owner = dev.bdf;
      desc.msiIndex = d * perDesc + i;
      desc.isMsix = isMsix;
      desc.node = -1;
      record.irqs.push(irq);
      const managed = masks?.[d * perDesc + i];
      if (managed) k.affinity[irq] = managed;
      // msi_init_virq(): activate early, reserving when the device can mask.
      if (!canReserve) k.apic.flags[irq]! &= ~2; /* CAN_RESERVE */
      const r = k.irq_domain_activate_irq(irq, canReserve);
      if (r < 0) return fail(r);
      // With reservation the irq is activated again by request_irq().
      if (canReserve) desc.activated = false;
    }
    allocated++;
  }
  return k.leave('__msi_domain_alloc_irqs', 0);
}

/** free_msi_irqs(): deactivate and free every irq of the device's MSI/MSI-X allocation. */
function freeMsiIrqs(k: Kernel, dev: PciDev): void {
  const record = k.messages.get(dev.bdf);
  if (!record) return;
  // Descriptors are freed one allocation at a time (MSI: one block).
  const irqs = [...record.irqs];
  const perDesc = record.isMsix ? 1 : irqs.length;
  for (let i = 0; i < irqs.length; i += perDesc) {
    const first = irqs[i]!;
    for (let j = 0; j < perDesc; j++) {
      const desc = k.descs[first + j];
      if (!desc) continue;
      for (const name of [...desc.actions]) k.free_irq(first + j, name);
      if (desc.activated) k.irq_domain_deactivate_irq(first + j);
    }
    if (k.descs[first]) k.irq_domain_free_irqs(first, perDesc);
  }
  k.messages.delete(dev.bdf);
}

/** pci_free_irq_vectors(): frees every MSI/MSI-X irq of the function. */
export function pci_free_irq_vectors(k: Kernel, fn: PciFunction): void {
  k.enter('pci_free_irq_vectors', -1, -1, k.str(fn.bdf));
  const dev = k.pci.get(fn.bdf);
  const record = k.messages.get(fn.bdf);
  if (dev && record) {
    if (record.entries.length > 0) freeMsiIrqs(k, dev);
    else k.messages.delete(fn.bdf); // INTx: the pin's irq stays
  }
  k.leave('pci_free_irq_vectors', 0);
}

export { PciTopology, EINVAL };
