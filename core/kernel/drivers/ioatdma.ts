// Intel QuickData / Crystal Beach DMA engines. Follows drivers/dma/ioat/init.c
// (ioat_dma_setup_interrupts, ioat_pci_tbl); Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel, type IrqMode, type IrqRequestPlan } from './types';

/**
 * ioat_dma_setup_interrupts() with the default ioat_interrupt_style "msix": one MSI-X vector per
 * DMA channel (pci_enable_msix_exact: all or nothing), each "ioat-msix"; else one MSI "ioat-msi",
 * else INTx "ioat-intx". The channel count (CHANCNT) is taken as the MSI-X table's size: the
 * engines size it per channel (one channel, one entry, per CBDMA function on Xeons).
 */
const ioatdma: DriverModel = {
  name: 'ioatdma',
  instanceKind: 'other',
  plan: (ctx) => {
    const channels = ctx.msixTableSize ?? 1;
    const one = (mode: IrqMode, name: string, fallback?: IrqRequestPlan): IrqRequestPlan => ({
      modes: [mode],
      min: 1,
      max: 1,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: () => name,
      fallback,
    });
    return [
      {
        modes: ['msix'],
        min: channels,
        max: channels,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: () => 'ioat-msix',
        fallback: one('msi', 'ioat-msi', one('intx', 'ioat-intx')),
      },
    ];
  },
};

/** ioat_pci_tbl: I/OAT v3 engines, Sandy Bridge-EP to Ice Lake-SP (plus Atom C2000, Xeon D). */
export const ioatdmaEntry: DriverEntry = {
  model: ioatdma,
  ids: [
    {
      vendorDevice:
        /^8086:(3c2[0-7ef]|0e2[0-7ef]|2f2[0-7ef]|6f2[0-7ef]|6f5[0-3]|0c5[0-3]|2021|0b00)$/,
    },
  ],
};
