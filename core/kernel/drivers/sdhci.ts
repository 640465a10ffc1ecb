// SD/MMC host controllers on PCI. Follows drivers/mmc/host/sdhci-pci-core.c (sdhci_pci_probe,
// sdhci_pci_probe_slot), sdhci-pci-gli.c (gli_pcim_choose_msi) and sdhci.c (__sdhci_add_host);
// Linux 4.4 to mainline.
import { type DriverEntry, single } from './types';

/**
 * One slot (the usual case; a multi-slot chip has one host per slot sharing the vector) named by
 * its host's index, mmc_hostname(): request_threaded_irq(host->irq, ..., IRQF_SHARED, "mmc<N>").
 * The core uses the function's INTx (pdev->irq) ...
 */
const sdhciIntx = single('sdhci-pci', 'mmc', ['intx'], (ctx) => `mmc${ctx.instance}`);

/** ... except Genesys Logic chips, whose probe_slot takes one MSI (or MSI-X) first
 * (gli_pcim_choose_msi: pci_alloc_irq_vectors(1, 1, PCI_IRQ_MSI | PCI_IRQ_MSIX), 5.7+). */
const sdhciGli = single('sdhci-pci', 'mmc', ['msix', 'msi', 'intx'], (ctx) => `mmc${ctx.instance}`);

/** Genesys Logic GL9750, GL9755, GL9763E, GL9767 (vendor 17a0). */
export const sdhciGliEntry: DriverEntry = {
  model: sdhciGli,
  ids: [{ vendorDevice: /^17a0:(9750|9755|e763|9767)$/ }],
};

/** pci_ids[] ends with SDHCI_PCI_DEVICE_CLASS: any SD host (class 0x0805xx). */
export const sdhciEntry: DriverEntry = { model: sdhciIntx, ids: [{ classCode: /^0x0805/ }] };
