// struct msi_domain_info / msi_domain_ops (include/linux/msi.h, kernel/irq/msi.c): which
// callbacks an MSI domain has, and what the kernel does when one is missing. With
// MSI_FLAG_USE_DEF_DOM_OPS, msi_domain_update_dom_ops() fills every missing op with the generic
// default; without it, the core calls the op anyway — a NULL pointer dereference.
import type { IrqAllocInfo, MsiDomainInfo, MsiDomainOps, MsiOpName } from '../irq/irqdesc';
import { X86_IRQ_ALLOC_CONTIGUOUS_VECTORS, X86_IRQ_ALLOC_TYPE } from '../irq/irqdesc';
import { ENOTSUPP } from '../errno';

/** MSI_FLAG_* (6.1 numbering). */
export const MSI_FLAG = {
  USE_DEF_DOM_OPS: 1 << 0,
  USE_DEF_CHIP_OPS: 1 << 1,
  MULTI_PCI_MSI: 1 << 2,
  PCI_MSIX: 1 << 3,
  ACTIVATE_EARLY: 1 << 4,
  MUST_REACTIVATE: 1 << 5,
  LEVEL_CAPABLE: 1 << 6,
} as const;

// The types live with the domain types (irq/irqdesc.ts), as include/linux/msi.h is included by
// irqdomain users: a domain carries its msi_domain_info.
export type { MsiDomainInfo, MsiDomainOps, MsiOpName, MsiWriter } from '../irq/irqdesc';

export const MSI_OP_NAMES: readonly MsiOpName[] = [
  'get_hwirq',
  'msi_init',
  'msi_free',
  'msi_check',
  'msi_prepare',
  'set_desc',
];

/** The generic defaults (msi_domain_ops_default in kernel/irq/msi.c). */
const DEFAULT_OPS: Required<MsiDomainOps> = {
  get_hwirq: (_info, arg) => arg.hwirq,
  msi_init: (k, domain, _info, virq, hwirq) => {
    k.irq_domain_set_hwirq_and_chip(domain, virq, hwirq, domain.chip);
    return 0;
  },
  msi_free: () => undefined,
  msi_check: () => 0,
  msi_prepare: () => 0,
  set_desc: (arg, msiIndex) => {
    arg.msiIndex = msiIndex;
  },
};

/** msi_domain_update_dom_ops(): fills the missing ops when the domain asks for the defaults. */
export function msi_domain_update_dom_ops(info: MsiDomainInfo): void {
  if (!(info.flags & MSI_FLAG.USE_DEF_DOM_OPS)) return;
  for (const name of MSI_OP_NAMES) {
    if (info.ops[name] === undefined)
      (info.ops as Record<string, unknown>)[name] = DEFAULT_OPS[name];
  }
}

/**
 * x86 pci_msi_domain_info (arch/x86/kernel/apic/msi.c, 6.1) and the IR variants
 * (arch_create_remap_msi_irq_domain): default ops plus pci_msi_prepare, the PCI msi_check
 * (pci_msi_domain_check_cap) and set_desc computing hwirq = pci_msi_domain_calc_hwirq(). Only
 * the remapped domains support multi-MSI.
 */
export function pciMsiDomainInfo(
  calcHwirq: (arg: IrqAllocInfo) => number,
  chip: string,
  multiMsi: boolean,
): MsiDomainInfo {
  const info: MsiDomainInfo = {
    flags:
      MSI_FLAG.USE_DEF_DOM_OPS |
      MSI_FLAG.USE_DEF_CHIP_OPS |
      MSI_FLAG.ACTIVATE_EARLY |
      MSI_FLAG.PCI_MSIX |
      MSI_FLAG.MUST_REACTIVATE |
      (multiMsi ? MSI_FLAG.MULTI_PCI_MSI : 0),
    ops: {
      // pci_msi_domain_check_cap(): multi-MSI needs MSI_FLAG_MULTI_PCI_MSI ("try 1").
      msi_check: (i, _arg, nvecUsed, isMsix) => {
        if (!isMsix && nvecUsed > 1 && !(i.flags & MSI_FLAG.MULTI_PCI_MSI)) return 1;
        if (isMsix && !(i.flags & MSI_FLAG.PCI_MSIX)) return -ENOTSUPP;
        return 0;
      },
      // pci_msi_prepare(): the alloc type; MSI asks for contiguous vectors.
      msi_prepare: (_i, arg, _nvec, isMsix) => {
        arg.type = isMsix ? X86_IRQ_ALLOC_TYPE.PCI_MSIX : X86_IRQ_ALLOC_TYPE.PCI_MSI;
        if (!isMsix) arg.flags |= X86_IRQ_ALLOC_CONTIGUOUS_VECTORS;
        return 0;
      },
      set_desc: (arg, msiIndex) => {
        arg.msiIndex = msiIndex;
        arg.hwirq = calcHwirq(arg);
      },
    },
    chip,
    writer: 'pci',
  };
  msi_domain_update_dom_ops(info);
  return info;
}

/**
 * dmar_msi_domain_info / hpet_msi_domain_info (arch/x86/kernel/apic/msi.c, hpet.c). After the
 * fix d27e623ace6a both have MSI_FLAG_USE_DEF_DOM_OPS; the series' intermediate state dropped
 * their private get_hwirq without setting it (`defaultOps` false): get_hwirq stays NULL.
 */
export function platformMsiDomainInfo(
  chip: string,
  writer: 'dmar' | 'hpet',
  defaultOps: boolean,
): MsiDomainInfo {
  const info: MsiDomainInfo = {
    flags: defaultOps ? MSI_FLAG.USE_DEF_DOM_OPS : 0,
    // dmar_msi_init / hpet_msi_init: irq_domain_set_info(..., hwirq = info->hwirq, ...).
    ops: {
      msi_init: (k, domain, _info, virq, hwirq) => {
        k.irq_domain_set_hwirq_and_chip(domain, virq, hwirq, domain.chip);
        return 0;
      },
    },
    chip,
    writer,
  };
  msi_domain_update_dom_ops(info);
  return info;
}
