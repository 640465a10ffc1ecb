// Realtek RTL8169/8168/8101/8125 gigabit and 2.5G Ethernet. Follows
// drivers/net/ethernet/realtek/r8169_main.c (r8169.c before 5.2: rtl8169_pci_tbl, rtl_alloc_irq,
// rtl_open); Linux 4.4 to mainline.
import {
  type DriverEntry,
  type DriverModel,
  msiThenIntx,
  oneVector,
  profileAtLeast,
} from './types';

/**
 * rtl_alloc_irq: one vector, pci_alloc_irq_vectors(1, 1, PCI_IRQ_ALL_TYPES) — MSI-X, else MSI,
 * else the pin — requested in rtl_open under the interface's name (IRQF_SHARED only on the pin).
 * The old PCI chips (RTL_GIGA_MAC_VER_02..06: 8169/8169S/8110S/8169SC on 10ec:8169, 8167,
 * 8129 and the board ids that carry them) get PCI_IRQ_LEGACY only. So do, from 5.5 ("r8169:
 * don't use MSI before RTL8168d"), RTL_GIGA_MAC_VER_07..17 (8168B/C/CP, 8101E/8102E), but
 * those share 10ec:8168 and 10ec:8136 with the later chips: the MAC version is read from the
 * chip (the log's "XID"), which neither lspci nor the import carries, so those ids are taken
 * for the later chips. Before 4.20 (the 4.4 profile: rtl_try_msi), MSI when the chip allows
 * it, then the pin; no MSI-X.
 */
const LEGACY_ONLY = /^(10ec:(8169|8167|8129)|1186:4300|1186:4302|1259:c107|16ec:0116|1737:1032)$/;

const r8169: DriverModel = {
  name: 'r8169',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const name = () => ctx.netdev;
    if (LEGACY_ONLY.test(ctx.vendorDevice)) return [oneVector('intx', name)];
    if (!profileAtLeast(ctx.profile, '4.20')) return [msiThenIntx(name)];
    return [oneVector(['msix', 'msi', 'intx'], name)];
  },
};

/** rtl8169_pci_tbl (6.x): Realtek 2502, 2600, 8125, 8126, 3000, 5000, 8129, 8136, 8161, 8162,
 * 8167, 8168, 8169; NCube 8168; D-Link 4300, 4302; Allied Telesyn c107; USR 0116; Linksys 1032
 * (subdevice 0024); 0001:8168 (subdevice 2410). */
export const r8169Entry: DriverEntry = {
  model: r8169,
  ids: [
    {
      vendorDevice:
        /^(10ec:(2502|2600|8125|8126|3000|5000|8129|8136|8161|8162|8167|8168|8169)|10ff:8168|1186:(4300|4302)|1259:c107|16ec:0116|1737:1032|0001:8168)$/,
    },
  ],
};
