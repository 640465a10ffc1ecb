// What every virtio-pci driver falls back to when its per-virtqueue vectors cannot be had.
// Follows drivers/virtio/virtio_pci_common.c (vp_find_vqs, vp_find_vqs_msix, vp_find_vqs_intx);
// Linux 4.4 to mainline.
import { oneVector, type DriverContext, type IrqRequestPlan } from './types';

/**
 * vp_find_vqs: after vp_find_vqs_msix(per_vq_vectors = true) fails, vp_find_vqs_msix(false):
 * two unmanaged MSI-X vectors, "virtio<N>-config" and one shared by every virtqueue,
 * "virtio<N>-virtqueues"; then, if the function has a pin, vp_find_vqs_intx: the pin, shared,
 * named dev_name(), "virtio<N>".
 */
export function virtioSharedFallback(ctx: DriverContext): IrqRequestPlan {
  return {
    modes: ['msix'],
    min: 2,
    max: 2,
    managed: false,
    preVectors: 0,
    postVectors: 0,
    name: (i) => `virtio${ctx.instance}-${i === 0 ? 'config' : 'virtqueues'}`,
    fallback: oneVector('intx', () => `virtio${ctx.instance}`),
  };
}
