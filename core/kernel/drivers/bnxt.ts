// Broadcom NetXtreme-C/E/S (BCM573xx/574xx/575xx/576xx) Ethernet, PFs and VFs. Follows
// drivers/net/ethernet/broadcom/bnxt/bnxt.c (bnxt_pci_tbl, bnxt_set_dflt_rings,
// bnxt_init_int_mode, bnxt_init_msix, bnxt_init_inta, bnxt_setup_msix, bnxt_setup_inta,
// bnxt_request_irq); Linux 4.4 to 6.x before dynamic MSI-X allocation.
import {
  type DriverContext,
  type DriverEntry,
  type DriverModel,
  oneVector,
  profileAtLeast,
} from './types';

/** bnxt_pci_tbl: Broadcom (14e4) PF ids, then the VF ids (CONFIG_BNXT_SRIOV). */
const PF_IDS = `
  1604 1605 1614 16c0 16c8 16c9 16ca 16cc 16cd 16ce 16cf 16d0 16d1 16d2
  16d4 16d5 16d6 16d7 16d8 16d9 16de 16df 16e2 16e3 16e7 16e8 16e9 16ea
  16eb 16ec 16ed 16ee 16ef 16f0 16f1 1750 1751 1752 1760 1761 1762 1763
  1800 1801 1802 1803 1804 1805 d802 d804
`
  .trim()
  .split(/\s+/);
const VF_IDS = `
  1606 1607 1608 1609 16bd 16c1 16c2 16c3 16c4 16c5 16cb 16d3 16dc 16e1
  16e5 16e6 1806 1807 1808 1809 1819 181b d800
`
  .trim()
  .split(/\s+/);

/** bnxt_set_dflt_rings: netif_get_num_default_rss_queues() combined (shared) rings, min(8,
 * CPUs) before 5.19 and one per core after (the online CPUs here: no SMT topology); the
 * firmware's ring limit (the MSI-X table here) bounds it. Multi-port cards' further cut to
 * CPUs / ports is not modelled (the port count is the firmware's). */
export function bnxtRings(ctx: Pick<DriverContext, 'cpus' | 'msixTableSize' | 'profile'>): number {
  const dflt = profileAtLeast(ctx.profile, '6.1') ? ctx.cpus : Math.min(8, ctx.cpus);
  return Math.max(1, Math.min(dflt, ctx.msixTableSize ?? 1));
}

/**
 * bnxt_init_msix: pci_enable_msix_range(1, bnxt_get_max_func_irqs) — every vector the function
 * may use (its MSI-X table here; the RoCE driver's share among them) — then the rings are
 * trimmed to what was granted. bnxt_setup_msix names the completion rings' vectors
 * "<if>-TxRx-<i>" (shared rings, the default); bnxt_request_irq in bnxt_open requests only
 * those. No MSI: without MSI-X, bnxt_init_inta (PFs only) takes the pin, "<if>-TxRx-0".
 */
const bnxt: DriverModel = {
  name: 'bnxt_en',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const rings = bnxtRings(ctx);
    const vf = VF_IDS.includes(ctx.vendorDevice.slice(5));
    const pin = oneVector('intx', () => `${ctx.netdev}-TxRx-0`);
    if (ctx.msixTableSize === null) return vf ? [] : [pin];
    return [
      {
        modes: ['msix'],
        min: 1,
        max: ctx.msixTableSize,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) => `${ctx.netdev}-TxRx-${i}`,
        requested: (i) => i < rings,
        fallback: vf ? undefined : pin,
      },
    ];
  },
};

export const bnxtEntry: DriverEntry = {
  model: bnxt,
  ids: [{ vendorDevice: new RegExp(`^14e4:(${[...PF_IDS, ...VF_IDS].join('|')})$`) }],
};
