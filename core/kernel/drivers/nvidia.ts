// NVIDIA GPUs with NVIDIA's own (out-of-tree) driver, nvidia.ko: kernel-open/nvidia/nv.c
// (nv_init_msi, nv_request_irq / nvidia_isr), the 3xx to 5xx series.
import { type DriverEntry, single } from './types';

/** nv.c: NVreg_EnableMSI defaults to on: one MSI, else the shared INTx; named "nvidia". Not
 * modelled: MSI-X (NVreg_EnableMSIX, newer data-centre GPUs) and nouveau, whose one MSI is "nvkm". */
const nvidia = single('nvidia', 'other', ['msi', 'intx'], () => 'nvidia');

/** nvidia's table: vendor 10de, class display (VGA 0x0300, 3D 0x0302). */
export const nvidiaEntry: DriverEntry = {
  model: nvidia,
  ids: [{ vendorDevice: /^10de:/, classCode: /^0x030[02]/ }],
};
