// What each Linux driver asks for when it binds to a PCI function: how many vectors for how many
// CPUs, which interrupt modes in which order, managed spreading, and the action names it
// registers with request_irq. Matched as the kernel matches: the driver's id table by
// vendor:device first, then class matches.
//
// Each model follows its driver's probe path (file named per entry); where it simplifies, the
// comment says how.

import type { KernelProfile } from '../profiles';

export type IrqMode = 'ims' | 'msix' | 'msi' | 'intx';

export interface DriverContext {
  /** Online CPUs (num_online_cpus()). */
  cpus: number;
  msixTableSize: number | null;
  msiMax: number | null;
  hasIntx: boolean;
  bdf: string;
  /** Per-driver instance number (virtio0, nvme0, ...) and network interface name when it is a NIC. */
  instance: number;
  netdev: string;
  /** The behaviour profile of the kernel that probes (drivers whose requests changed by era). */
  profile: KernelProfile;
}

/** One pci_alloc_irq_vectors_affinity() + request_irq() round. */
export interface IrqRequestPlan {
  modes: IrqMode[];
  min: number;
  max: number;
  managed: boolean;
  preVectors: number;
  postVectors: number;
  /** Action name of vector i (request_irq's name). */
  name(i: number, mode: IrqMode): string;
  /** Further actions on vector i, requested after name(i) with IRQF_SHARED (port services). */
  sharedActions?: (i: number, mode: IrqMode) => readonly string[];
  /** The CPU the driver hints vector i to (irq_set_affinity_hint), if any. */
  affinityHint?: (i: number) => number | null;
  /** What the driver tries next when this allocation fails (MSI-X -> one MSI -> INTx). */
  fallback?: IrqRequestPlan;
}

/** The usual NIC fallback after MSI-X fails: pci_enable_msi() (one vector), then legacy INTx. */
function msiThenIntx(name: (i: number, mode: IrqMode) => string): IrqRequestPlan {
  const one = (mode: IrqMode, fallback?: IrqRequestPlan): IrqRequestPlan => ({
    modes: [mode],
    min: 1,
    max: 1,
    managed: false,
    preVectors: 0,
    postVectors: 0,
    name,
    fallback,
  });
  return one('msi', one('intx'));
}

export interface DriverModel {
  name: string;
  /** "virtio" for virtio-pci children, "net" for NICs: which instance counter it draws from. */
  instanceKind: 'virtio' | 'nvme' | 'net' | 'other';
  /**
   * A transport that binds the PCI functions first (virtio-pci enables every virtio function
   * when its module loads); the device driver on top probes later, in probe order.
   */
  transport?: 'virtio-pci';
  /** Registers a network interface (takes the next ethN name). */
  netdev?: boolean;
  /** When request_irq happens: at probe, or when the network interface is opened (ifup). */
  requestAt?: 'probe' | 'open';
  /**
   * The rounds of allocation in probe order. nvme first takes one vector for the admin queue,
   * frees it and allocates again with the I/O queues (nvme_pci_enable + nvme_setup_io_queues).
   */
  plan(ctx: DriverContext): IrqRequestPlan[];
  /**
   * An interrupt the driver waits for during probe (a firmware command's completion), and the
   * lines it prints when that command times out because the interrupt never came.
   */
  probeInterrupt?: (ctx: DriverContext) => { entry: number; timeout: string[] };
  /** The kernel log lines the driver prints about its interrupts: at probe, and once allocated. */
  log?: (ctx: DriverContext, stage: 'probe' | 'allocated', nvec: number, mode: IrqMode) => string[];
}

/** drivers/net/virtio_net.c + drivers/virtio/virtio_pci_common.c vp_find_vqs_msix: one vector for
 * config changes, one per virtqueue with a callback: rx and tx of every queue pair the device
 * offers (the control vq has none), whatever the number of CPUs. QEMU's multiqueue device is
 * given (MSI-X table size - 2) / 2 pairs. Unmanaged; the affinity hints set later are pending
 * moves that take effect at the next interrupt. */
const virtioNet: DriverModel = {
  name: 'virtio-pci',
  transport: 'virtio-pci',
  instanceKind: 'virtio',
  netdev: true,
  plan: (ctx) => {
    // Vectors are requested for every queue pair the device offers, not only the ones in use.
    const maxPairs = Math.max(1, Math.floor(((ctx.msixTableSize ?? 3) - 2) / 2));
    const n = 1 + 2 * maxPairs;
    return [
      {
        modes: ['msix'],
        min: n,
        max: n,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) =>
          i === 0
            ? `virtio${ctx.instance}-config`
            : `virtio${ctx.instance}-${i % 2 === 1 ? 'input' : 'output'}.${(i - 1) >> 1}`,
        // virtnet_set_affinity(): queue pair q of the ones in use is hinted to CPU q.
        affinityHint: (i) => {
          const pair = (i - 1) >> 1;
          return i > 0 && pair < Math.min(maxPairs, ctx.cpus) ? pair : null;
        },
      },
    ];
  },
};

/** drivers/block/virtio_blk.c init_vq: num_vqs = min(device num_queues, nr_cpu_ids); vectors for
 * config + each request queue, managed spreading with pre_vectors = 1 (the config vector). */
const virtioBlk: DriverModel = {
  name: 'virtio-pci',
  transport: 'virtio-pci',
  instanceKind: 'virtio',
  log: (ctx, stage, nvec) =>
    stage === 'allocated'
      ? [`virtio_blk virtio${ctx.instance}: ${nvec - 1}/0/0 default/read/poll queues`]
      : [],
  plan: (ctx) => {
    const deviceQueues = Math.max(1, (ctx.msixTableSize ?? 2) - 1);
    const queues = Math.min(deviceQueues, ctx.cpus);
    return [
      {
        modes: ['msix'],
        min: 1 + queues,
        max: 1 + queues,
        managed: true,
        preVectors: 1,
        postVectors: 0,
        name: (i) =>
          i === 0 ? `virtio${ctx.instance}-config` : `virtio${ctx.instance}-req.${i - 1}`,
      },
    ];
  },
};

/** drivers/nvme/host/pci.c: nvme_pci_enable allocates 1 vector (admin queue, any type); then
 * nvme_setup_io_queues frees it and allocates 1 + nr_io_queues with PCI_IRQ_AFFINITY and
 * pre_vectors = 1 (queue 0 = admin, unmanaged; I/O queues spread), one I/O queue per CPU up to
 * the controller's limit (here: the MSI-X table size - 1). */
const nvme: DriverModel = {
  name: 'nvme',
  instanceKind: 'nvme',
  log: (ctx, stage, nvec) =>
    stage === 'probe'
      ? [`nvme nvme${ctx.instance}: pci function ${ctx.bdf}`]
      : nvec > 1
        ? [`nvme nvme${ctx.instance}: ${nvec - 1}/0/0 default/read/poll queues`]
        : [],
  plan: (ctx) => {
    const tableMax = ctx.msixTableSize ?? ctx.msiMax ?? 1;
    const io = Math.max(1, Math.min(ctx.cpus, tableMax - 1));
    const name = (i: number) => `nvme${ctx.instance}q${i}`;
    return [
      {
        modes: ['msix', 'msi', 'intx'],
        min: 1,
        max: 1,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name,
      },
      {
        modes: ['msix', 'msi', 'intx'],
        min: 1,
        max: 1 + io,
        managed: true,
        preVectors: 1,
        postVectors: 0,
        name,
      },
    ];
  },
};

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

/** Intel 10/40/100G (ixgbe, i40e, ice): one vector per CPU up to the table (minus the misc one);
 * names "<drv>-<bdf>:misc"-style simplified to "<if>-TxRx-n" + the misc vector. Unmanaged. */
function intelMultiQueue(driver: string, cap: number): DriverModel {
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

const single = (
  name: string,
  kind: DriverModel['instanceKind'],
  modes: IrqMode[],
  action: (ctx: DriverContext) => string,
): DriverModel => ({
  name,
  instanceKind: kind,
  plan: (ctx) => [
    {
      modes,
      min: 1,
      max: 1,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: () => action(ctx),
    },
  ],
});

/** drivers/ata/ahci.c: one MSI vector for a single-port-vector HBA (MSI-X or multi-MSI when the
 * HBA offers per-port vectors, not modelled), action "ahci[<bdf>]". */
const ahci = single('ahci', 'other', ['msix', 'msi', 'intx'], (ctx) => `ahci[${ctx.bdf}]`);
/** drivers/usb/host/xhci-pci.c: MSI-X/MSI, one vector per CPU up to the table; simplified to 1. */
const xhci = single('xhci_hcd', 'other', ['msix', 'msi', 'intx'], () => 'xhci_hcd');
/** drivers/i2c/busses/i2c-i801.c: INTx (shared, level). */
const i801: DriverModel = {
  ...single('i801_smbus', 'other', ['intx'], () => 'i801_smbus'),
  log: (ctx, stage, _nvec, mode) =>
    stage === 'allocated'
      ? [`i801_smbus ${ctx.bdf}: SMBus using ${mode === 'intx' ? 'PCI interrupt' : 'PCI MSI'}`]
      : [],
};
/** drivers/pci/pcie/portdrv.c pcie_port_enable_irq_vec(): the port's services share one vector
 * (or its INTx); each service driver requests it with IRQF_SHARED under its own name, in the order
 * of the profile's portServiceActionNames ("aerdrv, PCIe PME" up to 4.19, "PCIe PME, aerdrv" from
 * 4.20, with ", PCIe bwctrl" from 6.13). */
const pcieport: DriverModel = {
  name: 'pcieport',
  instanceKind: 'other',
  plan: (ctx) => {
    const [first, ...rest] = ctx.profile.portServiceActionNames;
    return [
      {
        modes: ['msix', 'msi', 'intx'],
        min: 1,
        max: 1,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: () => first!,
        sharedActions: () => rest,
      },
    ];
  },
};
/** i915 and amdgpu: a single MSI vector. */
const i915 = single('i915', 'other', ['msi', 'intx'], () => 'i915');
const amdgpu = single('amdgpu', 'other', ['msi', 'intx'], () => 'amdgpu');

interface Match {
  vendorDevice?: RegExp;
  classCode?: RegExp;
  driver: DriverModel;
}

/** Id-table matches first, then class matches, in the kernel's spirit (pci_match_id order). */
const TABLE: Match[] = [
  { vendorDevice: /^1af4:(1000|1041)$/, driver: virtioNet },
  { vendorDevice: /^1af4:(1001|1042)$/, driver: virtioBlk },
  {
    vendorDevice:
      /^8086:(10d3|10f6|150c|1502|1503|153a|153b|15b7|15b8|15bb|15bc|15bd|15be|15d7|15d8|15e3|15f4|15f5|15f9|15fa|15fb|15fc|550a|550b|550c|550d)$/,
    driver: e1000e,
  },
  {
    vendorDevice:
      /^8086:(1533|1536|1537|1538|1539|157b|157c|1521|1522|1523|1524|10c9|10e6|10e7|10e8|1526|150a|1518|10a7|10a9|10d6|150e|150f|1510|1511|1516|1f40|1f41|1f45)$/,
    driver: igb,
  },
  {
    vendorDevice: /^8086:(10fb|10f8|1528|1560|15ab|15c8|15e4|1563|15d1|154d|10fc|1557|10f9|151c)$/,
    driver: intelMultiQueue('ixgbe', 64),
  },
  {
    vendorDevice:
      /^8086:(1572|1574|1580|1581|1583|1584|1585|1586|1589|158a|158b|37d0|37d1|37d2|37d3)$/,
    driver: intelMultiQueue('i40e', 64),
  },
  {
    vendorDevice: /^8086:(1591|1592|1593|159b|1599|188a|188b|188c|188d|1890|1891|1892|1893)$/,
    driver: intelMultiQueue('ice', 256),
  },
  {
    // PFs and their VFs (1014, 1016, 1018, 101a, 101c, 101e: mlx5 binds both).
    vendorDevice:
      /^15b3:(1013|1014|1015|1016|1017|1018|1019|101a|101b|101c|101d|101e|101f|1021|1023|a2d2|a2d6|a2dc)$/,
    driver: mlx5,
  },
  {
    vendorDevice: /^8086:(2930|2930|a323|a123|9d23|06a3|02a3|a2a3|51a3|7aa3|8c22|8d22)$/,
    driver: i801,
  },
  { classCode: /^0x010802$/, driver: nvme },
  { classCode: /^0x010601$/, driver: ahci },
  { classCode: /^0x0c0330$/, driver: xhci },
  { classCode: /^0x0c0500$/, driver: i801 },
  { classCode: /^0x060400$/, driver: pcieport },
  { vendorDevice: /^8086:/, classCode: /^0x03/, driver: i915 },
  { vendorDevice: /^1002:/, classCode: /^0x03/, driver: amdgpu },
];

export function driverFor(vendorDevice: string, classCode: string): DriverModel | null {
  for (const m of TABLE) {
    if (m.vendorDevice && !m.vendorDevice.test(vendorDevice)) continue;
    if (m.classCode && !m.classCode.test(classCode)) continue;
    return m.driver;
  }
  return null;
}
