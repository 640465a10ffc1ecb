// Pseudo-source of kernel/irq/chip.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'kernel/irq/chip.c',
  functions: {
    irq_chip_compose_msi_msg: `int irq_chip_compose_msi_msg(struct irq_data *data, struct msi_msg *msg)
{
    struct irq_data *pos;

    /* The first level from the top whose chip composes messages */
    for (pos = NULL; !pos && data; data = irqd_get_parent_data(data)) {
        if (data->chip && data->chip->irq_compose_msi_msg)
            pos = data;
    }
    if (!pos)
        return -ENOSYS;

    pos->chip->irq_compose_msi_msg(pos, msg);    @@__irq_msi_compose_msg
    return 0;
}`,
  },
};
