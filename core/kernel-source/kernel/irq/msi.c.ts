// Pseudo-source of kernel/irq/msi.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/msi.c',
  functions: {
    msi_domain_alloc: `static int msi_domain_alloc(struct irq_domain *domain, unsigned int virq,
                            unsigned int nr_irqs, void *arg)
{
    struct msi_domain_info *info = domain->host_data;
    struct msi_domain_ops *ops = info->ops;
    irq_hw_number_t hwirq = ops->get_hwirq(info, arg);   /* NULL: BUG, RIP 0x0 */ @@fault:oops @@log
    int i, ret;

    if (irq_find_mapping(domain, hwirq) > 0)
        return -EEXIST;

    if (domain->parent) {
        ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg); @@x86_vector_alloc_irqs @@intel_irq_remapping_alloc @@irq_remapping_alloc
        if (ret < 0)
            return ret;
    }

    for (i = 0; i < nr_irqs; i++) {
        ret = ops->msi_init(domain, info, virq + i, hwirq + i, arg);
        if (ret < 0) {
            if (ops->msi_free) {
                for (i--; i > 0; i--)
                    ops->msi_free(domain, info, virq + i);
            }
            irq_domain_free_irqs_top(domain, virq, nr_irqs);
            return ret;
        }
    }
    return 0;
}`,
    msi_domain_activate: `static int msi_domain_activate(struct irq_domain *domain,
                               struct irq_data *irq_data, bool early)
{
    struct msi_msg msg[2] = { [1] = { }, };

    BUG_ON(irq_chip_compose_msi_msg(irq_data, msg));
        /* the first chip from the top that composes: VECTOR (compatibility
           format, __irq_msi_compose_msg) or INTEL-IR (remappable format) */
        -> __irq_msi_compose_msg(apicd, msg, false);      @@__irq_msi_compose_msg
    msi_check_level(irq_data->domain, msg);
    irq_chip_write_msi_msg(irq_data, msg);
        PCI-MSI(X):  pci_msi_domain_write_msg(irq_data, msg);   @@pci_msi_domain_write_msg
        DMAR-MSI:    dmar_msi_write_msg(irq_data, msg);         @@dmar_msi_write_msg
        HPET-MSI:    hpet_msi_write_msg(irq_data, msg);         @@hpet_msi_write_msg
        IMS:         the slot (IMS_ARRAY) or its shadow (IMS_QUEUE) @@state:ims_slot_written @@state:ims_shadow_written
    return 0;
}`,
    msi_domain_deactivate: `static void msi_domain_deactivate(struct irq_domain *domain,
                                  struct irq_data *irq_data)
{
    struct msi_msg msg[2];

    memset(msg, 0, sizeof(msg));
    irq_chip_write_msi_msg(irq_data, msg);     /* address/data = 0 */ @@pci_msi_domain_write_msg
}`,
    __msi_domain_alloc_irqs: `static int __msi_domain_alloc_irqs(struct device *dev, struct irq_domain *domain,
                                   struct msi_ctrl *ctrl)
{
    struct msi_domain_info *info = domain->host_data;
    struct msi_domain_ops *ops = info->ops;
    unsigned int vflags = 0, allocated = 0;
    msi_alloc_info_t arg = { };
    struct msi_desc *desc;
    int i, ret, virq;

    ret = msi_domain_prepare_irqs(domain, dev, ctrl->nirqs, &arg);
    if (ret)
        return ret;

    /* Reservation mode: a vector only at request_irq (not for managed) */
    if (msi_check_reservation_mode(domain, info, dev))
        vflags |= VIRQ_CAN_RESERVE;

    xa_for_each_range(xa, idx, desc, ctrl->first, ctrl->last) {
        ops->set_desc(&arg, desc);
        virq = __irq_domain_alloc_irqs(domain, -1, desc->nvec_used,
                                       dev_to_node(dev), &arg, false,
                                       desc->affinity);             @@__irq_domain_alloc_irqs
        if (virq < 0)
            return msi_handle_pci_fail(domain, desc, allocated);

        for (i = 0; i < desc->nvec_used; i++) {
            irq_set_msi_desc_off(virq, i, desc);
            irq_debugfs_copy_devname(virq + i, dev);
            ret = msi_init_virq(domain, virq + i, vflags);
                -> irq_domain_activate_irq(irqd, can_reserve);    @@irq_domain_activate_irq
            if (ret)
                return ret;
        }
        allocated++;
    }
    return 0;
}`,
  },
};
