// Interrupts on GPIO controller pins (drivers/gpio/gpiolib.c, gpiolib-acpi.c; the controllers'
// drivers drivers/pinctrl/intel/pinctrl-intel.c and pinctrl-amd.c). The controller's driver
// requests its own irq (an IO-APIC pin, shared: "INTC1057:00") and registers a gpiochip whose irq
// chip (intel-gpio, amd_gpio) gets a linear irq domain without hierarchy
// (gpiochip_simple_create_domain): no irq is allocated then. A consumer (an I2C codec, a
// touchpad, whose ACPI GpioInt names the pin) has its pin mapped when it probes:
// acpi_dev_gpio_irq_get (acpi_dev_gpio_irq_wake_get_by) -> gpiod_to_irq -> gpiochip_to_irq ->
// irq_create_mapping, which takes the next free dynamic irq. The pin's interrupt reaches the CPU as the controller's own irq, whose
// handler runs the pin's (generic_handle_domain_irq): the gpio irq has no vector of its own.
import type { GpioIrq, Machine } from '../model/schema';
import { EINVAL, ENOSYS } from './errno';
import { DOMAIN_BUS, newChip, newDomain, type IrqDomain, type IrqDomainOps } from './irq/irqdesc';
import type { Kernel } from './kernel';

const GPIOCHIP_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  // A linear domain has no hierarchy: irqs come from irq_create_mapping, never alloc.
  alloc: () => -ENOSYS,
  /**
   * gpiochip_irq_map(): irq_set_chip_and_handler(irq, chip, handle_bad_irq) (pinctrl-intel's
   * girq->handler; the type, when set, picks the real flow handler) and irq_set_noprobe.
   */
  map: (k, domain, virq, hwirq) => {
    k.irq_domain_set_hwirq_and_chip(domain, virq, hwirq, domain.chip);
    const desc = k.descs[virq]!;
    // Set without a name (irq_set_chip_and_handler): /proc/interrupts shows no "-edge".
    desc.handler = '';
    return 0;
  },
};

/**
 * gpiochip_add_data() -> gpiochip_add_irqchip(): the controller's gpiochip and its irq domain,
 * registered when the controller's driver probes (before any PCI driver: it is a platform device
 * of the ACPI namespace, probed at its initcall).
 */
export function gpiochip_add_irqchip(
  k: Kernel,
  controller: string,
  chip: GpioIrq['chip'],
): IrqDomain {
  const known = k.gpioDomains.get(controller);
  if (known) return known;
  k.enter('gpiochip_add_irqchip', -1, -1, k.str(controller));
  // The domain is named after the controller's fwnode; the model names it after the device
  // (the ACPI path, "\_SB.PCI0.GPI0", is not in the artefacts).
  const domain = k.addDomain(
    newDomain(controller, DOMAIN_BUS.ANY, null, newChip(chip), GPIOCHIP_DOMAIN_OPS),
  );
  k.gpioDomains.set(controller, domain);
  k.leave('gpiochip_add_irqchip', 0);
  return domain;
}

/** Every controller the machine's GPIO irqs name gets its gpiochip (at its driver's probe). */
export function gpiochipsProbe(k: Kernel, machine: Machine): void {
  for (const g of machine.gpio_irqs) gpiochip_add_irqchip(k, g.controller, g.chip);
}

/**
 * The consumer's probe: i2c_device_probe() -> i2c_acpi_get_irq() -> acpi_dev_gpio_irq_wake_get()
 * -> acpi_dev_gpio_irq_wake_get_by() maps the pin (gpiod_to_irq -> irq_create_mapping) and sets its type from the GpioInt resource
 * (irq_set_irq_type -> the chip's irq_set_type: handle_edge_irq or handle_level_irq, set
 * without a name); then the driver's probe requests it under its name. Returns the irq or -errno.
 */
export function acpi_dev_gpio_irq_wake_get_by(k: Kernel, g: GpioIrq): number {
  const domain = gpiochip_add_irqchip(k, g.controller, g.chip);
  k.enter('acpi_dev_gpio_irq_wake_get_by', -1, -1, k.str(g.device ?? g.name), g.pin);
  const virq = k.irq_create_mapping(domain, g.pin);
  if (virq <= 0) return k.leave('acpi_dev_gpio_irq_wake_get_by', -EINVAL);
  const desc = k.descs[virq]!;
  desc.trigger = g.trigger ?? 'edge';
  desc.owner = g.device ?? '';
  return k.leave('acpi_dev_gpio_irq_wake_get_by', virq, virq);
}

/** The consumer probes: its pin mapped, then request_threaded_irq() under its name. */
export function gpioConsumerProbe(k: Kernel, g: GpioIrq): number {
  const virq = acpi_dev_gpio_irq_wake_get_by(k, g);
  if (virq < 0) {
    k.log(3, `${g.name}: failed to get the GPIO interrupt: ${k.describeError(virq)}`);
    return virq;
  }
  const ret = k.request_irq(virq, g.name);
  if (ret < 0) k.log(3, `${g.name}: request_irq ${virq} failed: ${k.describeError(ret)}`);
  return ret < 0 ? ret : virq;
}
