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
  /** Further actions on vector i, requested after name(i) with IRQF_SHARED (port services). */
  sharedActions?: (i: number, mode: IrqMode) => readonly string[];
  /** The CPU the driver hints vector i to (irq_set_affinity_hint), if any. */
  affinityHint?: (i: number) => number | null;
  /** What the driver tries next when this allocation fails (MSI-X -> one MSI -> INTx). */
  fallback?: IrqRequestPlan;
}

/** The usual NIC fallback after MSI-X fails: pci_enable_msi() (one vector), then legacy INTx. */
export function msiThenIntx(name: (i: number, mode: IrqMode) => string): IrqRequestPlan {
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
