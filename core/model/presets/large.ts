// Generator for large machines: sockets x cores x threads CPUs (up to 8192), n IOAPICs, n PCI
// root complexes each with NICs (mlx5-like, MSI-X up to 2048) and NVMe drives. Deterministic and
// cheap: the 8192-CPU machine is built in milliseconds.
import type { MachineInput } from '../schema';

export interface LargeMachineOptions {
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: 1 | 2;
  ioapics: number;
  rootComplexes: number;
  nicsPerRootComplex: number;
  nicMsixTableSize: number;
  nvmePerRootComplex: number;
  name?: string;
}

const hex = (n: number) => `0x${n.toString(16)}`;
const two = (n: number) => n.toString(16).padStart(2, '0');

export function largeMachine(o: LargeMachineOptions): MachineInput {
  const cpuCount = o.sockets * o.coresPerSocket * o.threadsPerCore;
  if (cpuCount > 8192) throw new Error(`at most 8192 CPUs, asked for ${cpuCount}`);
  const list: {
    cpu: number;
    apic_id: number;
    package: number;
    core: number;
    node: number;
    online: boolean;
  }[] = [];
  // Linux numbers the first thread of every core first, then the siblings.
  for (let thread = 0; thread < o.threadsPerCore; thread++) {
    for (let pkg = 0; pkg < o.sockets; pkg++) {
      for (let core = 0; core < o.coresPerSocket; core++) {
        list.push({
          cpu: list.length,
          apic_id: pkg * 512 + core * 2 + thread,
          package: pkg,
          core,
          node: pkg,
          online: true,
        });
      }
    }
  }
  const ioapics = Array.from({ length: o.ioapics }, (_, i) => ({
    id: 8 + i,
    address: hex(0xfec00000 + i * 0x1000),
    gsi_base: i * 24,
    pins: 24,
    version: 0x20,
  }));

  // Each root complex owns 16 buses of a segment: host bridge on its root bus, one root port per
  // endpoint, each endpoint alone on the root port's secondary bus.
  const pci: NonNullable<MachineInput['pci']> = [];
  const iommus: NonNullable<MachineInput['iommus']> = [];
  const perSegment = 16;
  for (let rc = 0; rc < o.rootComplexes; rc++) {
    const segment = Math.floor(rc / perSegment);
    const root = (rc % perSegment) * 16;
    const seg = segment.toString(16).padStart(4, '0');
    pci.push({
      bdf: `${seg}:${two(root)}:00.0`,
      vendor_device: '8086:09a2',
      class: '0x060000',
      kind: 'host-bridge',
    });
    const endpoints = [
      ...Array.from({ length: o.nicsPerRootComplex }, () => 'nic' as const),
      ...Array.from({ length: o.nvmePerRootComplex }, () => 'nvme' as const),
    ];
    if (endpoints.length > 15) throw new Error('at most 15 endpoints per root complex');
    // One VT-d unit per root complex: its IOAPIC (at root:05.4, the IIO's IOAPIC function) and
    // its root ports by bridge scope; the first unit of each segment is INCLUDE_PCI_ALL and also
    // scopes the HPET (segment 0).
    const first = rc % perSegment === 0;
    iommus.push({
      kind: 'intel-vtd',
      register_base: hex(0xd0000000 + rc * 0x1000000 + 0xffc000),
      segment,
      include_pci_all: first,
      scopes: [
        ...(rc < o.ioapics
          ? [
              {
                type: 'ioapic' as const,
                id: 8 + rc,
                bus: root,
                path: [[5, 4]] as [number, number][],
              },
            ]
          : []),
        ...(rc === 0
          ? [{ type: 'hpet' as const, id: 0, bus: 0, path: [[0x1f, 0]] as [number, number][] }]
          : []),
        ...Array.from({ length: o.nicsPerRootComplex + o.nvmePerRootComplex }, (_, i) => ({
          type: 'bridge' as const,
          bus: root,
          path: [[i + 1, 0]] as [number, number][],
        })),
      ],
    });
    endpoints.forEach((kind, i) => {
      const port = `${seg}:${two(root)}:${two(i + 1)}.0`;
      const bus = root + i + 1;
      pci.push({
        bdf: port,
        vendor_device: '8086:347a',
        class: '0x060400',
        kind: 'root-port',
        secondary_bus: bus,
        subordinate_bus: bus,
        intx_pin: 'A',
        msi: { vectors_max: 1, is_64bit: false, per_vector_mask: false },
      });
      pci.push(
        kind === 'nic'
          ? {
              bdf: `${seg}:${two(bus)}:00.0`,
              vendor_device: '15b3:101d',
              class: '0x020000',
              parent: port,
              intx_pin: 'A',
              msix: { table_size: o.nicMsixTableSize, bar: 0, offset: '0x2000' },
              name: 'ConnectX-6 Dx',
            }
          : {
              bdf: `${seg}:${two(bus)}:00.0`,
              vendor_device: '8086:0b60',
              class: '0x010802',
              parent: port,
              intx_pin: 'A',
              msix: { table_size: 129, bar: 0, offset: '0x2000' },
              name: 'NVMe SSD (D7-P5510)',
            },
      );
    });
  }

  return {
    name: o.name ?? `large-${cpuCount}cpu`,
    description: `${o.sockets} sockets x ${o.coresPerSocket} cores x ${o.threadsPerCore} threads = ${cpuCount} CPUs, ${o.ioapics} IOAPICs, ${o.rootComplexes} root complexes with ${o.nicsPerRootComplex} NICs and ${o.nvmePerRootComplex} NVMe each`,
    kernel: { version: 'mainline', cmdline: '' },
    cpus: { apic_mode: 'x2apic', cpu_has_x2apic: true, list },
    ioapics,
    interrupt_source_overrides: [
      { bus_irq: 0, gsi: 2, polarity: 'conforms', trigger: 'conforms' },
      { bus_irq: 9, gsi: 9, polarity: 'high', trigger: 'level' },
    ],
    hpet: { id: 0, address: '0xfed00000', timers: 8, msi_timers: [] },
    dmar: { host_address_width: 46, intr_remap: true, x2apic_opt_out: false },
    iommus,
    pci,
    irq_requests: [],
  };
}
