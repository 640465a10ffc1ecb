// drivers/pci/msi (6.2 PCI/IMS series): a patch series, not a file of a release tree.
import type { KernelSourceFile } from '../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/msi (6.2 PCI/IMS series)',
  functions: {
    ims_alloc_store: `int pci_ims_alloc_irq(struct pci_dev *pdev, union msi_instance_cookie *icookie,
                      const struct irq_affinity_desc *affdesc)
{
    /* The device's IMS domain (IMS_ARRAY: slots in the device's MMIO;
       IMS_QUEUE: messages kept in memory, pushed by a command) */
    struct irq_domain *domain = pci_ims_domain(pdev);
    ...
    for each free slot:
        virq = __irq_domain_alloc_irqs(domain, -1, 1, dev_to_node(&pdev->dev),
                                       &arg, false, affdesc);      @@__irq_domain_alloc_irqs
        if (virq < 0)
            return virq;
    return nvec;
}`,
  },
};
