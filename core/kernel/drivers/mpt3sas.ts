// Broadcom/LSI SAS2 and SAS3 HBAs (Fusion-MPT). Follows drivers/scsi/mpt3sas/mpt3sas_base.c
// (_base_check_enable_msix, _base_enable_msix, _base_alloc_irq_vectors, _base_request_irq) and
// mpt3sas_scsih.c (scsih_probe, mpt3sas_pci_table); Linux 4.4 (mpt2sas merged into mpt3sas)
// to mainline.
import { type DriverContext, type DriverEntry, type DriverModel, oneVector } from './types';

/** mpt3sas_pci_table, MPI 2.0 devices (mpi2_cnfg.h MPI2_MFGPAGE_DEVID_*: SAS2004, SAS2008,
 * SAS2108, SAS2116, SSS6200, SAS2208, SAS2308, the switch endpoints), bound as "mpt2sas". */
const SAS2_IDS = `
  0070 0072 0074 0076 0077 0064 0065 007e 0080 0081 0082 0083 0084 0085
  0086 0087 006e 02b0 02b1
`
  .trim()
  .split(/\s+/);
/** MPI 2.5 (SAS3004/3008/3108) and 2.6 (SAS3216/3224/3316/3324, SAS35xx/34xx, SAS3716/3616/
 * 3708, the secure SAS3916/3816 ids) devices, "mpt3sas". The table's "invalid" 39xx/38xx ids
 * (00e0, 00e3, 00e4, 00e7) are refused at probe and left out. */
const SAS3_IDS = `
  0096 0097 0090 0091 0094 0095 00c9 00c4 00c5 00c6 00c7 00c8 00c0 00c1
  00c2 00c3 00aa 00ab 00ac 00ad 00ae 00af 00d0 00d1 00d2 00e1 00e2 00e5
  00e6
`
  .trim()
  .split(/\s+/);

/**
 * _base_enable_msix: reply_queue_count = min(online CPUs, the MSI-X table size read from the
 * capability, msix_vector_count); pci_alloc_irq_vectors_affinity(1, n, MSI-X |
 * PCI_IRQ_AFFINITY) (smp_affinity_enable, the default). No MSI-X, or the allocation fails:
 * "try_ioapic", one pin vector (pci_alloc_irq_vectors(1, 1, PCI_IRQ_LEGACY)). Names:
 * "<driver_name><id>-msix<index>" with MSI-X, "<driver_name><id>" on the pin, IRQF_SHARED;
 * driver_name is "mpt2sas" for MPI 2.0 controllers, "mpt3sas" for the rest, and id the
 * controller's number among those of the same name. The high-IOPS queues of Aero/
 * Sea (PCIe 4.0 links at 16 GT/s, 128 vectors) are not modelled.
 */
export function mpt3sasVectors(ctx: Pick<DriverContext, 'cpus' | 'msixTableSize'>): number {
  return Math.max(1, Math.min(ctx.cpus, ctx.msixTableSize ?? 1));
}

function mptsas(driverName: 'mpt2sas' | 'mpt3sas'): DriverModel {
  return {
    name: 'mpt3sas',
    // ioc->id: mpt2_ids or mpt3_ids, a counter per driver_name.
    instanceKind: driverName,
    scsiHosts: () => 1,
    plan: (ctx) => {
      const name = `${driverName}${ctx.instance}`;
      const pin = oneVector('intx', () => name);
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
}

export const mpt2sasEntry: DriverEntry = {
  model: mptsas('mpt2sas'),
  ids: [{ vendorDevice: new RegExp(`^1000:(${SAS2_IDS.join('|')})$`) }],
};

export const mpt3sasEntry: DriverEntry = {
  model: mptsas('mpt3sas'),
  ids: [{ vendorDevice: new RegExp(`^1000:(${SAS3_IDS.join('|')})$`) }],
};
