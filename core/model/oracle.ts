// Translates the QEMU oracle's neutral machine description (`irqlab-oracle-machine/1`, the
// fixtures in shared/fixtures/qemu/*/machine.json) into the machine model.
//
// The oracle file describes what the guest saw of CPUs, IOAPICs, the IOMMU and PCI, but not the
// MADT's interrupt source overrides or the HPET; for QEMU's q35 those come from QEMU's own ACPI
// tables, which are the same on every q35 boot (the fixture test checks them against the
// `ACPI: INT_SRC_OVR` lines of the fixture's dmesg).
import { PC_PLATFORM_IRQS } from './presets/pc';
import { MachineSchema, PCI_KINDS, type Machine, type MachineInput } from './schema';

interface OracleMsi {
  vectors_max: number;
  addr64: boolean;
  maskable: boolean;
}
interface OracleMsix {
  table_size: number;
  table_bar: number;
  table_offset: string;
}
interface OraclePci {
  bdf: string;
  vendor_device: string;
  class: string;
  kind: string;
  model?: string;
  parent_bridge: string | null;
  driver: string | null;
  intx_pin: 'A' | 'B' | 'C' | 'D' | null;
  msi: OracleMsi | null;
  msix: OracleMsix | null;
}
interface OracleMachine {
  schema: string;
  preset: string;
  description: string;
  emulator: { machine: string };
  kernel: { release: string; cmdline: string };
  cpus: {
    count: number;
    apic_ids: number[];
    cpu_has_x2apic: boolean;
    apic_mode: string;
    online: string;
  };
  ioapics: {
    apic_id: number;
    version: number;
    address: string;
    gsi_base: number;
    gsi_end: number;
  }[];
  iommu: {
    present: boolean;
    model?: string;
    units: { name: string; reg_base: string; version: string; cap: string; ecap: string }[];
  };
  pci: OraclePci[];
}

export const ORACLE_SCHEMA = 'irqlab-oracle-machine/1';

/** QEMU q35's MADT overrides (hw/i386/acpi-common.c): IRQ0 -> GSI 2, and the PCI-routed ISA IRQs level/high. */
const QEMU_Q35_OVERRIDES: MachineInput['interrupt_source_overrides'] = [
  { bus_irq: 0, gsi: 2, polarity: 'conforms', trigger: 'conforms' },
  ...[5, 9, 10, 11].map((irq) => ({
    bus_irq: irq,
    gsi: irq,
    polarity: 'high' as const,
    trigger: 'level' as const,
  })),
];

const BRIDGE_KINDS: Record<string, (typeof PCI_KINDS)[number]> = {
  'host-bridge': 'host-bridge',
  'isa-bridge': 'isa-bridge',
  'pcie-root-port': 'root-port',
  'root-port': 'root-port',
  'pci-bridge': 'pci-bridge',
  'pcie-pci-bridge': 'pcie-to-pci-bridge',
};

/**
 * QEMU q35's INTx routing (hw/pci-host/q35.c, ich9): functions of the ICH9 (device 0x1f) use
 * PIRQ A-D = GSI 16-19 by pin; other slots on the root bus are swizzled onto PIRQ E-H = GSI
 * 20-23 by (slot + pin) % 4.
 */
function q35IntxGsi(bdf: string, pin: 'A' | 'B' | 'C' | 'D'): number {
  const slot = parseInt(bdf.slice(8, 10), 16);
  const p = pin.charCodeAt(0) - 65;
  return slot === 0x1f ? 16 + p : 20 + ((slot + p) % 4);
}

function isOracle(value: unknown): value is OracleMachine {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { schema?: unknown }).schema === ORACLE_SCHEMA
  );
}

export function fromOracleMachine(value: unknown): Machine {
  if (!isOracle(value)) {
    const found =
      typeof value === 'object' && value !== null
        ? (value as { schema?: unknown }).schema
        : undefined;
    throw new Error(
      `not an oracle machine: expected "schema": "${ORACLE_SCHEMA}", found ${JSON.stringify(found ?? null)}`,
    );
  }
  const o = value;
  const q35 = o.emulator.machine.startsWith('q35');
  const machine: MachineInput = {
    name: o.preset,
    description: o.description,
    kernel: { version: o.kernel.release, cmdline: o.kernel.cmdline },
    cpus: {
      apic_mode: o.cpus.apic_mode === 'x2apic' ? 'x2apic' : 'xapic',
      cpu_has_x2apic: o.cpus.cpu_has_x2apic,
      list: o.cpus.apic_ids.map((apic_id, cpu) => ({
        cpu,
        apic_id,
        package: 0,
        core: cpu,
        node: 0,
        online: true,
      })),
    },
    ioapics: o.ioapics.map((io) => ({
      id: io.apic_id,
      address: io.address,
      gsi_base: io.gsi_base,
      pins: io.gsi_end - io.gsi_base + 1,
      version: io.version,
    })),
    interrupt_source_overrides: q35 ? QEMU_Q35_OVERRIDES : [],
    // QEMU's HPET: 3 comparators at 0xfed00000, no FSB (MSI) delivery.
    hpet: q35 ? { id: 0, address: '0xfed00000', timers: 3, msi_timers: [] } : null,
    // QEMU's intel-iommu DMAR (hw/i386/acpi-build.c): INTR_REMAP set; one DRHD, flags 0, scoping
    // the IOAPIC on the pseudo bus 0xff (devfn 0) and every function of the root bus by its
    // slot.function (the fixture's acpi.acpidump.txt has this table).
    dmar:
      o.iommu.present && o.iommu.model !== 'amd-iommu'
        ? { host_address_width: 48, intr_remap: true, x2apic_opt_out: false }
        : null,
    iommus:
      o.iommu.present && o.iommu.model !== 'amd-iommu'
        ? o.iommu.units.map((u) => ({
            kind: 'intel-vtd' as const,
            register_base: u.reg_base,
            segment: 0,
            include_pci_all: false,
            version: u.version,
            cap: `0x${u.cap.replace(/^0x/, '')}`,
            ecap: `0x${u.ecap.replace(/^0x/, '')}`,
            scopes: [
              ...o.ioapics.map((io) => ({
                type: 'ioapic' as const,
                id: io.apic_id,
                bus: 0xff,
                path: [[0, 0]] as [number, number][],
              })),
              ...o.pci
                .filter((f) => f.bdf.startsWith('0000:00:'))
                .sort((a, b) => (a.bdf < b.bdf ? -1 : 1))
                .map((f) => ({
                  type: 'endpoint' as const,
                  bus: 0,
                  path: [[parseInt(f.bdf.slice(8, 10), 16), parseInt(f.bdf.slice(11), 16)]] as [
                    number,
                    number,
                  ][],
                })),
            ],
          }))
        : [],
    pci: o.pci.map((f) => ({
      bdf: f.bdf,
      vendor_device: f.vendor_device,
      class: f.class,
      kind: BRIDGE_KINDS[f.kind] ?? 'endpoint',
      parent: f.parent_bridge,
      name: f.model,
      intx_pin: f.intx_pin,
      intx_gsi: q35 && f.intx_pin ? q35IntxGsi(f.bdf, f.intx_pin) : null,
      msi: f.msi
        ? {
            vectors_max: f.msi.vectors_max,
            is_64bit: f.msi.addr64,
            per_vector_mask: f.msi.maskable,
          }
        : null,
      msix: f.msix
        ? {
            table_size: f.msix.table_size,
            bar: f.msix.table_bar,
            offset: `0x${parseInt(f.msix.table_offset, 16).toString(16)}`,
          }
        : null,
      driver: f.driver,
    })),
    // The PC platform devices of a q35 guest.
    platform_irqs: q35 ? PC_PLATFORM_IRQS : [],
    irq_requests: [],
  };
  return MachineSchema.parse(machine);
}
