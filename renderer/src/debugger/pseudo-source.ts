// Readable pseudo-source of the kernel functions the model traces, keyed by function name: the
// kernel's own structure (file, names, the order of its steps), shortened. A line that makes a
// traced call, changes traced state or logs ends with markers: `@@callee`, `@@state:name`,
// `@@fault:name`, `@@log`; the debugger highlights that line when the step is there. The markers
// are taken off the text it shows (see source.ts). What the model does not trace is left as the
// kernel writes it or summarised in a comment.

export interface PseudoSource {
  /** Where the function lives in the kernel tree (or "(hardware)" for the device side). */
  file: string;
  /** The text, markers included. */
  text: string;
}

export const PSEUDO_SOURCE: Record<string, PseudoSource> = {
  start_kernel: {
    file: 'init/main.c',
    text: `asmlinkage void start_kernel(void)
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
  },
  x86_late_time_init: {
    file: 'arch/x86/kernel/time.c',
    text: `static __init void x86_late_time_init(void)
{
    /* Before the timer interrupt is set up: the APIC and the IO-APICs. */
    x86_init.irqs.intr_mode_select();
    x86_init.irqs.intr_mode_init();   /* apic_intr_mode_init() */ @@apic_intr_mode_init
    tsc_init();
}`,
  },
  apic_intr_mode_init: {
    file: 'arch/x86/kernel/apic/apic.c',
    text: `void __init apic_intr_mode_init(void)
{
    bool upmode = IS_ENABLED(CONFIG_UP_LATE_INIT);

    switch (apic_intr_mode) {
    case APIC_SYMMETRIC_MODE:
        pr_info("APIC: Switch to symmetric I/O mode setup\\n");   @@log
        break;
    ...
    }
    x86_64_probe_apic();
    x86_32_install_bigsmp();

    /* Interrupt remapping first: x2APIC needs it (enable_IR_x2apic) */
    if (x2apic_supported() || irq_remapping_supported())
        enable_IR_x2apic();                              @@enable_IR_x2apic

    apic_bsp_setup(upmode);
        -> end_local_APIC_setup();
        -> irq_remap_enable_fault_handling()
               -> enable_drhd_fault_handling();          @@enable_drhd_fault_handling
        -> setup_IO_APIC();                              @@setup_IO_APIC
}`,
  },
  lapic_assign_system_vectors: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `void __init lapic_assign_system_vectors(void)
{
    unsigned int i, vector;

    /* The vectors of the system (IPIs, timer, spurious ...) on every CPU */
    for_each_set_bit(vector, system_vectors, NR_VECTORS)
        irq_matrix_assign_system(vector_matrix, vector, false);

    if (nr_legacy_irqs() > 1)
        lapic_assign_legacy_vector(PIC_CASCADE_IR, false);

    /* System vectors are reserved, online it */
    irq_matrix_online(vector_matrix);

    /* Mark the preallocated legacy interrupts */
    for (i = 0; i < nr_legacy_irqs(); i++) {
        if (i != PIC_CASCADE_IR)
            irq_matrix_assign(vector_matrix, ISA_IRQ_VECTOR(i));
    }
}`,
  },
  kernel_init: {
    file: 'init/main.c',
    text: `static int __ref kernel_init(void *unused)
{
    kernel_init_freeable();
        -> do_basic_setup() -> do_initcalls():
           pci_subsys_init -> pci_bus_add_devices: dmar_pci_bus_add_dev  @@dmar_dev_scope_init
           pci_enable_device -> pcibios_enable_irq: the INTx pin's irq      @@mp_map_pin_to_irq
           timer, ACPI SCI, i8042 ...: request_irq(irq, handler, ...)     @@request_irq
           driver probes (pci_device_probe -> drv->probe):
               nvme_probe / mlx5_core probe / e1000e ... :
                   pci_alloc_irq_vectors(dev, min, max, flags);          @@pci_alloc_irq_vectors_affinity
                   pci_free_irq_vectors(dev);      /* retry / remove */  @@pci_free_irq_vectors
                   request_irq(pci_irq_vector(dev, i), ...);
                   free_irq(irq, dev_id);                               @@free_irq
                   irq_set_affinity_hint(irq, mask);                    @@irq_set_affinity
           the device raises its first interrupt (a command completion):
               device_fire(dev, entry, address, data);                  @@device_fire
    /* userspace: echo N > sriov_numvfs */
    sriov_enable(dev, nr_virtfn);                                       @@sriov_enable
    pr_info(...);                                                       @@log
    run_init_process("/sbin/init");
}`,
  },
  setup_IO_APIC: {
    file: 'arch/x86/kernel/apic/io_apic.c',
    text: `void __init setup_IO_APIC(void)
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
  },
  mp_map_pin_to_irq: {
    file: 'arch/x86/kernel/apic/io_apic.c',
    text: `static int mp_map_pin_to_irq(u32 gsi, int idx, int ioapic, int pin,
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
  },
  __irq_domain_alloc_irqs: {
    file: 'kernel/irq/irqdomain.c',
    text: `int __irq_domain_alloc_irqs(struct irq_domain *domain, int irq_base,
                            unsigned int nr_irqs, int node, void *arg,
                            bool realloc, const struct irq_affinity_desc *affinity)
{
    int i, ret, virq;

    if (realloc && irq_base >= 0) {
        virq = irq_base;
    } else {
        virq = irq_domain_alloc_descs(irq_base, nr_irqs, 0, node, affinity); @@irq_domain_alloc_descs
        if (virq < 0) {
            pr_debug("cannot allocate IRQ(base %d, count %d)\\n", irq_base, nr_irqs);
            return virq;
        }
    }

    if (irq_domain_alloc_irq_data(domain, virq, nr_irqs)) {   /* the irq_data chain */
        ret = -ENOMEM;
        goto out_free_desc;
    }

    mutex_lock(&irq_domain_mutex);
    /* The domain's alloc: each level allocates its parent first */
    ret = irq_domain_alloc_irqs_hierarchy(domain, virq, nr_irqs, arg);
        -> domain->ops->alloc(domain, virq, nr_irqs, arg);  @@mp_irqdomain_alloc @@msi_domain_alloc @@intel_irq_remapping_alloc @@x86_vector_alloc_irqs @@irq_remapping_alloc
    if (ret < 0) {
        mutex_unlock(&irq_domain_mutex);
        goto out_free_irq_data;
    }

    for (i = 0; i < nr_irqs; i++) {
        ret = irq_domain_trim_hierarchy(virq + i);
        if (ret) goto out_free_irq_data;
    }
    for (i = 0; i < nr_irqs; i++)
        irq_domain_insert_irq(virq + i);     /* revmap, mapcount of each level */
    mutex_unlock(&irq_domain_mutex);
    return virq;

out_free_irq_data:
    irq_domain_free_irq_data(virq, nr_irqs);
out_free_desc:
    irq_free_descs(virq, nr_irqs);
    return ret;
}`,
  },
  irq_domain_alloc_descs: {
    file: 'kernel/irq/irqdomain.c',
    text: `int irq_domain_alloc_descs(int virq, unsigned int cnt, irq_hw_number_t hwirq,
                           int node, const struct irq_affinity_desc *affinity)
{
    unsigned int hint;

    if (virq >= 0) {
        virq = __irq_alloc_descs(virq, virq, cnt, node, THIS_MODULE, affinity);
    } else {
        /* Above the IO-APIC's GSIs: gsi_top, then ioapic_dynirq_base */
        hint = hwirq % nr_irqs;
        if (hint == 0)
            hint++;
        virq = __irq_alloc_descs(-1, hint, cnt, node, THIS_MODULE, affinity);
        if (virq <= 0 && hint > 1)
            virq = __irq_alloc_descs(-1, 1, cnt, node, THIS_MODULE, affinity);
    }
    return virq;
}`,
  },
  mp_irqdomain_alloc: {
    file: 'arch/x86/kernel/apic/io_apic.c',
    text: `int mp_irqdomain_alloc(struct irq_domain *domain, unsigned int virq,
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
  },
  mp_irqdomain_activate: {
    file: 'arch/x86/kernel/apic/io_apic.c',
    text: `int mp_irqdomain_activate(struct irq_domain *domain,
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
  },
  ioapic_configure_entry: {
    file: 'arch/x86/kernel/apic/io_apic.c',
    text: `static void ioapic_configure_entry(struct irq_data *irqd)
{
    struct mp_chip_data *mpd = irqd->chip_data;
    struct irq_pin_list *entry;

    ioapic_setup_msg_from_msi(irqd, &mpd->entry);
    for_each_irq_pin(entry, mpd->irq_2_pin)
        __ioapic_write_entry(entry->apic, entry->pin, mpd->entry);
}`,
  },
  msi_domain_alloc: {
    file: 'kernel/irq/msi.c',
    text: `static int msi_domain_alloc(struct irq_domain *domain, unsigned int virq,
                            unsigned int nr_irqs, void *arg)
{
    struct msi_domain_info *info = domain->host_data;
    struct msi_domain_ops *ops = info->ops;
    irq_hw_number_t hwirq = ops->get_hwirq(info, arg);   /* NULL: BUG, RIP 0x0 */ @@fault:oops @@log
    int i, ret;

    if (irq_find_mapping(domain, hwirq) > 0)
        return -EEXIST;

    if (domain->parent) {
        ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg); @@x86_vector_alloc_irqs @@intel_irq_remapping_alloc @@irq_remapping_alloc
        if (ret < 0)
            return ret;
    }

    for (i = 0; i < nr_irqs; i++) {
        ret = ops->msi_init(domain, info, virq + i, hwirq + i, arg);
        if (ret < 0) {
            if (ops->msi_free) {
                for (i--; i > 0; i--)
                    ops->msi_free(domain, info, virq + i);
            }
            irq_domain_free_irqs_top(domain, virq, nr_irqs);
            return ret;
        }
    }
    return 0;
}`,
  },
  x86_vector_alloc_irqs: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `static int x86_vector_alloc_irqs(struct irq_domain *domain, unsigned int virq,
                                 unsigned int nr_irqs, void *arg)
{
    struct irq_alloc_info *info = arg;
    struct apic_chip_data *apicd;
    struct irq_data *irqd;
    int i, err, node;

    if (disable_apic)
        return -ENXIO;
    /* Currently vector allocator can't guarantee contiguous allocations */
    if ((info->flags & X86_IRQ_ALLOC_CONTIGUOUS_VECTORS) && nr_irqs > 1)
        return -ENOSYS;

    for (i = 0; i < nr_irqs; i++) {
        irqd = irq_domain_get_irq_data(domain, virq + i);
        node = irq_data_get_node(irqd);
        apicd = alloc_apic_chip_data(node);
        apicd->irq = virq + i;
        irqd->chip = &lapic_controller;
        irqd->chip_data = apicd;
        irqd->hwirq = virq + i;
        irqd_set_single_target(irqd);
        /* Legacy vectors are already assigned (ISA irqs on CPU 0) */
        if (info->flags & X86_IRQ_ALLOC_LEGACY) {
            if (!vector_configure_legacy(virq + i, irqd, apicd))
                continue;
        }
        /* Managed: reserve on every CPU of the mask; else reservation mode */
        err = assign_irq_vector_policy(irqd, info);
            -> irq_matrix_reserve_managed(vector_matrix, mask);  @@irq_matrix_reserve_managed @@state:matrix_reserve_managed
            -> reserve_irq_vector(irqd): irq_matrix_reserve();   @@state:matrix_reserve @@state:matrix_free
        trace_vector_setup(virq + i, false, err);
        if (err) {
            irqd->chip_data = NULL;
            free_apic_chip_data(apicd);
            goto error;
        }
    }
    return 0;

error:
    x86_vector_free_irqs(domain, virq, i);
    return err;
}`,
  },
  x86_vector_free_irqs: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `static void x86_vector_free_irqs(struct irq_domain *domain,
                                 unsigned int virq, unsigned int nr_irqs)
{
    struct apic_chip_data *apicd;
    struct irq_data *irqd;
    unsigned long flags;
    int i;

    for (i = 0; i < nr_irqs; i++) {
        irqd = irq_domain_get_irq_data(x86_vector_domain, virq + i);
        if (irqd && irqd->chip_data) {
            raw_spin_lock_irqsave(&vector_lock, flags);
            clear_irq_vector(irqd);         /* irq_matrix_free() */ @@state:matrix_free
            vector_free_reserved_and_managed(irqd);
            apicd = irqd->chip_data;
            irq_domain_reset_irq_data(irqd);
            raw_spin_unlock_irqrestore(&vector_lock, flags);
            free_apic_chip_data(apicd);
        }
    }
}`,
  },
  irq_domain_activate_irq: {
    file: 'kernel/irq/irqdomain.c',
    text: `int irq_domain_activate_irq(struct irq_data *irq_data, bool reserve)
{
    int ret = 0;

    if (!irqd_is_activated(irq_data))
        ret = __irq_domain_activate_irq(irq_data, reserve);
            /* root first: the parent is activated before the child */
            -> __irq_domain_activate_irq(irqd->parent_data, reserve);
               VECTOR:        x86_vector_activate(domain, irqd, reserve);   @@x86_vector_activate
               INTEL-IR-n:    intel_irq_remapping_activate(...);            @@intel_irq_remapping_activate
               IO-APIC-n:     mp_irqdomain_activate(...);                   @@mp_irqdomain_activate
               *-MSI:         msi_domain_activate(...);                     @@msi_domain_activate
    if (!ret)
        irqd_set_activated(irq_data);
    return ret;
}`,
  },
  x86_vector_activate: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `static int x86_vector_activate(struct irq_domain *dom, struct irq_data *irqd,
                               bool reserve)
{
    struct apic_chip_data *apicd = apic_chip_data(irqd);
    unsigned long flags;
    int ret = 0;

    trace_vector_activate(irqd->irq, apicd->is_managed,
                          apicd->can_reserve, reserve);

    raw_spin_lock_irqsave(&vector_lock, flags);
    if (!apicd->can_reserve && !apicd->is_managed)
        assign_irq_vector_any_locked(irqd);          @@assign_irq_vector_any_locked
    else if (reserve || irqd_is_managed_and_shutdown(irqd))
        vector_assign_managed_shutdown(irqd);
    else if (apicd->is_managed)
        ret = activate_managed(irqd);
            -> assign_managed_vector(irqd, dest);
               -> irq_matrix_alloc_managed(vector_matrix, dest, &cpu); @@irq_matrix_alloc_managed
    else if (apicd->has_reserved)
        ret = activate_reserved(irqd);
            -> assign_irq_vector_any_locked(irqd);
    raw_spin_unlock_irqrestore(&vector_lock, flags);
    return ret;
}`,
  },
  x86_vector_deactivate: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `static void x86_vector_deactivate(struct irq_domain *dom, struct irq_data *irqd)
{
    struct apic_chip_data *apicd = apic_chip_data(irqd);
    unsigned long flags;

    trace_vector_deactivate(irqd->irq, apicd->is_managed,
                            apicd->can_reserve, false);

    /* Regular fixed assigned interrupt */
    if (!apicd->is_managed && !apicd->can_reserve)
        return;
    /* If the interrupt has a global reservation, nothing to do */
    if (apicd->has_reserved)
        return;

    raw_spin_lock_irqsave(&vector_lock, flags);
    clear_irq_vector(irqd);                           @@state:matrix_free
    if (apicd->can_reserve)
        reserve_irq_vector_locked(irqd);              @@state:matrix_reserve
    else
        vector_assign_managed_shutdown(irqd);
    raw_spin_unlock_irqrestore(&vector_lock, flags);
}`,
  },
  assign_irq_vector_any_locked: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `static int assign_irq_vector_any_locked(struct irq_data *irqd)
{
    /* Get the affinity mask - either irq_default_affinity or (user) set */
    const struct cpumask *affmsk = irq_data_get_affinity_mask(irqd);
    int node = irq_data_get_node(irqd);

    if (node != NUMA_NO_NODE) {
        /* Try the intersection of @affmsk and node mask */
        cpumask_and(vector_searchmask, cpumask_of_node(node), affmsk);
        if (!assign_vector_locked(irqd, vector_searchmask))
            return 0;
    }
    /* Try the full affinity mask */
    cpumask_and(vector_searchmask, affmsk, cpu_online_mask);
    if (!assign_vector_locked(irqd, vector_searchmask))
        -> vector = irq_matrix_alloc(vector_matrix, dest, resvd, &cpu); @@irq_matrix_alloc
        return 0;
    /* Try the node mask, then all online CPUs */
    ...
    return assign_vector_locked(irqd, cpu_online_mask);
}`,
  },
  irq_matrix_alloc: {
    file: 'kernel/irq/matrix.c',
    text: `int irq_matrix_alloc(struct irq_matrix *m, const struct cpumask *msk,
                     bool reserved, unsigned int *mapped_cpu)
{
    unsigned int cpu, bit;
    struct cpumap *cm;

    /* Not a pure mask: use the CPU with the most available vectors */
    cpu = matrix_find_best_cpu(m, msk);
    if (cpu == UINT_MAX)
        return -ENOSPC;

    cm = per_cpu_ptr(m->maps, cpu);
    bit = matrix_alloc_area(m, cm, 1, false);   /* the lowest free vector */
    if (bit >= m->alloc_end)
        return -ENOSPC;
    cm->allocated++;
    cm->available--;
    m->total_allocated++;
    m->global_available--;
    if (reserved)
        m->global_reserved--;
    *mapped_cpu = cpu;
    trace_irq_matrix_alloc(bit, cpu, m, cm);               @@state:matrix_alloc
    return bit;
}`,
  },
  irq_matrix_alloc_managed: {
    file: 'kernel/irq/matrix.c',
    text: `int irq_matrix_alloc_managed(struct irq_matrix *m, const struct cpumask *msk,
                             unsigned int *mapped_cpu)
{
    unsigned int bit, cpu, end;
    struct cpumap *cm;

    if (cpumask_empty(msk))
        return -EINVAL;

    /* The CPU of the mask with the fewest managed allocations */
    cpu = matrix_find_best_cpu_managed(m, msk);
    if (cpu == UINT_MAX)
        return -ENOSPC;

    cm = per_cpu_ptr(m->maps, cpu);
    end = m->alloc_end;
    /* Get managed bit which are not allocated */
    bitmap_andnot(m->scratch_map, cm->managed_map, cm->alloc_map, end);
    bit = find_first_bit(m->scratch_map, end);
    if (bit >= end)
        return -ENOSPC;
    set_bit(bit, cm->alloc_map);
    cm->allocated++;
    cm->managed_allocated++;
    m->total_allocated++;
    *mapped_cpu = cpu;
    trace_irq_matrix_alloc_managed(bit, cpu, m, cm);       @@state:matrix_alloc_managed
    return bit;
}`,
  },
  irq_matrix_reserve_managed: {
    file: 'kernel/irq/matrix.c',
    text: `int irq_matrix_reserve_managed(struct irq_matrix *m, const struct cpumask *msk)
{
    unsigned int cpu, failed_cpu;

    /* One vector reserved on every CPU of the mask */
    for_each_cpu(cpu, msk) {
        struct cpumap *cm = per_cpu_ptr(m->maps, cpu);
        unsigned int bit;

        bit = matrix_alloc_area(m, cm, 1, true);
        if (bit >= m->alloc_end)
            goto cleanup;
        cm->managed++;
        if (cm->online) {
            cm->available--;
            m->global_available--;
        }
        trace_irq_matrix_reserve_managed(bit, cpu, m, cm);   @@state:matrix_reserve_managed
    }
    return 0;
cleanup:
    failed_cpu = cpu;
    for_each_cpu(cpu, msk) {
        if (cpu == failed_cpu)
            break;
        irq_matrix_remove_managed(m, cpumask_of(cpu));
    }
    return -ENOSPC;
}`,
  },
  irq_matrix_free: {
    file: 'kernel/irq/matrix.c',
    text: `void irq_matrix_free(struct irq_matrix *m, unsigned int cpu,
                     unsigned int bit, bool managed)
{
    struct cpumap *cm = per_cpu_ptr(m->maps, cpu);

    if (WARN_ON_ONCE(bit < m->alloc_start || bit >= m->alloc_end))
        return;

    if (WARN_ON_ONCE(!test_and_clear_bit(bit, cm->alloc_map)))
        return;

    cm->allocated--;
    if (managed)
        cm->managed_allocated--;
    if (cm->online)
        m->total_allocated--;
    if (!managed) {
        cm->available++;
        if (cm->online)
            m->global_available++;
    }
    trace_irq_matrix_free(bit, cpu, m, cm);                 @@state:matrix_free
}`,
  },
  msi_domain_activate: {
    file: 'kernel/irq/msi.c',
    text: `static int msi_domain_activate(struct irq_domain *domain,
                               struct irq_data *irq_data, bool early)
{
    struct msi_msg msg[2] = { [1] = { }, };

    BUG_ON(irq_chip_compose_msi_msg(irq_data, msg));
        /* the first chip from the top that composes: VECTOR (compatibility
           format, __irq_msi_compose_msg) or INTEL-IR (remappable format) */
        -> __irq_msi_compose_msg(apicd, msg, false);      @@__irq_msi_compose_msg
    msi_check_level(irq_data->domain, msg);
    irq_chip_write_msi_msg(irq_data, msg);
        PCI-MSI(X):  pci_msi_domain_write_msg(irq_data, msg);   @@pci_msi_domain_write_msg
        DMAR-MSI:    dmar_msi_write_msg(irq_data, msg);         @@dmar_msi_write_msg
        HPET-MSI:    hpet_msi_write_msg(irq_data, msg);         @@hpet_msi_write_msg
        IMS:         the slot (IMS_ARRAY) or its shadow (IMS_QUEUE) @@state:ims_slot_written @@state:ims_shadow_written
    return 0;
}`,
  },
  msi_domain_deactivate: {
    file: 'kernel/irq/msi.c',
    text: `static void msi_domain_deactivate(struct irq_domain *domain,
                                  struct irq_data *irq_data)
{
    struct msi_msg msg[2];

    memset(msg, 0, sizeof(msg));
    irq_chip_write_msi_msg(irq_data, msg);     /* address/data = 0 */ @@pci_msi_domain_write_msg
}`,
  },
  irq_chip_compose_msi_msg: {
    file: 'kernel/irq/chip.c',
    text: `int irq_chip_compose_msi_msg(struct irq_data *data, struct msi_msg *msg)
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
  __irq_msi_compose_msg: {
    file: 'arch/x86/kernel/apic/apic.c',
    text: `void __irq_msi_compose_msg(struct irq_cfg *cfg, struct msi_msg *msg, bool dmar)
{
    /* Compatibility format: the CPU and the vector in the message itself */
    msg->address_hi = X86_MSI_BASE_ADDRESS_HIGH;
    msg->arch_addr_lo.base_address = X86_MSI_BASE_ADDRESS_LOW;   /* 0xfee */
    msg->arch_addr_lo.dest_mode_logical = apic->dest_mode_logical;
    msg->arch_addr_lo.destid_0_7 = cfg->dest_apicid & 0xFF;

    msg->arch_data.delivery_mode = APIC_DELIVERY_MODE_FIXED;
    msg->arch_data.vector = cfg->vector;

    /* Destination ids above 255: the extended destination id (bits 11:5),
       or address_hi for the DMAR unit's own message */
    if (dmar)
        msg->arch_addr_hi.destid_8_31 = cfg->dest_apicid >> 8;
    else if (virt_ext_dest_id && cfg->dest_apicid < 0x8000)
        msg->arch_addr_lo.virt_destid_8_14 = cfg->dest_apicid >> 8;
    else
        WARN_ON_ONCE(cfg->dest_apicid > 0xFF);
}`,
  },
  pci_msi_domain_write_msg: {
    file: 'drivers/pci/msi/irqdomain.c',
    text: `static void pci_msi_domain_write_msg(struct irq_data *irq_data, struct msi_msg *msg)
{
    struct msi_desc *desc = irq_data_get_msi_desc(irq_data);

    /* Into the device: the MSI capability or the MSI-X table entry */
    if (desc->pci.msi_attrib.is_msix) {
        void __iomem *base = pci_msix_desc_addr(desc);
        writel(msg->address_lo, base + PCI_MSIX_ENTRY_LOWER_ADDR);
        writel(msg->address_hi, base + PCI_MSIX_ENTRY_UPPER_ADDR);
        writel(msg->data, base + PCI_MSIX_ENTRY_DATA);
    } else {
        pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, msg->address_lo);
        ...
        pci_write_config_word(dev, pos + PCI_MSI_DATA_32, msg->data);
    }
    desc->msg = *msg;
}`,
  },
  dmar_msi_write_msg: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `void dmar_msi_write(int irq, struct msi_msg *msg)
{
    struct intel_iommu *iommu = irq_get_handler_data(irq);
    int reg = dmar_msi_reg(iommu, irq);       /* DMAR_FEDATA_REG ... */
    unsigned long flag;

    raw_spin_lock_irqsave(&iommu->register_lock, flag);
    writel(msg->data, iommu->reg + reg + 4);
    writel(msg->address_lo, iommu->reg + reg + 8);
    writel(msg->address_hi, iommu->reg + reg + 12);
    raw_spin_unlock_irqrestore(&iommu->register_lock, flag);
}`,
  },
  hpet_msi_write_msg: {
    file: 'arch/x86/kernel/hpet.c',
    text: `static void hpet_msi_write_msg(struct irq_data *data, struct msi_msg *msg)
{
    struct hpet_channel *hc = irq_data_get_irq_handler_data(data);

    /* The channel's FSB route register */
    hpet_writel(msg->data, HPET_Tn_ROUTE(hc->num));
    hpet_writel(msg->address_lo, HPET_Tn_ROUTE(hc->num) + 4);
}`,
  },
  pci_alloc_irq_vectors_affinity: {
    file: 'drivers/pci/msi/api.c',
    text: `int pci_alloc_irq_vectors_affinity(struct pci_dev *dev, unsigned int min_vecs,
                                   unsigned int max_vecs, unsigned int flags,
                                   struct irq_affinity *affd)
{
    struct irq_affinity msi_default_affd = {0};
    int nvecs = -ENOSPC;

    if (flags & PCI_IRQ_AFFINITY) {
        if (!affd)
            affd = &msi_default_affd;
    }

    if (flags & PCI_IRQ_MSIX) {
        nvecs = __pci_enable_msix_range(dev, NULL, min_vecs, max_vecs,
                                        affd, flags);               @@__pci_enable_msix_range
        if (nvecs > 0)
            return nvecs;
    }

    if (flags & PCI_IRQ_MSI) {
        nvecs = __pci_enable_msi_range(dev, min_vecs, max_vecs, affd); @@__pci_enable_msi_range
        if (nvecs > 0)
            return nvecs;
    }

    /* use INTx IRQ if allowed */
    if (flags & PCI_IRQ_LEGACY) {
        if (min_vecs == 1 && dev->irq) {
            pci_intx(dev, 1);
            return 1;
        }
    }
    return nvecs;
}`,
  },
  __pci_enable_msix_range: {
    file: 'drivers/pci/msi/msi.c',
    text: `int __pci_enable_msix_range(struct pci_dev *dev, struct msix_entry *entries,
                            int minvec, int maxvec, struct irq_affinity *affd,
                            int flags)
{
    int hwsize, rc, nvec = maxvec;

    if (maxvec < minvec)
        return -ERANGE;
    if (WARN_ON_ONCE(dev->msix_enabled))
        return -EINVAL;
    /* The device's MSI domain: PCI-MSI, or the IR domain of its DRHD */
    if (!pci_msi_domain_supports(dev, MSI_FLAG_PCI_MSIX, ALLOW_LEGACY))
        return -ENOTSUPP;

    hwsize = pci_msix_vec_count(dev);
    if (hwsize < 0)
        return hwsize;
    if (nvec > hwsize)
        nvec = hwsize;
    if (nvec < minvec)
        return -ENOSPC;

    for (;;) {
        if (affd) {
            nvec = irq_calc_affinity_vectors(minvec, nvec, affd);
            if (nvec < minvec)
                return -ENOSPC;
        }
        rc = msix_capability_init(dev, entries, nvec, affd);
            -> msi_domain_alloc_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN, nvec);
               -> __msi_domain_alloc_irqs(dev, domain, ctrl);   @@__msi_domain_alloc_irqs
        if (rc == 0)
            return nvec;
        if (rc < 0)
            return rc;
        if (rc < minvec)
            return -ENOSPC;
        nvec = rc;
    }
}`,
  },
  __pci_enable_msi_range: {
    file: 'drivers/pci/msi/msi.c',
    text: `int __pci_enable_msi_range(struct pci_dev *dev, int minvec, int maxvec,
                           struct irq_affinity *affd)
{
    int nvec;
    int rc;

    if (!pci_msi_supported(dev, minvec) || dev->current_state != PCI_D0)
        return -EINVAL;
    if (dev->msix_enabled) {
        pci_info(dev, "can't enable MSI (MSI-X already enabled)\\n");
        return -EINVAL;
    }
    if (maxvec < minvec)
        return -ERANGE;

    nvec = pci_msi_vec_count(dev);
    if (nvec < 0)
        return nvec;
    if (nvec < minvec)
        return -ENOSPC;
    if (nvec > maxvec)
        nvec = maxvec;

    for (;;) {
        if (affd) {
            nvec = irq_calc_affinity_vectors(minvec, nvec, affd);
            if (nvec < minvec)
                return -ENOSPC;
        }
        rc = msi_capability_init(dev, nvec, affd);
            -> msi_domain_alloc_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN, nvec);
               -> __msi_domain_alloc_irqs(dev, domain, ctrl);   @@__msi_domain_alloc_irqs
        if (rc == 0)
            return nvec;
        if (rc < 0)
            return rc;
        if (rc < minvec)
            return -ENOSPC;
        nvec = rc;
    }
}`,
  },
  __msi_domain_alloc_irqs: {
    file: 'kernel/irq/msi.c',
    text: `static int __msi_domain_alloc_irqs(struct device *dev, struct irq_domain *domain,
                                   struct msi_ctrl *ctrl)
{
    struct msi_domain_info *info = domain->host_data;
    struct msi_domain_ops *ops = info->ops;
    unsigned int vflags = 0, allocated = 0;
    msi_alloc_info_t arg = { };
    struct msi_desc *desc;
    int i, ret, virq;

    ret = msi_domain_prepare_irqs(domain, dev, ctrl->nirqs, &arg);
    if (ret)
        return ret;

    /* Reservation mode: a vector only at request_irq (not for managed) */
    if (msi_check_reservation_mode(domain, info, dev))
        vflags |= VIRQ_CAN_RESERVE;

    xa_for_each_range(xa, idx, desc, ctrl->first, ctrl->last) {
        ops->set_desc(&arg, desc);
        virq = __irq_domain_alloc_irqs(domain, -1, desc->nvec_used,
                                       dev_to_node(dev), &arg, false,
                                       desc->affinity);             @@__irq_domain_alloc_irqs
        if (virq < 0)
            return msi_handle_pci_fail(domain, desc, allocated);

        for (i = 0; i < desc->nvec_used; i++) {
            irq_set_msi_desc_off(virq, i, desc);
            irq_debugfs_copy_devname(virq + i, dev);
            ret = msi_init_virq(domain, virq + i, vflags);
                -> irq_domain_activate_irq(irqd, can_reserve);    @@irq_domain_activate_irq
            if (ret)
                return ret;
        }
        allocated++;
    }
    return 0;
}`,
  },
  pci_free_irq_vectors: {
    file: 'drivers/pci/msi/api.c',
    text: `void pci_free_irq_vectors(struct pci_dev *dev)
{
    pci_disable_msix(dev);
    pci_disable_msi(dev);
        -> msi_domain_free_irqs_all_locked(&dev->dev, MSI_DEFAULT_DOMAIN);
           -> irq_domain_free_irqs(desc->irq, desc->nvec_used);   @@irq_domain_free_irqs
}`,
  },
  irq_domain_free_irqs: {
    file: 'kernel/irq/irqdomain.c',
    text: `void irq_domain_free_irqs(unsigned int virq, unsigned int nr_irqs)
{
    struct irq_data *data = irq_get_irq_data(virq);
    struct irq_domain *domain;
    int i;

    if (WARN(!data || !data->domain || !data->domain->ops->alloc,
             "NULL pointer, cannot free irq\\n"))
        return;

    domain = data->domain;
    mutex_lock(&irq_domain_mutex);
    for (i = 0; i < nr_irqs; i++)
        irq_domain_remove_irq(virq + i);
    /* The top level first, then each parent */
    irq_domain_free_irqs_hierarchy(domain, virq, nr_irqs);
        INTEL-IR-n: intel_irq_remapping_free(domain, virq, nr_irqs); @@intel_irq_remapping_free
        VECTOR:     x86_vector_free_irqs(domain, virq, nr_irqs);     @@x86_vector_free_irqs
    mutex_unlock(&irq_domain_mutex);

    irq_domain_free_irq_data(virq, nr_irqs);
    irq_free_descs(virq, nr_irqs);
}`,
  },
  request_irq: {
    file: 'include/linux/interrupt.h',
    text: `static inline int __must_check
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
  free_irq: {
    file: 'kernel/irq/manage.c',
    text: `const void *free_irq(unsigned int irq, void *dev_id)
{
    struct irq_desc *desc = irq_to_desc(irq);
    struct irqaction *action;
    const char *devname;

    if (!desc || WARN_ON(irq_settings_is_per_cpu_devid(desc)))
        return NULL;

    action = __free_irq(desc, dev_id);
        /* The last action gone: shut the interrupt down */
        -> irq_shutdown(desc);
           -> irq_domain_deactivate_irq(&desc->irq_data);   @@irq_domain_deactivate_irq
    if (!action)
        return NULL;

    devname = action->name;
    kfree(action);
    return devname;
}`,
  },
  irq_domain_deactivate_irq: {
    file: 'kernel/irq/irqdomain.c',
    text: `void irq_domain_deactivate_irq(struct irq_data *irq_data)
{
    if (irqd_is_activated(irq_data)) {
        /* The child first, then the parent */
        __irq_domain_deactivate_irq(irq_data);
            *-MSI:       msi_domain_deactivate(domain, irqd);             @@msi_domain_deactivate
            INTEL-IR-n:  intel_irq_remapping_deactivate(domain, irqd);    @@intel_irq_remapping_deactivate
            VECTOR:      x86_vector_deactivate(domain, irqd);             @@x86_vector_deactivate
        irqd_clr_activated(irq_data);
    }
}`,
  },
  irq_set_affinity: {
    file: 'kernel/irq/manage.c',
    text: `int irq_set_affinity(unsigned int irq, const struct cpumask *cpumask)
{
    struct irq_desc *desc = irq_to_desc(irq);
    unsigned long flags;
    int ret;

    raw_spin_lock_irqsave(&desc->lock, flags);
    ret = irq_set_affinity_locked(irq_desc_get_irq_data(desc), cpumask, false);
        -> irq_do_set_affinity(data, mask, force);
           -> chip->irq_set_affinity(data, mask, force);
              VECTOR: apic_set_affinity(): a new vector on the new CPU,
                      the old one freed                     @@irq_matrix_alloc @@state:matrix_free
              INTEL-IR-n: intel_ir_set_affinity(): the IRTE rewritten @@intel_irq_remapping_activate
              PCI-MSI: msi_domain_set_affinity(): the new message     @@msi_domain_activate
    raw_spin_unlock_irqrestore(&desc->lock, flags);
    return ret;
}`,
  },
  hpet_assign_irq: {
    file: 'arch/x86/kernel/hpet.c',
    text: `static int hpet_assign_irq(struct irq_domain *domain, struct hpet_channel *hc,
                           int dev_num)
{
    struct irq_alloc_info info;

    init_irq_alloc_info(&info, NULL);
    info.type = X86_IRQ_ALLOC_TYPE_HPET;
    info.data = hc;
    info.devid = hpet_dev_id(domain);
    info.hwirq = dev_num;

    return irq_domain_alloc_irqs(domain, 1, NUMA_NO_NODE, &info); @@__irq_domain_alloc_irqs
    /* then, as a per-CPU clock event device: */
    irq_domain_activate_irq(irq_get_irq_data(hc->irq), false);   @@irq_domain_activate_irq
    request_irq(hc->irq, hpet_interrupt_handler, IRQF_TIMER, hc->name, hc); @@request_irq
}`,
  },
  lapic_can_unplug_cpu: {
    file: 'arch/x86/kernel/apic/vector.c',
    text: `int lapic_can_unplug_cpu(void)
{
    unsigned int rsvd, avl, tomove, cpu = smp_processor_id();
    int ret = 0;

    raw_spin_lock(&vector_lock);
    tomove = irq_matrix_allocated(vector_matrix);
    avl = irq_matrix_available(vector_matrix, true);
    if (avl < tomove) {
        pr_warn("CPU %u has %u vectors, %u available. Cannot disable CPU\\n",
                cpu, tomove, avl);
        ret = -ENOSPC;
        goto out;
    }
    rsvd = irq_matrix_reserved(vector_matrix);
    if (avl < rsvd) {
        pr_warn("Reserved vectors %u > available %u. IRQ request may fail\\n",
                rsvd, avl);
    }
out:
    raw_spin_unlock(&vector_lock);
    return ret;
}`,
  },
  irq_migrate_all_off_this_cpu: {
    file: 'kernel/irq/cpuhotplug.c',
    text: `void irq_migrate_all_off_this_cpu(void)
{
    struct irq_desc *desc;
    unsigned int irq;

    for_each_active_irq(irq) {
        bool affinity_broken;

        desc = irq_to_desc(irq);
        raw_spin_lock(&desc->lock);
        affinity_broken = migrate_one_irq(desc);          @@migrate_one_irq
        raw_spin_unlock(&desc->lock);

        if (affinity_broken) {
            pr_debug_ratelimited("IRQ %u: no longer affine to CPU%u\\n",
                                 irq, smp_processor_id());
        }
    }
}`,
  },
  migrate_one_irq: {
    file: 'kernel/irq/cpuhotplug.c',
    text: `static bool migrate_one_irq(struct irq_desc *desc)
{
    struct irq_data *d = irq_desc_get_irq_data(desc);
    const struct cpumask *affinity;
    bool brokeaff = false;
    int err;

    if (irqd_is_per_cpu(d) || !irqd_is_started(d) || !irq_needs_fixup(d))
        return false;

    affinity = irq_data_get_affinity_mask(d);
    if (irqd_affinity_is_managed(d) &&
        cpumask_any_and(affinity, cpu_online_mask) >= nr_cpu_ids) {
        /* A managed irq whose CPUs are all going: shut it down */
        irqd_set_managed_shutdown(d);
        irq_shutdown_and_deactivate(desc);   @@msi_domain_deactivate @@intel_irq_remapping_deactivate @@state:matrix_free
        return false;
    }

    if (cpumask_any_and(affinity, cpu_online_mask) >= nr_cpu_ids) {
        affinity = cpu_online_mask;
        brokeaff = true;
    }
    /* A new vector on another CPU; the IRTE or the message follows */
    err = irq_do_set_affinity(d, affinity, false);  @@irq_matrix_alloc @@intel_irq_remapping_activate @@mp_irqdomain_activate @@msi_domain_activate
    if (err) {
        pr_warn_ratelimited("IRQ%u: set affinity failed(%d).\\n",
                            d->irq, err);                     @@log
        brokeaff = false;
    }
    return brokeaff;
}`,
  },
  irq_affinity_online_cpu: {
    file: 'kernel/irq/cpuhotplug.c',
    text: `int irq_affinity_online_cpu(unsigned int cpu)
{
    struct irq_desc *desc;
    unsigned int irq;

    irq_lock_sparse();
    for_each_active_irq(irq) {
        desc = irq_to_desc(irq);
        raw_spin_lock_irq(&desc->lock);
        /* Managed irqs shut down with their CPUs come back */
        irq_restore_affinity_of_irq(desc, cpu);
            -> irq_startup(desc, IRQ_RESEND, IRQ_START_COND);
               -> x86_vector_activate(...);            @@x86_vector_activate
               -> intel_irq_remapping_activate(...);   @@intel_irq_remapping_activate
               -> msi_domain_activate(...);            @@msi_domain_activate
        raw_spin_unlock_irq(&desc->lock);
    }
    irq_unlock_sparse();
    return 0;
}`,
  },
  enable_IR_x2apic: {
    file: 'arch/x86/kernel/apic/apic.c',
    text: `void __init enable_IR_x2apic(void)
{
    unsigned long flags;
    int ret, ir_stat;

    if (skip_ioapic_setup) {
        pr_info("Not enabling interrupt remapping due to skipped IO-APIC setup\\n");
        return;
    }

    ir_stat = irq_remapping_prepare();
        -> intel_prepare_irq_remapping();   /* or amd_iommu_prepare() */ @@intel_prepare_irq_remapping @@amd_iommu_prepare
    if (ir_stat < 0 && !x2apic_supported())
        return;

    ret = save_ioapic_entries();
    if (ret) {
        pr_info("Saving IO-APIC state failed: %d\\n", ret);
        return;
    }

    local_irq_save(flags);
    legacy_pic->mask_all();
    mask_ioapic_entries();

    /* If irq_remapping_prepare() succeeded, try to enable it */
    if (ir_stat >= 0)
        ir_stat = irq_remapping_enable();
            -> intel_enable_irq_remapping();    @@intel_enable_irq_remapping @@amd_iommu_enable
    /* ir_stat contains the remap mode or an error code */
    try_to_enable_x2apic(ir_stat);              @@try_to_enable_x2apic

    if (ir_stat < 0)
        restore_ioapic_entries();
    legacy_pic->restore_mask();
    local_irq_restore(flags);
}`,
  },
  try_to_enable_x2apic: {
    file: 'arch/x86/kernel/apic/apic.c',
    text: `static __init void try_to_enable_x2apic(int remap_mode)
{
    if (x2apic_state == X2APIC_DISABLED)
        return;

    if (remap_mode != IRQ_REMAP_X2APIC_MODE) {
        u32 apic_limit = 255;

        /* IR is required if there is APIC ID > 255 even when running
         * under KVM */
        if (!x86_init.hyper.x2apic_available()) {
            pr_info("x2apic: IRQ remapping doesn't support X2APIC mode\\n"); @@log
            x2apic_disable();
            return;
        }
        /* Without IR, all CPUs can be addressed by IOAPIC/MSI only
         * in physical mode, and CPUs with an APIC ID that cannot be
         * addressed must not be brought online. */
        x2apic_set_max_apicid(apic_limit);
        x2apic_phys = 1;
    }
    x2apic_enable();
}`,
  },
  intel_prepare_irq_remapping: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int __init intel_prepare_irq_remapping(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    int eim = 0;

    if (irq_remap_broken) {
        pr_warn("This system BIOS has enabled interrupt remapping\\n"
                "on a chipset that contains an erratum making that\\n"
                "feature unstable. ...");                          @@log
        return -ENODEV;
    }

    if (dmar_table_init() < 0)
        return -ENODEV;

    if (!dmar_ir_support())
        return -ENODEV;

    if (parse_ioapics_under_ir()) {                                @@parse_ioapics_under_ir
        pr_info("Not enabling interrupt remapping\\n");
        goto error;
    }

    /* First make sure all IOMMUs support IRQ remapping */
    for_each_iommu(iommu, drhd)
        if (!ecap_ir_support(iommu->ecap))
            goto error;

    /* Detect remapping mode: lapic or x2apic */
    if (x2apic_supported()) {
        eim = !dmar_x2apic_optout();
        if (!eim) {
            pr_info("x2apic is disabled because BIOS sets x2apic opt out bit.");
            pr_info("Use 'intremap=no_x2apic_optout' to override the BIOS setting.\\n");
        }
    }

    for_each_iommu(iommu, drhd) {
        if (eim && !ecap_eim_support(iommu->ecap)) {
            pr_info("%s does not support EIM\\n", iommu->name);
            eim = 0;
        }
    }

    eim_mode = eim;
    if (eim)
        pr_info("Queued invalidation will be enabled to support x2apic and Intr-remapping.\\n");

    /* Do the initializations early */
    for_each_iommu(iommu, drhd) {
        if (intel_setup_irq_remapping(iommu)) {                    @@intel_setup_irq_remapping
            pr_err("Failed to setup irq remapping for %s\\n", iommu->name);
            goto error;
        }
    }
    return 0;

error:
    intel_cleanup_irq_remapping();
    return -ENODEV;
}`,
  },
  intel_setup_irq_remapping: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int intel_setup_irq_remapping(struct intel_iommu *iommu)
{
    struct ir_table *ir_table;
    struct fwnode_handle *fn;
    unsigned long *bitmap;
    struct page *pages;

    if (iommu->ir_table)
        return 0;

    ir_table = kzalloc(sizeof(struct ir_table), GFP_KERNEL);
    /* The 65536-entry interrupt remapping table */
    pages = alloc_pages_node(iommu->node, GFP_KERNEL | __GFP_ZERO,
                             INTR_REMAP_PAGE_ORDER);
    bitmap = bitmap_zalloc(INTR_REMAP_TABLE_ENTRIES, GFP_KERNEL);

    fn = irq_domain_alloc_named_id_fwnode("INTEL-IR", iommu->seq_id);
    /* INTEL-IR-n under VECTOR */
    iommu->ir_domain = irq_domain_create_hierarchy(arch_get_ir_parent_domain(),
                                                   0, INTR_REMAP_TABLE_ENTRIES,
                                                   fn, &intel_ir_domain_ops,
                                                   iommu);
    irq_domain_update_bus_token(iommu->ir_domain, DOMAIN_BUS_DMAR);
    /* and its PCI MSI domain, INTEL-IR-MSI-n-3 (before 6.2) */
    iommu->ir_msi_domain = arch_create_remap_msi_irq_domain(iommu->ir_domain,
                                                            "INTEL-IR-MSI",
                                                            iommu->seq_id);
    ir_table->base = page_address(pages);
    ir_table->bitmap = bitmap;
    iommu->ir_table = ir_table;
    return 0;
}`,
  },
  parse_ioapics_under_ir: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int __init parse_ioapics_under_ir(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    bool ir_supported = false;
    int ioapic_idx;

    for_each_iommu(iommu, drhd) {
        int ret;

        if (!ecap_ir_support(iommu->ecap))
            continue;

        ret = ir_parse_ioapic_hpet_scope(drhd->hdr, iommu);
            pr_info("IOAPIC id %d under DRHD base 0x%Lx IOMMU %d\\n", ...); @@log
        if (ret)
            return ret;

        ir_supported = true;
    }

    if (!ir_supported)
        return -ENODEV;

    for (ioapic_idx = 0; ioapic_idx < nr_ioapics; ioapic_idx++) {
        int ioapic_id = mpc_ioapic_id(ioapic_idx);
        if (!map_ioapic_to_iommu(ioapic_id)) {
            pr_err(FW_BUG "ioapic %d has no mapping iommu, "
                   "interrupt remapping will be disabled\\n", ioapic_id);
            return -1;
        }
    }
    return 0;
}`,
  },
  intel_enable_irq_remapping: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int __init intel_enable_irq_remapping(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;
    bool setup = false;

    /* Setup Interrupt-remapping for all the DRHD's now */
    for_each_iommu(iommu, drhd) {
        if (!ir_pre_enabled(iommu))
            iommu_enable_irq_remapping(iommu);   /* IRTA, SIRTP, IRE */
        setup = true;
    }

    if (!setup)
        goto error;

    irq_remapping_enabled = 1;
    set_irq_posting_cap();

    pr_info("Enabled IRQ remapping in %s mode\\n",
            eim_mode ? "x2apic" : "xapic");                @@log

    return eim_mode ? IRQ_REMAP_X2APIC_MODE : IRQ_REMAP_XAPIC_MODE;

error:
    intel_cleanup_irq_remapping();
    return -1;
}`,
  },
  intel_irq_remapping_alloc: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int intel_irq_remapping_alloc(struct irq_domain *domain,
                                     unsigned int virq, unsigned int nr_irqs,
                                     void *arg)
{
    struct intel_iommu *iommu = domain->host_data;
    struct irq_alloc_info *info = arg;
    struct intel_ir_data *data, *ird;
    struct irq_data *irq_data;
    struct irq_cfg *irq_cfg;
    int i, ret, index;

    if (!info || !iommu)
        return -EINVAL;
    if (nr_irqs > 1 && info->type != X86_IRQ_ALLOC_TYPE_PCI_MSI)
        return -EINVAL;

    /* The vector level first */
    ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg);  @@x86_vector_alloc_irqs
    if (ret < 0)
        return ret;

    ret = -ENOMEM;
    data = kzalloc(sizeof(*data), GFP_KERNEL);
    if (!data)
        goto out_free_parent;

    down_read(&dmar_global_lock);
    /* nr_irqs consecutive entries of the unit's table (a power of two) */
    index = alloc_irte(iommu, &data->irq_2_iommu, nr_irqs);         @@alloc_irte
    up_read(&dmar_global_lock);
    if (index < 0) {
        pr_warn("Failed to allocate IRTE\\n");
        kfree(data);
        goto out_free_parent;
    }

    for (i = 0; i < nr_irqs; i++) {
        irq_data = irq_domain_get_irq_data(domain, virq + i);
        irq_cfg = irqd_cfg(irq_data);
        if (!irq_data || !irq_cfg) {
            ret = -EINVAL;
            goto out_free_data;
        }

        if (i > 0) {
            ird = kzalloc(sizeof(*ird), GFP_KERNEL);
            if (!ird)
                goto out_free_data;
            /* Initialize the common data */
            ird->irq_2_iommu = data->irq_2_iommu;
            ird->irq_2_iommu.sub_handle = i;
        } else {
            ird = data;
        }

        /* hwirq = index << 16 | sub-handle; source-id from the requester */
        irq_data->hwirq = (index << 16) + i;
        irq_data->chip_data = ird;
        irq_data->chip = &intel_ir_chip;
        intel_irq_remapping_prepare_irte(ird, irq_cfg, info, index, i);
            -> set_msi_sid(irte, dev) / set_ioapic_sid() / set_hpet_sid()
        irq_set_status_flags(virq + i, IRQ_MOVE_PCNTXT);
    }
    return 0;

out_free_data:
    intel_free_irq_resources(domain, virq, i);
out_free_parent:
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
    return ret;
}`,
  },
  intel_irq_remapping_free: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static void intel_irq_remapping_free(struct irq_domain *domain,
                                     unsigned int virq, unsigned int nr_irqs)
{
    intel_free_irq_resources(domain, virq, nr_irqs);
        -> free_irte(data->irq_2_iommu);     /* clear the entries, free the bits */
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
        -> irq_domain_free_irqs_parent(): x86_vector_free_irqs(...);  @@x86_vector_free_irqs
}`,
  },
  intel_irq_remapping_activate: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int intel_irq_remapping_activate(struct irq_domain *domain,
                                        struct irq_data *irq_data, bool reserve)
{
    /* The parent (VECTOR) is activated: its vector and CPU go in the IRTE */
    intel_ir_reconfigure_irte(irq_data, true);
        struct intel_ir_data *ir_data = irqd->chip_data;
        struct irte *irte = &ir_data->irte_entry;
        struct irq_cfg *cfg = irqd_cfg(irqd);

        irte->vector = cfg->vector;
        irte->dest_id = IRTE_DEST(cfg->dest_apicid);
        /* Update the hardware only if the interrupt is in remapped mode. */
        if (force || ir_data->irq_2_iommu.mode == IRQ_REMAPPING)
            modify_irte(&ir_data->irq_2_iommu, irte);         @@modify_irte
    return 0;
}`,
  },
  intel_irq_remapping_deactivate: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static void intel_irq_remapping_deactivate(struct irq_domain *domain,
                                           struct irq_data *irq_data)
{
    struct intel_ir_data *data = irq_data->chip_data;
    struct irte entry;

    /* The entry cleared: Present = 0 */
    memset(&entry, 0, sizeof(entry));
    modify_irte(&data->irq_2_iommu, &entry);                @@state:irte_cleared
}`,
  },
  alloc_irte: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int alloc_irte(struct intel_iommu *iommu,
                      struct irq_2_iommu *irq_iommu, u16 count)
{
    struct ir_table *table = iommu->ir_table;
    unsigned int mask = 0;
    unsigned long flags;
    int index;

    if (!count || !irq_iommu)
        return -1;

    if (count > 1) {
        count = __roundup_pow_of_two(count);
        mask = ilog2(count);
    }

    if (mask > ecap_max_handle_mask(iommu->ecap)) {
        pr_err("Requested mask %x exceeds the max invalidation handle"
               " mask value %Lx\\n", mask, ecap_max_handle_mask(iommu->ecap));
        return -1;
    }

    raw_spin_lock_irqsave(&irq_2_ir_lock, flags);
    /* The lowest free, naturally aligned run of entries */
    index = bitmap_find_free_region(table->bitmap,
                                    INTR_REMAP_TABLE_ENTRIES, mask);
    if (index < 0) {
        pr_warn("IR%d: can't allocate an IRTE\\n", iommu->seq_id);
    } else {
        irq_iommu->iommu = iommu;
        irq_iommu->irte_index =  index;
        irq_iommu->sub_handle = 0;
        irq_iommu->irte_mask = mask;
        irq_iommu->mode = IRQ_REMAPPING;
    }
    raw_spin_unlock_irqrestore(&irq_2_ir_lock, flags);
    return index;
}`,
  },
  modify_irte: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `static int modify_irte(struct irq_2_iommu *irq_iommu,
                       struct irte *irte_modified)
{
    struct intel_iommu *iommu;
    unsigned long flags;
    struct irte *irte;
    int rc, index;

    if (!irq_iommu)
        return -1;

    raw_spin_lock_irqsave(&irq_2_ir_lock, flags);
    iommu = irq_iommu->iommu;
    index = irq_iommu->irte_index + irq_iommu->sub_handle;
    irte = &iommu->ir_table->base[index];

    /* Present, vector, destination, source-id (SID, SQ, SVT) */
    WRITE_ONCE(irte->low, irte_modified->low);
    WRITE_ONCE(irte->high, irte_modified->high);
    __iommu_flush_cache(iommu, irte, sizeof(*irte));

    rc = qi_flush_iec(iommu, index, 0);
    raw_spin_unlock_irqrestore(&irq_2_ir_lock, flags);
    return rc;
}`,
  },
  irq_remapping_alloc: {
    file: 'drivers/iommu/amd/iommu.c',
    text: `static int irq_remapping_alloc(struct irq_domain *domain, unsigned int virq,
                               unsigned int nr_irqs, void *arg)
{
    struct irq_alloc_info *info = arg;
    struct irq_data *irq_data;
    struct amd_ir_data *data = NULL;
    struct amd_iommu *iommu;
    struct irq_cfg *cfg;
    int i, ret, devid, seg, sbdf;
    int index;

    if (!info)
        return -EINVAL;
    if (nr_irqs > 1 && info->type != X86_IRQ_ALLOC_TYPE_PCI_MSI)
        return -EINVAL;

    sbdf = get_devid(info);
    if (sbdf < 0)
        return -EINVAL;
    iommu = __rlookup_amd_iommu(seg, devid);
    if (!iommu)
        return -EINVAL;

    ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg); @@x86_vector_alloc_irqs
    if (ret < 0)
        return ret;

    if (info->type == X86_IRQ_ALLOC_TYPE_IOAPIC) {
        /* IOAPIC pins: the index is the pin */
        index = info->ioapic.pin;
    } else {
        bool align = (info->type == X86_IRQ_ALLOC_TYPE_PCI_MSI);
        /* the device's own table */
        index = alloc_irq_index(iommu, devid, nr_irqs, align,
                                msi_desc_to_pci_dev(info->desc));  @@alloc_irq_index
    }
    if (index < 0) {
        pr_warn("Failed to allocate IRTE\\n");                      @@log
        ret = index;
        goto out_free_parent;
    }
    /* hwirq, chip AMD-IR, the entry prepared */
    ...
    return 0;

out_free_parent:
    irq_domain_free_irqs_common(domain, virq, nr_irqs);
    return ret;
}`,
  },
  alloc_irq_index: {
    file: 'drivers/iommu/amd/iommu.c',
    text: `static int alloc_irq_index(struct amd_iommu *iommu, u16 devid, int count,
                           bool align, struct pci_dev *pdev)
{
    struct irq_remap_table *table;
    int index, c, alignment = 1;
    unsigned long flags;

    table = alloc_irq_table(iommu, devid, pdev);   /* per device */
    if (!table)
        return -ENODEV;

    if (align)
        alignment = roundup_pow_of_two(count);

    raw_spin_lock_irqsave(&table->lock, flags);
    /* Scan table for free entries */
    for (index = ALIGN(table->min_index, alignment), c = 0;
         index < MAX_IRQS_PER_TABLE;) {
        if (!iommu->irte_ops->is_allocated(table, index)) {
            c += 1;
        } else {
            c     = 0;
            index = ALIGN(index + 1, alignment);
            continue;
        }
        if (c == count) {
            for (; c != 0; --c)
                iommu->irte_ops->set_allocated(table, index - c + 1);
            index -= count - 1;
            goto out;
        }
        index++;
    }
    index = -ENOSPC;
out:
    raw_spin_unlock_irqrestore(&table->lock, flags);
    return index;
}`,
  },
  amd_iommu_prepare: {
    file: 'drivers/iommu/amd/init.c',
    text: `int __init amd_iommu_prepare(void)
{
    int ret;

    amd_iommu_irq_remap = true;

    ret = iommu_go_to_state(IOMMU_ACPI_FINISHED);
        /* IVRS: the IVHDs, each IOAPIC and HPET in a special entry */
        -> check_ioapic_information():
           pr_err(FW_BUG "AMD-Vi: IOAPIC[%d] not in IVRS table\\n", id); @@log
    if (ret) {
        amd_iommu_irq_remap = false;
        return ret;
    }
    /* AMD-IR-n per IOMMU */
    return amd_iommu_irq_remap ? 0 : -ENODEV;
}`,
  },
  amd_iommu_enable: {
    file: 'drivers/iommu/amd/init.c',
    text: `int __init amd_iommu_enable(void)
{
    int ret;

    ret = iommu_go_to_state(IOMMU_ENABLED);
    if (ret)
        return ret;

    irq_remapping_enabled = 1;
    return amd_iommu_xt_mode;
}`,
  },
  enable_drhd_fault_handling: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `int __init enable_drhd_fault_handling(void)
{
    struct dmar_drhd_unit *drhd;
    struct intel_iommu *iommu;

    /* Enable fault control interrupt. */
    for_each_iommu(iommu, drhd) {
        u32 fault_status;
        int ret = dmar_set_interrupt(iommu);                 @@dmar_set_interrupt

        if (ret) {
            pr_err("DRHD %Lx: failed to enable fault, interrupt, ret %d\\n",
                   (unsigned long long)drhd->reg_base_addr, ret);   @@log
            return -1;
        }

        /* Clear any previous faults. */
        dmar_fault(iommu->irq, iommu);
        fault_status = readl(iommu->reg + DMAR_FSTS_REG);
        writel(fault_status, iommu->reg + DMAR_FSTS_REG);
    }
    return 0;
}`,
  },
  dmar_set_interrupt: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `int dmar_set_interrupt(struct intel_iommu *iommu)
{
    int irq, ret;

    /* Check if the fault interrupt is already initialized. */
    if (iommu->irq)
        return 0;

    irq = dmar_alloc_hwirq(iommu->seq_id, iommu->node, iommu);   @@dmar_alloc_hwirq
    if (irq > 0) {
        iommu->irq = irq;
    } else {
        pr_err("No free IRQ vectors\\n");                         @@log
        return -EINVAL;
    }

    ret = request_irq(irq, dmar_fault, IRQF_NO_THREAD, iommu->name, iommu); @@request_irq
    if (ret)
        pr_err("Can't request irq\\n");
    return ret;
}`,
  },
  dmar_alloc_hwirq: {
    file: 'arch/x86/kernel/apic/msi.c',
    text: `int dmar_alloc_hwirq(int id, int node, void *arg)
{
    struct irq_domain *domain = dmar_get_irq_domain();   /* DMAR-MSI, under VECTOR */
    struct irq_alloc_info info;

    if (!domain)
        return -1;

    init_irq_alloc_info(&info, NULL);
    info.type = X86_IRQ_ALLOC_TYPE_DMAR;
    info.devid = id;
    info.hwirq = id;      /* missing in the V2 series: every unit asks for hwirq 0 */
    info.data = arg;

    return irq_domain_alloc_irqs(domain, 1, node, &info);  @@__irq_domain_alloc_irqs
}`,
  },
  dmar_fault: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `irqreturn_t dmar_fault(int irq, void *dev_id)
{
    struct intel_iommu *iommu = dev_id;
    int reg, fault_index;
    u32 fault_status;
    unsigned long flag;

    raw_spin_lock_irqsave(&iommu->register_lock, flag);
    fault_status = readl(iommu->reg + DMAR_FSTS_REG);
    if (fault_status && __ratelimit(&rs))
        pr_err("DRHD: handling fault status reg %x\\n", fault_status);   @@log

    /* TBD: ignore advanced fault log currently */
    if (!(fault_status & DMA_FSTS_PPF))
        goto unlock_exit;

    fault_index = dma_fsts_fault_record_index(fault_status);
    reg = cap_fault_reg_offset(iommu->cap);
    while (1) {
        /* Disable printing, simply clear the fault when ratelimited */
        bool ratelimited = !__ratelimit(&rs);
        u8 fault_reason;
        u16 source_id;
        u64 guest_addr;
        int type, pasid;
        u32 data;

        /* highest 32 bits */
        data = readl(iommu->reg + reg + fault_index * PRIMARY_FAULT_REG_LEN + 12);
        if (!(data & DMA_FRCD_F))
            break;

        if (!ratelimited) {
            fault_reason = dma_frcd_fault_reason(data);
            type = dma_frcd_type(data);
            ...
            dmar_fault_do_one(iommu, type, fault_reason, pasid, source_id, guest_addr);
                pr_err("[INTR-REMAP] Request device [%02x:%02x.%d] fault index 0x%llx "
                       "[fault reason 0x%02x] %s\\n", ...);
        }
        fault_index++;
        if (fault_index >= cap_num_fault_regs(iommu->cap))
            fault_index = 0;
    }
unlock_exit:
    raw_spin_unlock_irqrestore(&iommu->register_lock, flag);
    return IRQ_HANDLED;
}`,
  },
  dmar_dev_scope_init: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `int __init dmar_dev_scope_init(void)
{
    struct pci_dev *dev = NULL;
    struct dmar_pci_notify_info *info;

    if (dmar_dev_scope_status != 1)
        return dmar_dev_scope_status;

    if (list_empty(&dmar_drhd_units)) {
        dmar_dev_scope_status = -ENODEV;
    } else {
        dmar_dev_scope_status = 0;
        dmar_acpi_dev_scope_init();

        for_each_pci_dev(dev) {
            if (dev->is_virtfn)
                continue;
            info = dmar_alloc_pci_notify_info(dev, BUS_NOTIFY_ADD_DEVICE);
            if (!info) {
                pci_dev_put(dev);
                return dmar_dev_scope_status;
            } else {
                dmar_pci_bus_add_dev(info);                      @@dmar_pci_bus_add_dev
                dmar_free_pci_notify_info(info);
            }
        }
    }
    return dmar_dev_scope_status;
}`,
  },
  dmar_pci_bus_add_dev: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `static int dmar_pci_bus_add_dev(struct dmar_pci_notify_info *info)
{
    int ret = 0;
    struct dmar_drhd_unit *dmaru;
    struct acpi_dmar_hardware_unit *drhd;

    for_each_drhd_unit(dmaru) {
        if (dmaru->include_all)
            continue;
        drhd = container_of(dmaru->hdr, struct acpi_dmar_hardware_unit, header);
        ret = dmar_insert_dev_scope(info, (void *)(drhd + 1),
                                    ((void *)drhd) + drhd->header.length,
                                    dmaru->segment, dmaru->devices,
                                    dmaru->devices_cnt);
        if (ret)
            break;
    }
    if (ret >= 0)
        ret = dmar_iommu_notify_scope_dev(info);
    if (ret < 0 && dmar_dev_scope_status == 0)
        dmar_dev_scope_status = ret;

    if (ret >= 0)
        intel_irq_remap_add_device(info);               @@intel_irq_remap_add_device
    return ret;
}`,
  },
  intel_irq_remap_add_device: {
    file: 'drivers/iommu/intel/irq_remapping.c',
    text: `void intel_irq_remap_add_device(struct dmar_pci_notify_info *info)
{
    if (!irq_remapping_enabled || !pci_dev_has_default_msi_parent_domain(info->dev))
        return;

    /* The device's MSI domain: the IR MSI domain of the unit in whose scope it is */
    dev_set_msi_domain(&info->dev->dev, map_dev_to_ir(info->dev));
        -> dmar_find_matched_drhd_unit(dev);     @@dmar_find_matched_drhd_unit
}`,
  },
  dmar_find_matched_drhd_unit: {
    file: 'drivers/iommu/intel/dmar.c',
    text: `struct dmar_drhd_unit *dmar_find_matched_drhd_unit(struct pci_dev *dev)
{
    struct dmar_drhd_unit *dmaru;
    struct acpi_dmar_hardware_unit *drhd;

    dev = pci_physfn(dev);       /* a VF: its PF's unit */

    rcu_read_lock();
    for_each_drhd_unit(dmaru) {
        drhd = container_of(dmaru->hdr, struct acpi_dmar_hardware_unit, header);

        if (dmaru->include_all &&
            drhd->segment == pci_domain_nr(dev->bus))
            goto out;

        if (dmar_pci_device_match(dmaru->devices, dmaru->devices_cnt, dev))
            goto out;
    }
    dmaru = NULL;
out:
    rcu_read_unlock();
    return dmaru;
}`,
  },
  sriov_enable: {
    file: 'drivers/pci/iov.c',
    text: `static int sriov_enable(struct pci_dev *dev, int nr_virtfn)
{
    int rc;
    int i;
    u16 initial;
    struct pci_sriov *iov = dev->sriov;

    if (!nr_virtfn)
        return 0;
    if (iov->num_VFs)
        return -EINVAL;

    pci_read_config_word(dev, iov->pos + PCI_SRIOV_INITIAL_VF, &initial);
    if (initial > iov->total_VFs ||
        (!(iov->cap & PCI_SRIOV_CAP_VFM) && (initial != iov->total_VFs)))
        return -EIO;

    if (nr_virtfn < 0 || nr_virtfn > iov->total_VFs ||
        (!(iov->cap & PCI_SRIOV_CAP_VFM) && (nr_virtfn > initial)))
        return -EINVAL;

    ...
    iov->ctrl |= PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE;
    pci_cfg_access_lock(dev);
    pci_write_config_word(dev, iov->pos + PCI_SRIOV_CTRL, iov->ctrl);
    msleep(100);
    pci_cfg_access_unlock(dev);

    rc = sriov_add_vfs(dev, initial);
        for (i = 0; i < num_vfs; i++)
            pci_iov_add_virtfn(dev, i);                  @@pci_iov_add_virtfn
    if (rc)
        goto err_pcibios;

    kobject_uevent(&dev->dev.kobj, KOBJ_CHANGE);
    iov->num_VFs = nr_virtfn;
    return 0;
    ...
}`,
  },
  igb_sriov_reinit: {
    file: 'drivers/net/ethernet/intel/igb/igb_main.c',
    text: `static int igb_sriov_reinit(struct pci_dev *dev)
{
    struct net_device *netdev = pci_get_drvdata(dev);
    struct igb_adapter *adapter = netdev_priv(netdev);

    rtnl_lock();
    if (netif_running(netdev))
        igb_close(netdev);
            igb_free_irq(adapter);
                free_irq(adapter->msix_entries[i].vector, ...);   @@free_irq
    else
        igb_reset(adapter);

    igb_clear_interrupt_scheme(adapter);
        pci_disable_msix(adapter->pdev);                       @@pci_free_irq_vectors
    igb_init_queue_configuration(adapter);    /* fewer queues with VFs */
    if (igb_init_interrupt_scheme(adapter, true)) {
            pci_enable_msix_range(pdev, entries, n, n);         @@pci_alloc_irq_vectors_affinity
        rtnl_unlock();
        return -ENOMEM;
    }
    if (netif_running(netdev))
        igb_open(netdev);
            request_irq(adapter->msix_entries[0].vector, ...);  @@request_irq
    rtnl_unlock();
    return 0;
}`,
  },
  pci_iov_add_virtfn: {
    file: 'drivers/pci/iov.c',
    text: `int pci_iov_add_virtfn(struct pci_dev *dev, int id)
{
    int i;
    int rc = -ENOMEM;
    u64 size;
    struct pci_dev *virtfn;
    struct resource *res;
    struct pci_bus *bus;

    bus = virtfn_add_bus(dev->bus, pci_iov_virtfn_bus(dev, id));
    if (!bus)
        goto failed;

    virtfn = pci_alloc_dev(bus);
    if (!virtfn)
        goto failed0;

    virtfn->devfn = pci_iov_virtfn_devfn(dev, id);
    virtfn->vendor = dev->vendor;
    virtfn->device = iov->vf_device;
    virtfn->is_virtfn = 1;
    virtfn->physfn = pci_dev_get(dev);
    ...
    /* pcibios_device_add(): the arch's default MSI domain (PCI-MSI) */
    pci_device_add(virtfn, virtfn->bus);
    /* the bus notifier: dmar_pci_bus_notifier -> dmar_pci_bus_add_dev()
       (5.10-rc4: VFs get their PF's IR MSI domain, ff828729be44) */
    ...
    pci_bus_add_device(virtfn);
    return 0;
}`,
  },
  vmd_enable_domain: {
    file: 'drivers/pci/controller/vmd.c',
    text: `static int vmd_enable_domain(struct vmd_dev *vmd, unsigned long features)
{
    struct pci_sysdata *sd = &vmd->sysdata;
    struct resource *res;
    u32 upper_bits;
    unsigned long flags;
    LIST_HEAD(resources);
    resource_size_t offset[2] = {0};
    resource_size_t membar2_offset = 0x2000;
    struct pci_bus *child;
    struct pci_dev *dev;
    int ret;

    ...
    /* Without bypass: the VMD-MSI domain (no parent) muxes the children's
       interrupts onto the VMD's own MSI-X vectors */
    if (!vmd->msix_count || !(features & VMD_FEAT_CAN_BYPASS_MSI_REMAP))
        ret = vmd_create_irq_domain(vmd);
    else
        vmd_set_msi_remapping(vmd, false);   /* children use the IR domain */

    pci_add_resource(&resources, &vmd->resources[0]);
    ...
    vmd->bus = pci_create_root_bus(&vmd->dev->dev, vmd->busn_start,
                                   &vmd_ops, sd, &resources);
    dev_info(..., "PCI host bridge to bus %04x:%02x\\n", ...);    @@log
    ...
    pci_scan_child_bus(vmd->bus);
    vmd_acpi_begin();
    pci_assign_unassigned_bus_resources(vmd->bus);
    pci_walk_bus(vmd->bus, vmd_pm_enable_quirk, &features);
    pci_bus_add_devices(vmd->bus);
    vmd_acpi_end();
    return 0;
}`,
  },
  vmd_msi_init: {
    file: 'drivers/pci/controller/vmd.c',
    text: `static int vmd_msi_init(struct irq_domain *domain, struct msi_domain_info *info,
                        unsigned int virq, irq_hw_number_t hwirq,
                        msi_alloc_info_t *arg)
{
    struct msi_desc *desc = arg->desc;
    struct vmd_dev *vmd = vmd_from_bus(msi_desc_to_pci_dev(desc)->bus);
    struct vmd_irq *vmdirq = kzalloc(sizeof(*vmdirq), GFP_KERNEL);

    if (!vmdirq)
        return -ENOMEM;

    INIT_LIST_HEAD(&vmdirq->node);
    /* The child's irq rides on one of the VMD's vectors */
    vmdirq->irq = vmd_next_irq(vmd, desc);
    vmdirq->virq = virq;

    irq_domain_set_info(domain, virq, vmdirq->irq->virq, info->chip, vmdirq,
                        handle_untracked_irq, vmd, NULL);
    return 0;
}`,
  },
  ims_alloc_store: {
    file: 'drivers/pci/msi (6.2 PCI/IMS series)',
    text: `int pci_ims_alloc_irq(struct pci_dev *pdev, union msi_instance_cookie *icookie,
                      const struct irq_affinity_desc *affdesc)
{
    /* The device's IMS domain (IMS_ARRAY: slots in the device's MMIO;
       IMS_QUEUE: messages kept in memory, pushed by a command) */
    struct irq_domain *domain = pci_ims_domain(pdev);
    ...
    for each free slot:
        virq = __irq_domain_alloc_irqs(domain, -1, 1, dev_to_node(&pdev->dev),
                                       &arg, false, affdesc);      @@__irq_domain_alloc_irqs
        if (virq < 0)
            return virq;
    return nvec;
}`,
  },
  irq_bus_sync_unlock: {
    file: 'kernel/irq/internals.h',
    text: `static inline void chip_bus_sync_unlock(struct irq_desc *desc)
{
    /* Slow-bus chips (IMS_QUEUE): the changed messages pushed to the
       device here, in sleepable context, with a command it waits for */
    if (unlikely(desc->irq_data.chip->irq_bus_sync_unlock))
        desc->irq_data.chip->irq_bus_sync_unlock(&desc->irq_data);
}`,
  },
  device_fire: {
    file: '(hardware) PCIe memory write',
    text: `/* The device raises entry N: a posted memory write of the message it was
   given (MSI capability or MSI-X table entry) on the bus, tagged with its
   requester id (bus:dev.fn, or its DMA alias). */
void device_fire(struct pci_dev *dev, int entry, u32 address_lo, u32 data)
{
    if (address in 0xfee00000-0xfeefffff) {
        if (the platform remaps interrupts: a DRHD's scope covers the requester)
            dmar_remap_request(drhd, requester_id, address, data);   @@dmar_remap_request
        else
            lapic_deliver(destination(address), vector(data));       @@lapic_deliver
    }
}`,
  },
  dmar_remap_request: {
    file: '(hardware) VT-d spec 5.1',
    text: `/* The remapping unit receives an interrupt request (VT-d spec §5.1.4) */
void dmar_remap_request(struct dmar_unit *unit, u16 source_id, u32 address, u32 data)
{
    if (!(address & (1 << 4))) {
        /* Compatibility format */
        if (GSTS.IRES && GSTS.CFIS == 0) {
            /* Blocked: fault reason 0x25 (37), recorded in a
               fault recording register, then the fault event interrupt */
            record_fault(unit, source_id, index, 0x25);              @@fault:dmar_fault_record
            lapic_deliver(unit->fault_event_msg);       /* dmar_fault() */
            return;
        }
        lapic_deliver(destination(address), vector(data));
        return;
    }
    /* Remappable: handle -> IRTE; present? source-id check (SVT/SQ/SID)? */
    index = handle(address) + (SHV ? subhandle(data) : 0);
    if (index >= table_size)  { record_fault(..., 0x21); return; }
    if (!irte[index].present)  { record_fault(..., 0x22); return; }
    if (!sid_matches(irte[index], source_id)) { record_fault(..., 0x26); return; }
    lapic_deliver(irte[index].dest_id, irte[index].vector);         @@lapic_deliver
}`,
  },
  lapic_deliver: {
    file: '(hardware) local APIC',
    text: `/* The local APIC of the destination CPU accepts the vector and the CPU
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
