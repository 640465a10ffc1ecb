// irq descriptors, irq domains and the per-level irq_data chain (kernel/irq/irqdesc.c,
// kernel/irq/irqdomain.c). A virq's chain runs from its outermost domain (PCI-MSI, IO-APIC-n)
// down to VECTOR; /proc/interrupts shows the outermost level's chip and hwirq.

/** enum irq_domain_bus_token (include/linux/irqdomain_defs.h, mainline order). */
export const DOMAIN_BUS = {
  ANY: 0,
  WIRED: 1,
  GENERIC_MSI: 2,
  PCI_MSI: 3,
  PLATFORM_MSI: 4,
  NEXUS: 5,
  IPI: 6,
  FSL_MC_MSI: 7,
  TI_SCI_INTA_MSI: 8,
  WAKEUP: 9,
  VMD_MSI: 10,
  PCI_DEVICE_MSI: 11,
  PCI_DEVICE_MSIX: 12,
  DMAR: 13,
  AMDVI: 14,
  /** x86: the HPET's MSI domain (DOMAIN_BUS_GENERIC_MSI with an HPET fwnode). */
  HPET: 2,
} as const;

export interface IrqChip {
  /** As /proc/interrupts shows it: "IO-APIC", "PCI-MSI", "APIC", "IR-PCI-MSI", ... */
  readonly name: string;
  /** irq_chip.flags (IRQCHIP_*), as debugfs prints them. */
  readonly flags: number;
}

/** IRQCHIP_* flags (include/linux/irq.h) and the names kernel/irq/debugfs.c prints for them. */
export const IRQCHIP = {
  SET_TYPE_MASKED: 1 << 0,
  EOI_IF_HANDLED: 1 << 1,
  MASK_ON_SUSPEND: 1 << 2,
  ONOFFLINE_ENABLED: 1 << 3,
  SKIP_SET_WAKE: 1 << 4,
  ONESHOT_SAFE: 1 << 5,
  EOI_THREADED: 1 << 6,
  SUPPORTS_LEVEL_MSI: 1 << 7,
  SUPPORTS_NMI: 1 << 8,
  ENABLE_WAKEUP_ON_SUSPEND: 1 << 9,
  AFFINITY_PRE_STARTUP: 1 << 10,
} as const;

/** Flags of the x86 chips (arch/x86/kernel/apic/*.c); AFFINITY_PRE_STARTUP has no debugfs name. */
const CHIP_FLAGS: Record<string, number> = {
  'IO-APIC': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'PCI-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.ONESHOT_SAFE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'HPET-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  APIC: 0,
};

export interface IrqDomain {
  readonly name: string;
  /** MSI domains: their msi_domain_info (callbacks and flags). */
  msiInfo?: import('../msi/msi-domain').MsiDomainInfo;
  readonly busToken: number;
  readonly parent: IrqDomain | null;
  readonly chip: IrqChip;
  /** debugfs "mapped" */
  mapcount: number;
}

export interface IrqData {
  readonly domain: IrqDomain;
  hwirq: number;
  chip: IrqChip;
  parent: IrqData | null;
}

export type FlowHandler = 'edge' | 'fasteoi' | 'level';

/** One Linux irq (struct irq_desc), with its irq_data chain and actions. */
export interface IrqDesc {
  readonly irq: number;
  /** Outermost level; parent links lead to VECTOR. */
  data: IrqData | null;
  /** Flow handler name (handle_edge_irq -> "edge"). */
  handler: FlowHandler;
  /** irq type: "edge" or "level" (trigger). */
  trigger: 'edge' | 'level';
  actions: string[];
  /** PCI function (BDF) that owns it, or the platform device name. */
  owner: string;
  msiIndex: number;
  isMsix: boolean;
  activated: boolean;
}

export function newDomain(
  name: string,
  busToken: number,
  parent: IrqDomain | null,
  chipName: string,
): IrqDomain {
  const flags = CHIP_FLAGS[chipName] ?? CHIP_FLAGS[chipName.replace(/-[0-9a-f:.]+$/, '')] ?? 0;
  return { name, busToken, parent, chip: { name: chipName, flags }, mapcount: 0 };
}

/** The chain of a virq from its outermost level to the root. */
export function* chain(desc: IrqDesc): Generator<IrqData> {
  for (let d = desc.data; d; d = d.parent) yield d;
}
