// Intel LPSS (Low Power Subsystem) I2C and SPI host controllers on PCI: intel-lpss, with the
// iDMA 64-bit engine (idma64) and the function's own driver as its MFD children. Linux 4.3 (the
// driver) to mainline. Follows drivers/mfd/intel-lpss-pci.c (intel_lpss_pci_probe),
// drivers/mfd/intel-lpss.c (intel_lpss_probe: lpss->devid from an IDA, the idma64 cell then the
// function's cell added with mfd_add_devices(dev, devid, ..., info->irq)), drivers/dma/idma64.c
// and drivers/i2c/busses/i2c-designware-platdrv.c / drivers/spi/spi-pxa2xx.c (each requests the
// one irq, IRQF_SHARED, under its platform device's name: "idma64.<devid>",
// "i2c_designware.<devid>", "pxa2xx-spi.<devid>").
//
// Up to 6.9 intel_lpss_pci_probe hands the children pdev->irq (INTx: "IR-IO-APIC 27-fasteoi
// idma64.0, i2c_designware.0", as the Craask and 16-CPU real /proc/interrupts show); from 6.10
// e42199bf13d4 ("mfd: intel-lpss: Switch over to MSI interrupts") it allocates one vector of any
// type (pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES)), an MSI where the function has one.
// The 6.10 profile starts that era.
// Not modelled: the UART functions (8250_dw's irq name is the port's), which the import leaves
// to what the artefacts show; they take an LPSS devid too, so a UART enumerated before an I2C
// controller would shift the numbers.
import {
  oneVector,
  profileAtLeast,
  type DriverEntry,
  type DriverModel,
  type IrqMode,
} from './types';

type Kind = 'i2c' | 'spi';

/** The function's driver name (its MFD cell) by the kind the id table's info gives. */
const CELL: Record<Kind, string> = { i2c: 'i2c_designware', spi: 'pxa2xx-spi' };

const lpss = (kind: Kind): DriverModel => ({
  name: 'intel-lpss',
  instanceKind: 'lpss',
  plan: (ctx) => {
    const msi = profileAtLeast(ctx.profile, '6.10');
    const modes: IrqMode[] = msi ? ['msix', 'msi', 'intx'] : ['intx'];
    return [
      {
        // idma64 probes first (its cell is added first), then the function's driver shares it.
        ...oneVector(modes, () => `idma64.${ctx.instance}`),
        sharedActions: () => [`${CELL[kind]}.${ctx.instance}`],
      },
    ];
  },
});

/**
 * intel_lpss_pci_ids by what each entry's info describes (*_i2c_info: I2C; spt_info/bxt_info:
 * SPI), for the PCH generations whose table layout is the same: Sunrise Point-LP/H, Kaby Lake-H,
 * Cannon Lake-LP/H, Comet Lake, Ice Lake-LP, Broxton, Apollo Lake, Gemini Lake, Elkhart Lake,
 * and Alder Lake-N (54c5/54c6, 54e8-54eb I2C; 54aa/54ab/54fb SPI: the layout Ice Lake set).
 */
const I2C =
  /^8086:(02c5|02c6|02e8|02e9|02ea|02eb|0aac|0aae|0ab0|0ab2|0ab4|0ab6|0ab8|0aba|1aac|1aae|1ab0|1ab2|1ab4|1ab6|1ab8|1aba|31ac|31ae|31b0|31b2|31b4|31b6|31b8|31ba|34c5|34c6|34e8|34e9|34ea|34eb|4b44|4b45|4b4b|4b4c|4b78|4b79|4b7a|4b7b|54c5|54c6|54e8|54e9|54ea|54eb|5aac|5aae|5ab0|5ab2|5ab4|5ab6|5ab8|5aba|9d60|9d61|9d62|9d63|9d64|9d65|9dc5|9dc6|9de8|9de9|9dea|9deb|a160|a161|a162|a2e0|a2e1|a2e2|a2e3|a368|a369|a36a|a36b)$/;
const SPI =
  /^8086:(02aa|02ab|02fb|0ac2|0ac4|0ac6|1ac2|1ac4|1ac6|31c2|31c4|31c6|34aa|34ab|34fb|4b2a|4b2b|4b37|54aa|54ab|54fb|5ac2|5ac4|5ac6|9d29|9d2a|9daa|9dab|9dfb|a129|a12a|a2a9|a2aa|a32a|a32b|a37b)$/;

export const intelLpssI2cEntry: DriverEntry = { model: lpss('i2c'), ids: [{ vendorDevice: I2C }] };
export const intelLpssSpiEntry: DriverEntry = { model: lpss('spi'), ids: [{ vendorDevice: SPI }] };
