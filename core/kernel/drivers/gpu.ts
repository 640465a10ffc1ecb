// GPUs: i915 (drivers/gpu/drm/i915/i915_pci.c i915_pci_probe, i915_irq.c) and amdgpu
// (drivers/gpu/drm/amd/amdgpu/amdgpu_irq.c amdgpu_irq_init): one MSI vector each.
import { type DriverEntry, type DriverModel, single } from './types';

/** i915: a single MSI vector, "i915". i915_pci_probe() binds function 0 only ("Only bind to
 * function 0 of the device. Early generations used function 1 as a placeholder for multi-head"):
 * a 00:02.1 (an old second head, an SR-IOV VF) matches the id table but gets no interrupt. */
const i915one = single('i915', 'other', ['msi', 'intx'], () => 'i915');
const i915: DriverModel = {
  ...i915one,
  plan: (ctx) => (/\.0$/.test(ctx.bdf) ? i915one.plan(ctx) : []),
};
const amdgpu = single('amdgpu', 'other', ['msi', 'intx'], () => 'amdgpu');

/** i915_pciids.h INTEL_VGA_DEVICE(): 8086 with base class display (0x03xxxx, mask 0xff0000). */
export const i915Entry: DriverEntry = {
  model: i915,
  ids: [{ vendorDevice: /^8086:/, classCode: /^0x03/ }],
};

export const amdgpuEntry: DriverEntry = {
  model: amdgpu,
  ids: [{ vendorDevice: /^1002:/, classCode: /^0x03/ }],
};
