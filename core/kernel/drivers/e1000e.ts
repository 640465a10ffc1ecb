// Intel PCIe gigabit (82571..82574, 82583, ICH8..ICH10 LAN, PCH I217/I218/I219). Follows
// drivers/net/ethernet/intel/e1000e/netdev.c (e1000e_set_interrupt_capability).
import { type DriverEntry, type DriverModel, msiThenIntx } from './types';

/** drivers/net/ethernet/intel/e1000e/netdev.c e1000e_set_interrupt_capability: MSI-X with 3
 * vectors (rx, tx, other) on 82574; falls back to MSI, then INTx. */
const e1000e: DriverModel = {
  name: 'e1000e',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => [
    {
      modes: ['msix'],
      min: 3,
      max: 3,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: (i, mode) =>
        mode !== 'msix' ? ctx.netdev : [`${ctx.netdev}-rx-0`, `${ctx.netdev}-tx-0`, ctx.netdev][i]!,
      fallback: msiThenIntx(() => ctx.netdev),
    },
  ],
};

export const e1000eEntry: DriverEntry = {
  model: e1000e,
  ids: [
    {
      vendorDevice:
        /^8086:(10d3|10f6|150c|1502|1503|153a|153b|15b7|15b8|15bb|15bc|15bd|15be|15d7|15d8|15e3|15f4|15f5|15f9|15fa|15fb|15fc|550a|550b|550c|550d)$/,
    },
  ],
};
