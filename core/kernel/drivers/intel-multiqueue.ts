// Intel 10/40/100G PFs: ixgbe (drivers/net/ethernet/intel/ixgbe/ixgbe_lib.c), i40e
// (i40e_main.c), ice (ice_irq.c). One model, their differences as parameters.
import { type DriverEntry, type DriverModel, msiThenIntx } from './types';

/** Intel 10/40/100G (ixgbe, i40e, ice): one vector per CPU up to the table (minus the misc one);
 * names "<drv>-<bdf>:misc"-style simplified to "<if>-TxRx-n" + the misc vector. Unmanaged. */
export function intelMultiQueue(driver: string, cap: number): DriverModel {
  return {
    name: driver,
    instanceKind: 'net',
    netdev: true,
    requestAt: 'open',
    plan: (ctx) => {
      const queues = Math.max(1, Math.min(ctx.cpus, (ctx.msixTableSize ?? 2) - 1, cap));
      return [
        {
          modes: ['msix'],
          min: 2,
          max: 1 + queues,
          fallback: msiThenIntx(() => ctx.netdev),
          managed: false,
          preVectors: 0,
          postVectors: 0,
          name: (i, mode) =>
            mode !== 'msix'
              ? ctx.netdev
              : driver === 'ixgbe'
                ? i < queues
                  ? `${ctx.netdev}-TxRx-${i}`
                  : ctx.netdev
                : i === 0
                  ? `${driver}-${ctx.bdf}:misc`
                  : `${driver}-${ctx.netdev}-TxRx-${i - 1}`,
        },
      ];
    },
  };
}

export const ixgbeEntry: DriverEntry = {
  model: intelMultiQueue('ixgbe', 64),
  ids: [
    {
      vendorDevice:
        /^8086:(10fb|10f8|1528|1560|15ab|15c8|15e4|1563|15d1|154d|10fc|1557|10f9|151c)$/,
    },
  ],
};

export const i40eEntry: DriverEntry = {
  model: intelMultiQueue('i40e', 64),
  ids: [
    {
      vendorDevice:
        /^8086:(1572|1574|1580|1581|1583|1584|1585|1586|1589|158a|158b|37d0|37d1|37d2|37d3)$/,
    },
  ],
};

export const iceEntry: DriverEntry = {
  model: intelMultiQueue('ice', 256),
  ids: [
    { vendorDevice: /^8086:(1591|1592|1593|159b|1599|188a|188b|188c|188d|1890|1891|1892|1893)$/ },
  ],
};
