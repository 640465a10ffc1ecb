// USB 1.1/2.0 host controllers on PCI: ehci-pci, ohci-pci, uhci_hcd. Follows
// drivers/usb/core/hcd-pci.c (usb_hcd_pci_probe) and hcd.c (usb_add_hcd, usb_hcd_request_irqs);
// Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel, oneVector } from './types';

/**
 * usb_hcd_pci_probe: a non-xHCI HCD gets one vector, MSI if the function has it (5.9+:
 * pci_alloc_irq_vectors(1, 1, PCI_IRQ_LEGACY | PCI_IRQ_MSI); before, the pin), else its pin;
 * usb_hcd_request_irqs names it "<hcd driver description>:usb<bus number>", IRQF_SHARED. EHCI,
 * OHCI and UHCI functions have no MSI capability in practice (QEMU's: none), so the pin.
 */
function hcd(description: string): DriverModel {
  return {
    name: description,
    instanceKind: 'usb',
    plan: (ctx) => [oneVector(['msi', 'intx'], () => `${description}:usb${ctx.usbBus ?? 1}`)],
  };
}

/** prog-if 0x20 (EHCI), 0x10 (OHCI), 0x00 (UHCI) of class 0x0c03, as the drivers' tables match. */
export const ehciEntry: DriverEntry = {
  model: hcd('ehci_hcd'),
  ids: [{ classCode: /^0x0c0320$/ }],
};
export const ohciEntry: DriverEntry = {
  model: hcd('ohci_hcd'),
  ids: [{ classCode: /^0x0c0310$/ }],
};
export const uhciEntry: DriverEntry = {
  model: hcd('uhci_hcd'),
  ids: [{ classCode: /^0x0c0300$/ }],
};
