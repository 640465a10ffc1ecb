// Intel Management Engine Interface (HECI). Follows drivers/misc/mei/pci-me.c (mei_me_probe) and
// hw-me-regs.h (the id table); Linux 4.4 to mainline.
import { type DriverEntry, single } from './types';

/** mei_me_probe(): one MSI (pci_enable_msi, later pci_alloc_irq_vectors(1, 1, PCI_IRQ_ALL_TYPES)),
 * else the shared INTx; request_threaded_irq(..., KBUILD_MODNAME) in every release: "mei_me". */
const mei = single('mei_me', 'other', ['msi', 'intx'], () => 'mei_me');

/** hw-me-regs.h: the HECI1 (and HECI2 where listed) functions of ICH9 to current PCHs. */
export const meiEntry: DriverEntry = {
  model: mei,
  ids: [
    {
      vendorDevice:
        /^8086:(2974|2984|2994|29a4|29b4|29c4|29d4|29e4|29f4|2a44|2a54|2a64|2a74|2e04|2e14|2e24|2e34|28b4|3b64|3b65|1c3a|1c3b|1d3a|1d3b|1e3a|1e3b|8c3a|8c3b|9c3a|9c3b|8cba|8cbb|8d3a|8d3b|9cba|9cbb|a13a|a13b|9d3a|9d3b|a2ba|a2bb|5a9a|1a9a|319a|9de0|9de4|a360|a364|02e0|02e4|06e0|06e4|a3ba|34e0|34e4|4de0|4b70|a0e0|43e0|1be0|7ae8|7a60|51e0|54e0|7e70|a848|e2e0|e370|e470)$/,
    },
  ],
};
