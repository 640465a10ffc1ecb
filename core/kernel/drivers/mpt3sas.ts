// Broadcom/LSI SAS2 and SAS3 HBAs (Fusion-MPT). Follows drivers/scsi/mpt3sas/mpt3sas_base.c
// (_base_check_enable_msix, _base_enable_msix, _base_alloc_irq_vectors, _base_request_irq) and
// mpt3sas_scsih.c (scsih_probe, mpt3sas_pci_table); Linux 4.4 (mpt2sas merged into mpt3sas)
// to mainline.
import {
  type DriverContext,
  type DriverEntry,
  type DriverModel,
  type IrqRequestPlan,
} from './types';

/** mpt3sas_pci_table, MPI 2.0 devices (bound as "mpt2sas", ids from mpt2_ids): SAS2004 ..
 * SAS2308, SSS6200. */
const SAS2_IDS = [
  '0070',
  '0072',
  '0074',
  '0076',
  '0077',
  '0064',
  '0065',
  '0080',
  '0081',
  '0082',
  '0083',
  '0084',
  '0085',
  '0086',
  '0087',
  '006e',
  '007e',
  '02b0',
];
/** MPI 2.5/2.6 devices ("mpt3sas", ids from mpt3_ids): SAS3004 .. SAS3008, SAS3108, SAS3216/
 * 3224/3316/3324, SAS35xx/36xx (gen 3.5), SAS38xx/39xx (Aero, Sea). */
const SAS3_IDS = [
  '0096',
  '0097',
  '0090',
  '0094',
  '0091',
  '0095',
  '00c4',
  '00c5',
  '00c6',
  '00c7',
  '00c8',
  '00c9',
  '00d0',
  '00d1',
  '00d2',
  '02b1',
  '00ac',
  '00aa',
  '00ab',
  '00ae',
  '00af',
  '00ad',
  '00e5',
  '00e6',
  '00e7',
  '00e4',
  '00e1',
  '00e2',
  '00e0',
  '00e3',
];

export function mpt3sasIsSas2(vendorDevice: string): boolean {
  return SAS2_IDS.includes(vendorDevice.slice(5));
}

/**
 * _base_enable_msix: reply_queue_count = min(online CPUs, the MSI-X table size read from the
 * capability, msix_vector_count); pci_alloc_irq_vectors_affinity(1, n, MSI-X |
 * PCI_IRQ_AFFINITY) (smp_affinity_enable, the default). No MSI-X, or the allocation fails:
 * "try_ioapic", one pin vector (pci_alloc_irq_vectors(1, 1, PCI_IRQ_LEGACY)). Names:
 * "<driver_name><id>-msix<index>" with MSI-X, "<driver_name><id>" on the pin, IRQF_SHARED;
 * driver_name is "mpt2sas" for MPI 2.0 controllers, "mpt3sas" for the rest, and id the
 * controller's number among those of the same name (ctx.instance counts both alike here: a
 * machine mixing SAS2 and SAS3 HBAs numbers them per name in the kernel). The high-IOPS queues of Aero/
 * Sea (PCIe 4.0 links at 16 GT/s, 128 vectors) are not modelled.
 */
export function mpt3sasVectors(ctx: Pick<DriverContext, 'cpus' | 'msixTableSize'>): number {
  return Math.max(1, Math.min(ctx.cpus, ctx.msixTableSize ?? 1));
}

const mpt3sas: DriverModel = {
  name: 'mpt3sas',
  instanceKind: 'mpt3sas',
  scsiHosts: () => 1,
  plan: (ctx) => {
    const name = `${mpt3sasIsSas2(ctx.vendorDevice) ? 'mpt2sas' : 'mpt3sas'}${ctx.instance}`;
    const pin: IrqRequestPlan = {
      modes: ['intx'],
      min: 1,
      max: 1,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: () => name,
    };
    if (ctx.msixTableSize === null) return [pin];
    return [
      {
        modes: ['msix'],
        min: 1,
        max: mpt3sasVectors(ctx),
        managed: true,
        preVectors: 0,
        postVectors: 0,
        name: (i) => `${name}-msix${i}`,
        fallback: pin,
      },
    ];
  },
};

export const mpt3sasEntry: DriverEntry = {
  model: mpt3sas,
  ids: [{ vendorDevice: new RegExp(`^1000:(${[...SAS2_IDS, ...SAS3_IDS].join('|')})$`) }],
};
