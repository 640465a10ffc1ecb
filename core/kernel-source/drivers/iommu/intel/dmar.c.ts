// Pseudo-source of drivers/iommu/intel/dmar.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/iommu/intel/dmar.c',
  functions: {
    dmar_msi_write_msg: `void dmar_msi_write(int irq, struct msi_msg *msg)
{
    struct intel_iommu *iommu = irq_get_handler_data(irq);
    int reg = dmar_msi_reg(iommu, irq);       /* DMAR_FEDATA_REG ... */
    unsigned long flag;

    raw_spin_lock_irqsave(&iommu->register_lock, flag);
    writel(msg->data, iommu->reg + reg + 4);
    writel(msg->address_lo, iommu->reg + reg + 8);
    writel(msg->address_hi, iommu->reg + reg + 12);
    raw_spin_unlock_irqrestore(&iommu->register_lock, flag);
}`,
    enable_drhd_fault_handling: `int __init enable_drhd_fault_handling(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;

    /* Enable fault control interrupt. */
    for_each_iommu(iommu, drhd) {
        u32 fault_status;
        int ret = dmar_set_interrupt(iommu);                 @@dmar_set_interrupt

        if (ret) {
            pr_err("DRHD %Lx: failed to enable fault, interrupt, ret %d\\n",
                   (unsigned long long)drhd->reg_base_addr, ret);   @@log
            return -1;
        }

        /* Clear any previous faults. */
        dmar_fault(iommu->irq, iommu);
        fault_status = readl(iommu->reg + DMAR_FSTS_REG);
        writel(fault_status, iommu->reg + DMAR_FSTS_REG);
    }
    return 0;
}`,
    dmar_set_interrupt: `int dmar_set_interrupt(struct intel_iommu *iommu)
{
    int irq, ret;

    /* Check if the fault interrupt is already initialized. */
    if (iommu->irq)
        return 0;

    irq = dmar_alloc_hwirq(iommu->seq_id, iommu->node, iommu);   @@dmar_alloc_hwirq
    if (irq > 0) {
        iommu->irq = irq;
    } else {
        pr_err("No free IRQ vectors\\n");                         @@log
        return -EINVAL;
    }

    ret = request_irq(irq, dmar_fault, IRQF_NO_THREAD, iommu->name, iommu); @@request_irq
    if (ret)
        pr_err("Can't request irq\\n");
    return ret;
}`,
    dmar_fault: `irqreturn_t dmar_fault(int irq, void *dev_id)
{
    struct intel_iommu *iommu = dev_id;
    int reg, fault_index;
    u32 fault_status;
    unsigned long flag;

    raw_spin_lock_irqsave(&iommu->register_lock, flag);
    fault_status = readl(iommu->reg + DMAR_FSTS_REG);
    if (fault_status && __ratelimit(&rs))
        pr_err("DRHD: handling fault status reg %x\\n", fault_status);   @@log

    /* TBD: ignore advanced fault log currently */
    if (!(fault_status & DMA_FSTS_PPF))
        goto unlock_exit;

    fault_index = dma_fsts_fault_record_index(fault_status);
    reg = cap_fault_reg_offset(iommu->cap);
    while (1) {
        /* Disable printing, simply clear the fault when ratelimited */
        bool ratelimited = !__ratelimit(&rs);
        u8 fault_reason;
        u16 source_id;
        u64 guest_addr;
        int type, pasid;
        u32 data;

        /* highest 32 bits */
        data = readl(iommu->reg + reg + fault_index * PRIMARY_FAULT_REG_LEN + 12);
        if (!(data & DMA_FRCD_F))
            break;

        if (!ratelimited) {
            fault_reason = dma_frcd_fault_reason(data);
            type = dma_frcd_type(data);
            ...
            dmar_fault_do_one(iommu, type, fault_reason, pasid, source_id, guest_addr);
                pr_err("[INTR-REMAP] Request device [%02x:%02x.%d] fault index 0x%llx "
                       "[fault reason 0x%02x] %s\\n", ...);
        }
        fault_index++;
        if (fault_index >= cap_num_fault_regs(iommu->cap))
            fault_index = 0;
    }
unlock_exit:
    raw_spin_unlock_irqrestore(&iommu->register_lock, flag);
    return IRQ_HANDLED;
}`,
    dmar_dev_scope_init: `int __init dmar_dev_scope_init(void)
{
    struct pci_dev *dev = NULL;
    struct dmar_pci_notify_info *info;

    if (dmar_dev_scope_status != 1)
        return dmar_dev_scope_status;

    if (list_empty(&dmar_drhd_units)) {
        dmar_dev_scope_status = -ENODEV;
    } else {
        dmar_dev_scope_status = 0;
        dmar_acpi_dev_scope_init();

        for_each_pci_dev(dev) {
            if (dev->is_virtfn)
                continue;
            info = dmar_alloc_pci_notify_info(dev, BUS_NOTIFY_ADD_DEVICE);
            if (!info) {
                pci_dev_put(dev);
                return dmar_dev_scope_status;
            } else {
                dmar_pci_bus_add_dev(info);                      @@dmar_pci_bus_add_dev
                dmar_free_pci_notify_info(info);
            }
        }
    }
    return dmar_dev_scope_status;
}`,
    dmar_pci_bus_add_dev: `static int dmar_pci_bus_add_dev(struct dmar_pci_notify_info *info)
{
    int ret = 0;
    struct dmar_drhd_unit *dmaru;
    struct acpi_dmar_hardware_unit *drhd;

    for_each_drhd_unit(dmaru) {
        if (dmaru->include_all)
            continue;
        drhd = container_of(dmaru->hdr, struct acpi_dmar_hardware_unit, header);
        ret = dmar_insert_dev_scope(info, (void *)(drhd + 1),
                                    ((void *)drhd) + drhd->header.length,
                                    dmaru->segment, dmaru->devices,
                                    dmaru->devices_cnt);
        if (ret)
            break;
    }
    if (ret >= 0)
        ret = dmar_iommu_notify_scope_dev(info);
    if (ret < 0 && dmar_dev_scope_status == 0)
        dmar_dev_scope_status = ret;

    if (ret >= 0)
        intel_irq_remap_add_device(info);               @@intel_irq_remap_add_device
    return ret;
}`,
    dmar_find_matched_drhd_unit: `struct dmar_drhd_unit *dmar_find_matched_drhd_unit(struct pci_dev *dev)
{
    struct dmar_drhd_unit *dmaru;
    struct acpi_dmar_hardware_unit *drhd;

    dev = pci_physfn(dev);       /* a VF: its PF's unit */

    rcu_read_lock();
    for_each_drhd_unit(dmaru) {
        drhd = container_of(dmaru->hdr, struct acpi_dmar_hardware_unit, header);

        if (dmaru->include_all &&
            drhd->segment == pci_domain_nr(dev->bus))
            goto out;

        if (dmar_pci_device_match(dmaru->devices, dmaru->devices_cnt, dev))
            goto out;
    }
    dmaru = NULL;
out:
    rcu_read_unlock();
    return dmaru;
}`,
  },
};
