// Pseudo-source of drivers/pci/msi/api.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/msi/api.c',
  functions: {
    pci_alloc_irq_vectors_affinity: `int pci_alloc_irq_vectors_affinity(struct pci_dev *dev, unsigned int min_vecs,
                                   unsigned int max_vecs, unsigned int flags,
                                   struct irq_affinity *affd)
{
    struct irq_affinity msi_default_affd = {0};
    int nvecs = -ENOSPC;

    if (flags & PCI_IRQ_AFFINITY) {
        if (!affd)
            affd = &msi_default_affd;
    }

    if (flags & PCI_IRQ_MSIX) {
        nvecs = __pci_enable_msix_range(dev, NULL, min_vecs, max_vecs,
                                        affd, flags);               @@__pci_enable_msix_range
        if (nvecs > 0)
            return nvecs;
    }

    if (flags & PCI_IRQ_MSI) {
        nvecs = __pci_enable_msi_range(dev, min_vecs, max_vecs, affd); @@__pci_enable_msi_range
        if (nvecs > 0)
            return nvecs;
    }

    /* use INTx IRQ if allowed */
    if (flags & PCI_IRQ_LEGACY) {
        if (min_vecs == 1 && dev->irq) {
            pci_intx(dev, 1);
            return 1;
        }
    }
    return nvecs;
}`,
    pci_free_irq_vectors: `void pci_free_irq_vectors(struct pci_dev *dev)
{
    pci_disable_msix(dev);
    pci_disable_msi(dev);
        -> msi_domain_free_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN);
           -> irq_domain_free_irqs(desc->irq, desc->nvec_used);   @@irq_domain_free_irqs
}`,
  },
};
