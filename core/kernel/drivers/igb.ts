// Intel 82575/82576/82580/I350/I210/I211 gigabit. Follows drivers/net/ethernet/intel/igb/igb_main.c
// (igb_set_interrupt_capability, igb_request_msix).
import { type DriverEntry, type DriverModel, msiThenIntx } from './types';

/** igb (drivers/net/ethernet/intel/igb): one vector per queue pair up to the table size - 1, plus
 * one for "other" first; names "<if>" then "<if>-TxRx-n". Unmanaged. */
const igb: DriverModel = {
  name: 'igb',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const queues = Math.max(1, Math.min(ctx.cpus, (ctx.msixTableSize ?? 2) - 1, 8));
    return [
      {
        modes: ['msix'],
        min: 1 + queues,
        max: 1 + queues,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i, mode) =>
          mode !== 'msix' || i === 0 ? ctx.netdev : `${ctx.netdev}-TxRx-${i - 1}`,
        fallback: msiThenIntx(() => ctx.netdev),
      },
    ];
  },
};

export const igbEntry: DriverEntry = {
  model: igb,
  ids: [
    {
      vendorDevice:
        /^8086:(1533|1536|1537|1538|1539|157b|157c|1521|1522|1523|1524|10c9|10e6|10e7|10e8|1526|150a|1518|10a7|10a9|10d6|150e|150f|1510|1511|1516|1f40|1f41|1f45)$/,
    },
  ],
};
