// Pseudo-source of arch/x86/kernel/apic/msi.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/apic/msi.c',
  functions: {
    dmar_alloc_hwirq: `int dmar_alloc_hwirq(int id, int node, void *arg)
{
    struct irq_domain *domain = dmar_get_irq_domain();   /* DMAR-MSI, under VECTOR */
    struct irq_alloc_info info;

    if (!domain)
        return -1;

    init_irq_alloc_info(&info, NULL);
    info.type = X86_IRQ_ALLOC_TYPE_DMAR;
    info.devid = id;
    info.hwirq = id;      /* missing in the V2 series: every unit asks for hwirq 0 */
    info.data = arg;

    return irq_domain_alloc_irqs(domain, 1, node, &info);  @@__irq_domain_alloc_irqs
}`,
  },
};
