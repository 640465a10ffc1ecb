// A two-socket Intel server with VT-d interrupt remapping, as a bring-up engineer meets one: two
// DRHDs (one per socket; the second INCLUDE_PCI_ALL), the IOAPICs and the HPET in their scopes,
// x2APIC CPUs, NVMe, an i350 NIC, a ConnectX NIC with SR-IOV on socket 1 (PF 42:00.1), and a
// PCIe-to-PCI bridge with a legacy device behind it. The seed presets and the remapping tests
// start from it.
import type { MachineInput } from '../schema';
import { PC_PLATFORM_IRQS } from './pc';

export interface DmarServerOptions {
  name?: string;
  /** CPUs per socket (threads). */
  cpusPerSocket?: number;
  /** sriov_numvfs of the ConnectX PF. */
  vfs?: number;
  kernel?: string;
  cmdline?: string;
}

export function dmarServer(o: DmarServerOptions = {}): MachineInput {
  const perSocket = o.cpusPerSocket ?? 8;
  const list = Array.from({ length: perSocket * 2 }, (_, cpu) => {
    const socket = Math.floor(cpu / perSocket);
    return {
      cpu,
      apic_id: socket * 0x40 + (cpu % perSocket) * 2,
      package: socket,
      core: cpu % perSocket,
      node: socket,
      online: true,
    };
  });
  // A root port's buses: its secondary bus and, below a further bridge, the buses behind it.
  const bridge = (bdf: string, secondary: number, subordinate = secondary) => ({
    bdf,
    vendor_device: '8086:2030',
    class: '0x060400',
    kind: 'root-port' as const,
    parent: null,
    secondary_bus: secondary,
    subordinate_bus: subordinate,
    msi: { vectors_max: 1, is_64bit: false, per_vector_mask: false },
  });
  return {
    name: o.name ?? 'dmar-server',
    description:
      'Two-socket Xeon server with VT-d interrupt remapping (x2APIC): 2 DRHDs, NVMe, i350, ConnectX-6 Dx with SR-IOV, a PCIe-to-PCI bridge',
    kernel: { version: o.kernel ?? '6.1.0-56-amd64', cmdline: o.cmdline ?? 'ro quiet' },
    cpus: { apic_mode: 'x2apic', cpu_has_x2apic: true, fadt_apic_physical: true, list },
    ioapics: [
      { id: 8, address: '0xfec00000', gsi_base: 0, pins: 24, version: 0x20 },
      { id: 9, address: '0xfec01000', gsi_base: 24, pins: 8, version: 0x20 },
    ],
    interrupt_source_overrides: [
      { bus_irq: 0, gsi: 2, polarity: 'conforms', trigger: 'conforms' },
      { bus_irq: 9, gsi: 9, polarity: 'high', trigger: 'level' },
    ],
    hpet: { id: 0, address: '0xfed00000', timers: 8, msi_timers: [] },
    dmar: { host_address_width: 46, intr_remap: true, x2apic_opt_out: false },
    iommus: [
      {
        kind: 'intel-vtd',
        register_base: '0xd37fc000',
        segment: 0,
        include_pci_all: false,
        cap: '0x8d2078c106f0466',
        ecap: '0xf020df',
        scopes: [
          { type: 'ioapic', id: 9, bus: 0x40, path: [[5, 4]] },
          { type: 'bridge', bus: 0x40, path: [[2, 0]] },
        ],
      },
      {
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
      },
    ],
    pci: [
      {
        bdf: '0000:00:00.0',
        vendor_device: '8086:2020',
        class: '0x060000',
        kind: 'host-bridge',
        name: 'Sky Lake-E DMI3 Registers',
      },
      bridge('0000:00:01.0', 1),
      {
        bdf: '0000:01:00.0',
        vendor_device: '8086:0a54',
        class: '0x010802',
        parent: '0000:00:01.0',
        intx_pin: 'A',
        intx_gsi: 16,
        msix: { table_size: 129, bar: 0, offset: '0x2000' },
        name: 'NVMe SSD (DC P4510)',
      },
      bridge('0000:00:1c.0', 2),
      {
        bdf: '0000:02:00.0',
        vendor_device: '8086:1521',
        class: '0x020000',
        parent: '0000:00:1c.0',
        intx_pin: 'A',
        intx_gsi: 17,
        msi: { vectors_max: 1, is_64bit: true, per_vector_mask: true },
        msix: { table_size: 10, bar: 3, offset: '0x0' },
        name: 'I350 Gigabit Network Connection',
      },
      bridge('0000:00:1c.4', 3, 4),
      {
        bdf: '0000:03:00.0',
        vendor_device: '1a03:1150',
        class: '0x060400',
        kind: 'pcie-to-pci-bridge',
        parent: '0000:00:1c.4',
        secondary_bus: 4,
        subordinate_bus: 4,
        name: 'AST1150 PCI-to-PCI Bridge',
      },
      {
        bdf: '0000:04:00.0',
        vendor_device: '8086:1533',
        class: '0x020000',
        parent: '0000:03:00.0',
        intx_pin: 'A',
        intx_gsi: 18,
        msi: { vectors_max: 1, is_64bit: true, per_vector_mask: true },
        name: 'I210 behind the PCI bridge',
      },
      {
        bdf: '0000:00:1f.0',
        vendor_device: '8086:a1c1',
        class: '0x060100',
        kind: 'isa-bridge',
        name: 'LPC controller',
      },
      bridge('0000:40:02.0', 0x42),
      {
        bdf: '0000:42:00.0',
        vendor_device: '15b3:101d',
        class: '0x020000',
        parent: '0000:40:02.0',
        intx_pin: 'A',
        intx_gsi: 24,
        msix: { table_size: 64, bar: 0, offset: '0x2000' },
        name: 'ConnectX-6 Dx',
      },
      {
        bdf: '0000:42:00.1',
        vendor_device: '15b3:101d',
        class: '0x020000',
        parent: '0000:40:02.0',
        intx_pin: 'B',
        intx_gsi: 25,
        msix: { table_size: 64, bar: 0, offset: '0x2000' },
        sriov: {
          total_vfs: 8,
          num_vfs: o.vfs ?? 2,
          vf_device: '101e',
          vf_msix_table_size: 16,
          first_vf_offset: 1,
          vf_stride: 1,
        },
        name: 'ConnectX-6 Dx',
      },
    ],
    platform_irqs: PC_PLATFORM_IRQS,
    irq_requests: [],
  };
}
