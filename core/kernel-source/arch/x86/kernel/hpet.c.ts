// Pseudo-source of arch/x86/kernel/hpet.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/hpet.c',
  functions: {
    hpet_msi_write_msg: `static void hpet_msi_write_msg(struct irq_data *data, struct msi_msg *msg)
{
    struct hpet_channel *hc = irq_data_get_irq_handler_data(data);

    /* The channel's FSB route register */
    hpet_writel(msg->data, HPET_Tn_ROUTE(hc->num));
    hpet_writel(msg->address_lo, HPET_Tn_ROUTE(hc->num) + 4);
}`,
    hpet_assign_irq: `static int hpet_assign_irq(struct irq_domain *domain, struct hpet_channel *hc,
                           int dev_num)
{
    struct irq_alloc_info info;

    init_irq_alloc_info(&info, NULL);
    info.type = X86_IRQ_ALLOC_TYPE_HPET;
    info.data = hc;
    info.devid = hpet_dev_id(domain);
    info.hwirq = dev_num;

    return irq_domain_alloc_irqs(domain, 1, NUMA_NO_NODE, &info); @@__irq_domain_alloc_irqs
    /* then, as a per-CPU clock event device: */
    irq_domain_activate_irq(irq_get_irq_data(hc->irq), false);   @@irq_domain_activate_irq
    request_irq(hc->irq, hpet_interrupt_handler, IRQF_TIMER, hc->name, hc); @@request_irq
}`,
  },
};
