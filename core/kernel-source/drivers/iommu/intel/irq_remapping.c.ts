// Pseudo-source of drivers/iommu/intel/irq_remapping.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/iommu/intel/irq_remapping.c',
  functions: {
    intel_prepare_irq_remapping: `static int __init intel_prepare_irq_remapping(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    int eim = 0;

    if (irq_remap_broken) {
        pr_warn("This system BIOS has enabled interrupt remapping\\n"
                "on a chipset that contains an erratum making that\\n"
                "feature unstable. ...");                          @@log
        return -ENODEV;
    }

    if (dmar_table_init() < 0)
        return -ENODEV;

    if (!dmar_ir_support())
        return -ENODEV;

    if (parse_ioapics_under_ir()) {                                @@parse_ioapics_under_ir
        pr_info("Not enabling interrupt remapping\\n");
        goto error;
    }

    /* First make sure all IOMMUs support IRQ remapping */
    for_each_iommu(iommu, drhd)
        if (!ecap_ir_support(iommu->ecap))
            goto error;

    /* Detect remapping mode: lapic or x2apic */
    if (x2apic_supported()) {
        eim = !dmar_x2apic_optout();
        if (!eim) {
            pr_info("x2apic is disabled because BIOS sets x2apic opt out bit.");
            pr_info("Use 'intremap=no_x2apic_optout' to override the BIOS setting.\\n");
        }
    }

    for_each_iommu(iommu, drhd) {
        if (eim && !ecap_eim_support(iommu->ecap)) {
            pr_info("%s does not support EIM\\n", iommu->name);
            eim = 0;
        }
    }

    eim_mode = eim;
    if (eim)
        pr_info("Queued invalidation will be enabled to support x2apic and Intr-remapping.\\n");

    /* Do the initializations early */
    for_each_iommu(iommu, drhd) {
        if (intel_setup_irq_remapping(iommu)) {                    @@intel_setup_irq_remapping
            pr_err("Failed to setup irq remapping for %s\\n", iommu->name);
            goto error;
        }
    }
    return 0;

error:
    intel_cleanup_irq_remapping();
    return -ENODEV;
}`,
    intel_setup_irq_remapping: `static int intel_setup_irq_remapping(struct intel_iommu *iommu)
{
    struct ir_table *ir_table;
    struct fwnode_handle *fn;
    unsigned long *bitmap;
    struct page *pages;

    if (iommu->ir_table)
        return 0;

    ir_table = kzalloc(sizeof(struct ir_table), GFP_KERNEL);
    /* The 65536-entry interrupt remapping table */
    pages = alloc_pages_node(iommu->node, GFP_KERNEL | __GFP_ZERO,
                             INTR_REMAP_PAGE_ORDER);
    bitmap = bitmap_zalloc(INTR_REMAP_TABLE_ENTRIES, GFP_KERNEL);

    fn = irq_domain_alloc_named_id_fwnode("INTEL-IR", iommu->seq_id);
    /* INTEL-IR-n under VECTOR */
    iommu->ir_domain = irq_domain_create_hierarchy(arch_get_ir_parent_domain(),
                                                   0, INTR_REMAP_TABLE_ENTRIES,
                                                   fn, &intel_ir_domain_ops,
                                                   iommu);
    irq_domain_update_bus_token(iommu->ir_domain, DOMAIN_BUS_DMAR);
    /* and its PCI MSI domain, INTEL-IR-MSI-n-3 (before 6.2) */
    iommu->ir_msi_domain = arch_create_remap_msi_irq_domain(iommu->ir_domain,
                                                            "INTEL-IR-MSI",
                                                            iommu->seq_id);
    ir_table->base = page_address(pages);
    ir_table->bitmap = bitmap;
    iommu->ir_table = ir_table;
    return 0;
}`,
    parse_ioapics_under_ir: `static int __init parse_ioapics_under_ir(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    bool ir_supported = false;
    int ioapic_idx;

    for_each_iommu(iommu, drhd) {
        int ret;

        if (!ecap_ir_support(iommu->ecap))
            continue;

        ret = ir_parse_ioapic_hpet_scope(drhd->hdr, iommu);
            pr_info("IOAPIC id %d under DRHD base 0x%Lx IOMMU %d\\n", ...); @@log
        if (ret)
            return ret;

        ir_supported = true;
    }

    if (!ir_supported)
        return -ENODEV;

    for (ioapic_idx = 0; ioapic_idx < nr_ioapics; ioapic_idx++) {
        int ioapic_id = mpc_ioapic_id(ioapic_idx);
        if (!map_ioapic_to_iommu(ioapic_id)) {
            pr_err(FW_BUG "ioapic %d has no mapping iommu, "
                   "interrupt remapping will be disabled\\n", ioapic_id);
            return -1;
        }
    }
    return 0;
}`,
    intel_enable_irq_remapping: `static int __init intel_enable_irq_remapping(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    bool setup = false;

    /* Setup Interrupt-remapping for all the DRHD's now */
    for_each_iommu(iommu, drhd) {
        if (!ir_pre_enabled(iommu))
            iommu_enable_irq_remapping(iommu);   /* IRTA, SIRTP, IRE */
        setup = true;
    }

    if (!setup)
        goto error;

    irq_remapping_enabled = 1;
    set_irq_posting_cap();

    pr_info("Enabled IRQ remapping in %s mode\\n",
            eim_mode ? "x2apic" : "xapic");                @@log

    return eim_mode ? IRQ_REMAP_X2APIC_MODE : IRQ_REMAP_XAPIC_MODE;

error:
    intel_cleanup_irq_remapping();
    return -1;
}`,
    intel_irq_remapping_alloc: `static int intel_irq_remapping_alloc(struct irq_domain *domain,
                                     unsigned int virq, unsigned int nr_irqs,
                                     void *arg)
{
    struct intel_iommu *iommu = domain->host_data;
    struct irq_alloc_info *info = arg;
    struct intel_ir_data *data, *ird;
    struct irq_data *irq_data;
    struct irq_cfg *irq_cfg;
    int i, ret, index;

    if (!info || !iommu)
        return -EINVAL;
    if (nr_irqs > 1 && info->type != X86_IRQ_ALLOC_TYPE_PCI_MSI)
        return -EINVAL;

    /* The vector level first */
    ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg);  @@x86_vector_alloc_irqs
    if (ret < 0)
        return ret;

    ret = -ENOMEM;
    data = kzalloc(sizeof(*data), GFP_KERNEL);
    if (!data)
        goto out_free_parent;

    down_read(&dmar_global_lock);
    /* nr_irqs consecutive entries of the unit's table (a power of two) */
    index = alloc_irte(iommu, &data->irq_2_iommu, nr_irqs);         @@alloc_irte
    up_read(&dmar_global_lock);
    if (index < 0) {
        pr_warn("Failed to allocate IRTE\\n");
        kfree(data);
        goto out_free_parent;
    }

    for (i = 0; i < nr_irqs; i++) {
        irq_data = irq_domain_get_irq_data(domain, virq + i);
        irq_cfg = irqd_cfg(irq_data);
        if (!irq_data || !irq_cfg) {
            ret = -EINVAL;
            goto out_free_data;
        }

        if (i > 0) {
            ird = kzalloc(sizeof(*ird), GFP_KERNEL);
            if (!ird)
                goto out_free_data;
            /* Initialize the common data */
            ird->irq_2_iommu = data->irq_2_iommu;
            ird->irq_2_iommu.sub_handle = i;
        } else {
            ird = data;
        }

        /* hwirq = index << 16 | sub-handle; source-id from the requester */
        irq_data->hwirq = (index << 16) + i;
        irq_data->chip_data = ird;
        irq_data->chip = &intel_ir_chip;
        intel_irq_remapping_prepare_irte(ird, irq_cfg, info, index, i);
            -> set_msi_sid(irte, dev) / set_ioapic_sid() / set_hpet_sid()
        irq_set_status_flags(virq + i, IRQ_MOVE_PCNTXT);
    }
    return 0;

out_free_data:
    intel_free_irq_resources(domain, virq, i);
out_free_parent:
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
    return ret;
}`,
    intel_irq_remapping_free: `static void intel_irq_remapping_free(struct irq_domain *domain,
                                     unsigned int virq, unsigned int nr_irqs)
{
    intel_free_irq_resources(domain, virq, nr_irqs);
        -> free_irte(data->irq_2_iommu);     /* clear the entries, free the bits */
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
        -> irq_domain_free_irqs_parent(): x86_vector_free_irqs(...);  @@x86_vector_free_irqs
}`,
    intel_irq_remapping_activate: `static int intel_irq_remapping_activate(struct irq_domain *domain,
                                        struct irq_data *irq_data, bool reserve)
{
    /* The parent (VECTOR) is activated: its vector and CPU go in the IRTE */
    intel_ir_reconfigure_irte(irq_data, true);
        struct intel_ir_data *ir_data = irqd->chip_data;
        struct irte *irte = &ir_data->irte_entry;
        struct irq_cfg *cfg = irqd_cfg(irqd);

        irte->vector = cfg->vector;
        irte->dest_id = IRTE_DEST(cfg->dest_apicid);
        /* Update the hardware only if the interrupt is in remapped mode. */
        if (force || ir_data->irq_2_iommu.mode == IRQ_REMAPPING)
            modify_irte(&ir_data->irq_2_iommu, irte);         @@modify_irte
    return 0;
}`,
    intel_irq_remapping_deactivate: `static void intel_irq_remapping_deactivate(struct irq_domain *domain,
                                           struct irq_data *irq_data)
{
    struct intel_ir_data *data = irq_data->chip_data;
    struct irte entry;

    /* The entry cleared: Present = 0 */
    memset(&entry, 0, sizeof(entry));
    modify_irte(&data->irq_2_iommu, &entry);                @@state:irte_cleared
}`,
    alloc_irte: `static int alloc_irte(struct intel_iommu *iommu,
                      struct irq_2_iommu *irq_iommu, u16 count)
{
    struct ir_table *table = iommu->ir_table;
    unsigned int mask = 0;
    unsigned long flags;
    int index;

    if (!count || !irq_iommu)
        return -1;

    if (count > 1) {
        count = __roundup_pow_of_two(count);
        mask = ilog2(count);
    }

    if (mask > ecap_max_handle_mask(iommu->ecap)) {
        pr_err("Requested mask %x exceeds the max invalidation handle"
               " mask value %Lx\\n", mask, ecap_max_handle_mask(iommu->ecap));
        return -1;
    }

    raw_spin_lock_irqsave(&irq_2_ir_lock, flags);
    /* The lowest free, naturally aligned run of entries */
    index = bitmap_find_free_region(table->bitmap,
                                    INTR_REMAP_TABLE_ENTRIES, mask);
    if (index < 0) {
        pr_warn("IR%d: can't allocate an IRTE\\n", iommu->seq_id);
    } else {
        irq_iommu->iommu = iommu;
        irq_iommu->irte_index =  index;
        irq_iommu->sub_handle = 0;
        irq_iommu->irte_mask = mask;
        irq_iommu->mode = IRQ_REMAPPING;
    }
    raw_spin_unlock_irqrestore(&irq_2_ir_lock, flags);
    return index;
}`,
    modify_irte: `static int modify_irte(struct irq_2_iommu *irq_iommu,
                       struct irte *irte_modified)
{
    struct intel_iommu *iommu;
    unsigned long flags;
    struct irte *irte;
    int rc, index;

    if (!irq_iommu)
        return -1;

    raw_spin_lock_irqsave(&irq_2_ir_lock, flags);
    iommu = irq_iommu->iommu;
    index = irq_iommu->irte_index + irq_iommu->sub_handle;
    irte = &iommu->ir_table->base[index];

    /* Present, vector, destination, source-id (SID, SQ, SVT) */
    WRITE_ONCE(irte->low, irte_modified->low);
    WRITE_ONCE(irte->high, irte_modified->high);
    __iommu_flush_cache(iommu, irte, sizeof(*irte));

    rc = qi_flush_iec(iommu, index, 0);
    raw_spin_unlock_irqrestore(&irq_2_ir_lock, flags);
    return rc;
}`,
    intel_irq_remap_add_device: `void intel_irq_remap_add_device(struct dmar_pci_notify_info *info)
{
    if (!irq_remapping_enabled || !pci_dev_has_default_msi_parent_domain(info->dev))
        return;

    /* The device's MSI domain: the IR MSI domain of the unit in whose scope it is */
    dev_set_msi_domain(&info->dev->dev, map_dev_to_ir(info->dev));
        -> dmar_find_matched_drhd_unit(dev);     @@dmar_find_matched_drhd_unit
}`,
  },
};
