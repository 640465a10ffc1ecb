// Broadcom Tigon3 (BCM57xx) gigabit Ethernet. Follows drivers/net/ethernet/broadcom/tg3.c
// (tg3_pci_tbl, tg3_get_invariants: SUPPORT_MSI / SUPPORT_MSIX / irq_max, tg3_ints_init,
// tg3_enable_msix, tg3_irq_count, tg3_request_irq); Linux 4.4 to mainline.
import {
  type DriverContext,
  type DriverEntry,
  type DriverModel,
  oneVector,
  profileAtLeast,
} from './types';

/** 57765_PLUS (5717, 5718, 5719, 5720, 57765/57766 families, 5762, 5725, 5727): SUPPORT_MSIX,
 * irq_max = TG3_IRQ_MAX_VECS (5), rxq_max = TG3_RSS_MAX_NUM_QS (4). */
const MSIX_IDS = `
  1655 1665 1656 1657 165f 16b1 16b5 16b0 16b4 16b2 16b6 1682 1686 1687
  1643 16f3 1642 1683 1641 16b7 16b3
`
  .trim()
  .split(/\s+/);
/** Chips before 5750_PLUS (5700-5705, 5782, 5788/5789, 5901, 5702/5703 variants): no MSI. */
const NO_MSI_IDS = `
  1644 1645 1646 1647 1648 164d 1653 1654 165d 165e 16a6 16a7 16a8 16c6
  16c7 1696 169c 169d 170d 170e 1649 166e
`
  .trim()
  .split(/\s+/);
/** The rest of tg3_pci_tbl's Broadcom ids (5750_PLUS: MSI). */
const MSI_IDS = `
  1659 165a 1676 1677 167d 167e 1600 1601 16f7 16fd 16fe 167a 1672 167b
  1673 1674 169a 169b 1693 167f 1668 1669 1678 1679 166a 166b 16dd 1712
  1713 1698 1684 165b 1681 1680 1688 1689 1699 16a0 1692 1690 1694 1691
`
  .trim()
  .split(/\s+/);

/** netif_get_num_default_rss_queues(): min(8, online CPUs) before 5.19, physical cores after
 * (no SMT topology here: the online CPUs). */
function defaultRssQueues(ctx: DriverContext): number {
  return profileAtLeast(ctx.profile, '6.1') ? ctx.cpus : Math.min(8, ctx.cpus);
}

/**
 * tg3_enable_msix: rxq = min(default RSS queues, 4), txq = 1; irq_cnt = rxq when 1, else
 * min(rxq + 1, 5) (vector 0 for link and the Tx ring, one per Rx ring); pci_enable_msix_range
 * (1, irq_cnt): fewer vectors shrink rxq to max(rc - 1, 1). Else one MSI (SUPPORT_MSI), else
 * the pin. tg3_request_irq in tg3_open: one vector is named after the interface; with several,
 * vector 0 "<if>-tx-0" (the Tx ring, no Rx ring under RSS) and the others "<if>-rx-<i>".
 */
export function tg3Vectors(ctx: DriverContext): number {
  const rxq = Math.min(defaultRssQueues(ctx), 4);
  return rxq > 1 ? Math.min(rxq + 1, 5) : 1;
}

const tg3: DriverModel = {
  name: 'tg3',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const dev = ctx.vendorDevice.slice(5);
    const name = () => ctx.netdev;
    const pin = oneVector('intx', name);
    const msi = oneVector('msi', name, pin);
    const noMsi = ctx.vendorDevice.startsWith('14e4:') ? NO_MSI_IDS.includes(dev) : true;
    const afterMsix = noMsi ? pin : msi;
    if (!ctx.vendorDevice.startsWith('14e4:') || !MSIX_IDS.includes(dev)) return [afterMsix];
    const want = tg3Vectors(ctx);
    // pci_enable_msix_range(1, irq_cnt): the table bounds it.
    const got = Math.min(want, ctx.msixTableSize ?? want);
    return [
      {
        modes: ['msix'],
        min: 1,
        max: want,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i, mode) =>
          mode !== 'msix' || got === 1
            ? ctx.netdev
            : i === 0
              ? `${ctx.netdev}-tx-0`
              : `${ctx.netdev}-rx-${i}`,
        fallback: afterMsix,
      },
    ];
  },
};

/** tg3_pci_tbl: Broadcom (14e4) Tigon3 ids, SysKonnect 9DXX/9MXX (1148:4400, 4500), Altima
 * AC1000/1001/1003/9100 (173b:03e8, 03e9, 03eb, 03ea), Apple (106b:1645), Fujitsu 10cf:11a2. */
export const tg3Entry: DriverEntry = {
  model: tg3,
  ids: [
    { vendorDevice: new RegExp(`^14e4:(${[...MSIX_IDS, ...NO_MSI_IDS, ...MSI_IDS].join('|')})$`) },
    { vendorDevice: /^(1148:(4400|4500)|173b:(03e8|03e9|03eb|03ea)|106b:1645|10cf:11a2)$/ },
  ],
};
