// Pseudo-source of kernel/irq/irqdomain.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/irqdomain.c',
  functions: {
    __irq_domain_alloc_irqs: `int __irq_domain_alloc_irqs(struct irq_domain *domain, int irq_base,
                            unsigned int nr_irqs, int node, void *arg,
                            bool realloc, const struct irq_affinity_desc *affinity)
{
    int i, ret, virq;

    if (realloc && irq_base >= 0) {
        virq = irq_base;
    } else {
        virq = irq_domain_alloc_descs(irq_base, nr_irqs, 0, node, affinity); @@irq_domain_alloc_descs
        if (virq < 0) {
            pr_debug("cannot allocate IRQ(base %d, count %d)\\n", irq_base, nr_irqs);
            return virq;
        }
    }

    if (irq_domain_alloc_irq_data(domain, virq, nr_irqs)) {   /* the irq_data chain */
        ret = -ENOMEM;
        goto out_free_desc;
    }

    mutex_lock(&irq_domain_mutex);
    /* The domain's alloc: each level allocates its parent first */
    ret = irq_domain_alloc_irqs_hierarchy(domain, virq, nr_irqs, arg);
        -> domain->ops->alloc(domain, virq, nr_irqs, arg);  @@mp_irqdomain_alloc @@msi_domain_alloc @@intel_irq_remapping_alloc @@x86_vector_alloc_irqs @@irq_remapping_alloc
    if (ret < 0) {
        mutex_unlock(&irq_domain_mutex);
        goto out_free_irq_data;
    }

    for (i = 0; i < nr_irqs; i++) {
        ret = irq_domain_trim_hierarchy(virq + i);
        if (ret) goto out_free_irq_data;
    }
    for (i = 0; i < nr_irqs; i++)
        irq_domain_insert_irq(virq + i);     /* revmap, mapcount of each level */
    mutex_unlock(&irq_domain_mutex);
    return virq;

out_free_irq_data:
    irq_domain_free_irq_data(virq, nr_irqs);
out_free_desc:
    irq_free_descs(virq, nr_irqs);
    return ret;
}`,
    irq_domain_alloc_descs: `int irq_domain_alloc_descs(int virq, unsigned int cnt, irq_hw_number_t hwirq,
                           int node, const struct irq_affinity_desc *affinity)
{
    unsigned int hint;

    if (virq >= 0) {
        virq = __irq_alloc_descs(virq, virq, cnt, node, THIS_MODULE, affinity);
    } else {
        /* Above the IO-APIC's GSIs: gsi_top, then ioapic_dynirq_base */
        hint = hwirq % nr_irqs;
        if (hint == 0)
            hint++;
        virq = __irq_alloc_descs(-1, hint, cnt, node, THIS_MODULE, affinity);
        if (virq <= 0 && hint > 1)
            virq = __irq_alloc_descs(-1, 1, cnt, node, THIS_MODULE, affinity);
    }
    return virq;
}`,
    irq_create_mapping: `/* irq_create_mapping(domain, hwirq) -> irq_create_mapping_affinity(domain, hwirq, NULL) */
unsigned int irq_create_mapping_affinity(struct irq_domain *domain, irq_hw_number_t hwirq,
                                         const struct irq_affinity_desc *affinity)
{
    int virq;

    mutex_lock(&domain->root->mutex);
    /* Already mapped: the same irq (a pin two consumers share) */
    virq = irq_find_mapping(domain, hwirq);
    if (virq) {
        pr_debug("existing mapping on virq %d\n", virq);
        goto out;
    }
    virq = irq_create_mapping_affinity_locked(domain, hwirq, affinity);
        -> virq = irq_domain_alloc_descs(-1, 1, hwirq, node, affinity);    @@irq_domain_alloc_descs
           if (virq <= 0)
               return 0;
           /* domain->ops->map: gpiochip_irq_map sets the chip and the flow handler */
           if (irq_domain_associate_locked(domain, virq, hwirq)) {
               irq_free_desc(virq);
               return 0;
           }
out:
    mutex_unlock(&domain->root->mutex);
    return virq;
}`,
    irq_domain_activate_irq: `int irq_domain_activate_irq(struct irq_data *irq_data, bool reserve)
{
    int ret = 0;

    if (!irqd_is_activated(irq_data))
        ret = __irq_domain_activate_irq(irq_data, reserve);
            /* root first: the parent is activated before the child */
            -> __irq_domain_activate_irq(irqd->parent_data, reserve);
               VECTOR:        x86_vector_activate(domain, irqd, reserve);   @@x86_vector_activate
               INTEL-IR-n:    intel_irq_remapping_activate(...);            @@intel_irq_remapping_activate
               IO-APIC-n:     mp_irqdomain_activate(...);                   @@mp_irqdomain_activate
               *-MSI:         msi_domain_activate(...);                     @@msi_domain_activate
    if (!ret)
        irqd_set_activated(irq_data);
    return ret;
}`,
    irq_domain_free_irqs: `void irq_domain_free_irqs(unsigned int virq, unsigned int nr_irqs)
{
    struct irq_data *data = irq_get_irq_data(virq);
    struct irq_domain *domain;
    int i;

    if (WARN(!data || !data->domain || !data->domain->ops->alloc,
             "NULL pointer, cannot free irq\\n"))
        return;

    domain = data->domain;
    mutex_lock(&irq_domain_mutex);
    for (i = 0; i < nr_irqs; i++)
        irq_domain_remove_irq(virq + i);
    /* The top level first, then each parent */
    irq_domain_free_irqs_hierarchy(domain, virq, nr_irqs);
        INTEL-IR-n: intel_irq_remapping_free(domain, virq, nr_irqs); @@intel_irq_remapping_free
        VECTOR:     x86_vector_free_irqs(domain, virq, nr_irqs);     @@x86_vector_free_irqs
    mutex_unlock(&irq_domain_mutex);

    irq_domain_free_irq_data(virq, nr_irqs);
    irq_free_descs(virq, nr_irqs);
}`,
    irq_domain_deactivate_irq: `void irq_domain_deactivate_irq(struct irq_data *irq_data)
{
    if (irqd_is_activated(irq_data)) {
        /* The child first, then the parent */
        __irq_domain_deactivate_irq(irq_data);
            *-MSI:       msi_domain_deactivate(domain, irqd);             @@msi_domain_deactivate
            INTEL-IR-n:  intel_irq_remapping_deactivate(domain, irqd);    @@intel_irq_remapping_deactivate
            VECTOR:      x86_vector_deactivate(domain, irqd);             @@x86_vector_deactivate
        irqd_clr_activated(irq_data);
    }
}`,
  },
};
