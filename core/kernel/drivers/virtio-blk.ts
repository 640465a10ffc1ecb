// virtio-blk over virtio-pci. Follows drivers/block/virtio_blk.c (init_vq); Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel } from './types';
import { virtioSharedFallback } from './virtio-common';

/** drivers/block/virtio_blk.c init_vq: num_vqs = min(device num_queues, nr_cpu_ids); vectors for
 * config + each request queue, managed spreading with pre_vectors = 1 (the config vector). */
const virtioBlk: DriverModel = {
  name: 'virtio-pci',
  transport: 'virtio-pci',
  module: 'virtio_blk',
  instanceKind: 'virtio',
  log: (ctx, stage, nvec) =>
    stage === 'allocated'
      ? [`virtio_blk virtio${ctx.instance}: ${nvec - 1}/0/0 default/read/poll queues`]
      : [],
  plan: (ctx) => {
    const deviceQueues = Math.max(1, (ctx.msixTableSize ?? 2) - 1);
    const queues = Math.min(deviceQueues, ctx.cpus);
    return [
      {
        modes: ['msix'],
        min: 1 + queues,
        max: 1 + queues,
        managed: true,
        preVectors: 1,
        postVectors: 0,
        name: (i) =>
          i === 0 ? `virtio${ctx.instance}-config` : `virtio${ctx.instance}-req.${i - 1}`,
        // vp_find_vqs: two shared vectors, then the pin.
        fallback: virtioSharedFallback(ctx),
      },
    ];
  },
};

export const virtioBlkEntry: DriverEntry = {
  model: virtioBlk,
  ids: [{ vendorDevice: /^1af4:(1001|1042)$/ }],
};
