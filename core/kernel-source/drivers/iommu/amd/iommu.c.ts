// Pseudo-source of drivers/iommu/amd/iommu.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/iommu/amd/iommu.c',
  functions: {
    irq_remapping_alloc: `static int irq_remapping_alloc(struct irq_domain *domain, unsigned int virq,
                               unsigned int nr_irqs, void *arg)
{
    struct irq_alloc_info *info = arg;
    struct irq_data *irq_data;
    struct amd_ir_data *data = NULL;
    struct amd_iommu *iommu;
    struct irq_cfg *cfg;
    int i, ret, devid, seg, sbdf;
    int index;

    if (!info)
        return -EINVAL;
    if (nr_irqs > 1 && info->type != X86_IRQ_ALLOC_TYPE_PCI_MSI)
        return -EINVAL;

    sbdf = get_devid(info);
    if (sbdf < 0)
        return -EINVAL;
    iommu = __rlookup_amd_iommu(seg, devid);
    if (!iommu)
        return -EINVAL;

    ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg); @@x86_vector_alloc_irqs
    if (ret < 0)
        return ret;

    if (info->type == X86_IRQ_ALLOC_TYPE_IOAPIC) {
        /* IOAPIC pins: the index is the pin */
        index = info->ioapic.pin;
    } else {
        bool align = (info->type == X86_IRQ_ALLOC_TYPE_PCI_MSI);
        /* the device's own table */
        index = alloc_irq_index(iommu, devid, nr_irqs, align,
                                msi_desc_to_pci_dev(info->desc));  @@alloc_irq_index
    }
    if (index < 0) {
        pr_warn("Failed to allocate IRTE\\n");                      @@log
        ret = index;
        goto out_free_parent;
    }
    /* hwirq, chip AMD-IR, the entry prepared */
    ...
    return 0;

out_free_parent:
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
    return ret;
}`,
    alloc_irq_index: `static int alloc_irq_index(struct amd_iommu *iommu, u16 devid, int count,
                           bool align, struct pci_dev *pdev)
{
    struct irq_remap_table *table;
    int index, c, alignment = 1;
    unsigned long flags;

    table = alloc_irq_table(iommu, devid, pdev);   /* per device */
    if (!table)
        return -ENODEV;

    if (align)
        alignment = roundup_pow_of_two(count);

    raw_spin_lock_irqsave(&table->lock, flags);
    /* Scan table for free entries */
    for (index = ALIGN(table->min_index, alignment), c = 0;
         index < MAX_IRQS_PER_TABLE;) {
        if (!iommu->irte_ops->is_allocated(table, index)) {
            c += 1;
        } else {
            c     = 0;
            index = ALIGN(index + 1, alignment);
            continue;
        }
        if (c == count) {
            for (; c != 0; --c)
                iommu->irte_ops->set_allocated(table, index - c + 1);
            index -= count - 1;
            goto out;
        }
        index++;
    }
    index = -ENOSPC;
out:
    raw_spin_unlock_irqrestore(&table->lock, flags);
    return index;
}`,
  },
};
