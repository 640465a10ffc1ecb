// Pseudo-source of drivers/iommu/amd/init.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/iommu/amd/init.c',
  functions: {
    amd_iommu_prepare: `int __init amd_iommu_prepare(void)
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
    amd_iommu_enable: `int __init amd_iommu_enable(void)
{
    int ret;

    ret = iommu_go_to_state(IOMMU_ENABLED);
    if (ret)
        return ret;

    irq_remapping_enabled = 1;
    return amd_iommu_xt_mode;
}`,
  },
};
