// xHCI USB 3 host controllers. Follows drivers/usb/host/xhci-pci.c and xhci.c (xhci_setup_msix).
import { type DriverEntry, single } from './types';

/** drivers/usb/host/xhci-pci.c: MSI-X/MSI, one vector per CPU up to the table; simplified to 1. */
const xhci = single('xhci_hcd', 'other', ['msix', 'msi', 'intx'], () => 'xhci_hcd');

export const xhciEntry: DriverEntry = { model: xhci, ids: [{ classCode: /^0x0c0330$/ }] };
