// Pseudo-source of include/linux/interrupt.h: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'include/linux/interrupt.h',
  functions: {
    request_irq: `static inline int __must_check
request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
            const char *name, void *dev)
{
    return request_threaded_irq(irq, handler, NULL, flags, name, dev);
        -> __setup_irq(irq, desc, action);
           if (!shared) {
               /* A reserved vector becomes a real one here */
               irq_activate(desc);
                   -> irq_domain_activate_irq(&desc->irq_data, false); @@irq_domain_activate_irq
               irq_startup(desc, IRQ_RESEND, IRQ_START_COND);
           }
           chip_bus_sync_unlock(desc);       /* IMS_QUEUE: push the shadows */ @@irq_bus_sync_unlock
}`,
  },
};
