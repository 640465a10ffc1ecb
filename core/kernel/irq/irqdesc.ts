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
}

export interface IrqDomain {
  readonly name: string;
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
  return { name, busToken, parent, chip: { name: chipName }, mapcount: 0 };
}

/** The chain of a virq from its outermost level to the root. */
export function* chain(desc: IrqDesc): Generator<IrqData> {
  for (let d = desc.data; d; d = d.parent) yield d;
}
