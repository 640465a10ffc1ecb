// struct msi_domain_info / msi_domain_ops (include/linux/msi.h, kernel/irq/msi.c): which
// callbacks an MSI domain has, and what the kernel does when one is missing. With
// MSI_FLAG_USE_DEF_DOM_OPS, msi_domain_update_dom_ops() fills every missing op with the generic
// default; without it, the core calls the op anyway — a NULL pointer dereference.

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

/** The allocation argument (msi_alloc_info_t on x86: struct irq_alloc_info, the parts we use). */
export interface MsiAllocArg {
  hwirq: number;
  /** PCI: the function and the descriptor's index. */
  bdf: string | null;
  msiIndex: number;
  isMsix: boolean;
}

export interface MsiDomainOps {
  get_hwirq?: (info: MsiDomainInfo, arg: MsiAllocArg) => number;
  msi_init?: (info: MsiDomainInfo, virq: number, hwirq: number, arg: MsiAllocArg) => number;
  msi_free?: (info: MsiDomainInfo, virq: number) => void;
  msi_check?: (info: MsiDomainInfo, arg: MsiAllocArg, nvec: number) => number;
  msi_prepare?: (info: MsiDomainInfo, arg: MsiAllocArg, nvec: number) => number;
  set_desc?: (arg: MsiAllocArg, msiIndex: number) => void;
}

export type MsiOpName = keyof MsiDomainOps;
export const MSI_OP_NAMES: readonly MsiOpName[] = [
  'get_hwirq',
  'msi_init',
  'msi_free',
  'msi_check',
  'msi_prepare',
  'set_desc',
];

export interface MsiDomainInfo {
  flags: number;
  ops: MsiDomainOps;
  /** The irq_chip name the domain's irqs show. */
  chip: string;
}

/** The generic defaults (msi_domain_ops_default in kernel/irq/msi.c). */
const DEFAULT_OPS: Required<MsiDomainOps> = {
  get_hwirq: (_info, arg) => arg.hwirq,
  msi_init: () => 0,
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
 * x86 pci_msi_domain_info (arch/x86/kernel/apic/msi.c, 6.1): default ops plus pci_msi_prepare,
 * and the PCI set_desc that computes hwirq = pci_msi_domain_calc_hwirq().
 */
export function pciMsiDomainInfo(
  calcHwirq: (bdf: string, index: number) => number,
  perDevice: boolean,
): MsiDomainInfo {
  const info: MsiDomainInfo = {
    flags:
      MSI_FLAG.USE_DEF_DOM_OPS |
      MSI_FLAG.USE_DEF_CHIP_OPS |
      MSI_FLAG.ACTIVATE_EARLY |
      MSI_FLAG.PCI_MSIX |
      MSI_FLAG.MUST_REACTIVATE,
    ops: {
      // pci_msi_domain_check_cap(): multi-MSI needs MSI_FLAG_MULTI_PCI_MSI ("try 1").
      msi_check: (i, arg, nvec) =>
        !arg.isMsix && nvec > 1 && !(i.flags & MSI_FLAG.MULTI_PCI_MSI) ? 1 : 0,
      set_desc: (arg, msiIndex) => {
        arg.msiIndex = msiIndex;
        arg.hwirq = perDevice ? msiIndex : calcHwirq(arg.bdf!, msiIndex);
      },
    },
    chip: 'PCI-MSI',
  };
  msi_domain_update_dom_ops(info);
  return info;
}
