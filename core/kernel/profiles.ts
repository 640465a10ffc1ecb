// Kernel behaviour profiles: which kernel's rules the simulation follows. A machine that names its
// kernel version (e.g. from an imported dmesg) gets the matching profile; otherwise mainline. A
// profile is a set of named behaviours (the schema below is the one source of what they are);
// cloneProfile() makes an edited copy, so an engineer can model their own patch.
import { z } from 'zod';

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
          .describe('FIRST_SYSTEM_VECTOR: 0xec up to 6.9, 0xeb with posted MSI (6.10+)'),
        hasMoveCleanupVector: z
          .boolean()
          .describe('IRQ_MOVE_CLEANUP_VECTOR (0x20) is a system vector (up to 6.5)'),
      })
      .strict(),
    perDeviceMsiDomains: z
      .boolean()
      .describe(
        '6.2+: a PCI-MSI(X)-<bdf> domain per device under its MSI parent; before: one global PCI-MSI (and INTEL-IR-MSI-n)',
      ),
    xapicFlatLogical: z
      .boolean()
      .describe('xAPIC machines with up to 8 CPUs use the flat logical APIC driver (1 << cpu)'),
    msiHighDestAlways: z
      .boolean()
      .describe('Up to 5.10 every vector-composed message had destination bits 31:8 in address_hi'),
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
      .describe('DMAR fault line format: up to 5.13 decimal reason, ~5.14 all 0x, later hex'),
    ioapicDomainNameById: z
      .boolean()
      .describe(
        'IO-APIC-<APIC id> domain names (5.11+); false: IO-APIC-<index> / IO-APIC-IR-<index>',
      ),
    apicRoutingLogStyle: z
      .enum(['old', 'new'])
      .describe('"Switched APIC routing to X." or "APIC: Switched APIC routing to: X"'),
    vmdAssignsIrqDomain: z
      .boolean()
      .describe(
        'A VMD bypassing MSI remapping gives its children its own MSI domain (886e67100b90, 5.19)',
      ),
    pciIms: z.boolean().describe('PCI/IMS per-device IMS domains (6.2 until their removal)'),
  })
  .strict();

export type KernelProfile = z.output<typeof KernelProfileSchema>;

const v6_1: KernelProfile = {
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
  'Linux 5.10: the device-MSI preparation series with its fixes',
  {
    msiHighDestAlways: true,
    faultLogFormat: 'decimal',
    ioapicDomainNameById: false,
    vmdAssignsIrqDomain: false,
  },
);

// No prototype: a name from a machine file or the command line ("constructor", "__proto__") is
// looked up among the profiles only, never among Object's properties.
export const PROFILES: Record<string, KernelProfile> = Object.assign(Object.create(null), {
  'v5.9': derive(
    v5_10,
    'v5.9',
    'Linux 5.9, before the series: the IR domain is looked up at every MSI allocation (VFs included)',
    {},
  ),
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
  '6.1': v6_1,
  '6.2': derive(
    v6_1,
    '6.2',
    'Linux 6.2: per-device MSI domains under MSI parents (VECTOR, INTEL-IR-n), PCI/IMS, cleanup vector 0x20',
    { perDeviceMsiDomains: true, pciIms: true },
  ),
  mainline: derive(
    v6_1,
    'mainline',
    'Current mainline (6.10+): per-device MSI domains, no cleanup vector, posted-MSI vector 0xeb',
    {
      vector: { firstSystemVector: 0xeb, hasMoveCleanupVector: false },
      perDeviceMsiDomains: true,
      xapicFlatLogical: false,
      apicRoutingLogStyle: 'new',
    },
  ),
} satisfies Record<string, KernelProfile>);

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

/**
 * The profile for a kernel version string ("6.1.0-56-amd64" -> 6.1; unknown -> mainline); 5.14 to
 * 5.19 follow 6.1, the nearest modeled behaviour.
 */
export function profileForKernel(version: string): KernelProfile {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return PROFILES.mainline!;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 5 || (major === 5 && minor < 10)) return PROFILES['v5.9']!;
  if (major === 5 && minor <= 13) return PROFILES['v5.10']!;
  if (major === 6 && minor <= 1) return PROFILES['6.1']!;
  if (major === 6 && minor <= 5) return PROFILES['6.2']!;
  return PROFILES.mainline!;
}
