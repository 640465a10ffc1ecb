// Pseudo-source of kernel/irq/manage.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/manage.c',
  functions: {
    free_irq: `const void *free_irq(unsigned int irq, void *dev_id)
{
    struct irq_desc *desc = irq_to_desc(irq);
    struct irqaction *action;
    const char *devname;

    if (!desc || WARN_ON(irq_settings_is_per_cpu_devid(desc)))
        return NULL;

    action = __free_irq(desc, dev_id);
        /* The last action gone: shut the interrupt down */
        -> irq_shutdown(desc);
           -> irq_domain_deactivate_irq(&desc->irq_data);   @@irq_domain_deactivate_irq
    if (!action)
        return NULL;

    devname = action->name;
    kfree(action);
    return devname;
}`,
    irq_set_affinity: `int irq_set_affinity(unsigned int irq, const struct cpumask *cpumask)
{
    struct irq_desc *desc = irq_to_desc(irq);
    unsigned long flags;
    int ret;

    raw_spin_lock_irqsave(&desc->lock, flags);
    ret = irq_set_affinity_locked(irq_desc_get_irq_data(desc), cpumask, false);
        -> irq_do_set_affinity(data, mask, force);
           -> chip->irq_set_affinity(data, mask, force);
              VECTOR: apic_set_affinity(): a new vector on the new CPU,
                      the old one freed                     @@irq_matrix_alloc @@state:matrix_free
              INTEL-IR-n: intel_ir_set_affinity(): the IRTE rewritten @@intel_irq_remapping_activate
              PCI-MSI: msi_domain_set_affinity(): the new message     @@msi_domain_activate
    raw_spin_unlock_irqrestore(&desc->lock, flags);
    return ret;
}`,
  },
};
