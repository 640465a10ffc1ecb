// Pseudo-source of kernel/irq/matrix.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/matrix.c',
  functions: {
    irq_matrix_alloc: `int irq_matrix_alloc(struct irq_matrix *m, const struct cpumask *msk,
                     bool reserved, unsigned int *mapped_cpu)
{
    unsigned int cpu, bit;
    struct cpumap *cm;

    /* Not a pure mask: use the CPU with the most available vectors */
    cpu = matrix_find_best_cpu(m, msk);
    if (cpu == UINT_MAX)
        return -ENOSPC;

    cm = per_cpu_ptr(m->maps, cpu);
    bit = matrix_alloc_area(m, cm, 1, false);   /* the lowest free vector */
    if (bit >= m->alloc_end)
        return -ENOSPC;
    cm->allocated++;
    cm->available--;
    m->total_allocated++;
    m->global_available--;
    if (reserved)
        m->global_reserved--;
    *mapped_cpu = cpu;
    trace_irq_matrix_alloc(bit, cpu, m, cm);               @@state:matrix_alloc
    return bit;
}`,
    irq_matrix_alloc_managed: `int irq_matrix_alloc_managed(struct irq_matrix *m, const struct cpumask *msk,
                             unsigned int *mapped_cpu)
{
    unsigned int bit, cpu, end;
    struct cpumap *cm;

    if (cpumask_empty(msk))
        return -EINVAL;

    /* The CPU of the mask with the fewest managed allocations */
    cpu = matrix_find_best_cpu_managed(m, msk);
    if (cpu == UINT_MAX)
        return -ENOSPC;

    cm = per_cpu_ptr(m->maps, cpu);
    end = m->alloc_end;
    /* Get managed bit which are not allocated */
    bitmap_andnot(m->scratch_map, cm->managed_map, cm->alloc_map, end);
    bit = find_first_bit(m->scratch_map, end);
    if (bit >= end)
        return -ENOSPC;
    set_bit(bit, cm->alloc_map);
    cm->allocated++;
    cm->managed_allocated++;
    m->total_allocated++;
    *mapped_cpu = cpu;
    trace_irq_matrix_alloc_managed(bit, cpu, m, cm);       @@state:matrix_alloc_managed
    return bit;
}`,
    irq_matrix_reserve_managed: `int irq_matrix_reserve_managed(struct irq_matrix *m, const struct cpumask *msk)
{
    unsigned int cpu, failed_cpu;

    /* One vector reserved on every CPU of the mask */
    for_each_cpu(cpu, msk) {
        struct cpumap *cm = per_cpu_ptr(m->maps, cpu);
        unsigned int bit;

        bit = matrix_alloc_area(m, cm, 1, true);
        if (bit >= m->alloc_end)
            goto cleanup;
        cm->managed++;
        if (cm->online) {
            cm->available--;
            m->global_available--;
        }
        trace_irq_matrix_reserve_managed(bit, cpu, m, cm);   @@state:matrix_reserve_managed
    }
    return 0;
cleanup:
    failed_cpu = cpu;
    for_each_cpu(cpu, msk) {
        if (cpu == failed_cpu)
            break;
        irq_matrix_remove_managed(m, cpumask_of(cpu));
    }
    return -ENOSPC;
}`,
    irq_matrix_free: `void irq_matrix_free(struct irq_matrix *m, unsigned int cpu,
                     unsigned int bit, bool managed)
{
    struct cpumap *cm = per_cpu_ptr(m->maps, cpu);

    if (WARN_ON_ONCE(bit < m->alloc_start || bit >= m->alloc_end))
        return;

    if (WARN_ON_ONCE(!test_and_clear_bit(bit, cm->alloc_map)))
        return;

    cm->allocated--;
    if (managed)
        cm->managed_allocated--;
    if (cm->online)
        m->total_allocated--;
    if (!managed) {
        cm->available++;
        if (cm->online)
            m->global_available++;
    }
    trace_irq_matrix_free(bit, cpu, m, cm);                 @@state:matrix_free
}`,
  },
};
