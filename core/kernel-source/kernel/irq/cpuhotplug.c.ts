// Pseudo-source of kernel/irq/cpuhotplug.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/cpuhotplug.c',
  functions: {
    irq_migrate_all_off_this_cpu: `void irq_migrate_all_off_this_cpu(void)
{
    struct irq_desc *desc;
    unsigned int irq;

    for_each_active_irq(irq) {
        bool affinity_broken;

        desc = irq_to_desc(irq);
        raw_spin_lock(&desc->lock);
        affinity_broken = migrate_one_irq(desc);          @@migrate_one_irq
        raw_spin_unlock(&desc->lock);

        if (affinity_broken) {
            pr_debug_ratelimited("IRQ %u: no longer affine to CPU%u\\n",
                                 irq, smp_processor_id());
        }
    }
}`,
    migrate_one_irq: `static bool migrate_one_irq(struct irq_desc *desc)
{
    struct irq_data *d = irq_desc_get_irq_data(desc);
    const struct cpumask *affinity;
    bool brokeaff = false;
    int err;

    if (irqd_is_per_cpu(d) || !irqd_is_started(d) || !irq_needs_fixup(d))
        return false;

    affinity = irq_data_get_affinity_mask(d);
    if (irqd_affinity_is_managed(d) &&
        cpumask_any_and(affinity, cpu_online_mask) >= nr_cpu_ids) {
        /* A managed irq whose CPUs are all going: shut it down */
        irqd_set_managed_shutdown(d);
        irq_shutdown_and_deactivate(desc);   @@msi_domain_deactivate @@intel_irq_remapping_deactivate @@state:matrix_free
        return false;
    }

    if (cpumask_any_and(affinity, cpu_online_mask) >= nr_cpu_ids) {
        affinity = cpu_online_mask;
        brokeaff = true;
    }
    /* A new vector on another CPU; the IRTE or the message follows */
    err = irq_do_set_affinity(d, affinity, false);  @@irq_matrix_alloc @@intel_irq_remapping_activate @@mp_irqdomain_activate @@msi_domain_activate
    if (err) {
        pr_warn_ratelimited("IRQ%u: set affinity failed(%d).\\n",
                            d->irq, err);                     @@log
        brokeaff = false;
    }
    return brokeaff;
}`,
    irq_affinity_online_cpu: `int irq_affinity_online_cpu(unsigned int cpu)
{
    struct irq_desc *desc;
    unsigned int irq;

    irq_lock_sparse();
    for_each_active_irq(irq) {
        desc = irq_to_desc(irq);
        raw_spin_lock_irq(&desc->lock);
        /* Managed irqs shut down with their CPUs come back */
        irq_restore_affinity_of_irq(desc, cpu);
            -> irq_startup(desc, IRQ_RESEND, IRQ_START_COND);
               -> x86_vector_activate(...);            @@x86_vector_activate
               -> intel_irq_remapping_activate(...);   @@intel_irq_remapping_activate
               -> msi_domain_activate(...);            @@msi_domain_activate
        raw_spin_unlock_irq(&desc->lock);
    }
    irq_unlock_sparse();
    return 0;
}`,
  },
};
