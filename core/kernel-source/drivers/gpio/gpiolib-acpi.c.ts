// Pseudo-source of drivers/gpio/gpiolib-acpi.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/gpio/gpiolib-acpi.c',
  functions: {
    acpi_dev_gpio_irq_wake_get_by: `/* i2c_device_probe -> i2c_acpi_get_irq -> acpi_dev_gpio_irq_wake_get(adev, 0, ...) */
int acpi_dev_gpio_irq_wake_get_by(struct acpi_device *adev, const char *con_id, int index,
                                  bool *wake_capable)
{
    struct acpi_gpio_info info;
    struct gpio_desc *desc;
    int irq, ret;

    /* The device's _CRS GpioInt resource: which controller, which pin, its trigger */
    desc = acpi_get_gpiod_by_index(adev, con_id, index, &info);
    if (IS_ERR(desc))
        return PTR_ERR(desc);

    if (info.gpioint) {
        ret = acpi_gpio_update_gpiod_flags(&dflags, &info);
        desc = gpiod_request(desc, label);
        irq = gpiod_to_irq(desc);
            -> gc->to_irq(gc, offset) = gpiochip_to_irq(gc, offset)
               -> irq_create_mapping(gc->irq.domain, offset);               @@irq_create_mapping
        if (irq < 0)
            return irq;

        irq_flags = acpi_dev_get_irq_type(info.triggering, info.polarity);
        /* The chip's irq_set_type picks handle_edge_irq or handle_level_irq, set without a name */
        ret = irq_set_irq_type(irq, irq_flags);
        if (ret)
            return ret;
        if (wake_capable)
            *wake_capable = info.wake_capable;
        return irq;
    }
    return -ENOENT;
}`,
  },
};
