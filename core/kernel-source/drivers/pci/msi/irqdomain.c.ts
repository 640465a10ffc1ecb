// Pseudo-source of drivers/pci/msi/irqdomain.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/msi/irqdomain.c',
  functions: {
    pci_msi_domain_write_msg: `static void pci_msi_domain_write_msg(struct irq_data *irq_data, struct msi_msg *msg)
{
    struct msi_desc *desc = irq_data_get_msi_desc(irq_data);

    /* Into the device: the MSI capability or the MSI-X table entry */
    if (desc->pci.msi_attrib.is_msix) {
        void __iomem *base = pci_msix_desc_addr(desc);
        writel(msg->address_lo, base + PCI_MSIX_ENTRY_LOWER_ADDR);
        writel(msg->address_hi, base + PCI_MSIX_ENTRY_UPPER_ADDR);
        writel(msg->data, base + PCI_MSIX_ENTRY_DATA);
    } else {
        pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, msg->address_lo);
        ...
        pci_write_config_word(dev, pos + PCI_MSI_DATA_32, msg->data);
    }
    desc->msg = *msg;
}`,
  },
};
