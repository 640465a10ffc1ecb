// VMware PVSCSI. Follows drivers/scsi/vmw_pvscsi.c (pvscsi_probe); Linux 4.12 to mainline (the
// pci_alloc_irq_vectors form).
import { type DriverEntry, type DriverModel, oneVector } from './types';

/** pvscsi_probe: pci_alloc_irq_vectors(1, 1, PCI_IRQ_ALL_TYPES) — one MSI-X, MSI or pin vector —
 * then request_irq(..., "vmw_pvscsi") (IRQF_SHARED on the pin), printing which it got. */
const pvscsi: DriverModel = {
  name: 'vmw_pvscsi',
  instanceKind: 'other',
  scsiHosts: () => 1,
  log: (_ctx, stage, _nvec, mode) =>
    stage === 'allocated'
      ? [`vmw_pvscsi: using ${mode === 'msix' ? 'MSI-X' : mode === 'msi' ? 'MSI' : 'INTx'}`]
      : [],
  plan: () => [oneVector(['msix', 'msi', 'intx'], () => 'vmw_pvscsi')],
};

export const pvscsiEntry: DriverEntry = { model: pvscsi, ids: [{ vendorDevice: /^15ad:07c0$/ }] };
