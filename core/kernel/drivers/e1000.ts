// Intel PRO/1000 PCI/PCI-X (8254x; QEMU's "e1000" is the 82540EM, 8086:100e). Follows
// drivers/net/ethernet/intel/e1000/e1000_main.c (e1000_pci_tbl, e1000_request_irq), Linux 4.4
// to mainline.
import { type DriverEntry, intxNicAtOpen } from './types';

/** e1000 never uses MSI: e1000_request_irq() asks for the INTx line (IRQF_SHARED) in
 * e1000_open, named after the interface. */
const e1000 = intxNicAtOpen('e1000');

/** e1000_pci_tbl. */
export const e1000Entry: DriverEntry = {
  model: e1000,
  ids: [
    {
      vendorDevice:
        /^8086:(1000|1001|1004|1008|1009|100c|100d|100e|100f|1010|1011|1012|1013|1014|1015|1016|1017|1018|1019|101a|101d|101e|1026|1027|1028|1075|1076|1077|1078|1079|107a|107b|107c|108a|1099|10b5|2e6e)$/,
    },
  ],
};
