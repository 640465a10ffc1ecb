// The built-in machines, by name. Every preset validates (see presets.test.ts).
import { MachineSchema, type Machine } from '../schema';
import { dmarServer } from './dmar-server';
import { exampleMachine } from './example';
import { largeMachine } from './large';
import { seedDmarHwirqFail, seedDmarNullCallback, seedVfCompatBlocked } from './seeds';

export interface Preset {
  description: string;
  make(): Machine;
}

const preset = (description: string, make: () => unknown): Preset => ({
  description,
  make: () => MachineSchema.parse(make()),
});

export const PRESETS: Record<string, Preset> = {
  example: preset('Single-socket 8-CPU server: NVMe, i210 NIC, xHCI, AHCI, SMBus', exampleMachine),
  'dmar-server': preset(
    'Two-socket Xeon with VT-d interrupt remapping (x2APIC): 2 DRHDs, NVMe, i350, ConnectX-6 Dx with 2 VFs',
    () => dmarServer(),
  ),
  'seed-dmar-null-callback': preset(
    'Seed failure A: DL560-class server, linux-next 2020-09-25: boot oops in msi_domain_alloc under dmar_alloc_hwirq',
    seedDmarNullCallback,
  ),
  'seed-dmar-hwirq-fail': preset(
    "Seed failure B: multi-DRHD server, the V2 series: dmar_alloc_hwirq fails, the IOMMU's fault handler is not registered",
    seedDmarHwirqFail,
  ),
  'seed-vf-compat-blocked': preset(
    'Seed failure C: bare-metal mlx5 VFs under IR (x2APIC), 5.10-rc1: compatibility-format MSIs blocked, fault reason 37',
    seedVfCompatBlocked,
  ),
  large: preset(
    '1536 CPUs (8 sockets), 16 IOAPICs, 64 mlx5 NICs + 32 NVMe: ~100,000 MSI-X vectors',
    () =>
      largeMachine({
        name: 'large',
        sockets: 8,
        coresPerSocket: 96,
        threadsPerCore: 2,
        ioapics: 16,
        rootComplexes: 16,
        nicsPerRootComplex: 4,
        nicMsixTableSize: 2048,
        nvmePerRootComplex: 2,
      }),
  ),
  huge: preset('8192 CPUs (32 sockets), 32 IOAPICs, 96 mlx5 NICs: ~200,000 MSI-X vectors', () =>
    largeMachine({
      name: 'huge',
      sockets: 32,
      coresPerSocket: 128,
      threadsPerCore: 2,
      ioapics: 32,
      rootComplexes: 32,
      nicsPerRootComplex: 3,
      nicMsixTableSize: 2048,
      nvmePerRootComplex: 1,
    }),
  ),
};

export { dmarServer, exampleMachine, largeMachine };
