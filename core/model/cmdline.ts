// The kernel command-line options that change interrupt behaviour, parsed from /proc/cmdline.
// Unknown options are ignored, as the kernel ignores what no one claims.

export interface IrqCmdline {
  /** intremap=on|off|nosid|no_x2apic_optout|nopost (comma-separated). */
  intremap: { off: boolean; nosid: boolean; no_x2apic_optout: boolean; nopost: boolean };
  /** x2apic: force; nox2apic: forbid; null: firmware/CPU decide. */
  x2apic: 'force' | 'off' | null;
  /** x2apic_phys: physical x2APIC destinations instead of cluster mode. */
  x2apic_phys: boolean;
  /** irqaffinity=<cpulist>: default affinity of unmanaged irqs. */
  irqaffinity: string | null;
  /** pci=nomsi */
  pci_nomsi: boolean;
  noapic: boolean;
  /** intel_iommu=off / amd_iommu=off (IR stays possible with intel_iommu=off on most eras). */
  intel_iommu_off: boolean;
  amd_iommu_off: boolean;
}

export function parseCmdline(cmdline: string): IrqCmdline {
  const out: IrqCmdline = {
    intremap: { off: false, nosid: false, no_x2apic_optout: false, nopost: false },
    x2apic: null,
    x2apic_phys: false,
    irqaffinity: null,
    pci_nomsi: false,
    noapic: false,
    intel_iommu_off: false,
    amd_iommu_off: false,
  };
  for (const word of cmdline.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    const key = eq < 0 ? word : word.slice(0, eq);
    const value = eq < 0 ? '' : word.slice(eq + 1);
    const values = value.split(',');
    switch (key) {
      case 'intremap':
        for (const v of values) {
          if (v === 'off') out.intremap.off = true;
          else if (v === 'on') out.intremap.off = false;
          else if (v === 'nosid') out.intremap.nosid = true;
          else if (v === 'no_x2apic_optout') out.intremap.no_x2apic_optout = true;
          else if (v === 'nopost') out.intremap.nopost = true;
        }
        break;
      case 'x2apic':
        out.x2apic = 'force';
        break;
      case 'x2apic_phys':
        out.x2apic_phys = true;
        break;
      case 'nox2apic':
        out.x2apic = 'off';
        break;
      case 'irqaffinity':
        out.irqaffinity = value || null;
        break;
      case 'pci':
        if (values.includes('nomsi')) out.pci_nomsi = true;
        break;
      case 'noapic':
        out.noapic = true;
        break;
      case 'intel_iommu':
        if (values.includes('off')) out.intel_iommu_off = true;
        break;
      case 'amd_iommu':
        if (values.includes('off')) out.amd_iommu_off = true;
        break;
    }
  }
  return out;
}
