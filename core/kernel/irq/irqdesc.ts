// irq descriptors, irq domains and the per-level irq_data chain (kernel/irq/irqdesc.c,
// kernel/irq/irqdomain.c). A virq's chain runs from its outermost domain (PCI-MSI, IO-APIC-n,
// DMAR-MSI) through the remapping domain (INTEL-IR-n, AMD-IR-n) when there is one, down to VECTOR;
// /proc/interrupts shows the outermost level's chip and hwirq.
//
// A domain carries its ops (struct irq_domain_ops: alloc, free, activate, deactivate) and the chip
// it installs (struct irq_chip: name, flags, and whether it composes MSI messages), so the generic
// core (Kernel.__irq_domain_alloc_irqs, irq_domain_activate_irq, ...) walks any hierarchy the
// same way the kernel does.

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
  PCI_DEVICE_IMS: 15,
} as const;

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

/** An MSI message: the address/data pair a device writes to raise an interrupt. */
export interface MsiMessage {
  address_lo: number;
  address_hi: number;
  data: number;
}

/**
 * What composes a level's MSI message (irq_chip.irq_compose_msi_msg): the vector chip (APIC,
 * compatibility format; DMAR-MSI: the same with destination bits 31:8 in address_hi), the IR chips (INTEL-IR: remappable format; AMD-IR: index in data), VMD
 * (its vector index in the destination field), or none.
 */
export type MsiComposer = 'apic' | 'dmar' | 'intel-ir' | 'amd-ir' | 'vmd' | null;

export interface IrqChip {
  /** As /proc/interrupts shows it: "IO-APIC", "PCI-MSI", "APIC", "IR-PCI-MSI", ... */
  readonly name: string;
  /** irq_chip.flags (IRQCHIP_*), as debugfs prints them. */
  readonly flags: number;
  readonly composer: MsiComposer;
}

/** The part of struct irq_alloc_info (x86 msi_alloc_info_t) that the modeled domains read. */
export interface IrqAllocInfo {
  /** X86_IRQ_ALLOC_TYPE_* */
  type: number;
  /** X86_IRQ_ALLOC_CONTIGUOUS_VECTORS, X86_IRQ_ALLOC_LEGACY */
  flags: number;
  /** IOAPIC id, HPET block id, DMAR unit seq id, PCI requester id. */
  devid: number;
  hwirq: number;
  /** info->mask: an explicit CPU mask; the irq gets a real vector there at allocation. */
  mask: import('../cpumask').CpuMask | null;
  /**
   * Managed affinity (irq_affinity_desc) of the device's vectors, or null; this allocation's
   * irqs take entries from `managedFrom` on (one array per device, not one per descriptor).
   */
  managed: (import('../cpumask').CpuMask | null)[] | null;
  managedFrom: number;
  /** The PCI function for PCI MSI/MSI-X, null otherwise. */
  dev: import('../../model/schema').PciFunction | null;
  /** PCI: MSI-X entry / MSI index of the descriptor being allocated. */
  msiIndex: number;
  /** IOAPIC pin allocations. */
  ioapic: { index: number; pin: number } | null;
  /** Domain-specific payload (the DMAR unit, the HPET channel, the IMS device). */
  data: unknown;
}

/** An irq_alloc_info of `type` with every other field cleared (init_irq_alloc_info()). */
export function newAllocInfo(type: number): IrqAllocInfo {
  return {
    type,
    flags: 0,
    devid: 0,
    hwirq: 0,
    mask: null,
    managed: null,
    managedFrom: 0,
    dev: null,
    msiIndex: 0,
    ioapic: null,
    data: null,
  };
}

/** enum irq_alloc_type (arch/x86/include/asm/hw_irq.h, 6.1 numbering). */
export const X86_IRQ_ALLOC_TYPE = {
  IOAPIC: 1,
  HPET: 2,
  PCI_MSI: 3,
  PCI_MSIX: 4,
  DMAR: 5,
  AMDVI: 6,
  UV: 7,
  /** Device MSI / IMS (the series' X86_IRQ_ALLOC_TYPE_DEV_MSI, never merged under this number). */
  DEV_MSI: 8,
} as const;

export const X86_IRQ_ALLOC_CONTIGUOUS_VECTORS = 1 << 0;
export const X86_IRQ_ALLOC_LEGACY = 1 << 1;

/** What an msi_init callback does on the kernel: irq_domain_set_info() on its level. */
export interface MsiInitKernel {
  irq_domain_set_hwirq_and_chip(
    domain: IrqDomain,
    virq: number,
    hwirq: number,
    chip: IrqChip,
  ): unknown;
}

/** struct msi_domain_ops (include/linux/msi.h): the callbacks msi-domain.ts fills and checks. */
export interface MsiDomainOps {
  get_hwirq?: (info: MsiDomainInfo, arg: IrqAllocInfo) => number;
  /** Sets the level's hwirq and chip (irq_domain_set_info), returns 0 or -errno. */
  msi_init?: (
    k: MsiInitKernel,
    domain: IrqDomain,
    info: MsiDomainInfo,
    virq: number,
    hwirq: number,
    arg: IrqAllocInfo,
  ) => number;
  msi_free?: (info: MsiDomainInfo, virq: number) => void;
  /** `nvecUsed`: vectors of the first descriptor (multi-MSI when > 1 and not MSI-X). */
  msi_check?: (info: MsiDomainInfo, arg: IrqAllocInfo, nvecUsed: number, isMsix: boolean) => number;
  msi_prepare?: (info: MsiDomainInfo, arg: IrqAllocInfo, nvec: number, isMsix: boolean) => number;
  set_desc?: (arg: IrqAllocInfo, msiIndex: number) => void;
}

export type MsiOpName = keyof MsiDomainOps;

/** Where the outermost chip writes the message (irq_chip.irq_write_msi_msg). */
export type MsiWriter = 'pci' | 'dmar' | 'hpet' | 'ims' | 'vmd';

export interface MsiDomainInfo {
  flags: number;
  ops: MsiDomainOps;
  /** The irq_chip name the domain's irqs show. */
  chip: string;
  writer: MsiWriter;
}

/** struct irq_domain_ops, the hierarchy members; `this` is the kernel model. */
export interface IrqDomainOps<K = unknown> {
  alloc(k: K, domain: IrqDomain, virq: number, nr: number, info: IrqAllocInfo): number;
  /** A domain without hierarchy (a gpiochip's): irq_domain_associate() sets the level up here. */
  map?(k: K, domain: IrqDomain, virq: number, hwirq: number): number;
  free?(k: K, domain: IrqDomain, virq: number, nr: number): void;
  activate?(k: K, domain: IrqDomain, data: IrqData, reserve: boolean): number;
  deactivate?(k: K, domain: IrqDomain, data: IrqData): void;
}

export interface IrqDomain {
  readonly name: string;
  readonly busToken: number;
  readonly parent: IrqDomain | null;
  /** The chip this domain's alloc installs on its level. */
  readonly chip: IrqChip;
  readonly ops: IrqDomainOps<never>;
  /** MSI domains: their msi_domain_info (callbacks and flags). */
  msiInfo?: MsiDomainInfo;
  /** host_data: the IOMMU unit of an IR domain, the IOAPIC index, the VMD device ... */
  hostData?: unknown;
  /** debugfs "mapped" */
  mapcount: number;
  /** The trace's interned id of `name`. */
  nameId?: number;
  /** The reverse map hwirq -> virq (irq_find_mapping). */
  readonly revmap: Map<number, number>;
}

export interface IrqData {
  /** The Linux irq (same on every level). */
  readonly irq: number;
  readonly domain: IrqDomain;
  hwirq: number;
  chip: IrqChip | null;
  /** chip_data: the IR level's IRTE reference, ... */
  chipData: unknown;
  parent: IrqData | null;
}

export type FlowHandler = 'edge' | 'fasteoi' | 'level' | '';

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
  /** IRQD_ACTIVATED */
  activated: boolean;
  /** IRQD_AFFINITY_SET: the affinity was set explicitly (hint, user), not the default. */
  affinitySet: boolean;
  /** IRQF_NOBALANCING users (the timer): request_irq leaves the affinity alone. */
  noBalancing: boolean;
  /** NUMA node of the owning device, or -1. */
  node: number;
}

/** Flags of the x86 chips (arch/x86/kernel/apic/*.c, drivers/iommu/intel/irq_remapping.c). */
const CHIP_FLAGS: Record<string, number> = {
  'IO-APIC': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'IR-IO-APIC': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'PCI-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.ONESHOT_SAFE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'IR-PCI-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.ONESHOT_SAFE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'HPET-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'IR-HPET-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'DMAR-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.AFFINITY_PRE_STARTUP,
  'VMD-MSI': IRQCHIP.SKIP_SET_WAKE | IRQCHIP.ONESHOT_SAFE,
  IMS: IRQCHIP.SKIP_SET_WAKE | IRQCHIP.ONESHOT_SAFE,
  APIC: 0,
  'INTEL-IR': 0,
  'AMD-IR': 0,
  // GPIO controllers' chips (pinctrl-intel, pinctrl-amd); IRQCHIP_IMMUTABLE (6.0+) is not modelled.
  'intel-gpio': IRQCHIP.MASK_ON_SUSPEND,
  amd_gpio: IRQCHIP.ENABLE_WAKEUP_ON_SUSPEND,
};

export function newChip(name: string, composer: MsiComposer = null): IrqChip {
  const base = name.replace(/-[0-9a-f]{4,5}:[0-9a-f:.]+$/, '');
  return { name, flags: CHIP_FLAGS[name] ?? CHIP_FLAGS[base] ?? 0, composer };
}

export function newDomain(
  name: string,
  busToken: number,
  parent: IrqDomain | null,
  chip: IrqChip,
  ops: IrqDomainOps<never>,
): IrqDomain {
  return { name, busToken, parent, chip, ops, mapcount: 0, revmap: new Map() };
}

/** The chain of a virq from its outermost level to the root. */
export function* chain(desc: IrqDesc): Generator<IrqData> {
  for (let d = desc.data; d; d = d.parent) yield d;
}

/** irq_domain_get_irq_data(): the level of `domain` in the irq's chain. */
export function levelOf(desc: IrqDesc, domain: IrqDomain): IrqData | null {
  for (let d = desc.data; d; d = d.parent) if (d.domain === domain) return d;
  return null;
}

/** The innermost level (VECTOR). */
export function rootLevel(desc: IrqDesc): IrqData | null {
  let d = desc.data;
  while (d?.parent) d = d.parent;
  return d;
}
