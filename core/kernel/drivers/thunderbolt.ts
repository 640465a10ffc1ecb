// Thunderbolt / USB4 host interface (NHI). Follows drivers/thunderbolt/nhi.c (nhi_init_msi,
// ring_request_msix) and ctl.c (tb_ctl_alloc); Linux 4.15 (MSI-X, 046bee1f9ab8) to mainline.
import { type DriverEntry, type DriverModel, oneVector } from './types';

/** MSIX_MIN_VECS / MSIX_MAX_VECS: one vector per ring, 16 rings. */
const MSIX_MIN_VECS = 6;
const MSIX_MAX_VECS = 16;

/**
 * nhi_init_msi(): pci_alloc_irq_vectors(MSIX_MIN_VECS, MSIX_MAX_VECS, PCI_IRQ_MSIX); each ring
 * request_irq()s its own vector ("thunderbolt") when it is allocated, and at probe only the
 * control channel's TX and RX rings are (tb_ctl_alloc): 2 of the vectors get an action, the
 * others wait for DMA users (thunderbolt-net, XDomain). Without MSI-X: one MSI, requested at once
 * as "thunderbolt" (nhi_msi).
 */
const thunderbolt: DriverModel = {
  name: 'thunderbolt',
  instanceKind: 'other',
  plan: () => [
    {
      modes: ['msix'],
      min: MSIX_MIN_VECS,
      max: MSIX_MAX_VECS,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: () => 'thunderbolt',
      // The control channel's two rings; the other vectors wait for a user (tb_ring_alloc).
      requested: (i) => i < 2,
      fallback: oneVector('msi', () => 'thunderbolt'),
    },
  ],
};

/** nhi_ids: Intel NHIs from Cactus Ridge to Meteor Lake (the older ones with class
 * PCI_CLASS_SYSTEM_OTHER, which they have), and any USB4 host (PCI_CLASS_SERIAL_USB_USB4). */
export const thunderboltEntry: DriverEntry = {
  model: thunderbolt,
  ids: [
    {
      vendorDevice:
        /^8086:(151a|151b|1547|156a|156c|1575|1577|15bf|15d2|15d9|15e8|15eb|1134|1137|8a0d|8a17|9a1b|9a1d|9a1f|9a21|463e|466d|a73e|a76d|7eb2|7ec2|7ec3)$/,
    },
    { classCode: /^0x0c0340$/ },
  ],
};
