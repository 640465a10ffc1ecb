// RealTek RTL-8129/8130/8139 and clones. Follows drivers/net/ethernet/realtek/8139too.c
// (rtl8139_pci_tbl, rtl8139_open), Linux 4.4 to mainline.
import { type DriverEntry, intxNicAtOpen } from './types';

/** 8139too: the INTx line, requested in rtl8139_open (IRQF_SHARED) with the interface's name. */
const rtl8139too = intxNicAtOpen('8139too');

/** rtl8139_pci_tbl by vendor:device (the entries matching on subsystem ids only, and 10ec:8129
 * under CONFIG_8139TOO_8129, are left out). */
export const rtl8139tooEntry: DriverEntry = {
  model: rtl8139too,
  ids: [
    {
      vendorDevice:
        /^(10ec:8139|10ec:8138|1113:1211|1500:1360|4033:1360|1186:1300|1186:1340|13d1:ab06|1259:a117|1259:a11e|14ea:ab06|14ea:ab07|11db:1234|1432:9130|02ac:1012|018a:0106|126c:1211|1743:8139|021b:8139|16ec:ab06)$/,
    },
  ],
};
