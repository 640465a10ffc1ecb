// Pseudo-source of arch/x86/kernel/apic/io_apic.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/apic/io_apic.c',
  functions: {
    setup_IO_APIC: `void __init setup_IO_APIC(void)
{
    int ioapic;

    if (skip_ioapic_setup || !nr_ioapics)
        return;

    io_apic_irqs = nr_legacy_irqs() ? ~PIC_IRQS : ~0UL;

    apic_printk(APIC_VERBOSE, "ENABLING IO-APIC IRQs\\n");
    for_each_ioapic(ioapic)
        BUG_ON(mp_irqdomain_create(ioapic));

    /* Set up IO-APIC IRQ routing. */
    x86_init.mpparse.setup_ioapic_ids();
    sync_Arb_IDs();
    setup_IO_APIC_irqs();
        for each pin: mp_map_pin_to_irq(gsi, idx, ioapic, pin, ...);  @@mp_map_pin_to_irq
    init_IO_APIC_traps();
    if (nr_legacy_irqs())
        check_timer();
            -> irq_domain_activate_irq(irq_data(0), false);   /* the timer */ @@irq_domain_activate_irq
            pr_info("..TIMER: vector=0x%02X apic1=%d pin1=%d ...");          @@log
    ioapic_initialized = 1;
}`,
    mp_map_pin_to_irq: `static int mp_map_pin_to_irq(u32 gsi, int idx, int ioapic, int pin,
                             unsigned int flags, struct irq_alloc_info *info)
{
    int irq;
    bool legacy = false;
    struct irq_alloc_info tmp;
    struct mp_chip_data *data;
    struct irq_domain *domain = mp_ioapic_irqdomain(ioapic);

    if (!domain)
        return -ENOSYS;

    if (idx >= 0 && test_bit(mp_irqs[idx].srcbus, mp_bus_not_pci)) {
        irq = mp_irqs[idx].srcbusirq;
        legacy = mp_is_legacy_irq(irq);
    }

    mutex_lock(&ioapic_mutex);
    if (!(flags & IOAPIC_MAP_ALLOC)) {
        irq = irq_find_mapping(domain, pin);
    } else {
        ioapic_copy_alloc_attr(&tmp, info, gsi, ioapic, pin);
        irq = irq_find_mapping(domain, pin);
        if (irq <= 0)
            irq = alloc_isa_irq_from_domain(domain, irq, ioapic, pin, &tmp)
                  /* or */ mp_irqdomain_alloc via
                  __irq_domain_alloc_irqs(domain, gsi, 1, node, &tmp, legacy, NULL); @@__irq_domain_alloc_irqs
    }
    mutex_unlock(&ioapic_mutex);
    return irq;
}`,
    mp_irqdomain_alloc: `int mp_irqdomain_alloc(struct irq_domain *domain, unsigned int virq,
                       unsigned int nr_irqs, void *arg)
{
    struct irq_alloc_info *info = arg;
    struct mp_chip_data *data;
    struct irq_data *irq_data;
    int ret, ioapic, pin;

    if (!info || nr_irqs > 1)
        return -EINVAL;
    irq_data = irq_domain_get_irq_data(domain, virq);
    if (!irq_data)
        return -EINVAL;

    ioapic = mp_irqdomain_ioapic_idx(domain);
    pin = info->ioapic.pin;
    if (irq_find_mapping(domain, (irq_hw_number_t)pin) > 0)
        return -EEXIST;

    data = kzalloc(sizeof(*data), GFP_KERNEL);
    /* The parent first: INTEL-IR-n under IR, else VECTOR */
    ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, info); @@x86_vector_alloc_irqs @@intel_irq_remapping_alloc @@irq_remapping_alloc
    if (ret < 0) {
        kfree(data);
        return ret;
    }

    INIT_LIST_HEAD(&data->irq_2_pin);
    irq_data->hwirq = info->ioapic.pin;
    irq_data->chip = (domain->parent == x86_vector_domain) ?
                      &ioapic_chip : &ioapic_ir_chip;
    irq_data->chip_data = data;
    mp_irqdomain_get_attr(mp_pin_to_gsi(ioapic, pin), data, info);
    add_pin_to_irq_node(data, ioapic_alloc_attr_node(info), ioapic, pin);
    return 0;
}`,
    mp_irqdomain_activate: `int mp_irqdomain_activate(struct irq_domain *domain,
                          struct irq_data *irq_data, bool reserve)
{
    unsigned long flags;

    raw_spin_lock_irqsave(&ioapic_lock, flags);
    ioapic_configure_entry(irq_data);
        /* The parent composes the message: ioapic_setup_msg_from_msi() */
        irq_chip_compose_msi_msg(irq_data, &msg);         @@__irq_msi_compose_msg
        entry.vector     = msg.arch_data.vector;
        entry.delivery_mode = msg.arch_data.delivery_mode;
        entry.dest_mode_logical = msg.arch_addr_lo.dest_mode_logical;
        entry.ir_format  = msg.arch_addr_lo.dmar_format;    /* IRTE index under IR */
        entry.destid_0_7 = msg.arch_addr_lo.destid_0_7;
        __ioapic_write_entry(apic, pin, entry);           @@ioapic_configure_entry
    raw_spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}`,
    ioapic_configure_entry: `static void ioapic_configure_entry(struct irq_data *irqd)
{
    struct mp_chip_data *mpd = irqd->chip_data;
    struct irq_pin_list *entry;

    ioapic_setup_msg_from_msi(irqd, &mpd->entry);
    for_each_irq_pin(entry, mpd->irq_2_pin)
        __ioapic_write_entry(entry->apic, entry->pin, mpd->entry);
}`,
  },
};
