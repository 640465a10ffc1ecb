// NVMe. Follows drivers/nvme/host/pci.c (nvme_pci_enable, nvme_setup_io_queues); Linux 4.4 to
// mainline.
import { type DriverEntry, type DriverModel, oneVector, profileAtLeast } from './types';

/** drivers/nvme/host/pci.c: nvme_pci_enable allocates 1 vector (admin queue, any type); then
 * nvme_setup_io_queues frees it and allocates 1 + nr_io_queues with PCI_IRQ_AFFINITY and
 * pre_vectors = 1 (queue 0 = admin, unmanaged; I/O queues spread), one I/O queue per CPU up to
 * the controller's limit (here: the MSI-X table size - 1), or as many as the log's "nvme nvmeN:
 * D/0/0 default/read/poll queues" states (ctx.statedQueues). */
const nvme: DriverModel = {
  name: 'nvme',
  instanceKind: 'nvme',
  log: (ctx, stage, nvec) =>
    stage === 'probe'
      ? [`nvme nvme${ctx.instance}: pci function ${ctx.bdf}`]
      : nvec > 1
        ? [`nvme nvme${ctx.instance}: ${nvec - 1}/0/0 default/read/poll queues`]
        : [],
  // .probe_type = PROBE_PREFER_ASYNCHRONOUS: the controllers of one load set up side by side.
  // Up to 6.1 nvme_probe() only queues nvme_reset_work, which allocates both rounds; since
  // eac3ef262941 ("nvme-pci: split the initial probe from the rest path", 6.2) nvme_probe() runs
  // nvme_pci_enable() (the admin vector) itself and the I/O queues follow after the controller
  // answered Identify.
  asyncFrom: (ctx) => (profileAtLeast(ctx.profile, '6.2') ? 1 : 0),
  plan: (ctx) => {
    const tableMax = ctx.msixTableSize ?? ctx.msiMax ?? 1;
    // The log's own count when the machine has it; the table still bounds the allocation.
    const io = Math.max(1, Math.min(ctx.statedQueues ?? ctx.cpus, tableMax - 1));
    const name = (i: number) => `nvme${ctx.instance}q${i}`;
    return [
      oneVector(['msix', 'msi', 'intx'], name),
      {
        modes: ['msix', 'msi', 'intx'],
        min: 1,
        max: 1 + io,
        managed: true,
        preVectors: 1,
        postVectors: 0,
        name,
      },
    ];
  },
};

export const nvmeEntry: DriverEntry = { model: nvme, ids: [{ classCode: /^0x010802$/ }] };
