// Kernel behaviour profiles: which kernel's rules the simulation follows. A machine that names its
// kernel version (e.g. from an imported dmesg) gets the matching profile; otherwise mainline.
import type { VectorProfile } from './vector/vector-domain';

export interface KernelProfile {
  name: string;
  description: string;
  vector: VectorProfile;
  /**
   * 6.2+: every PCI device gets its own MSI domain (PCI-MSI-<bdf> / PCI-MSIX-<bdf>, hwirq = the
   * MSI index); up to 6.1 one global PCI-MSI domain, hwirq = (domain << 27) | (bus << 19) |
   * (devfn << 11) | index.
   */
  perDeviceMsiDomains: boolean;
  /**
   * xAPIC machines with up to 8 CPUs use the flat logical APIC driver (destination 1 << cpu,
   * logical mode), as the q35 fixtures booted with 6.1 show (`Address: 00000000fee02004` for
   * CPU 1). Later kernels made flat mode physical.
   */
  xapicFlatLogical: boolean;
}

export const PROFILES: Record<string, KernelProfile> = {
  '6.1': {
    name: '6.1',
    description:
      'Linux 6.1 (what the QEMU fixtures booted): global PCI-MSI domain, cleanup vector 0x20',
    vector: { firstSystemVector: 0xec, hasMoveCleanupVector: true },
    perDeviceMsiDomains: false,
    xapicFlatLogical: true,
  },
  mainline: {
    name: 'mainline',
    description:
      'Current mainline (6.10+): per-device MSI domains, no cleanup vector, posted-MSI vector 0xeb',
    vector: { firstSystemVector: 0xeb, hasMoveCleanupVector: false },
    perDeviceMsiDomains: true,
    xapicFlatLogical: false,
  },
};

/** The profile for a kernel version string ("6.1.0-56-amd64" -> 6.1; unknown -> mainline). */
export function profileForKernel(version: string): KernelProfile {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return PROFILES.mainline!;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 6 || (major === 6 && minor <= 1)) return PROFILES['6.1']!;
  return PROFILES.mainline!;
}
