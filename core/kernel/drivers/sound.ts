// PCI sound: snd_hda_intel (sound/pci/hda/hda_intel.c), the SOF DSP on Intel PCH audio
// (sound/soc/sof/intel/hda.c, hda_dsp_probe), snd_intel8x0 (sound/pci/intel8x0.c) and
// snd_ens1370 (sound/pci/ens1370.c). Names as in Linux 6.1 to mainline.
import { type DriverEntry, type DriverModel, type IrqMode, single } from './types';

/**
 * hda_intel.c azx_first_init: pci_enable_msi() unless the chip is on the MSI deny list, else the
 * pin (IRQF_SHARED); azx_acquire_irq names the irq card->irq_descr, "snd_hda_intel:card<N>"
 * (N = the ALSA card index, in probe order). The descr name is what 6.1 and 6.12 show; older
 * kernels named it KBUILD_MODNAME ("snd_hda_intel"), not modelled here.
 */
const hdaIntel: DriverModel = {
  ...single(
    'snd_hda_intel',
    'sound',
    ['msi', 'intx'],
    (ctx) => `snd_hda_intel:card${ctx.instance}`,
  ),
};

/**
 * sof hda_dsp_probe: pci_alloc_irq_vectors(1, 1, PCI_IRQ_MSI) ("use msi interrupt mode"), else
 * the pin ("use legacy interrupt mode"); request_threaded_irq(..., IRQF_SHARED, "AudioDSP").
 */
const sof: DriverModel = {
  ...single('sof-audio-pci-intel', 'sound', ['msi', 'intx'], () => 'AudioDSP'),
  log: (ctx, stage, _nvec, mode: IrqMode) =>
    stage === 'allocated'
      ? [
          `sof-audio-pci-intel-tgl ${ctx.bdf}: use ${mode === 'intx' ? 'legacy' : 'msi'} interrupt mode`,
        ]
      : [],
};

/** intel8x0.c and ens1370.c: the pin, IRQF_SHARED, named KBUILD_MODNAME. */
const intel8x0 = single('snd_intel8x0', 'sound', ['intx'], () => 'snd_intel8x0');
const ens1370 = single('snd_ens1370', 'sound', ['intx'], () => 'snd_ens1370');

/** Intel PCH audio with a DSP that SOF drives by default (intel-dspcfg): ADL-N/P/S, RPL, TGL,
 * JSL, CML, CNL. A machine without the DSP enabled would bind snd_hda_intel instead. */
export const sofEntry: DriverEntry = {
  model: sof,
  ids: [
    {
      vendorDevice:
        /^8086:(54c8|51c8|51c9|51cc|51cd|51ca|51cb|7ad0|51c9|a0c8|43c8|4dc8|38c8|02c8|06c8|9dc8|a3f0)$/,
    },
  ],
};
/** hda_intel.c: Intel ids (QEMU's ich9-intel-hda 8086:293e, ich6 8086:2668) and the HD audio
 * class 0x0403 any vendor. */
export const hdaIntelEntry: DriverEntry = {
  model: hdaIntel,
  ids: [{ vendorDevice: /^8086:(293e|2668)$/ }, { classCode: /^0x0403/ }],
};
export const intel8x0Entry: DriverEntry = {
  model: intel8x0,
  ids: [
    {
      vendorDevice:
        /^(8086:(2415|2425|2445|2485|24c5|24d5|25a6|266e|27de|2698|7195)|1039:7012|10de:(01b1|006a|00da|00ea|003a|0059|008a|00ea)|1022:(746d|7445)|10b9:5455)$/,
    },
  ],
};
export const ens1370Entry: DriverEntry = { model: ens1370, ids: [{ vendorDevice: /^1274:5000$/ }] };
