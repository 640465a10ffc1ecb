// The device side of local APIC, written as pseudo-code: not kernel source.
import type { KernelSourceFile } from '../source-file';

export const SOURCE: KernelSourceFile = {
  file: '(hardware) local APIC',
  functions: {
    lapic_deliver: `/* The local APIC of the destination CPU accepts the vector and the CPU
   runs the handler behind it (vector_irq[vector] -> irq_desc) */
void lapic_deliver(u32 apicid, u8 vector)
{
    cpu = cpu_of(apicid);
    desc = per_cpu(vector_irq, cpu)[vector];
    if (IS_ERR_OR_NULL(desc)) {
        pr_emerg_ratelimited("%s: %d.%u No irq handler for vector\\n",
                             __func__, smp_processor_id(), vector);  @@log
        return;
    }
    kstat_incr_irqs_this_cpu(desc);     /* the /proc/interrupts count */
    desc->handle_irq(desc);             /* e.g. dmar_fault() */          @@dmar_fault
}`,
  },
};
