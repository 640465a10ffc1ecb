// Pseudo-source of arch/x86/kernel/time.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/time.c',
  functions: {
    x86_late_time_init: `static __init void x86_late_time_init(void)
{
    /* Before the timer interrupt is set up: the APIC and the IO-APICs. */
    x86_init.irqs.intr_mode_select();
    x86_init.irqs.intr_mode_init();   /* apic_intr_mode_init() */ @@apic_intr_mode_init
    tsc_init();
}`,
  },
};
