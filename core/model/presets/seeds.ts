// The three failures of the seed thread ("x86, PCI, XEN, genirq ...: Prepare for device MSI",
// 2020), each on a machine like the reporters' and with the kernel that showed it (the profile
// named in `kernel.profile`; `--profile v5.10` shows the fixed kernel on the same machine).
import type { MachineInput } from '../schema';
import { dmarServer } from './dmar-server';
import { PC_PLATFORM_IRQS } from './pc';

const hex = (n: number) => `0x${n.toString(16)}`;
const two = (n: number) => n.toString(16).padStart(2, '0');

/**
 * A four-socket Skylake-SP server of the HPE ProLiant DL560 Gen10 class: two IIO stacks with a
 * VT-d unit each per socket (the last unit INCLUDE_PCI_ALL, with the PCH IOAPIC and the HPET),
 * an IOAPIC per socket, an NVMe drive and an X710 NIC per socket, x2APIC.
 */
function fourSocketServer(
  name: string,
  description: string,
  kernel: MachineInput['kernel'],
): MachineInput {
  const sockets = 4;
  const threads = 2;
  const cores = 16;
  const list = [];
  for (let t = 0; t < threads; t++)
    for (let s = 0; s < sockets; s++)
      for (let c = 0; c < cores; c++)
        list.push({
          cpu: list.length,
          apic_id: s * 64 + c * 2 + t,
          package: s,
          core: c,
          node: s,
          online: true,
        });
  const pci: NonNullable<MachineInput['pci']> = [
    { bdf: '0000:00:00.0', vendor_device: '8086:2020', class: '0x060000', kind: 'host-bridge' },
    { bdf: '0000:00:1f.0', vendor_device: '8086:a1c1', class: '0x060100', kind: 'isa-bridge' },
  ];
  const iommus: NonNullable<MachineInput['iommus']> = [];
  const ioapics: NonNullable<MachineInput['ioapics']> = [
    { id: 8, address: '0xfec00000', gsi_base: 0, pins: 24, version: 0x20 },
  ];
  for (let s = 0; s < sockets; s++) {
    const root = s * 0x40 + 0x17; // the socket's PCIe stack
    ioapics.push({
      id: 9 + s,
      address: hex(0xfec01000 + s * 0x8000),
      gsi_base: 24 + s * 8,
      pins: 8,
      version: 0x20,
    });
    for (const [i, dev] of [
      [
        'nvme',
        {
          vendor_device: '8086:0a54',
          class: '0x010802',
          msix: { table_size: 129, bar: 0, offset: '0x2000' },
          name: 'NVMe SSD',
        },
      ],
      [
        'nic',
        {
          vendor_device: '8086:1572',
          class: '0x020000',
          msix: { table_size: 129, bar: 3, offset: '0x0' },
          name: 'Ethernet Controller X710 for 10GbE SFP+',
        },
      ],
    ] as const) {
      const slot = i === 'nvme' ? 0 : 2;
      const port = `0000:${two(root)}:${two(slot)}.0`;
      const bus = root + 1 + slot;
      pci.push({
        bdf: port,
        vendor_device: '8086:2030',
        class: '0x060400',
        kind: 'root-port',
        secondary_bus: bus,
        subordinate_bus: bus,
        msi: { vectors_max: 1, is_64bit: false, per_vector_mask: false },
      });
      pci.push({ bdf: `0000:${two(bus)}:00.0`, parent: port, ...dev });
    }
    // Stack 0 of the socket: its IOAPIC and root ports; stack 1 (no devices here) its own unit.
    iommus.push({
      kind: 'intel-vtd',
      register_base: hex(0xc5ffc000 - s * 0x1000000),
      segment: 0,
      include_pci_all: false,
      cap: '0x8d2078c106f0466',
      ecap: '0xf020df',
      scopes: [
        { type: 'ioapic', id: 9 + s, bus: root, path: [[5, 4]] },
        { type: 'bridge', bus: root, path: [[0, 0]] },
        { type: 'bridge', bus: root, path: [[2, 0]] },
      ],
    });
    if (s > 0)
      iommus.push({
        kind: 'intel-vtd',
        register_base: hex(0xc6ffc000 - s * 0x1000000),
        segment: 0,
        include_pci_all: false,
        cap: '0x8d2078c106f0466',
        ecap: '0xf020df',
        scopes: [],
      });
  }
  iommus.push({
    kind: 'intel-vtd',
    register_base: '0x9d7fc000',
    segment: 0,
    include_pci_all: true,
    cap: '0x8d2078c106f0466',
    ecap: '0xf020df',
    scopes: [
      { type: 'ioapic', id: 8, bus: 0, path: [[0x1f, 0]] },
      { type: 'hpet', id: 0, bus: 0, path: [[0x1f, 0]] },
    ],
  });
  return {
    name,
    description,
    kernel,
    cpus: { apic_mode: 'x2apic', cpu_has_x2apic: true, fadt_apic_physical: true, list },
    ioapics,
    interrupt_source_overrides: [
      { bus_irq: 0, gsi: 2, polarity: 'conforms', trigger: 'conforms' },
      { bus_irq: 9, gsi: 9, polarity: 'high', trigger: 'level' },
    ],
    hpet: { id: 0, address: '0xfed00000', timers: 8, msi_timers: [] },
    dmar: { host_address_width: 46, intr_remap: true, x2apic_opt_out: false },
    iommus,
    pci,
    platform_irqs: PC_PLATFORM_IRQS,
    irq_requests: [],
  };
}

/** Failure A (Qian Cai, 25 Sep 2020): NULL get_hwirq in msi_domain_alloc under dmar_alloc_hwirq. */
export const seedDmarNullCallback = (): MachineInput =>
  fourSocketServer(
    'seed-dmar-null-callback',
    'DL560 Gen10-class 4-socket server booting linux-next of 25 Sep 2020: the DMAR fault irq allocation oopses in msi_domain_alloc (get_hwirq is NULL)',
    { version: '5.9.0-rc6-next-20200925', cmdline: 'ro', profile: 'next-20200925' },
  );

/** Failure B (Lu Baolu, 31 Aug 2020): every DMAR unit asks DMAR-MSI for hwirq 0. */
export const seedDmarHwirqFail = (): MachineInput =>
  fourSocketServer(
    'seed-dmar-hwirq-fail',
    'Multi-DRHD server booting the V2 series: dmar_alloc_hwirq fails for the second unit (-EEXIST), whose fault handler is never registered',
    { version: '5.9.0-rc2', cmdline: 'ro', profile: 'v2-series' },
  );

/** Failure C (Jason Gunthorpe, 12 Nov 2020): bare-metal mlx5 VFs send compatibility messages. */
export const seedVfCompatBlocked = (): MachineInput => {
  const m = dmarServer({
    name: 'seed-vf-compat-blocked',
    kernel: '5.10.0-rc1',
    vfs: 2,
  });
  m.kernel.profile = 'v5.10-rc1';
  m.description =
    'Bare-metal server, IR in x2APIC mode, ConnectX-6 Dx PF 42:00.1 with 2 VFs under 5.10-rc1: the VFs keep the default PCI-MSI domain, the IOMMU blocks their compatibility-format interrupts (fault reason 37) and mlx5 commands time out';
  return m;
};
