// Pseudo-source of kernel/irq/internals.h: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/internals.h',
  functions: {
    irq_bus_sync_unlock: `static inline void chip_bus_sync_unlock(struct irq_desc *desc)
{
    /* Slow-bus chips (IMS_QUEUE): the changed messages pushed to the
       device here, in sleepable context, with a command it waits for */
    if (unlikely(desc->irq_data.chip->irq_bus_sync_unlock))
        desc->irq_data.chip->irq_bus_sync_unlock(&desc->irq_data);
}`,
  },
};
