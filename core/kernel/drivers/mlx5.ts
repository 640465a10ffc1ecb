// Mellanox ConnectX-4 and later (PFs and VFs): mlx5_core. Linux 4.4 to mainline. Follows
// drivers/net/ethernet/mellanox/mlx5/core/main.c + eq.c (mlx5_enable_msix, mlx5_create_map_eq:
// up to 5.2) and drivers/net/ethernet/mellanox/mlx5/core/pci_irq.c (irq_set_name, from 5.3),
// whose vector layout and names changed four times:
//
// | releases   | vectors                                    | names (each "<name>@pci:<bdf>")          |
// | ---------- | ------------------------------------------ | ---------------------------------------- |
// | 4.4-5.2    | 0 pages, 1 cmd, 2 async EQ, 3.. completion | mlx5_pages_eq, mlx5_cmd_eq, mlx5_async_eq, mlx5_comp<n> |
// | 5.3-5.13   | 0 control (all async EQs), 1.. completion  | mlx5_async, mlx5_comp<n>                 |
// | 5.14-5.15  | same                                       | mlx5_async0, mlx5_comp<n>                |
// | 5.16-6.3   | 0..n-1 completion, n control (last)        | mlx5_comp<n>, mlx5_async<n>              |
// | 6.4-       | 0 control, 1.. completion                  | mlx5_async0, mlx5_comp<n>                |
//
// Boundaries: 5.3 "net/mlx5: Use a single IRQ for all async EQs" (the async EQs share vector 0,
// MLX5_IRQ_VEC_COMP_BASE = 1; release read from the 2019 pci_irq.c, uncertain); 5.14 "net/mlx5:
// Allocating a pool of MSI-X vectors for SFs" (irq_set_name prints "mlx5_async%d"); 5.16 "net/mlx5:
// Shift control IRQ to the last index" (vecidx == pool->xa_num_irqs.max); 6.4 "net/mlx5: Use
// dynamic msix vectors allocation" (back to !vecidx). The profiles are coarser than that: the
// 5.15 profile (5.15-5.18) is named as 5.15, and the 6.2 profile (6.2-6.3) as 6.2.
// Simplified: one port (num_ports * num_online_cpus completion vectors), every vector allocated
// and requested at probe (from 6.4 the kernel may add completion vectors later, on demand).
import { profileAtLeast, type DriverContext, type DriverEntry, type DriverModel } from './types';

type Layout = { control: string[]; controlLast: boolean };

function layout(ctx: DriverContext): Layout {
  const p = ctx.profile;
  if (!profileAtLeast(p, 'v5.9'))
    return { control: ['mlx5_pages_eq', 'mlx5_cmd_eq', 'mlx5_async_eq'], controlLast: false };
  if (!profileAtLeast(p, '5.14')) return { control: ['mlx5_async'], controlLast: false };
  if (!profileAtLeast(p, '6.1')) return { control: ['mlx5_async0'], controlLast: false };
  if (!profileAtLeast(p, '6.4')) return { control: [], controlLast: true };
  return { control: ['mlx5_async0'], controlLast: false };
}

/** Vector i's request_irq name, `n` vectors allocated. */
export function mlx5IrqName(ctx: DriverContext, i: number, n: number): string {
  const l = layout(ctx);
  const at = `@pci:${ctx.bdf}`;
  if (l.controlLast) return i === n - 1 ? `mlx5_async${n - 1}${at}` : `mlx5_comp${i}${at}`;
  return i < l.control.length ? `${l.control[i]}${at}` : `mlx5_comp${i - l.control.length}${at}`;
}

const mlx5: DriverModel = {
  name: 'mlx5_core',
  instanceKind: 'other',
  plan: (ctx) => {
    const l = layout(ctx);
    const control = l.controlLast ? 1 : l.control.length;
    // mlx5_enable_msix / mlx5_irq_table_create: completion vectors for each online CPU plus the
    // control ones, bounded by the table (num_eqs is not in the model); at least one completion.
    const n = Math.min(ctx.cpus + control, ctx.msixTableSize ?? 1);
    return [
      {
        modes: ['msix'],
        min: control + 1,
        max: Math.max(n, control + 1),
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) => mlx5IrqName(ctx, i, Math.max(n, control + 1)),
      },
    ];
  },
  // CREATE_EQ and the commands after it complete on the command EQ, on the control vector; the
  // lines are the ones the seed report shows (mlx5_core_warn: function, line, pid of the
  // probing task — pid 1 here, the model has no processes).
  probeInterrupt: (ctx) => {
    const l = layout(ctx);
    const n = Math.min(ctx.cpus + (l.controlLast ? 1 : l.control.length), ctx.msixTableSize ?? 1);
    return {
      // The command EQ's vector: 1 up to 5.2 (MLX5_EQ_VEC_CMD), the control vector after.
      entry: l.controlLast ? Math.max(n - 1, 0) : l.control.length === 3 ? 1 : 0,
      timeout: [
        `mlx5_core ${ctx.bdf}: mlx5_cmd_eq_recover:264:(pid 1): Recovered 1 EQEs on cmd_eq`,
        `mlx5_core ${ctx.bdf}: wait_func_handle_exec_timeout:1051:(pid 1): cmd0: CREATE_EQ(0x301) recovered after timeout`,
      ],
    };
  },
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
