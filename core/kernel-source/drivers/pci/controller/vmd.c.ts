// Pseudo-source of drivers/pci/controller/vmd.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/controller/vmd.c',
  functions: {
    vmd_enable_domain: `static int vmd_enable_domain(struct vmd_dev *vmd, unsigned long features)
{
    struct pci_sysdata *sd = &vmd->sysdata;
    struct resource *res;
    u32 upper_bits;
    unsigned long flags;
    LIST_HEAD(resources);
    resource_size_t offset[2] = {0};
    resource_size_t membar2_offset = 0x2000;
    struct pci_bus *child;
    struct pci_dev *dev;
    int ret;

    ...
    /* Without bypass: the VMD-MSI domain (no parent) muxes the children's
       interrupts onto the VMD's own MSI-X vectors */
    if (!vmd->msix_count || !(features & VMD_FEAT_CAN_BYPASS_MSI_REMAP))
        ret = vmd_create_irq_domain(vmd);
    else
        vmd_set_msi_remapping(vmd, false);   /* children use the IR domain */

    pci_add_resource(&resources, &vmd->resources[0]);
    ...
    vmd->bus = pci_create_root_bus(&vmd->dev->dev, vmd->busn_start,
                                   &vmd_ops, sd, &resources);
    dev_info(..., "PCI host bridge to bus %04x:%02x\\n", ...);    @@log
    ...
    pci_scan_child_bus(vmd->bus);
    vmd_acpi_begin();
    pci_assign_unassigned_bus_resources(vmd->bus);
    pci_walk_bus(vmd->bus, vmd_pm_enable_quirk, &features);
    pci_bus_add_devices(vmd->bus);
    vmd_acpi_end();
    return 0;
}`,
    vmd_msi_init: `static int vmd_msi_init(struct irq_domain *domain, struct msi_domain_info *info,
                        unsigned int virq, irq_hw_number_t hwirq,
                        msi_alloc_info_t *arg)
{
    struct msi_desc *desc = arg->desc;
    struct vmd_dev *vmd = vmd_from_bus(msi_desc_to_pci_dev(desc)->bus);
    struct vmd_irq *vmdirq = kzalloc(sizeof(*vmdirq), GFP_KERNEL);

    if (!vmdirq)
        return -ENOMEM;

    INIT_LIST_HEAD(&vmdirq->node);
    /* The child's irq rides on one of the VMD's vectors */
    vmdirq->irq = vmd_next_irq(vmd, desc);
    vmdirq->virq = virq;

    irq_domain_set_info(domain, virq, vmdirq->irq->virq, info->chip, vmdirq,
                        handle_untracked_irq, vmd, NULL);
    return 0;
}`,
  },
};
