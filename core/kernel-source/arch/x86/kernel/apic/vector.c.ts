// Pseudo-source of arch/x86/kernel/apic/vector.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/apic/vector.c',
  functions: {
    lapic_assign_system_vectors: `void __init lapic_assign_system_vectors(void)
{
    unsigned int i, vector;

    /* The vectors of the system (IPIs, timer, spurious ...) on every CPU */
    for_each_set_bit(vector, system_vectors, NR_VECTORS)
        irq_matrix_assign_system(vector_matrix, vector, false);

    if (nr_legacy_irqs() > 1)
        lapic_assign_legacy_vector(PIC_CASCADE_IR, false);

    /* System vectors are reserved, online it */
    irq_matrix_online(vector_matrix);

    /* Mark the preallocated legacy interrupts */
    for (i = 0; i < nr_legacy_irqs(); i++) {
        if (i != PIC_CASCADE_IR)
            irq_matrix_assign(vector_matrix, ISA_IRQ_VECTOR(i));
    }
}`,
    x86_vector_alloc_irqs: `static int x86_vector_alloc_irqs(struct irq_domain *domain, unsigned int virq,
                                 unsigned int nr_irqs, void *arg)
{
    struct irq_alloc_info *info = arg;
    struct apic_chip_data *apicd;
    struct irq_data *irqd;
    int i, err, node;

    if (disable_apic)
        return -ENXIO;
    /* Currently vector allocator can't guarantee contiguous allocations */
    if ((info->flags & X86_IRQ_ALLOC_CONTIGUOUS_VECTORS) && nr_irqs > 1)
        return -ENOSYS;

    for (i = 0; i < nr_irqs; i++) {
        irqd = irq_domain_get_irq_data(domain, virq + i);
        node = irq_data_get_node(irqd);
        apicd = alloc_apic_chip_data(node);
        apicd->irq = virq + i;
        irqd->chip = &lapic_controller;
        irqd->chip_data = apicd;
        irqd->hwirq = virq + i;
        irqd_set_single_target(irqd);
        /* Legacy vectors are already assigned (ISA irqs on CPU 0) */
        if (info->flags & X86_IRQ_ALLOC_LEGACY) {
            if (!vector_configure_legacy(virq + i, irqd, apicd))
                continue;
        }
        /* Managed: reserve on every CPU of the mask; else reservation mode */
        err = assign_irq_vector_policy(irqd, info);
            -> irq_matrix_reserve_managed(vector_matrix, mask);  @@irq_matrix_reserve_managed @@state:matrix_reserve_managed
            -> reserve_irq_vector(irqd): irq_matrix_reserve();   @@state:matrix_reserve @@state:matrix_free
        trace_vector_setup(virq + i, false, err);
        if (err) {
            irqd->chip_data = NULL;
            free_apic_chip_data(apicd);
            goto error;
        }
    }
    return 0;

error:
    x86_vector_free_irqs(domain, virq, i);
    return err;
}`,
    x86_vector_free_irqs: `static void x86_vector_free_irqs(struct irq_domain *domain,
                                 unsigned int virq, unsigned int nr_irqs)
{
    struct apic_chip_data *apicd;
    struct irq_data *irqd;
    unsigned long flags;
    int i;

    for (i = 0; i < nr_irqs; i++) {
        irqd = irq_domain_get_irq_data(x86_vector_domain, virq + i);
        if (irqd && irqd->chip_data) {
            raw_spin_lock_irqsave(&vector_lock, flags);
            clear_irq_vector(irqd);         /* irq_matrix_free() */ @@state:matrix_free
            vector_free_reserved_and_managed(irqd);
            apicd = irqd->chip_data;
            irq_domain_reset_irq_data(irqd);
            raw_spin_unlock_irqrestore(&vector_lock, flags);
            free_apic_chip_data(apicd);
        }
    }
}`,
    x86_vector_activate: `static int x86_vector_activate(struct irq_domain *dom, struct irq_data *irqd,
                               bool reserve)
{
    struct apic_chip_data *apicd = apic_chip_data(irqd);
    unsigned long flags;
    int ret = 0;

    trace_vector_activate(irqd->irq, apicd->is_managed,
                          apicd->can_reserve, reserve);

    raw_spin_lock_irqsave(&vector_lock, flags);
    if (!apicd->can_reserve && !apicd->is_managed)
        assign_irq_vector_any_locked(irqd);          @@assign_irq_vector_any_locked
    else if (reserve || irqd_is_managed_and_shutdown(irqd))
        vector_assign_managed_shutdown(irqd);
    else if (apicd->is_managed)
        ret = activate_managed(irqd);
            -> assign_managed_vector(irqd, dest);
               -> irq_matrix_alloc_managed(vector_matrix, dest, &cpu); @@irq_matrix_alloc_managed
    else if (apicd->has_reserved)
        ret = activate_reserved(irqd);
            -> assign_irq_vector_any_locked(irqd);
    raw_spin_unlock_irqrestore(&vector_lock, flags);
    return ret;
}`,
    x86_vector_deactivate: `static void x86_vector_deactivate(struct irq_domain *dom, struct irq_data *irqd)
{
    struct apic_chip_data *apicd = apic_chip_data(irqd);
    unsigned long flags;

    trace_vector_deactivate(irqd->irq, apicd->is_managed,
                            apicd->can_reserve, false);

    /* Regular fixed assigned interrupt */
    if (!apicd->is_managed && !apicd->can_reserve)
        return;
    /* If the interrupt has a global reservation, nothing to do */
    if (apicd->has_reserved)
        return;

    raw_spin_lock_irqsave(&vector_lock, flags);
    clear_irq_vector(irqd);                           @@state:matrix_free
    if (apicd->can_reserve)
        reserve_irq_vector_locked(irqd);              @@state:matrix_reserve
    else
        vector_assign_managed_shutdown(irqd);
    raw_spin_unlock_irqrestore(&vector_lock, flags);
}`,
    assign_irq_vector_any_locked: `static int assign_irq_vector_any_locked(struct irq_data *irqd)
{
    /* Get the affinity mask - either irq_default_affinity or (user) set */
    const struct cpumask *affmsk = irq_data_get_affinity_mask(irqd);
    int node = irq_data_get_node(irqd);

    if (node != NUMA_NO_NODE) {
        /* Try the intersection of @affmsk and node mask */
        cpumask_and(vector_searchmask, cpumask_of_node(node), affmsk);
        if (!assign_vector_locked(irqd, vector_searchmask))
            return 0;
    }
    /* Try the full affinity mask */
    cpumask_and(vector_searchmask, affmsk, cpu_online_mask);
    if (!assign_vector_locked(irqd, vector_searchmask))
        -> vector = irq_matrix_alloc(vector_matrix, dest, resvd, &cpu); @@irq_matrix_alloc
        return 0;
    /* Try the node mask, then all online CPUs */
    ...
    return assign_vector_locked(irqd, cpu_online_mask);
}`,
    lapic_can_unplug_cpu: `int lapic_can_unplug_cpu(void)
{
    unsigned int rsvd, avl, tomove, cpu = smp_processor_id();
    int ret = 0;

    raw_spin_lock(&vector_lock);
    tomove = irq_matrix_allocated(vector_matrix);
    avl = irq_matrix_available(vector_matrix, true);
    if (avl < tomove) {
        pr_warn("CPU %u has %u vectors, %u available. Cannot disable CPU\\n",
                cpu, tomove, avl);
        ret = -ENOSPC;
        goto out;
    }
    rsvd = irq_matrix_reserved(vector_matrix);
    if (avl < rsvd) {
        pr_warn("Reserved vectors %u > available %u. IRQ request may fail\\n",
                rsvd, avl);
    }
out:
    raw_spin_unlock(&vector_lock);
    return ret;
}`,
  },
};
