// Pseudo-source of drivers/gpio/gpiolib.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/gpio/gpiolib.c',
  functions: {
    gpiochip_add_irqchip: `static int gpiochip_add_irqchip(struct gpio_chip *gc,
                                struct lock_class_key *lock_key,
                                struct lock_class_key *request_key)
{
    struct fwnode_handle *fwnode = dev_fwnode(&gc->gpiodev->dev);
    struct irq_chip *irqchip = gc->irq.chip;     /* intel-gpio, amd_gpio */
    struct irq_domain *domain;

    if (!irqchip)
        return 0;
    if (gc->irq.parent_handler && gc->can_sleep) {
        chip_err(gc, "you cannot have chained interrupts on a chip that may sleep\\n");
        return -EINVAL;
    }
    gc->to_irq = gpiochip_to_irq;

    /* No parent domain (pinctrl-intel, pinctrl-amd): a linear domain, no irq allocated yet */
    if (gpiochip_hierarchy_is_hierarchical(gc))
        domain = gpiochip_hierarchy_create_domain(gc);
    else
        domain = gpiochip_simple_create_domain(gc);
            -> irq_domain_create_simple(fwnode, gc->ngpio, gc->irq.first,
                                        &gpiochip_domain_ops, gc);
    if (IS_ERR(domain))
        return PTR_ERR(domain);

    /* The controller's own irq was requested by its driver (intel_gpio_probe) */
    gpiochip_set_irq_hooks(gc);
    return gpiochip_irqchip_add_allocated_domain(gc, domain, false);
}`,
  },
};
