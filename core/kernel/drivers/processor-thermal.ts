// Intel processor thermal participant (B0:D4:F0, int340x). Linux 4.4 to mainline, three drivers:
//
// - proc_thermal: drivers/thermal/intel/int340x_thermal/processor_thermal_device.c (to 5.13;
//   processor_thermal_device_pci_legacy.c from 5.14), proc_thermal_pci_probe: of its ids only
//   Broxton's (PCI_DEVICE_ID_PROC_BXT0_DEV_ID, 0x0a8c) takes an interrupt: pci_enable_msi(), then
//   request_threaded_irq(pdev->irq, ..., "proc_thermal") (no MSI, no irq). The other ids (Skylake
//   to Ice Lake and Jasper Lake) report through ACPI notifications and request nothing.
// - processor_thermal_device_pci: processor_thermal_device_pci.c, proc_thermal_pci_probe (from
//   5.14) for Alder Lake (0x461d), Raptor Lake (0xa71d), Meteor Lake-P (0x7d03), Arrow Lake-S
//   (0xad03), request name KBUILD_MODNAME. Up to 6.6 it allocates one vector of any type
//   (pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES)): an MSI, as the Craask ChromeOS 6.6
//   /proc/interrupts shows; from 6.7 f0658708e863 ("thermal: int340x: processor_thermal: Use non
//   MSI interrupts by default") it takes the shared INTx unless the use_msi parameter is set.
//   The 6.6 profile (6.6-6.7) keeps the MSI; the 6.8 profile on has the INTx.
// - Lunar Lake (0x641d), same file, from 6.11: PROC_THERMAL_FEATURE_MSI_SUPPORT, up to 4
//   MSI/MSI-X vectors ("thermal: intel: int340x: Support MSI interrupt for Lunar Lake").
import { type DriverEntry, type DriverModel, oneVector, profileAtLeast } from './types';

/** MSI_THERMAL_MAX: package thermal, DDR thermal, power floor, workload hint. */
const MSI_THERMAL_MAX = 4;

const NAME = 'processor_thermal_device_pci';

/** Lunar Lake: up to 4 MSI vectors from the 6.12 era; its INTx before. */
const lunarLake: DriverModel = {
  name: 'proc_thermal_pci',
  instanceKind: 'other',
  plan: (ctx) => {
    // 6.11 is modelled by the 6.10 profile (6.10-6.11): MSI from the 6.12 era on.
    const useMsi = profileAtLeast(ctx.profile, '6.12');
    return [
      useMsi
        ? {
            modes: ['msix', 'msi'],
            min: 1,
            max: MSI_THERMAL_MAX,
            managed: false,
            preVectors: 0,
            postVectors: 0,
            name: () => NAME,
          }
        : oneVector('intx', () => NAME),
    ];
  },
};

/** Alder Lake to Arrow Lake-S: one vector of any type up to 6.6 (6.7 in the kernel), INTx after. */
const procThermalPci: DriverModel = {
  name: 'proc_thermal_pci',
  instanceKind: 'other',
  plan: (ctx) => {
    const intx = profileAtLeast(ctx.profile, '6.8');
    return [oneVector(intx ? 'intx' : ['msix', 'msi', 'intx'], () => NAME)];
  },
};

/** The legacy driver's Broxton participant: pci_enable_msi() and "proc_thermal", MSI only. */
const procThermalBxt: DriverModel = {
  name: 'proc_thermal',
  instanceKind: 'other',
  plan: () => [oneVector('msi', () => 'proc_thermal')],
};

/** proc_thermal_pci_ids with MSI support (Lunar Lake M). */
export const procThermalMsiEntry: DriverEntry = {
  model: lunarLake,
  ids: [{ vendorDevice: /^8086:641d$/ }],
};

export const procThermalPciEntry: DriverEntry = {
  model: procThermalPci,
  ids: [{ vendorDevice: /^8086:(461d|a71d|7d03|ad03)$/ }],
};

export const procThermalBxtEntry: DriverEntry = {
  model: procThermalBxt,
  ids: [{ vendorDevice: /^8086:0a8c$/ }],
};
