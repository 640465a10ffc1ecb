// The interface every driver model implements: what a Linux PCI driver asks for when it binds
// (pci_alloc_irq_vectors_affinity rounds, request_irq names, fallbacks), and the id-table entry
// that binds it. One file per driver in this folder; catalogue.ts lists them.
import type { KernelProfile } from '../profiles';
import type { PciFunction } from '../../model/schema';

export type PortService = NonNullable<PciFunction['port_services']>[number];

export type IrqMode = 'ims' | 'msix' | 'msi' | 'intx';

export interface DriverContext {
  /** Online CPUs (num_online_cpus()). */
  cpus: number;
  msixTableSize: number | null;
  msiMax: number | null;
  hasIntx: boolean;
  bdf: string;
  /** "vvvv:dddd" (lowercase hex): drivers whose board, and so their interrupt mode, follows the id. */
  vendorDevice: string;
  /** SR-IOV VFs enabled on this PF when the plan is made: 0 at probe, sriov_numvfs when the PF
   * driver sets itself up again for its VFs (igb_sriov_reinit). */
  vfs: number;
  /** Per-driver instance number (virtio0, nvme0, ...) and network interface name when it is a NIC. */
  instance: number;
  netdev: string;
  /**
   * USB host controllers: the bus number the controller's first root hub gets (usb_register_bus:
   * numbers from 1 in registration order, shared by every HCD; xHCI registers two buses).
   */
  usbBus?: number;
  /**
   * I/O queues the machine's log states for this controller ("nvme nvme0: 16/0/0
   * default/read/poll queues": 16), when it does; the driver's own limit otherwise.
   */
  statedQueues?: number;
  /** AHCI: the ports the log states ("ahci 0000:00:1f.2: AHCI 0001.0000 32 slots 6 ports"). */
  ahciPorts?: number;
  /**
   * SCSI drivers: the host number (scsi_host_alloc's host_no) of the first SCSI host this probe
   * registers; hosts are numbered from 0 in probe order across every SCSI driver.
   */
  scsiHost?: number;
  /** PCIe ports: the services the port driver starts (the machine's, or a root port's PME + AER). */
  portServices?: readonly PortService[];
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
  /**
   * Whether the driver request_irq()s vector i; the default is every allocated vector. An
   * allocated vector without an action is not shown by /proc/interrupts but holds its irq number
   * (xhci from 6.8: only the primary interrupter's vector; thunderbolt: the control rings' two).
   */
  requested?: (i: number, mode: IrqMode) => boolean;
  /** Further actions on vector i, requested after name(i) with IRQF_SHARED (port services). */
  sharedActions?: (i: number, mode: IrqMode) => readonly string[];
  /** The CPU the driver hints vector i to (irq_set_affinity_hint), if any. */
  affinityHint?: (i: number) => number | null;
  /** What the driver tries next when this allocation fails (MSI-X -> one MSI -> INTx). */
  fallback?: IrqRequestPlan;
}

/** A NIC without MSI: its INTx line, requested in ndo_open (IRQF_SHARED) under the interface's name. */
export function intxNicAtOpen(name: string): DriverModel {
  return {
    name,
    instanceKind: 'net',
    netdev: true,
    requestAt: 'open',
    plan: (ctx) => [oneVector('intx', () => ctx.netdev)],
  };
}

/**
 * One unmanaged vector, in one mode or the first of several it can have (pci_alloc_irq_vectors'
 * flags, MSI-X first), with what to try when it cannot be had.
 */
export function oneVector(
  modes: IrqMode | IrqMode[],
  name: (i: number, mode: IrqMode) => string,
  fallback?: IrqRequestPlan,
): IrqRequestPlan {
  return {
    modes: typeof modes === 'string' ? [modes] : modes,
    min: 1,
    max: 1,
    managed: false,
    preVectors: 0,
    postVectors: 0,
    name,
    fallback,
  };
}

/** The usual NIC fallback after MSI-X fails: pci_enable_msi() (one vector), then legacy INTx. */
export function msiThenIntx(name: (i: number, mode: IrqMode) => string): IrqRequestPlan {
  return oneVector('msi', name, oneVector('intx', name));
}

export interface DriverModel {
  name: string;
  /**
   * Which instance counter it draws from: "virtio" for virtio-pci children, "net" for NICs,
   * "mmc" for SD/MMC hosts (mmc_alloc_host's index), "usb" for USB buses, "sound" for ALSA cards,
   * "mpt2sas"/"mpt3sas" for Fusion-MPT HBAs (ioc->id, counted per driver_name), "lpss" for Intel
   * LPSS functions (intel_lpss_probe's devid, from one IDA for all of them).
   */
  instanceKind:
    'virtio' | 'nvme' | 'net' | 'mmc' | 'usb' | 'sound' | 'mpt2sas' | 'mpt3sas' | 'lpss' | 'other';
  /** Instance numbers one probe takes (an xHCI registers a USB 2 and a USB 3 bus); default 1. */
  instances?: number;
  /**
   * A transport that binds the PCI functions first (virtio-pci enables every virtio function
   * when its module loads); the device driver on top probes later, in probe order.
   */
  transport?: 'virtio-pci';
  /**
   * The module whose probe allocates the vectors, when it is not the PCI driver: virtio_net,
   * virtio_blk, virtio_scsi over virtio-pci. Their probes run when the module loads
   * (register_virtio_driver -> driver_register walks the virtio bus), not when virtio-pci bound
   * the function.
   */
  module?: string;
  /**
   * SCSI hosts the probe registers (scsi_host_alloc: one per HBA, one per ATA port under
   * libata), which advance the host number the next SCSI driver gets (ctx.scsiHost).
   */
  scsiHosts?: (ctx: DriverContext) => number;
  /**
   * ISA irqs the driver requests itself rather than through the function's pin or messages
   * (ata_piix in compatibility mode: ATA_PRIMARY_IRQ 14 and ATA_SECONDARY_IRQ 15), at probe.
   */
  isaIrqs?: (ctx: DriverContext) => readonly { irq: number; name: string }[];
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
   * A driver whose probe goes on after probe() returned (PROBE_PREFER_ASYNCHRONOUS, work queued
   * from probe): the first plan round that runs then. The probes of one driver's functions run
   * together; their later rounds run once the driver has bound them all, in the order the machine
   * gives (`async_order`, the log's order) or else probe order.
   */
  asyncFrom?: (ctx: DriverContext) => number;
  /**
   * A PF driver that sets its interrupts up again when sriov_numvfs is written (igb: close,
   * igb_clear_interrupt_scheme, igb_init_interrupt_scheme with ctx.vfs VFs, open): whether that
   * happens before pci_enable_sriov() adds (and probes) the VFs, or after.
   */
  sriovReinit?: (ctx: DriverContext) => 'before-vfs' | 'after-vfs';
  /**
   * An interrupt the driver waits for during probe (a firmware command's completion), and the
   * lines it prints when that command times out because the interrupt never came.
   */
  probeInterrupt?: (ctx: DriverContext) => { entry: number; timeout: string[] };
  /**
   * The capability the hardware this driver binds usually has, for a function whose capability
   * list no artefact showed (plain lspci): the importer assumes it and says so. Absent: the
   * driver's first mode, sized to what it would ask for.
   */
  assumedCapability?: (vendorDevice: string) => { kind: 'msi' | 'msix'; vectors: number } | null;
  /** The kernel log lines the driver prints about its interrupts: at probe, and once allocated. */
  log?: (ctx: DriverContext, stage: 'probe' | 'allocated', nvec: number, mode: IrqMode) => string[];
}

/** One entry of a driver's id table (struct pci_device_id): vendor:device and/or class. */
export interface PciIdMatch {
  vendorDevice?: RegExp;
  classCode?: RegExp;
}

/** A driver model with the ids it binds to. */
export interface DriverEntry {
  model: DriverModel;
  ids: PciIdMatch[];
}

/** A driver that asks for one vector in the given modes, with one action name. */
export const single = (
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

/** The profiles from oldest to newest (the kernel eras, with 5.10's variants in their place). */
const PROFILE_ORDER = [
  '4.4',
  '4.20',
  'v5.9',
  'v2-series',
  'next-20200925',
  'v5.10-rc1',
  'v5.10',
  '5.11',
  '5.14',
  '5.15',
  '6.1',
  '6.2',
  '6.4',
  '6.6',
  '6.8',
  '6.10',
  '6.12',
  'mainline',
];

/**
 * Whether the probing kernel is of the era of profile `from` or later: for drivers whose names or
 * counts changed by release. An edited profile with a name of its own counts as mainline.
 */
export function profileAtLeast(profile: KernelProfile, from: string): boolean {
  const at = PROFILE_ORDER.indexOf(profile.name);
  const min = PROFILE_ORDER.indexOf(from);
  if (min < 0) throw new Error(`profileAtLeast: unknown profile ${JSON.stringify(from)}`);
  return (at < 0 ? PROFILE_ORDER.length : at) >= min;
}
