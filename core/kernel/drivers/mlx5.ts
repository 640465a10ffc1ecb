// Mellanox ConnectX-4 and later (PFs and VFs). Follows
// drivers/net/ethernet/mellanox/mlx5/core/pci_irq.c and eq.c.
import { type DriverEntry, type DriverModel } from './types';

/** drivers/net/ethernet/mellanox/mlx5/core/pci_irq.c: one async (control) vector plus one
 * completion vector per CPU, bounded by the MSI-X table; names mlx5_async0@pci:<bdf> and
 * mlx5_comp<n>@pci:<bdf>. Simplified: the pool is allocated at probe in one go, unmanaged. */
const mlx5: DriverModel = {
  name: 'mlx5_core',
  instanceKind: 'other',
  plan: (ctx) => {
    const n = Math.min(ctx.cpus + 1, ctx.msixTableSize ?? 1);
    return [
      {
        modes: ['msix'],
        min: 2,
        max: n,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) => (i === 0 ? `mlx5_async0@pci:${ctx.bdf}` : `mlx5_comp${i - 1}@pci:${ctx.bdf}`),
      },
    ];
  },
  // CREATE_EQ and the commands after it complete on the command EQ, on the async vector; the
  // lines are the ones the seed report shows (mlx5_core_warn: function, line, pid of the
  // probing task — pid 1 here, the model has no processes).
  probeInterrupt: (ctx) => ({
    entry: 0,
    timeout: [
      `mlx5_core ${ctx.bdf}: mlx5_cmd_eq_recover:264:(pid 1): Recovered 1 EQEs on cmd_eq`,
      `mlx5_core ${ctx.bdf}: wait_func_handle_exec_timeout:1051:(pid 1): cmd0: CREATE_EQ(0x301) recovered after timeout`,
    ],
  }),
};

export const mlx5Entry: DriverEntry = {
  model: mlx5,
  ids: [
    {
      // PFs and their VFs (1014, 1016, 1018, 101a, 101c, 101e: mlx5 binds both).
      vendorDevice:
        /^15b3:(1013|1014|1015|1016|1017|1018|1019|101a|101b|101c|101d|101e|101f|1021|1023|a2d2|a2d6|a2dc)$/,
    },
  ],
};
