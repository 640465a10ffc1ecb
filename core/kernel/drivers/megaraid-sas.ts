// Broadcom/LSI MegaRAID SAS. Follows drivers/scsi/megaraid/megaraid_sas_base.c
// (megasas_probe, megasas_init_fw, megasas_alloc_irq_vectors, megasas_setup_irqs_msix,
// megasas_setup_irqs_ioapic); Linux 4.4 to mainline, the request by era below.
import {
  type DriverContext,
  type DriverEntry,
  type DriverModel,
  oneVector,
  profileAtLeast,
} from './types';

/** megasas_pci_table: LSI (1000) MFI-era ids (xscale, ppc, gen2, skinny): one reply queue. */
const MFI_IDS = `
  0411 0060 007c 0078 0079 0073 0071 0413
`
  .trim()
  .split(/\s+/);
/** The Fusion ids (Thunderbolt, Invader, Fury, Intruder, Cutlass, Ventura, Aero). */
const FUSION_IDS = `
  005b 002f 005d 005f 00ce 00cf 0052 0053 0014 0015 0016 0017 001b 001c
  10e1 10e2 10e5 10e6
`
  .trim()
  .split(/\s+/);

/**
 * The reply queues megasas_init_fw asks for: one on an MFI adapter; on Fusion, the firmware's
 * count (here the MSI-X table) capped at online CPUs + low_latency_index_start (1: the queue
 * for management commands; Aero's balanced mode with high-IOPS queues is not modelled).
 */
export function megasasVectors(
  ctx: Pick<DriverContext, 'cpus' | 'msixTableSize' | 'vendorDevice'>,
): number {
  const fusion = FUSION_IDS.includes(ctx.vendorDevice.slice(5));
  if (!fusion) return 1;
  return Math.max(1, Math.min(ctx.cpus + 1, ctx.msixTableSize ?? 1));
}

/**
 * Names: from 5.4 (07.710.50.00-rc1, "megasas<host_no>-msix<i>" for every vector the MSI-X path
 * set up, "megasas<host_no>" on the pin); before, every vector "megasas". 5.4 falls inside the
 * v5.9 profile (5.3 - 5.9): that profile takes the new names.
 *
 * Allocation: from 5.4 pci_alloc_irq_vectors_affinity(low_latency_index_start = 1, n,
 * MSI-X | PCI_IRQ_AFFINITY | PCI_IRQ_ALL_TYPES, pre_vectors 1), so MSI or the pin may come back
 * and still be named "-msix<i>"; before, MSI-X only (pci_alloc_irq_vectors(1, n, MSI-X |
 * AFFINITY)), then the pin (megasas_setup_irqs_ioapic, IRQF_SHARED). No MSI-X capability on the
 * firmware side means the pin: the capability stands for it here.
 */
const megasas: DriverModel = {
  name: 'megaraid_sas',
  instanceKind: 'other',
  scsiHosts: () => 1,
  log: (ctx, stage, nvec) =>
    stage === 'allocated' && profileAtLeast(ctx.profile, 'v5.9')
      ? [
          `megaraid_sas ${ctx.bdf}: requested/available msix ${megasasVectors(ctx)}/${nvec} poll_queue 0`,
          `megaraid_sas ${ctx.bdf}: current msix/online cpus\t: (${nvec}/${ctx.cpus})`,
        ]
      : [],
  plan: (ctx) => {
    const host = ctx.scsiHost ?? 0;
    const named = profileAtLeast(ctx.profile, 'v5.9');
    const n = megasasVectors(ctx);
    const pin = oneVector('intx', () => (named ? `megasas${host}` : 'megasas'));
    if (ctx.msixTableSize === null) return [pin];
    return [
      {
        modes: named ? ['msix', 'msi', 'intx'] : ['msix'],
        min: 1,
        max: n,
        managed: true,
        preVectors: named ? 1 : 0,
        postVectors: 0,
        name: (i) => (named ? `megasas${host}-msix${i}` : 'megasas'),
        fallback: named ? undefined : pin,
      },
    ];
  },
};

export const megaraidSasEntry: DriverEntry = {
  model: megasas,
  ids: [
    { vendorDevice: new RegExp(`^1000:(${[...MFI_IDS, ...FUSION_IDS].join('|')})$`) },
    // Dell PERC 5 (1028:0015).
    { vendorDevice: /^1028:0015$/ },
  ],
};
