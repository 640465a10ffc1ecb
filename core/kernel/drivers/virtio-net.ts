// virtio-net over virtio-pci. Follows drivers/net/virtio_net.c and
// drivers/virtio/virtio_pci_common.c (vp_find_vqs_msix); Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel } from './types';
import { virtioSharedFallback } from './virtio-common';

/** drivers/net/virtio_net.c + drivers/virtio/virtio_pci_common.c vp_find_vqs_msix: one vector for
 * config changes, one per virtqueue with a callback: rx and tx of every queue pair the device
 * offers (the control vq has none), whatever the number of CPUs. QEMU's multiqueue device is
 * given (MSI-X table size - 2) / 2 pairs. Unmanaged; the affinity hints set later are pending
 * moves that take effect at the next interrupt. */
const virtioNet: DriverModel = {
  name: 'virtio-pci',
  transport: 'virtio-pci',
  module: 'virtio_net',
  instanceKind: 'virtio',
  netdev: true,
  plan: (ctx) => {
    // Vectors are requested for every queue pair the device offers, not only the ones in use.
    const maxPairs = Math.max(1, Math.floor(((ctx.msixTableSize ?? 3) - 2) / 2));
    const n = 1 + 2 * maxPairs;
    return [
      {
        modes: ['msix'],
        min: n,
        max: n,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) =>
          i === 0
            ? `virtio${ctx.instance}-config`
            : `virtio${ctx.instance}-${i % 2 === 1 ? 'input' : 'output'}.${(i - 1) >> 1}`,
        // virtnet_set_affinity(): queue pair q of the ones in use is hinted to CPU q.
        affinityHint: (i) => {
          const pair = (i - 1) >> 1;
          return i > 0 && pair < Math.min(maxPairs, ctx.cpus) ? pair : null;
        },
        // vp_find_vqs: two shared vectors, then the pin.
        fallback: virtioSharedFallback(ctx),
      },
    ];
  },
};

export const virtioNetEntry: DriverEntry = {
  model: virtioNet,
  ids: [{ vendorDevice: /^1af4:(1000|1041)$/ }],
};
