// Kernel behaviour profiles: which kernel's rules the simulation follows. A machine that names its
// kernel version (e.g. from an imported dmesg) gets the matching profile; otherwise mainline. A
// profile is a set of named behaviours (the schema below is the one source of what they are);
// cloneProfile() makes an edited copy, so an engineer can model their own patch.
import { z } from 'zod';

/** The action names the PCIe port services request_irq() with (pme.c, aer.c, pciehp_hpc.c, dpc.c, bwctrl.c). */
export const PORT_SERVICE_ACTIONS = [
  'PCIe PME',
  'aerdrv',
  'pciehp',
  'pcie-dpc',
  'PCIe bwctrl',
] as const;

export const KernelProfileSchema = z
  .object({
    name: z.string().min(1).max(64),
    description: z.string().default(''),
    vector: z
      .object({
        firstSystemVector: z
          .number()
          .int()
          .min(0x30)
          .max(0xff)
          .describe(
            'FIRST_SYSTEM_VECTOR: LOCAL_TIMER_VECTOR 0xec; 0xeb (POSTED_MSI_NOTIFICATION_VECTOR) from 6.10, f5a3562ec9dd "x86/irq: Reserve a per CPU IDT vector for posted MSIs" (with CONFIG_X86_POSTED_MSI)',
          ),
        hasMoveCleanupVector: z
          .boolean()
          .describe(
            'IRQ_MOVE_CLEANUP_VECTOR (0x20) is a system vector; gone in 6.6, bdc1dad299bb "x86/vector: Replace IRQ_MOVE_CLEANUP_VECTOR with a timer callback"',
          ),
      })
      .strict(),
    perDeviceMsiDomains: z
      .boolean()
      .describe(
        '6.2+: a PCI-MSI(X)-<bdf> domain per device under its MSI parent, chip "[IR-]PCI-MSI[X]-<bdf>", hwirq = MSI index (b6d5fc3a5245 "x86/apic/vector: Provide MSI parent domain", 9a945234abea "iommu/vt-d: Switch to MSI parent domains", cc7594ffadde "iommu/amd: Switch to MSI base domains"); before: one global PCI-MSI domain, chip "IR-PCI-MSI"/"PCI-MSI", hwirq = entry | pci_dev_id << 11',
      ),
    xapicFlatLogical: z
      .boolean()
      .describe(
        'xAPIC machines with up to 8 CPUs use the flat logical APIC driver (1 << cpu); gone in 6.12, 838ba7733e4e "x86/apic: Remove logical destination mode for 64-bit" (also taken into some stable series, e.g. 6.11.3)',
      ),
    msiHighDestAlways: z
      .boolean()
      .describe(
        'Up to 5.10 every vector-composed message had destination bits 31:8 in address_hi; from 5.11 only the DMAR unit, 47bea873cf80 "x86/msi: Only use high bits of MSI address for DMAR unit"',
      ),
    dmarHpetDefaultDomOps: z
      .boolean()
      .describe(
        'DMAR-MSI/HPET-MSI domain infos have MSI_FLAG_USE_DEF_DOM_OPS (fix d27e623ace6a); false: get_hwirq is NULL',
      ),
    dmarAllocHwirqSetsHwirq: z
      .boolean()
      .describe(
        'dmar_alloc_hwirq() sets info.hwirq = the unit id; false (V2 series 15/46): every unit asks for hwirq 0',
      ),
    vfInheritMsiDomain: z
      .boolean()
      .describe(
        "SR-IOV VFs get their PF's IR MSI domain (ff828729be44, 5.10-rc4); false: they keep the default PCI-MSI",
      ),
    faultLogFormat: z
      .enum(['decimal', '0x', 'hex'])
      .describe(
        'DMAR fault line format: up to 5.13 decimal reason; 5.14 every number 0x-prefixed, 719a19335692 "iommu/vt-d: Tweak the description of a DMA fault"; 5.15+ bus/device without 0x, 0b482d0c75bf "iommu/vt-d: Drop "0x" prefix from PCI bus & device addresses"',
      ),
    ioapicDomainNameById: z
      .boolean()
      .describe(
        'IO-APIC-<APIC id> domain names from 5.11, f36a74b9345a "x86/ioapic: Use I/O-APIC ID for finding irqdomain, not index"; false: IO-APIC-<index> / IO-APIC-IR-<index>',
      ),
    apicRoutingLogStyle: z
      .enum(['old', 'new'])
      .describe(
        '"Switched APIC routing to X." up to 6.5; "APIC: Switched APIC routing to: X" from 6.6, 3af1e415e4d4 "x86/apic: Provide common init infrastructure"',
      ),
    vmdAssignsIrqDomain: z
      .boolean()
      .describe(
        'A VMD bypassing MSI remapping gives its children its own MSI domain (886e67100b90, 5.19)',
      ),
    pciIms: z
      .boolean()
      .describe(
        'PCI/IMS per-device IMS domains: 6.2 (6e24c8877329 "x86/apic/msi: Enable PCI/IMS") until 6.10 (850aae933c4b "Revert "x86/apic/msi: Enable PCI/IMS"")',
      ),
    xhciPrimaryInterrupterOnly: z
      .boolean()
      .default(false)
      .describe(
        'xhci_hcd requests only vector 0 of the min(CPUs + 1, HCS_MAX_INTRS) it allocates, now MSI-X or MSI in one call: 6.8, f977f4c9301c "xhci: add handler for only one interrupt line" (with "xhci: rework \'xhci_try_enable_msi()\' MSI and MSI-X setup code"); false: MSI-X for all of them, each requested "xhci_hcd", else one MSI',
      ),
    portServiceActionNames: z
      .array(z.enum(PORT_SERVICE_ACTIONS))
      .min(1)
      .max(PORT_SERVICE_ACTIONS.length)
      .refine((a) => new Set(a).size === a.length, 'each service requests the vector once')
      // A profile saved before this flag existed (a stored run's edited profile) gets 4.20+'s.
      .default(['PCIe PME', 'aerdrv'])
      .describe(
        `The actions on a root port's shared vector (pcie_port_enable_irq_vec: PME, hotplug and bandwidth control share one; AER too when its Interrupt Message Number is the same, the usual case and the one modelled), in the order the service drivers request_irq() it. Up to 4.19 the services registered by device_initcall after pcieport had probed, so in link order: aerdrv, PCIe PME. From 4.20 pcie_portdrv_init() registers them first and each service device is probed as it is added, in service order (PME, AER, HP, DPC, BWCTRL): c29de84149ab "PCI: portdrv: Initialize service drivers directly". 6.13 adds bandwidth control, 665745f27487 "PCI/bwctrl: Re-add BW notification portdrv as PCIe BW controller". pciehp (hotplug slot) and pcie-dpc (DPC capability) join only on ports that have them`,
      ),
    igbSriovReinitFirst: z
      .boolean()
      // A profile saved before this flag existed gets 6.2+'s.
      .default(true)
      .describe(
        'Writing sriov_numvfs on an igb PF: from 6.2 igb_sriov_reinit() sets the PF up again for its VFs before pci_enable_sriov() adds and probes them, 50f303496d92 "igb: Enable SR-IOV after reinit"; before (and in the Debian 6.1.192 capture) the VFs are probed first, while the PF still holds its probe-time vectors',
      ),
    firstDynamicIrqRule: z
      .enum(['ioapic-initialized', 'dynirq-base-or-from', 'never-zero'])
      .default('dynirq-base-or-from')
      .describe(
        'arch_dynirq_lower_bound(from), the first Linux irq __irq_alloc_descs() may hand to a dynamic (MSI, DMAR, HPET) allocation. "ioapic-initialized" (4.4-5.2): ioapic_initialized ? ioapic_dynirq_base : gsi_top. "dynirq-base-or-from" (5.3-6.3): gsi_top before setup_IO_APIC, then ioapic_dynirq_base, or @from when that is 0 (device tree), 3e5bedc2c258 "x86/apic: Fix arch_dynirq_lower_bound() bug for DT enabled machines". "never-zero" (6.4+): ioapic_dynirq_base ?: gsi_top ?: from, so a machine without IO-APIC no longer gets irq 0, 5af507bef93c "x86/ioapic: Don\'t return 0 from arch_dynirq_lower_bound()". On an ACPI machine with IO-APICs all three give gsi_top (ioapic_dynirq_base = the last GSI + 1). Documented for the irq numbering; the allocation code does not read it yet',
      ),
  })
  .strict();

export type KernelProfile = z.output<typeof KernelProfileSchema>;

const v6_1: KernelProfile = {
  name: '6.1',
  description:
    'Linux 5.19 to 6.1 (6.1: what the QEMU fixtures booted): global PCI-MSI domain, cleanup vector 0x20; from 5.19 a VMD bypassing remapping gives its children its own MSI domain (886e67100b90)',
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
  xhciPrimaryInterrupterOnly: false,
  portServiceActionNames: ['PCIe PME', 'aerdrv'],
  firstDynamicIrqRule: 'dynirq-base-or-from',
  igbSriovReinitFirst: false,
};

const derive = (
  base: KernelProfile,
  name: string,
  description: string,
  changes: Partial<KernelProfile>,
): KernelProfile => ({ ...base, ...changes, name, description });

/** 5.10 as released: the "Prepare for device MSI" series with its fixes. */
const v5_10 = derive(
  v6_1,
  'v5.10',
  'Linux 5.10: the device-MSI preparation series with its fixes (2c681e6b3767 "x86/pci: Set default irq domain in pcibios_add_device()": the MSI domain is stored in the device)',
  {
    msiHighDestAlways: true,
    faultLogFormat: 'decimal',
    ioapicDomainNameById: false,
    vmdAssignsIrqDomain: false,
  },
);

/** 5.3 to 5.9: before the series; the IR domain is looked up at every MSI allocation. */
const v5_9 = derive(
  v5_10,
  'v5.9',
  'Linux 5.3 to 5.9, before the series: the IR domain is looked up at every MSI allocation (VFs included)',
  {},
);

/** 4.20 to 5.2: the port services registered by pcieport itself, before the DT fix of the dynirq bound. */
const v4_20 = derive(
  v5_9,
  '4.20',
  'Linux 4.20 to 5.2: port services probed in service order ("PCIe PME, aerdrv", c29de84149ab); first dynamic irq ioapic_initialized ? ioapic_dynirq_base : gsi_top',
  { firstDynamicIrqRule: 'ioapic-initialized' },
);

/** The oldest profile: 4.4 to 4.19, and what a version before 4.4 is mapped to (said by kernelEraFor). */
const v4_4 = derive(
  v4_20,
  '4.4',
  'Linux 4.4 to 4.19 (the oldest profile, also used for older releases): port services request in link order ("aerdrv, PCIe PME"). Not modelled: the vector allocator before the 4.15 matrix allocator',
  { portServiceActionNames: ['aerdrv', 'PCIe PME'] },
);

const v5_11 = derive(
  v5_10,
  '5.11',
  'Linux 5.11 to 5.13: IO-APIC-<APIC id> domains (f36a74b9345a), high destination bits only for the DMAR unit (47bea873cf80)',
  { msiHighDestAlways: false, ioapicDomainNameById: true },
);

const v5_14 = derive(
  v5_11,
  '5.14',
  'Linux 5.14: DMAR fault lines with every number 0x-prefixed (719a19335692)',
  { faultLogFormat: '0x' },
);

const v5_15 = derive(
  v5_14,
  '5.15',
  'Linux 5.15 to 5.18: DMAR fault lines with bus/device without 0x (0b482d0c75bf)',
  { faultLogFormat: 'hex' },
);

const v6_2 = derive(
  v6_1,
  '6.2',
  'Linux 6.2 to 6.3: per-device MSI domains under MSI parents (VECTOR, INTEL-IR-n, AMD-IR-n: b6d5fc3a5245, 9a945234abea, cc7594ffadde), PCI/IMS (6e24c8877329), cleanup vector 0x20',
  { perDeviceMsiDomains: true, pciIms: true, igbSriovReinitFirst: true },
);

const v6_4 = derive(
  v6_2,
  '6.4',
  'Linux 6.4 to 6.5: arch_dynirq_lower_bound() never 0 (5af507bef93c)',
  { firstDynamicIrqRule: 'never-zero' },
);

const v6_6 = derive(
  v6_4,
  '6.6',
  'Linux 6.6 to 6.7: no IRQ_MOVE_CLEANUP_VECTOR (bdc1dad299bb), "APIC: Switched APIC routing to: X" (3af1e415e4d4)',
  { vector: { firstSystemVector: 0xec, hasMoveCleanupVector: false }, apicRoutingLogStyle: 'new' },
);

const v6_8 = derive(
  v6_6,
  '6.8',
  "Linux 6.8 to 6.9: xhci_hcd requests only its primary interrupter's vector (f977f4c9301c)",
  { xhciPrimaryInterrupterOnly: true },
);

const v6_10 = derive(
  v6_8,
  '6.10',
  'Linux 6.10 to 6.11: posted-MSI vector 0xeb below the local timer (f5a3562ec9dd), PCI/IMS reverted (850aae933c4b)',
  { vector: { firstSystemVector: 0xeb, hasMoveCleanupVector: false }, pciIms: false },
);

const v6_12 = derive(
  v6_10,
  '6.12',
  'Linux 6.12: no flat logical APIC driver on 64-bit, physical flat for any xAPIC machine (838ba7733e4e)',
  { xapicFlatLogical: false },
);

const mainline = derive(
  v6_12,
  'mainline',
  'Linux 6.13 to current mainline: per-device MSI domains, no cleanup vector, posted-MSI vector 0xeb, physical flat, PCIe bandwidth control on root ports (665745f27487)',
  { portServiceActionNames: ['PCIe PME', 'aerdrv', 'PCIe bwctrl'] },
);

// No prototype: a name from a machine file or the command line ("constructor", "__proto__") is
// looked up among the profiles only, never among Object's properties.
export const PROFILES: Record<string, KernelProfile> = Object.assign(Object.create(null), {
  '4.4': v4_4,
  '4.20': v4_20,
  'v5.9': v5_9,
  'v2-series': derive(
    v5_10,
    'v2-series',
    'The series as posted in V2 (26 Aug 2020): dmar_alloc_hwirq() leaves info.hwirq unset, so every DMAR unit asks for hwirq 0',
    { dmarAllocHwirqSetsHwirq: false },
  ),
  'next-20200925': derive(
    v5_10,
    'next-20200925',
    'linux-next of 25 Sep 2020: DMAR/HPET MSI domain infos without MSI_FLAG_USE_DEF_DOM_OPS, so get_hwirq is NULL',
    { dmarHpetDefaultDomOps: false },
  ),
  'v5.10-rc1': derive(
    v5_10,
    'v5.10-rc1',
    'Linux 5.10-rc1, the series as merged: SR-IOV VFs keep the default PCI-MSI domain under IR (fixed in rc4)',
    { vfInheritMsiDomain: false },
  ),
  'v5.10': v5_10,
  '5.11': v5_11,
  '5.14': v5_14,
  '5.15': v5_15,
  '6.1': v6_1,
  '6.2': v6_2,
  '6.4': v6_4,
  '6.6': v6_6,
  '6.8': v6_8,
  '6.10': v6_10,
  '6.12': v6_12,
  mainline,
} satisfies Record<string, KernelProfile>);

/**
 * The eras of released kernels, oldest first: from which release a profile applies and the
 * commit whose arrival starts the era (the one that changed the flags that differ from the era
 * before). A release maps to the last era whose `from` it has reached.
 */
export interface KernelEra {
  /** First release of the era, "major.minor". */
  from: string;
  /** The profile the era's releases follow. */
  profile: string;
  /** The commit that starts the era (12-digit id) and its title; null for the oldest era. */
  commit: { id: string; title: string } | null;
  /** What changed, by flag. */
  changes: string;
}

export const KERNEL_ERAS: readonly KernelEra[] = [
  {
    from: '4.4',
    profile: '4.4',
    commit: null,
    changes: 'oldest profile: port services in link order (aerdrv, PCIe PME)',
  },
  {
    from: '4.20',
    profile: '4.20',
    commit: { id: 'c29de84149ab', title: 'PCI: portdrv: Initialize service drivers directly' },
    changes: 'portServiceActionNames: PCIe PME, aerdrv (service order)',
  },
  {
    from: '5.3',
    profile: 'v5.9',
    commit: {
      id: '3e5bedc2c258',
      title: 'x86/apic: Fix arch_dynirq_lower_bound() bug for DT enabled machines',
    },
    changes: 'firstDynamicIrqRule: dynirq-base-or-from',
  },
  {
    from: '5.10',
    profile: 'v5.10',
    commit: {
      id: '2c681e6b3767',
      title: 'x86/pci: Set default irq domain in pcibios_add_device()',
    },
    changes: 'MSI domain stored in the device at creation (the device-MSI preparation series)',
  },
  {
    from: '5.11',
    profile: '5.11',
    commit: {
      id: 'f36a74b9345a',
      title: 'x86/ioapic: Use I/O-APIC ID for finding irqdomain, not index',
    },
    changes:
      'ioapicDomainNameById; msiHighDestAlways false (47bea873cf80 "x86/msi: Only use high bits of MSI address for DMAR unit")',
  },
  {
    from: '5.14',
    profile: '5.14',
    commit: { id: '719a19335692', title: 'iommu/vt-d: Tweak the description of a DMA fault' },
    changes: "faultLogFormat: '0x'",
  },
  {
    from: '5.15',
    profile: '5.15',
    commit: {
      id: '0b482d0c75bf',
      title: 'iommu/vt-d: Drop "0x" prefix from PCI bus & device addresses',
    },
    changes: "faultLogFormat: 'hex'",
  },
  {
    from: '5.19',
    profile: '6.1',
    commit: { id: '886e67100b90', title: 'PCI: vmd: Assign VMD IRQ domain before enumeration' },
    changes: 'vmdAssignsIrqDomain',
  },
  {
    from: '6.2',
    profile: '6.2',
    commit: { id: 'b6d5fc3a5245', title: 'x86/apic/vector: Provide MSI parent domain' },
    changes:
      'perDeviceMsiDomains (with 9a945234abea "iommu/vt-d: Switch to MSI parent domains", cc7594ffadde "iommu/amd: Switch to MSI base domains"); pciIms (6e24c8877329 "x86/apic/msi: Enable PCI/IMS"); igbSriovReinitFirst (50f303496d92 "igb: Enable SR-IOV after reinit", same release)',
  },
  {
    from: '6.4',
    profile: '6.4',
    commit: {
      id: '5af507bef93c',
      title: "x86/ioapic: Don't return 0 from arch_dynirq_lower_bound()",
    },
    changes: 'firstDynamicIrqRule: never-zero',
  },
  {
    from: '6.6',
    profile: '6.6',
    commit: {
      id: 'bdc1dad299bb',
      title: 'x86/vector: Replace IRQ_MOVE_CLEANUP_VECTOR with a timer callback',
    },
    changes:
      'hasMoveCleanupVector false; apicRoutingLogStyle new (3af1e415e4d4 "x86/apic: Provide common init infrastructure")',
  },
  {
    from: '6.8',
    profile: '6.8',
    commit: { id: 'f977f4c9301c', title: 'xhci: add handler for only one interrupt line' },
    changes: 'xhciPrimaryInterrupterOnly true',
  },
  {
    from: '6.10',
    profile: '6.10',
    commit: { id: 'f5a3562ec9dd', title: 'x86/irq: Reserve a per CPU IDT vector for posted MSIs' },
    changes:
      'firstSystemVector 0xeb; pciIms false (850aae933c4b "Revert "x86/apic/msi: Enable PCI/IMS"")',
  },
  {
    from: '6.12',
    profile: '6.12',
    commit: { id: '838ba7733e4e', title: 'x86/apic: Remove logical destination mode for 64-bit' },
    changes: 'xapicFlatLogical false',
  },
  {
    from: '6.13',
    profile: 'mainline',
    commit: {
      id: '665745f27487',
      title: 'PCI/bwctrl: Re-add BW notification portdrv as PCIe BW controller',
    },
    changes: 'portServiceActionNames: PCIe PME, aerdrv, PCIe bwctrl',
  },
];

/** An edited copy of a profile, validated: the unknown flags and wrong values are refused. */
export function cloneProfile(
  base: string,
  changes: Record<string, unknown>,
): { ok: true; profile: KernelProfile } | { ok: false; errors: string[] } {
  const from = PROFILES[base];
  if (!from) return { ok: false, errors: [`unknown profile ${JSON.stringify(base)}`] };
  const parsed = KernelProfileSchema.safeParse({
    ...from,
    name: `${base}+edit`,
    ...changes,
  });
  if (parsed.success) return { ok: true, profile: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`),
  };
}

const releaseKey = (major: number, minor: number) => major * 1000 + minor;

const ERA_KEYS = KERNEL_ERAS.map((e) => {
  const [major, minor] = e.from.split('.').map(Number);
  return releaseKey(major!, minor!);
});

/**
 * The era of a kernel release string: its "major.minor" ("5.14.0-570.23.1.el9_6.x86_64" -> 5.14,
 * "6.12.117+deb12-amd64" -> 6.12, "Linux version 6.1.0-20-amd64 ..." -> 6.1). Distribution
 * backports are not seen: a kernel is taken for its base release. Before the oldest era (e.g.
 * 3.16) the oldest profile, and `note` says so; no version in the string: mainline, said too.
 */
export function kernelEraFor(version: string): {
  era: KernelEra;
  profile: KernelProfile;
  release: string | null;
  note: string | null;
} {
  const m = /^\s*(?:Linux version\s+)?(\d+)\.(\d+)/.exec(version);
  const last = KERNEL_ERAS[KERNEL_ERAS.length - 1]!;
  if (!m) {
    return {
      era: last,
      profile: PROFILES[last.profile]!,
      release: null,
      note: `no kernel release in ${JSON.stringify(version)}: the ${last.profile} profile`,
    };
  }
  const key = releaseKey(Number(m[1]), Number(m[2]));
  const release = `${Number(m[1])}.${Number(m[2])}`;
  let at = 0;
  for (let i = 0; i < ERA_KEYS.length; i++) if (key >= ERA_KEYS[i]!) at = i;
  const era = KERNEL_ERAS[at]!;
  const note =
    key < ERA_KEYS[0]!
      ? `Linux ${release} is older than the oldest profile (${era.from}): its behaviour is taken as ${era.from}'s`
      : null;
  return { era, profile: PROFILES[era.profile]!, release, note };
}

/** The profile for a kernel version string (see kernelEraFor). */
export function profileForKernel(version: string): KernelProfile {
  return kernelEraFor(version).profile;
}
