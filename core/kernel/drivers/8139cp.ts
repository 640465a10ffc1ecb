// RealTek RTL-8139C+ (QEMU's "rtl8139", 10ec:8139 rev 0x20). Follows
// drivers/net/ethernet/realtek/8139cp.c (cp_pci_tbl, cp_init_one, cp_open), Linux 4.4 to mainline.
import { type DriverEntry, intxNicAtOpen } from './types';

/** 8139cp: the INTx line, requested in cp_open (IRQF_SHARED) with the interface's name; no MSI.
 * cp_init_one refuses (-ENODEV, "use 8139too") a chip older than the C+ (revision < 0x20). */
const rtl8139cp = intxNicAtOpen('8139cp');

/** cp_pci_tbl: RTL8139 and the TTTech MC322. */
export const rtl8139cpEntry: DriverEntry = {
  model: rtl8139cp,
  ids: [{ vendorDevice: /^(10ec:8139|0357:000a)$/ }],
};
