// Pseudo-source of arch/x86/kernel/apic/apic.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'arch/x86/kernel/apic/apic.c',
  functions: {
    apic_intr_mode_init: `void __init apic_intr_mode_init(void)
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
    __irq_msi_compose_msg: `void __irq_msi_compose_msg(struct irq_cfg *cfg, struct msi_msg *msg, bool dmar)
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
    enable_IR_x2apic: `void __init enable_IR_x2apic(void)
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
    try_to_enable_x2apic: `static __init void try_to_enable_x2apic(int remap_mode)
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
};
