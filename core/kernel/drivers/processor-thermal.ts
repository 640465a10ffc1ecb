// Intel processor thermal participant (B0:D4:F0, int340x). Follows
// drivers/thermal/intel/int340x_thermal/processor_thermal_device_pci.c (proc_thermal_pci_probe,
// proc_thermal_setup_msi); Linux 5.14 (the new PCI driver) to mainline.
import { type DriverEntry, type DriverModel, profileAtLeast } from './types';

/** MSI_THERMAL_MAX: package thermal, DDR thermal, power floor, workload hint. */
const MSI_THERMAL_MAX = 4;

/**
 * Without the use_msi module parameter the driver takes the shared INTx, named KBUILD_MODNAME,
 * "processor_thermal_device_pci". From 6.11 a device whose features include
 * PROC_THERMAL_FEATURE_MSI_SUPPORT (Lunar Lake, 0x641d; "thermal: intel: int340x: Support MSI
 * interrupt for Lunar Lake") allocates up to 4 MSI/MSI-X vectors and requests each with that name.
 */
const thermal = (msi: boolean): DriverModel => ({
  name: 'proc_thermal_pci',
  instanceKind: 'other',
  plan: (ctx) => {
    // 6.11 is modelled by the 6.10 profile (6.10-6.11): MSI from the 6.12 era on.
    const useMsi = msi && profileAtLeast(ctx.profile, '6.12');
    return [
      useMsi
        ? {
            modes: ['msix', 'msi'],
            min: 1,
            max: MSI_THERMAL_MAX,
            managed: false,
            preVectors: 0,
            postVectors: 0,
            name: () => 'processor_thermal_device_pci',
          }
        : {
            modes: ['intx'],
            min: 1,
            max: 1,
            managed: false,
            preVectors: 0,
            postVectors: 0,
            name: () => 'processor_thermal_device_pci',
          },
    ];
  },
});

/** proc_thermal_pci_ids with MSI support (Lunar Lake M). */
export const procThermalMsiEntry: DriverEntry = {
  model: thermal(true),
  ids: [{ vendorDevice: /^8086:641d$/ }],
};
