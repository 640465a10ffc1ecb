// Intel 82575/82576/82580/I350/I354/I210/I211 gigabit PF. Follows
// drivers/net/ethernet/intel/igb/igb_main.c (igb_init_queue_configuration,
// igb_set_flag_queue_pairs, igb_set_interrupt_capability, igb_alloc_q_vectors, igb_request_msix,
// igb_sriov_reinit), Linux 4.4 to mainline.
import { type DriverContext, type DriverEntry, type DriverModel, msiThenIntx } from './types';

type MacType = '82575' | '82576' | '82580' | 'i350' | 'i354' | 'i210' | 'i211';

/** e1000_82575.c igb_get_invariants: the MAC type of each device id of igb_pci_tbl. */
const MAC: Record<string, MacType> = {
  ...Object.fromEntries(['10a7', '10a9', '10d6'].map((d) => [d, '82575' as const])),
  ...Object.fromEntries(
    ['10c9', '10e6', '10e7', '10e8', '1526', '150a', '1518', '150d'].map((d) => [
      d,
      '82576' as const,
    ]),
  ),
  // DH89xxCC (0438, 043a, 043c, 0440) is an 82580 MAC.
  ...Object.fromEntries(
    ['150e', '150f', '1510', '1511', '1516', '1527', '0438', '043a', '043c', '0440'].map((d) => [
      d,
      '82580' as const,
    ]),
  ),
  ...Object.fromEntries(['1521', '1522', '1523', '1524', '1546'].map((d) => [d, 'i350' as const])),
  ...Object.fromEntries(['1f40', '1f41', '1f45'].map((d) => [d, 'i354' as const])),
  ...Object.fromEntries(
    ['1533', '1536', '1537', '1538', '157b', '157c'].map((d) => [d, 'i210' as const]),
  ),
  '1539': 'i211',
};

/** IGB_MAX_RX_QUEUES (8), IGB_MAX_RX_QUEUES_82575 (4), IGB_MAX_RX_QUEUES_I211 (2); with VFs an
 * 82576 keeps 2 RSS queues and an I350 one (it cannot do RSS and SR-IOV at once). */
function maxRssQueues(mac: MacType, vfs: number): number {
  if (mac === 'i211') return 2;
  if (mac === '82575' || mac === 'i210') return 4;
  if (mac === 'i350' && vfs > 0) return 1;
  if ((mac === 'i350' || mac === '82576') && vfs > 0) return 2;
  return 8;
}

export interface IgbQueues {
  rx: number;
  tx: number;
  /** IGB_FLAG_QUEUE_PAIRS: an Rx and a Tx ring share a q_vector. */
  pairs: boolean;
  /** The q_vectors' names after the netdev ("TxRx-0", "rx-1", "tx-0"), in vector order. */
  names: string[];
}

/** The queues igb sets up in MSI-X mode and the name of each q_vector (igb_alloc_q_vectors:
 * a vector per Rx ring first when there are vectors for every ring, the rest spread with
 * DIV_ROUND_UP; igb_request_msix names them by the rings they hold). */
export function igbQueues(ctx: Pick<DriverContext, 'cpus' | 'vendorDevice' | 'vfs'>): IgbQueues {
  const mac = MAC[ctx.vendorDevice.slice(5)] ?? '82580';
  const max = maxRssQueues(mac, ctx.vfs);
  const rss = Math.min(max, ctx.cpus);
  const pairs = mac !== '82575' && mac !== 'i211' && rss > Math.floor(max / 2);
  const rx = rss;
  const tx = ctx.vfs > 0 ? 1 : rss;
  const qv = pairs ? rx : rx + tx;
  const names: string[] = [];
  let rxLeft = rx;
  let txLeft = tx;
  let rxIdx = 0;
  let txIdx = 0;
  let v = 0;
  if (qv >= rxLeft + txLeft) for (; rxLeft > 0; v++, rxLeft--, rxIdx++) names.push(`rx-${rxIdx}`);
  for (; v < qv; v++) {
    const r = Math.ceil(rxLeft / (qv - v));
    const t = Math.ceil(txLeft / (qv - v));
    names.push(
      r > 0 && t > 0 ? `TxRx-${rxIdx}` : t > 0 ? `tx-${txIdx}` : r > 0 ? `rx-${rxIdx}` : 'unused',
    );
    rxLeft -= r;
    rxIdx += r;
    txLeft -= t;
    txIdx += t;
  }
  return { rx, tx, pairs, names };
}

/** igb: vector 0 for link status and the VF mailbox ("<if>", igb_msix_other), then a vector per
 * q_vector, exactly that many (pci_enable_msix_range(n, n)); else one MSI, then INTx, both with
 * one queue pair and no VFs. Requested in igb_open. Unmanaged. */
const igb: DriverModel = {
  name: 'igb',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  // The profile's igbSriovReinitFirst: 50f303496d92 "igb: Enable SR-IOV after reinit" (6.2).
  sriovReinit: (ctx) => (ctx.profile.igbSriovReinitFirst ? 'before-vfs' : 'after-vfs'),
  log: (ctx, stage, _nvec, mode) => {
    if (stage !== 'allocated') return [];
    const q = mode === 'msix' ? igbQueues(ctx) : { rx: 1, tx: 1 };
    const how = mode === 'msix' ? 'MSI-X' : mode === 'msi' ? 'MSI' : 'legacy';
    return [`igb ${ctx.bdf}: Using ${how} interrupts. ${q.rx} rx queue(s), ${q.tx} tx queue(s)`];
  },
  plan: (ctx) => {
    const q = igbQueues(ctx);
    const n = 1 + q.names.length;
    return [
      {
        modes: ['msix'],
        min: n,
        max: n,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i, mode) =>
          mode !== 'msix' || i === 0 ? ctx.netdev : `${ctx.netdev}-${q.names[i - 1]}`,
        fallback: msiThenIntx(() => ctx.netdev),
      },
    ];
  },
};

export const igbEntry: DriverEntry = {
  model: igb,
  ids: [{ vendorDevice: new RegExp(`^8086:(${Object.keys(MAC).join('|')})$`) }],
};
