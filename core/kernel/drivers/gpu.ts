// GPUs: i915 (drivers/gpu/drm/i915/i915_irq.c, i915_driver.c) and amdgpu
// (drivers/gpu/drm/amd/amdgpu/amdgpu_irq.c amdgpu_irq_init): one MSI vector each.
import { type DriverEntry, single } from './types';

/** i915 and amdgpu: a single MSI vector. */
const i915 = single('i915', 'other', ['msi', 'intx'], () => 'i915');
const amdgpu = single('amdgpu', 'other', ['msi', 'intx'], () => 'amdgpu');

export const i915Entry: DriverEntry = {
  model: i915,
  ids: [{ vendorDevice: /^8086:/, classCode: /^0x03/ }],
};

export const amdgpuEntry: DriverEntry = {
  model: amdgpu,
  ids: [{ vendorDevice: /^1002:/, classCode: /^0x03/ }],
};
