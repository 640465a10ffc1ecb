// Pseudo-source of drivers/pci/msi/msi.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/msi/msi.c',
  functions: {
    __pci_enable_msix_range: `int __pci_enable_msix_range(struct pci_dev *dev, struct msix_entry *entries,
                            int minvec, int maxvec, struct irq_affinity *affd,
                            int flags)
{
    int hwsize, rc, nvec = maxvec;

    if (maxvec < minvec)
        return -ERANGE;
    if (WARN_ON_ONCE(dev->msix_enabled))
        return -EINVAL;
    /* The device's MSI domain: PCI-MSI, or the IR domain of its DRHD */
    if (!pci_msi_domain_supports(dev, MSI_FLAG_PCI_MSIX, ALLOW_LEGACY))
        return -ENOTSUPP;

    hwsize = pci_msix_vec_count(dev);
    if (hwsize < 0)
        return hwsize;
    if (nvec > hwsize)
        nvec = hwsize;
    if (nvec < minvec)
        return -ENOSPC;

    for (;;) {
        if (affd) {
            nvec = irq_calc_affinity_vectors(minvec, nvec, affd);
            if (nvec < minvec)
                return -ENOSPC;
        }
        rc = msix_capability_init(dev, entries, nvec, affd);
            -> msi_domain_alloc_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN, nvec);
               -> __msi_domain_alloc_irqs(dev, domain, ctrl);   @@__msi_domain_alloc_irqs
        if (rc == 0)
            return nvec;
        if (rc < 0)
            return rc;
        if (rc < minvec)
            return -ENOSPC;
        nvec = rc;
    }
}`,
    __pci_enable_msi_range: `int __pci_enable_msi_range(struct pci_dev *dev, int minvec, int maxvec,
                           struct irq_affinity *affd)
{
    int nvec;
    int rc;

    if (!pci_msi_supported(dev, minvec) || dev->current_state != PCI_D0)
        return -EINVAL;
    if (dev->msix_enabled) {
        pci_info(dev, "can't enable MSI (MSI-X already enabled)\\n");
        return -EINVAL;
    }
    if (maxvec < minvec)
        return -ERANGE;

    nvec = pci_msi_vec_count(dev);
    if (nvec < 0)
        return nvec;
    if (nvec < minvec)
        return -ENOSPC;
    if (nvec > maxvec)
        nvec = maxvec;

    for (;;) {
        if (affd) {
            nvec = irq_calc_affinity_vectors(minvec, nvec, affd);
            if (nvec < minvec)
                return -ENOSPC;
        }
        rc = msi_capability_init(dev, nvec, affd);
            -> msi_domain_alloc_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN, nvec);
               -> __msi_domain_alloc_irqs(dev, domain, ctrl);   @@__msi_domain_alloc_irqs
        if (rc == 0)
            return nvec;
        if (rc < 0)
            return rc;
        if (rc < minvec)
            return -ENOSPC;
        nvec = rc;
    }
}`,
  },
};
