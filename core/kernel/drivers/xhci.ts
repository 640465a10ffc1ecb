// xHCI USB 3 host controllers. Follows drivers/usb/host/xhci-pci.c (xhci_pci_probe) and, up to
// 6.7, drivers/usb/host/xhci.c xhci_try_enable_msi / xhci_setup_msix / xhci_setup_msi (moved to
// xhci-pci.c in 6.4); Linux 4.4 to mainline, by era (profile.xhciPrimaryInterrupterOnly).
import {
  type DriverEntry,
  type DriverModel,
  type IrqMode,
  type IrqRequestPlan,
  oneVector,
} from './types';

/**
 * usb_hcd_pci_probe leaves an xHCI's irq alone (HCD_USB3); xhci_run -> xhci_try_enable_msi sets
 * up the interrupts when the USB 2 root hub (bus N) is added, before the USB 3 one (bus N + 1):
 * - nvec = min(num_online_cpus() + 1, HCS_MAX_INTRS(hcs_params1)). HCSPARAMS1 is not in the
 *   machine; its MaxIntrs is taken as the MSI-X table size (QEMU's qemu-xhci: 16 and 16).
 * - up to 6.7: pci_alloc_irq_vectors(nvec, nvec, MSI-X), request_irq("xhci_hcd") on every
 *   vector; if that fails, one MSI vector (xhci_setup_msi). An Intel PCH xHCI has MSI only, so
 *   it gets one MSI vector whatever the CPU count (Craask, 6.6: two xHCIs, one row each).
 * - 6.8+ (f977f4c9301c and the rework of xhci_try_enable_msi in the same series):
 *   pci_alloc_irq_vectors(1, nvec, MSI-X | MSI), only vector 0 requested; the others hold their
 *   irq numbers without an action (q35 6.12 capture: xhci irq 30, the next device's irq 35).
 * - neither: the pin, shared, named like any HCD's legacy irq: "xhci_hcd:usb<N>".
 */
const xhci: DriverModel = {
  name: 'xhci_hcd',
  instanceKind: 'usb',
  instances: 2,
  // Intel's PCH xHCIs have an MSI capability (8 vectors) and no MSI-X; others are not assumed.
  assumedCapability: (vendorDevice) =>
    vendorDevice.startsWith('8086:') ? { kind: 'msi', vectors: 8 } : null,
  plan: (ctx) => {
    const nvec = Math.max(1, Math.min(ctx.cpus + 1, ctx.msixTableSize ?? ctx.cpus + 1));
    const name = (_i: number, mode: IrqMode) =>
      mode === 'intx' ? `xhci_hcd:usb${ctx.usbBus ?? 1}` : 'xhci_hcd';
    const one = (mode: IrqMode, fallback?: IrqRequestPlan) => oneVector(mode, name, fallback);
    if (ctx.profile.xhciPrimaryInterrupterOnly)
      return [
        {
          modes: ['msix', 'msi'],
          min: 1,
          max: nvec,
          managed: false,
          preVectors: 0,
          postVectors: 0,
          name,
          requested: (i) => i === 0,
          fallback: one('intx'),
        },
      ];
    return [
      {
        modes: ['msix'],
        min: nvec,
        max: nvec,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name,
        fallback: one('msi', one('intx')),
      },
    ];
  },
};

export const xhciEntry: DriverEntry = { model: xhci, ids: [{ classCode: /^0x0c0330$/ }] };
