// Pseudo-source of init/main.c: the functions of it the model traces.
import type { KernelSourceFile } from '../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'init/main.c',
  functions: {
    start_kernel: `asmlinkage void start_kernel(void)
{
    pr_notice("Linux version ...");                  @@log
    setup_arch(&command_line);       /* ACPI: MADT, DMAR, x2APIC check */
    ...
    early_irq_init();                /* nr_irqs, irq descriptors */
    init_IRQ();
        x86_init.irqs.intr_init()
            -> lapic_assign_system_vectors();      @@lapic_assign_system_vectors
    ...
    if (late_time_init)
        late_time_init();            /* x86_late_time_init */ @@x86_late_time_init
    ...
    arch_call_rest_init();           /* -> kernel_init() */
}`,
    kernel_init: `static int __ref kernel_init(void *unused)
{
    kernel_init_freeable();
        -> do_basic_setup() -> do_initcalls():
           pci_subsys_init -> pci_bus_add_devices: dmar_pci_bus_add_dev  @@dmar_dev_scope_init
           pci_enable_device -> pcibios_enable_irq: the INTx pin's irq      @@mp_map_pin_to_irq
           timer, ACPI SCI, i8042 ...: request_irq(irq, handler, ...)     @@request_irq
           GPIO controllers (intel_pinctrl_probe): gpiochip_add_data      @@gpiochip_add_irqchip
           driver probes (pci_device_probe -> drv->probe):
               nvme_probe / mlx5_core probe / e1000e ... :
                   pci_alloc_irq_vectors(dev, min, max, flags);          @@pci_alloc_irq_vectors_affinity
                   pci_free_irq_vectors(dev);      /* retry / remove */  @@pci_free_irq_vectors
                   request_irq(pci_irq_vector(dev, i), ...);
                   free_irq(irq, dev_id);                               @@free_irq
                   irq_set_affinity_hint(irq, mask);                    @@irq_set_affinity
           I2C/SPI devices (i2c_device_probe): an ACPI GpioInt pin's irq
               irq = acpi_dev_gpio_irq_wake_get(adev, 0, &wake);      @@acpi_dev_gpio_irq_wake_get_by
               drv->probe: request_threaded_irq(irq, ..., "rt5682s", ...);
           the device raises its first interrupt (a command completion):
               device_fire(dev, entry, address, data);                  @@device_fire
    /* userspace: echo N > sriov_numvfs */
    sriov_enable(dev, nr_virtfn);                                       @@sriov_enable
    pr_info(...);                                                       @@log
    run_init_process("/sbin/init");
}`,
  },
};
