// The machine model: one zod schema, the single source of truth. The TypeScript types are
// inferred from it and the JSON Schema (Monaco's validation, completion and hover docs) is
// generated from it (json-schema.ts). Field names follow the kernel and ACPI where they exist.
//
// Building the schemas is most of what loading this module costs (zod makes an object per step of
// each chain), paid by every command that reads a machine. The parts most machines lack (the
// hypervisor, SR-IOV, VMD, IMS, irq_requests, gpio_irqs, the DMAR's RMRR/ATSR/RHSA/SATC/ANDD, the
// IVHD device entries of AMD IOMMUs) are z.lazy: built at the first value that has one, validated
// and described the same.
import { z } from 'zod';

const hex = (what: string) =>
  z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, `${what} is a hex string like "0xfec00000"`)
    .describe(`${what}, hex ("0x...")`);

/** A PCI address; VMD domains have 5-digit segments ("10000:e1:00.0"), as Linux names them. */
export const BDF_PATTERN = /^[0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;
const bdf = z
  .string()
  .regex(BDF_PATTERN, 'a PCI address is "ssss:bb:dd.f" in lower-case hex, e.g. "0000:00:1f.2"')
  .describe('PCI address segment:bus:device.function, e.g. "0000:00:1f.2"');

export const KernelSchema = z
  .object({
    version: z
      .string()
      .min(1)
      .describe(
        'Kernel release the machine runs, e.g. "6.1.0-56-amd64" or "5.10"; picks the default behaviour profile',
      ),
    cmdline: z.string().default('').describe('Kernel command line (/proc/cmdline)'),
    profile: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'Behaviour profile this kernel follows (e.g. "v5.10-rc1", "next-20200925"), when the version alone does not say',
      ),
  })
  .strict()
  .describe('The Linux kernel booted on this machine');

export const CpuSchema = z
  .object({
    cpu: z.number().int().min(0).max(8191).describe('Linux CPU number'),
    apic_id: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff)
      .describe('Local APIC id (x2APIC id when above 254)'),
    package: z.number().int().min(0).default(0).describe('Socket (physical package) id'),
    core: z.number().int().min(0).default(0).describe('Core id within the package'),
    node: z.number().int().min(0).default(0).describe('NUMA node'),
    online: z.boolean().default(true).describe('Online after boot'),
  })
  .strict();

export const CpusSchema = z
  .object({
    apic_mode: z
      .enum(['xapic', 'x2apic'])
      .describe(
        'APIC mode the firmware hands over; the kernel may switch to x2APIC (x2apic/nox2apic, IR)',
      ),
    cpu_has_x2apic: z.boolean().describe('CPUID reports x2APIC support'),
    fadt_apic_physical: z
      .boolean()
      .default(false)
      .describe(
        'FADT flag FORCE_APIC_PHYSICAL_DESTINATION_MODE: x2APIC in physical, not cluster, mode',
      ),
    arat: z
      .boolean()
      .default(true)
      .describe(
        'Always-running APIC timer (CPUID ARAT); without it HPET channels become per-CPU timers',
      ),
    list: z
      .array(CpuSchema)
      .min(1)
      .describe('Every possible CPU, the boot processor (CPU 0) first'),
  })
  .strict()
  .describe('Processors and their local APICs (MADT LAPIC/X2APIC entries)');

export const IoApicSchema = z
  .object({
    id: z.number().int().min(0).max(255).describe('IOAPIC id (MADT)'),
    address: hex('MMIO base address'),
    gsi_base: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff, 'the MADT GSI base is 32 bits')
      .describe('First GSI of this IOAPIC'),
    pins: z.number().int().min(1).max(240).default(24).describe('Redirection table entries'),
    version: z.number().int().min(0).max(255).default(0x20).describe('IOAPIC version register'),
  })
  .strict();

export const InterruptSourceOverrideSchema = z
  .object({
    bus_irq: z.number().int().min(0).max(15).describe('ISA IRQ'),
    gsi: z
      .number()
      .int()
      .min(0)
      .max(0xffffffff, 'a GSI is 32 bits')
      .describe('Global system interrupt it is wired to'),
    polarity: z.enum(['conforms', 'high', 'low']).default('conforms'),
    trigger: z.enum(['conforms', 'edge', 'level']).default('conforms'),
  })
  .strict()
  .describe('MADT interrupt source override');

export const HpetSchema = z
  .object({
    id: z.number().int().min(0).default(0).describe('HPET block number'),
    address: hex('MMIO base address'),
    timers: z.number().int().min(3).max(32).default(3).describe('Comparators'),
    msi_timers: z
      .array(z.number().int().min(0).max(31))
      .default([])
      .describe('Timers that can deliver FSB/MSI interrupts'),
  })
  .strict();

export const DeviceScopeSchema = z
  .object({
    type: z
      .enum(['endpoint', 'bridge', 'ioapic', 'hpet', 'namespace'])
      .describe('ACPI_DMAR_SCOPE_TYPE_*: 1 endpoint, 2 bridge, 3 IOAPIC, 4 HPET, 5 ACPI namespace'),
    id: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .describe('Enumeration id: the IOAPIC id or HPET block number (types ioapic, hpet)'),
    bus: z.number().int().min(0).max(255).describe('Start bus'),
    path: z
      .array(z.tuple([z.number().int().min(0).max(31), z.number().int().min(0).max(7)]))
      .default([])
      .describe('[device, function] hops from the start bus'),
  })
  .strict()
  .describe('A DMAR device scope entry');

/** VT-d capability and extended capability registers, as dmesg prints them ("cap d2008c222f0606"). */
const capRegister = (what: string) =>
  z
    .string()
    .regex(/^0x[0-9a-fA-F]{1,16}$/, `${what} is a 64-bit hex string like "0xd2008c222f0606"`);

export const IntelDrhdSchema = z
  .object({
    kind: z.literal('intel-vtd'),
    register_base: hex('Register base address (DRHD base)'),
    size: z
      .number()
      .int()
      .min(0)
      .max(15)
      .default(0)
      .describe('Register set size: 2^size 4 KiB pages (DRHD "size" field)'),
    segment: z.number().int().min(0).max(0xffff).default(0).describe('PCI segment'),
    include_pci_all: z
      .boolean()
      .default(false)
      .describe(
        'DRHD flags bit 0 INCLUDE_PCI_ALL: every device of the segment not in another scope',
      ),
    scopes: z.array(DeviceScopeSchema).default([]).describe('Device scopes, in table order'),
    version: z
      .string()
      .regex(/^\d+:\d+$/)
      .default('1:0')
      .describe('Architecture version register, "major:minor"'),
    cap: capRegister('CAP_REG')
      .default('0xd2008c40660462')
      .describe('CAP_REG (NFR bits 47:40, FRO bits 33:24, ...)'),
    ecap: capRegister('ECAP_REG')
      .default('0xf050da')
      .describe('ECAP_REG: QI bit 1, IR bit 3, EIM bit 4, MHMV bits 23:20'),
  })
  .strict()
  .describe('An Intel VT-d remapping unit (DMAR DRHD); its order here is the DMAR table order');

export const AmdIvhdDeviceSchema = z.lazy(() =>
  z
    .object({
      type: z
        .enum(['all', 'select', 'range', 'alias-select', 'alias-range', 'special'])
        .describe(
          'IVHD device entry: 0x01 ALL, 0x02 SELECT, 0x03/0x04 range, 0x42/0x43 alias, 0x48 special',
        ),
      devid: z
        .number()
        .int()
        .min(0)
        .max(0xffff)
        .optional()
        .describe('Device id (bus << 8 | devfn)'),
      last_devid: z.number().int().min(0).max(0xffff).optional().describe('End of a range'),
      alias: z.number().int().min(0).max(0xffff).optional().describe('Alias device id'),
      data: z.number().int().min(0).max(255).default(0).describe('DTE data setting'),
      variety: z.enum(['ioapic', 'hpet']).optional().describe('Special devices: IOAPIC or HPET'),
      handle: z
        .number()
        .int()
        .min(0)
        .max(255)
        .optional()
        .describe('Special devices: the IOAPIC id or HPET number'),
    })
    .strict(),
);

export const AmdIvhdSchema = z
  .object({
    kind: z.literal('amd-vi'),
    register_base: hex('IOMMU base address'),
    segment: z.number().int().min(0).max(0xffff).default(0),
    devid: z
      .number()
      .int()
      .min(0)
      .max(0xffff)
      .describe('The IOMMU function itself (bus << 8 | devfn), e.g. 0x2 for 00:00.2'),
    ivhd_type: z
      .union([z.literal(0x10), z.literal(0x11), z.literal(0x40)])
      .default(0x11)
      .describe('IVHD block type'),
    cap_offset: z.number().int().min(0).max(255).default(0x40),
    efr: capRegister('Extended feature register').default('0x0'),
    xt: z.boolean().default(false).describe('x2APIC interrupt (XT) support'),
    ga: z.boolean().default(false).describe('Guest virtual APIC (128-bit IRTEs)'),
    devices: z.array(AmdIvhdDeviceSchema).default([]).describe('IVHD device entries'),
  })
  .strict()
  .describe('An AMD-Vi IOMMU (IVRS IVHD block)');

export const IommuSchema = z
  .discriminatedUnion('kind', [IntelDrhdSchema, AmdIvhdSchema])
  .describe('An IOMMU unit (DMAR DRHD or IVRS IVHD); interrupt remapping uses it');

const ScopedStructure = {
  segment: z.number().int().min(0).max(0xffff).default(0),
  scopes: z.array(DeviceScopeSchema).default([]),
};

export const DmarTableSchema = z
  .object({
    host_address_width: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(46)
      .describe('DMA address width in bits (the table stores width - 1)'),
    intr_remap: z
      .boolean()
      .default(true)
      .describe('DMAR flags bit 0: interrupt remapping supported'),
    x2apic_opt_out: z
      .boolean()
      .default(false)
      .describe('DMAR flags bit 1: firmware asks the OS not to use x2APIC with IR'),
    dma_ctrl_platform_opt_in: z.boolean().default(false).describe('DMAR flags bit 2'),
    rmrr: z
      .array(
        z.lazy(() =>
          z.object({ ...ScopedStructure, base: hex('Base'), end: hex('End (limit)') }).strict(),
        ),
      )
      .default([]),
    atsr: z
      .array(
        z.lazy(() =>
          z.object({ ...ScopedStructure, all_ports: z.boolean().default(false) }).strict(),
        ),
      )
      .default([]),
    rhsa: z
      .array(
        z.lazy(() =>
          z
            .object({
              register_base: hex('DRHD register base'),
              proximity_domain: z.number().int().min(0),
            })
            .strict(),
        ),
      )
      .default([]),
    satc: z
      .array(
        z.lazy(() =>
          z.object({ ...ScopedStructure, atc_required: z.boolean().default(false) }).strict(),
        ),
      )
      .default([]),
    andd: z
      .array(
        z.lazy(() =>
          z.object({ device_number: z.number().int().min(0).max(255), name: z.string() }).strict(),
        ),
      )
      .default([]),
  })
  .strict()
  .describe(
    'The ACPI DMAR table header and the structures that are data only (the DRHDs are iommus)',
  );

export const MsiCapabilitySchema = z
  .object({
    vectors_max: z
      .number()
      .int()
      .refine((n) => [1, 2, 4, 8, 16, 32].includes(n), 'MSI supports 1, 2, 4, 8, 16 or 32 vectors')
      .describe('Multiple Message Capable, as a vector count'),
    is_64bit: z.boolean().default(true).describe('64-bit address capable'),
    per_vector_mask: z.boolean().default(false).describe('Per-vector masking capable'),
  })
  .strict();

export const MsixCapabilitySchema = z
  .object({
    table_size: z.number().int().min(1).max(2048).describe('MSI-X table entries (1..2048)'),
    bar: z.number().int().min(0).max(5).default(0),
    offset: hex('Table offset in the BAR').default('0x0'),
  })
  .strict();

export const SriovSchema = z.lazy(() =>
  z
    .object({
      total_vfs: z.number().int().min(1).max(65535),
      num_vfs: z.number().int().min(0).default(0).describe('VFs enabled (sriov_numvfs)'),
      vf_device: z
        .string()
        .regex(/^[0-9a-f]{4}$/)
        .describe('VF device id'),
      vf_msix_table_size: z.number().int().min(1).max(2048).optional(),
      // Both are 16-bit registers of the SR-IOV capability (PCI_SRIOV_VF_OFFSET, PCI_SRIOV_VF_STRIDE);
      // an offset of 0 is refused by sriov_init() (-EIO).
      first_vf_offset: z
        .number()
        .int()
        .min(1, 'First VF Offset 0 is refused by the kernel (sriov_init: -EIO)')
        .max(0xffff, 'First VF Offset is a 16-bit register: at most 65535')
        .default(1)
        .describe("First VF Offset: routing id of VF 0 minus the PF's"),
      vf_stride: z
        .number()
        .int()
        .min(1)
        .max(0xffff, 'VF Stride is a 16-bit register: at most 65535')
        .default(1)
        .describe('VF Stride: routing id distance between consecutive VFs'),
    })
    .strict(),
);

export const VmdSchema = z.lazy(() =>
  z
    .object({
      domain: z
        .number()
        .int()
        .min(0x10000)
        .max(0xfffff)
        .describe('PCI domain of the VMD child buses (Linux: 10000 and up)'),
      msix_vectors: z.number().int().min(1).max(64).default(32).describe('VMD MSI-X vectors'),
      bypass_msi_remapping: z
        .boolean()
        .default(false)
        .describe(
          'VMD_FEAT_CAN_BYPASS_MSI_REMAP: children use their own MSI domain under IR instead of VMD-MSI',
        ),
    })
    .strict(),
);

export const ImsSchema = z.lazy(() =>
  z
    .object({
      storage: z
        .enum(['array', 'queue'])
        .describe('IMS_ARRAY: slots in device MMIO; IMS_QUEUE: slots in memory the device reads'),
      slots: z.number().int().min(1).max(65536).describe('Slots available'),
    })
    .strict(),
);

export const PCI_KINDS = [
  'host-bridge',
  'root-port',
  'pcie-switch-upstream',
  'pcie-switch-downstream',
  'pcie-to-pci-bridge',
  'pci-bridge',
  'isa-bridge',
  'endpoint',
  'vmd',
] as const;

export const PciFunctionSchema = z
  .object({
    bdf: bdf,
    vendor_device: z
      .string()
      .regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, 'vendor:device in lower-case hex, e.g. "8086:10d3"')
      .describe('PCI vendor:device id'),
    class: hex('Class code (base, sub, prog-if), e.g. "0x010802"'),
    kind: z.enum(PCI_KINDS).default('endpoint'),
    parent: bdf.nullable().default(null).describe('Upstream bridge, or null on a root bus'),
    secondary_bus: z.number().int().min(0).max(255).optional().describe('Bridges: secondary bus'),
    subordinate_bus: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .describe('Bridges: subordinate bus'),
    name: z.string().optional().describe('What lspci calls it'),
    intx_pin: z
      .enum(['A', 'B', 'C', 'D'])
      .nullable()
      .default(null)
      .describe('Legacy interrupt pin'),
    intx_gsi: z
      .number()
      .int()
      .min(0)
      .nullable()
      .default(null)
      .describe('GSI the INTx pin is routed to (ACPI _PRT); null: not routed through an IOAPIC'),
    msi: MsiCapabilitySchema.nullable().default(null),
    msix: MsixCapabilitySchema.nullable().default(null),
    sriov: SriovSchema.nullable().default(null),
    driver: z.string().nullable().default(null).describe('Linux driver bound to it, if known'),
    netdev: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,15}$/, 'an interface name (IFNAMSIZ: at most 15 characters)')
      .optional()
      .describe(
        'Network interface name after udev renamed it ("enp2s0: renamed from eth0"): the name drivers that request their irqs at open() give them; unset: ethN in probe order',
      ),
    dma_aliases: z
      .array(z.string().regex(/^[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/))
      .default([])
      .describe(
        'Extra requester ids the function uses (pci_add_dma_alias quirks), "bb:dd.f"; bridges add theirs themselves',
      ),
    requester_id: z
      .string()
      .regex(/^[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/)
      .optional()
      .describe(
        'The requester id the hardware really puts on its writes ("bb:dd.f"), when it is not what the topology implies (an undescribed bridge, an emulated IOMMU)',
      ),
    port_services: z
      .array(z.enum(['pme', 'aer', 'pciehp', 'dpc', 'bwctrl']))
      .optional()
      .describe(
        'PCIe ports: the services the port driver starts on it (get_port_device_capability), as the log shows them; unset: a root port gets PME and AER, other ports none',
      ),
    vmd: VmdSchema.nullable().default(null).describe('Intel VMD controllers: the domain they own'),
    ims: ImsSchema.nullable()
      .default(null)
      .describe('Interrupt Message Store (device MSI beyond MSI-X), for IMS-capable devices'),
  })
  .strict();

export const IrqRequestSchema = z.lazy(() =>
  z
    .object({
      device: bdf.describe('The function whose driver asks'),
      prefer: z
        .array(z.enum(['ims', 'msix', 'msi', 'intx']))
        .min(1)
        .default(['msix', 'msi', 'intx'])
        .describe('Interrupt modes in the order the driver tries them'),
      min_vecs: z.number().int().min(1).default(1),
      max_vecs: z.number().int().min(1).max(2048),
      managed: z.boolean().default(false).describe('PCI_IRQ_AFFINITY: managed spreading over CPUs'),
      pre_vectors: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('Unmanaged vectors before the spread ones'),
      post_vectors: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('Unmanaged vectors after the spread ones'),
      names: z
        .array(z.string())
        .optional()
        .describe('Action names per vector (request_irq), as /proc/interrupts shows them'),
      source: z
        .enum(['user', 'observed'])
        .default('user')
        .describe(
          'user: written by hand (a what-if); observed: taken from a real /proc/interrupts for a driver irqlab does not model',
        ),
    })
    .strict()
    .describe("Overrides what the device's driver requests"),
);

export const PlatformIrqSchema = z
  .object({
    irq: z.number().int().min(0).describe('ISA IRQ or GSI'),
    name: z
      .string()
      .min(1)
      .describe('Action name, as /proc/interrupts shows it ("timer", "i8042", "acpi")'),
    trigger: z
      .enum(['edge', 'level'])
      .optional()
      .describe(
        "The trigger the device's ACPI resource asks for (acpi_register_gsi); unset: ISA irqs edge, other GSIs level",
      ),
    source: z
      .enum(['modelled', 'observed'])
      .default('modelled')
      .describe(
        'modelled: a platform device irqlab knows (timer, i8042, rtc, SCI, serial); observed: seen in a real /proc/interrupts',
      ),
  })
  .strict()
  .describe(
    'A platform (non-PCI) interrupt user, requested in list order after the IOAPIC is set up',
  );

export const GpioIrqSchema = z.lazy(() =>
  z
    .object({
      controller: z
        .string()
        .min(1)
        .describe(
          'The GPIO controller whose pin it is, by its device name ("INTC1057:00"): its gpiochip has the irq domain the pin is mapped in',
        ),
      chip: z
        .enum(['intel-gpio', 'amd_gpio'])
        .describe(
          "The controller driver's irq_chip, as /proc/interrupts shows it: intel-gpio (pinctrl-intel), amd_gpio (pinctrl-amd)",
        ),
      pin: z
        .number()
        .int()
        .min(0)
        .describe("The GPIO line's offset in the gpiochip (the ACPI GpioInt pin): the irq's hwirq"),
      name: z.string().min(1).describe('Action name, as /proc/interrupts shows it ("rt5682s")'),
      device: z
        .string()
        .optional()
        .describe('The consumer device, as its driver names it in the log ("i2c-RTL5682:00")'),
      trigger: z
        .enum(['edge', 'level'])
        .optional()
        .describe("The trigger the consumer's GpioInt resource or request asks for; unset: edge"),
      after: bdf
        .nullable()
        .optional()
        .describe(
          "Where the consumer probes (acpi_dev_gpio_irq_get maps the pin then): after the driver of this PCI function; null: before the first PCI driver; unset: after every PCI driver's probe",
        ),
      source: z
        .enum(['user', 'observed'])
        .default('user')
        .describe('user: written by hand; observed: seen in a real /proc/interrupts'),
    })
    .strict()
    .describe(
      "An interrupt on a GPIO controller's pin (an I2C or SPI device's ACPI GpioInt), mapped in the controller's irq domain when its consumer probes",
    ),
);

/** Kinds a PCI function can sit below: PCI-to-PCI bridges (their secondary bus) and VMD (its domain). */
const PARENT_KINDS = new Set<string>([
  'root-port',
  'pcie-switch-upstream',
  'pcie-switch-downstream',
  'pcie-to-pci-bridge',
  'pci-bridge',
  'vmd',
]);

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * The PCI tree as enumeration leaves it: every function is found by scanning its parent bridge's
 * secondary bus (or a VMD's domain), so a parent is a bridge that exists, the tree has no loop, a
 * child sits on its bridge's secondary bus in its segment, and bus numbers grow downwards within
 * each bridge's secondary..subordinate range (pci_scan_bridge_extend() reconfigures anything else,
 * which the model does not: it would not be the machine the file describes).
 */
function checkPciTree(
  m: { pci: z.output<typeof PciFunctionSchema>[] },
  bdfs: Map<string, number>,
  ctx: z.RefinementCtx,
): void {
  const issue = (i: number, field: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['pci', i, field], message });
  const addr = (bdf: string) => {
    const [seg, bus] = bdf.split(':');
    return { segment: parseInt(seg!, 16), bus: parseInt(bus!, 16) };
  };
  const parentIndex: (number | undefined)[] = m.pci.map((f, i) => {
    if (f.parent === null) return undefined;
    if (f.parent === f.bdf) {
      issue(i, 'parent', `${f.bdf} cannot be its own parent`);
      return undefined;
    }
    const p = bdfs.get(f.parent);
    if (p === undefined) {
      issue(i, 'parent', `parent ${f.parent} is not in the machine`);
      return undefined;
    }
    const kind = m.pci[p]!.kind;
    if (!PARENT_KINDS.has(kind)) {
      issue(
        i,
        'parent',
        `parent ${f.parent} is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}, not a bridge`,
      );
      return undefined;
    }
    return p;
  });
  // A loop (a -> b -> a): walked without recursion, each function once.
  const state = new Uint8Array(m.pci.length); // 0 new, 1 on the walk, 2 known to reach a root
  const inLoop = new Uint8Array(m.pci.length);
  for (let start = 0; start < m.pci.length; start++) {
    const walk: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && state[i] === 0) {
      state[i] = 1;
      walk.push(i);
      i = parentIndex[i];
    }
    if (i !== undefined && state[i] === 1) {
      const loop = walk.slice(walk.indexOf(i));
      for (const j of loop) inLoop[j] = 1;
      const names = loop.map((j) => m.pci[j]!.bdf);
      const shown = names.length > 6 ? [...names.slice(0, 5), '...'] : names;
      issue(
        loop[loop.length - 1]!,
        'parent',
        `the PCI tree loops: ${[...shown, names[0]].join(' -> ')} (each function's parent)`,
      );
    }
    for (const j of walk) state[j] = 2;
  }
  const secondaries = new Map<string, number>();
  m.pci.forEach((f, i) => {
    const a = addr(f.bdf);
    if (PARENT_KINDS.has(f.kind) && f.kind !== 'vmd' && f.secondary_bus !== undefined) {
      if (f.secondary_bus <= a.bus)
        issue(
          i,
          'secondary_bus',
          `secondary bus ${hex2(f.secondary_bus)} is not below the bridge's own bus ${hex2(a.bus)}`,
        );
      if (f.subordinate_bus !== undefined && f.subordinate_bus < f.secondary_bus)
        issue(
          i,
          'subordinate_bus',
          `subordinate bus ${hex2(f.subordinate_bus)} is below the secondary bus ${hex2(f.secondary_bus)}`,
        );
      const key = `${a.segment}:${f.secondary_bus}`;
      const other = secondaries.get(key);
      if (other !== undefined)
        issue(
          i,
          'secondary_bus',
          `secondary bus ${hex2(f.secondary_bus)} is also pci[${other}]'s (${m.pci[other]!.bdf})`,
        );
      else secondaries.set(key, i);
    }
    const p = parentIndex[i];
    if (p === undefined || inLoop[i]) return;
    const parent = m.pci[p]!;
    const pa = addr(parent.bdf);
    if (parent.kind === 'vmd') {
      if (!parent.vmd)
        issue(i, 'parent', `parent ${parent.bdf} is a VMD with no domain ("vmd" is null)`);
      else if (a.segment !== parent.vmd.domain)
        issue(
          i,
          'bdf',
          `${f.bdf} is below VMD ${parent.bdf}, whose domain is ${parent.vmd.domain.toString(16)}`,
        );
      return;
    }
    if (a.segment !== pa.segment) {
      issue(i, 'bdf', `${f.bdf} is not in the segment of its parent ${parent.bdf}`);
      return;
    }
    if (parent.secondary_bus !== undefined) {
      if (a.bus !== parent.secondary_bus)
        issue(
          i,
          'bdf',
          `${f.bdf} is on bus ${hex2(a.bus)}, but its parent ${parent.bdf} has secondary bus ${hex2(parent.secondary_bus)}`,
        );
    } else if (a.bus <= pa.bus)
      issue(i, 'bdf', `${f.bdf} is on bus ${hex2(a.bus)}, not below its parent ${parent.bdf}`);
    // A bridge below a bridge: its buses are inside its parent's range.
    if (
      f.subordinate_bus !== undefined &&
      parent.subordinate_bus !== undefined &&
      f.subordinate_bus > parent.subordinate_bus
    )
      issue(
        i,
        'subordinate_bus',
        `subordinate bus ${hex2(f.subordinate_bus)} is outside its parent ${parent.bdf}'s buses (up to ${hex2(parent.subordinate_bus)})`,
      );
  });
}

export const MachineSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('A name for this machine'),
    description: z.string().default(''),
    kernel: KernelSchema,
    cpus: CpusSchema,
    hypervisor: z
      .lazy(() =>
        z
          .object({
            kind: z.enum(['kvm', 'hyperv', 'xen', 'vmware', 'other']),
            x2apic_available: z
              .boolean()
              .default(true)
              .describe('The hypervisor offers x2APIC without interrupt remapping'),
            msi_ext_dest_id: z
              .boolean()
              .default(false)
              .describe('Extended destination id in MSI address bits 11:5 (APIC ids up to 32767)'),
          })
          .strict(),
      )
      .nullable()
      .default(null)
      .describe('The hypervisor the kernel runs under; null: bare metal'),
    ioapics: z.array(IoApicSchema).default([]),
    interrupt_source_overrides: z.array(InterruptSourceOverrideSchema).default([]),
    hpet: HpetSchema.nullable().default(null),
    dmar: DmarTableSchema.nullable()
      .default(null)
      .describe('The DMAR table (Intel): null when the firmware has none'),
    iommus: z
      .array(IommuSchema)
      .default([])
      .describe('IOMMU units: DMAR DRHDs in table order, or IVRS IVHD blocks'),
    pci: z.array(PciFunctionSchema).default([]),
    platform_irqs: z
      .array(PlatformIrqSchema)
      .default([])
      .describe(
        'Platform devices (timer, ACPI SCI, i8042, RTC, serial) in the order they request their irq',
      ),
    probe_order: z
      .array(bdf)
      .optional()
      .describe(
        'Order in which drivers bind to PCI functions (module load order); default: BDF order',
      ),
    async_order: z
      .array(bdf)
      .optional()
      .describe(
        "Functions whose driver's probe goes on asynchronously (nvme), in the order that later work ran (the log's nvme queue lines); default: probe order",
      ),
    irq_requests: z.array(IrqRequestSchema).default([]),
    gpio_irqs: z
      .array(GpioIrqSchema)
      .default([])
      .describe(
        'Interrupts of GPIO controller pins, in the order their consumers probe (at the same point)',
      ),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Map<number, number>();
    m.cpus.list.forEach((c, i) => {
      const prev = seen.get(c.apic_id);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['cpus', 'list', i, 'apic_id'],
          message: `APIC id ${c.apic_id} is also CPU list[${prev}]'s`,
        });
      }
      seen.set(c.apic_id, i);
      if (c.apic_id > 254 && m.cpus.apic_mode === 'xapic' && !m.cpus.cpu_has_x2apic) {
        ctx.addIssue({
          code: 'custom',
          path: ['cpus', 'list', i, 'apic_id'],
          message: `APIC id ${c.apic_id} needs x2APIC, which this CPU does not have`,
        });
      }
    });
    // The first entry is the boot processor: Linux numbers it CPU 0, and it is running the kernel.
    const boot = m.cpus.list[0]!;
    if (boot.cpu !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['cpus', 'list', 0, 'cpu'],
        message: `the boot CPU (listed first) is CPU 0 in Linux, not CPU ${boot.cpu}`,
      });
    if (!boot.online)
      ctx.addIssue({
        code: 'custom',
        path: ['cpus', 'list', 0, 'online'],
        message: 'the boot CPU (listed first) runs the kernel: it cannot be offline',
      });
    const cpuNumbers = new Set<number>();
    m.cpus.list.forEach((c, i) => {
      if (cpuNumbers.has(c.cpu))
        ctx.addIssue({
          code: 'custom',
          path: ['cpus', 'list', i, 'cpu'],
          message: `CPU ${c.cpu} is listed twice`,
        });
      cpuNumbers.add(c.cpu);
    });
    const ranges = m.ioapics.map((io) => [io.gsi_base, io.gsi_base + io.pins - 1] as const);
    m.ioapics.forEach((io, i) => {
      for (let j = 0; j < i; j++) {
        const [a0, a1] = ranges[j]!;
        const [b0, b1] = ranges[i]!;
        if (b0 <= a1 && a0 <= b1) {
          ctx.addIssue({
            code: 'custom',
            path: ['ioapics', i, 'gsi_base'],
            message: `GSIs ${b0}-${b1} overlap ioapics[${j}] (${a0}-${a1})`,
          });
        }
      }
      if (m.ioapics.findIndex((o) => o.id === io.id) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['ioapics', i, 'id'],
          message: `IOAPIC id ${io.id} is used twice`,
        });
      }
    });
    m.interrupt_source_overrides.forEach((iso, i) => {
      if (!ranges.some(([lo, hi]) => iso.gsi >= lo && iso.gsi <= hi)) {
        ctx.addIssue({
          code: 'custom',
          path: ['interrupt_source_overrides', i, 'gsi'],
          message: `no IOAPIC has GSI ${iso.gsi}`,
        });
      }
    });
    const bdfs = new Map<string, number>();
    m.pci.forEach((f, i) => {
      if (bdfs.has(f.bdf))
        ctx.addIssue({
          code: 'custom',
          path: ['pci', i, 'bdf'],
          message: `${f.bdf} is listed twice`,
        });
      bdfs.set(f.bdf, i);
    });
    checkPciTree(m, bdfs, ctx);
    m.pci.forEach((f, i) => {
      if (f.sriov && f.sriov.num_vfs > f.sriov.total_vfs) {
        ctx.addIssue({
          code: 'custom',
          path: ['pci', i, 'sriov', 'num_vfs'],
          message: `${f.sriov.num_vfs} VFs enabled but TotalVFs is ${f.sriov.total_vfs}`,
        });
      }
    });
    const probed = new Map<string, number>();
    m.probe_order?.forEach((b, i) => {
      if (!bdfs.has(b))
        ctx.addIssue({
          code: 'custom',
          path: ['probe_order', i],
          message: `no PCI function ${b} in the machine`,
        });
      else if (probed.has(b))
        ctx.addIssue({
          code: 'custom',
          path: ['probe_order', i],
          message: `${b} is already probe_order[${probed.get(b)}]: a driver binds a function once`,
        });
      probed.set(b, i);
    });
    m.async_order?.forEach((b, i) => {
      if (!bdfs.has(b))
        ctx.addIssue({
          code: 'custom',
          path: ['async_order', i],
          message: `no PCI function ${b} in the machine`,
        });
    });
    m.irq_requests.forEach((r, i) => {
      if (!bdfs.has(r.device))
        ctx.addIssue({
          code: 'custom',
          path: ['irq_requests', i, 'device'],
          message: `no PCI function ${r.device} in the machine`,
        });
      if (r.min_vecs > r.max_vecs)
        ctx.addIssue({
          code: 'custom',
          path: ['irq_requests', i, 'min_vecs'],
          message: `min_vecs ${r.min_vecs} > max_vecs ${r.max_vecs}`,
        });
    });
  });

export type Machine = z.output<typeof MachineSchema>;
export type MachineInput = z.input<typeof MachineSchema>;
export type Cpu = z.output<typeof CpuSchema>;
export type IoApic = z.output<typeof IoApicSchema>;
export type InterruptSourceOverride = z.output<typeof InterruptSourceOverrideSchema>;
export type Hpet = z.output<typeof HpetSchema>;
export type Iommu = z.output<typeof IommuSchema>;
export type PciFunction = z.output<typeof PciFunctionSchema>;
export type IrqRequest = z.output<typeof IrqRequestSchema>;
export type PlatformIrq = z.output<typeof PlatformIrqSchema>;
export type GpioIrq = z.output<typeof GpioIrqSchema>;
