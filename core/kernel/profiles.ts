// Kernel behaviour profiles: which kernel's rules the simulation follows. A machine that names its
// kernel version (e.g. from an imported dmesg) gets the matching profile; otherwise mainline.
import type { FaultLogFormat } from './iommu/fault-reasons';
import type { VectorProfile } from './vector/vector-domain';

export interface KernelProfile {
  name: string;
  description: string;
  vector: VectorProfile;
  /**
   * 6.2+: every PCI device gets its own MSI domain (PCI-MSI-<bdf> / PCI-MSIX-<bdf>, hwirq = the
   * MSI index) under its MSI parent (VECTOR or INTEL-IR-n); up to 6.1 one global PCI-MSI domain
   * (and one INTEL-IR-MSI-n per IOMMU), hwirq = (domain << 27) | (bus << 19) | (devfn << 11) |
   * index.
   */
  perDeviceMsiDomains: boolean;
  /**
   * xAPIC machines with up to 8 CPUs use the flat logical APIC driver (destination 1 << cpu,
   * logical mode), as the q35 fixtures booted with 6.1 show (`Address: 00000000fee02004` for
   * CPU 1). Later kernels made flat mode physical.
   */
  xapicFlatLogical: boolean;
  /** Up to 5.10 every vector-composed message had destination bits 31:8 in address_hi. */
  msiHighDestAlways: boolean;
  /** DMAR-MSI / HPET-MSI domain infos have MSI_FLAG_USE_DEF_DOM_OPS (fix d27e623ace6a). */
  dmarHpetDefaultDomOps: boolean;
  /** dmar_alloc_hwirq() sets info.hwirq = the unit's id (missing in the V2 series' 15/46). */
  dmarAllocHwirqSetsHwirq: boolean;
  /** SR-IOV VFs inherit their PF's (IR) MSI domain (fix ff828729be44, 5.10-rc4). */
  vfInheritMsiDomain: boolean;
  /** DMAR fault line format (linux-irq-model.md §6.4). */
  faultLogFormat: FaultLogFormat;
  /** IO-APIC domains named by APIC id (5.11+) instead of by index. */
  ioapicDomainNameById: boolean;
  /** "Switched APIC routing to X." (old) or "APIC: Switched APIC routing to: X" (new). */
  apicRoutingLogStyle: 'old' | 'new';
  /**
   * A VMD that bypasses MSI remapping hands its children its own MSI domain before they are
   * enumerated (886e67100b90, 5.19); before, they kept the default PCI-MSI domain.
   */
  vmdAssignsIrqDomain: boolean;
  /** PCI/IMS (6.2 until its removal): a per-device IMS domain under an IR parent. */
  pciIms: boolean;
}

export const PROFILES: Record<string, KernelProfile> = {
  '6.1': {
    name: '6.1',
    description:
      'Linux 6.1 (what the QEMU fixtures booted): global PCI-MSI domain, cleanup vector 0x20',
    vector: { firstSystemVector: 0xec, hasMoveCleanupVector: true },
    perDeviceMsiDomains: false,
    xapicFlatLogical: true,
    msiHighDestAlways: false,
    dmarHpetDefaultDomOps: true,
    dmarAllocHwirqSetsHwirq: true,
    vfInheritMsiDomain: true,
    faultLogFormat: 'hex',
    ioapicDomainNameById: true,
    apicRoutingLogStyle: 'old',
    vmdAssignsIrqDomain: true,
    pciIms: false,
  },
  '6.2': {
    name: '6.2',
    description:
      'Linux 6.2: per-device MSI domains under MSI parents (VECTOR, INTEL-IR-n), PCI/IMS, cleanup vector 0x20',
    vector: { firstSystemVector: 0xec, hasMoveCleanupVector: true },
    perDeviceMsiDomains: true,
    xapicFlatLogical: true,
    msiHighDestAlways: false,
    dmarHpetDefaultDomOps: true,
    dmarAllocHwirqSetsHwirq: true,
    vfInheritMsiDomain: true,
    faultLogFormat: 'hex',
    ioapicDomainNameById: true,
    apicRoutingLogStyle: 'old',
    vmdAssignsIrqDomain: true,
    pciIms: true,
  },
  mainline: {
    name: 'mainline',
    description:
      'Current mainline (6.10+): per-device MSI domains, no cleanup vector, posted-MSI vector 0xeb',
    vector: { firstSystemVector: 0xeb, hasMoveCleanupVector: false },
    perDeviceMsiDomains: true,
    xapicFlatLogical: false,
    msiHighDestAlways: false,
    dmarHpetDefaultDomOps: true,
    dmarAllocHwirqSetsHwirq: true,
    vfInheritMsiDomain: true,
    faultLogFormat: 'hex',
    ioapicDomainNameById: true,
    apicRoutingLogStyle: 'new',
    vmdAssignsIrqDomain: true,
    pciIms: false,
  },
};

/** The profile for a kernel version string ("6.1.0-56-amd64" -> 6.1; unknown -> mainline). */
export function profileForKernel(version: string): KernelProfile {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return PROFILES.mainline!;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 6 || (major === 6 && minor <= 1)) return PROFILES['6.1']!;
  if (major === 6 && minor <= 5) return PROFILES['6.2']!;
  return PROFILES.mainline!;
}
