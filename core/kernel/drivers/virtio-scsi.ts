// virtio-scsi over virtio-pci. Follows drivers/scsi/virtio_scsi.c (virtscsi_probe, virtscsi_init)
// and drivers/virtio/virtio_pci_common.c (vp_find_vqs_msix); Linux 4.19 to mainline.
import { type DriverEntry, type DriverModel } from './types';
import { virtioSharedFallback } from './virtio-common';

/**
 * virtscsi_init: the virtqueues "control", "event" and one "request" per queue (num_queues =
 * min(device num_queues, nr_cpu_ids)), with irq_affinity pre_vectors = 2 (control, event);
 * vp_find_vqs_msix adds the config vector in front (pre_vectors 3) and spreads the request
 * vectors (managed). Every request vector is named "virtio<N>-request" (the vq name, no index).
 * QEMU's device offers num_queues + 3 MSI-X vectors, so queues = table size - 3.
 */
const virtioScsi: DriverModel = {
  name: 'virtio-pci',
  transport: 'virtio-pci',
  module: 'virtio_scsi',
  instanceKind: 'virtio',
  scsiHosts: () => 1,
  plan: (ctx) => {
    const deviceQueues = Math.max(1, (ctx.msixTableSize ?? 4) - 3);
    const queues = Math.min(deviceQueues, ctx.cpus);
    const fixed = ['config', 'control', 'event'];
    return [
      {
        modes: ['msix'],
        min: 3 + queues,
        max: 3 + queues,
        managed: true,
        preVectors: 3,
        postVectors: 0,
        name: (i) => `virtio${ctx.instance}-${fixed[i] ?? 'request'}`,
        // vp_find_vqs: two shared vectors, then the pin.
        fallback: virtioSharedFallback(ctx),
      },
    ];
  },
};

export const virtioScsiEntry: DriverEntry = {
  model: virtioScsi,
  ids: [{ vendorDevice: /^1af4:(1004|1048)$/ }],
};
