// The PCI devices as the kernel holds them (struct pci_dev): the machine's functions plus the
// virtual functions SR-IOV creates, each with its requester id, its upstream bridge
// (dev->bus->self), its MSI domain (dev->msi_domain), and the DMA aliases
// pci_for_each_dma_alias() walks — the source-id the IOMMU checks comes from there.
import type { Machine, PciFunction } from '../model/schema';
import type { IrqDomain, MsiMessage } from './irq/irqdesc';

export interface PciDev {
  readonly fn: PciFunction;
  readonly bdf: string;
  readonly segment: number;
  readonly bus: number;
  readonly devfn: number;
  /** Requester id: bus << 8 | devfn (pci_dev_id). */
  readonly rid: number;
  /** The bridge above this device's bus, or null on a root bus (also VMD's root buses). */
  readonly upstream: PciDev | null;
  /** The VMD endpoint whose domain this device lives in. */
  readonly vmd: PciDev | null;
  readonly physfn: PciDev | null;
  /** dev->msi_domain; undefined until pci_device_add. */
  msiDomain: IrqDomain | null | undefined;
  /** 6.2+: the MSI parent a per-device domain is created under. */
  msiParent: IrqDomain | null | undefined;
  /** IR domain looked up for VFs in eras that did so per allocation. */
  readonly vfs: PciDev[];
}

export function parseBdf(bdf: string): {
  segment: number;
  bus: number;
  dev: number;
  fn: number;
  devfn: number;
} {
  const m = /^([0-9a-f]{4,5}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(bdf);
  if (!m) throw new Error(`bad PCI address ${JSON.stringify(bdf)}`);
  const dev = parseInt(m[3]!, 16);
  const fn = parseInt(m[4]!, 16);
  return {
    segment: parseInt(m[1]!, 16),
    bus: parseInt(m[2]!, 16),
    dev,
    fn,
    devfn: (dev << 3) | fn,
  };
}

export function formatBdf(segment: number, bus: number, devfn: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(segment, 4)}:${h(bus, 2)}:${h(devfn >> 3, 2)}.${devfn & 7}`;
}

const BRIDGE_KINDS = new Set<PciFunction['kind']>([
  'root-port',
  'pcie-switch-upstream',
  'pcie-switch-downstream',
  'pcie-to-pci-bridge',
  'pci-bridge',
]);

export class PciTopology {
  readonly devices = new Map<string, PciDev>();

  constructor(machine: Machine) {
    const byBdf = new Map(machine.pci.map((f) => [f.bdf, f]));
    // Each function after its parent; the chain is walked with a list, not recursion (a deep tree
    // is not a stack overflow), and a loop, which validation refuses, is reported, not followed.
    for (const leaf of machine.pci) {
      const chain: PciFunction[] = [];
      for (
        let fn: PciFunction | undefined = leaf;
        fn && !this.devices.has(fn.bdf);
        fn = fn.parent ? byBdf.get(fn.parent) : undefined
      ) {
        if (chain.includes(fn))
          throw new Error(`PCI tree loops at ${fn.bdf}: the machine was not validated`);
        chain.push(fn);
      }
      for (let n = chain.length - 1; n >= 0; n--) {
        const fn = chain[n]!;
        const parent = fn.parent ? (this.devices.get(fn.parent) ?? null) : null;
        const isVmdChild = parent?.fn.kind === 'vmd';
        const dev = this.newDev(
          fn,
          isVmdChild ? null : parent,
          isVmdChild ? parent : (parent?.vmd ?? null),
          null,
        );
        this.devices.set(fn.bdf, dev);
      }
    }
  }

  private newDev(
    fn: PciFunction,
    upstream: PciDev | null,
    vmd: PciDev | null,
    physfn: PciDev | null,
  ): PciDev {
    const a = parseBdf(fn.bdf);
    return {
      fn,
      bdf: fn.bdf,
      segment: a.segment,
      bus: a.bus,
      devfn: a.devfn,
      rid: (a.bus << 8) | a.devfn,
      upstream,
      vmd,
      physfn,
      msiDomain: undefined,
      msiParent: undefined,
      vfs: [],
    };
  }

  get(bdf: string): PciDev | undefined {
    return this.devices.get(bdf);
  }

  /**
   * pci_iov_virtfn_bus() / pci_iov_virtfn_devfn(): VF `i` of a PF is at routing id PF's devfn +
   * First VF Offset + i * VF Stride counted from the PF's bus, possibly on a higher bus number (a
   * virtual bus under the same bridge). Both registers are 16-bit; the bus can pass 255, which
   * sriov_enable() refuses. (The kernel computes this in an int; the model does not wrap.)
   */
  static virtfnAddress(pf: PciDev, i: number): { bus: number; devfn: number } {
    const sriov = pf.fn.sriov!;
    const routing = pf.devfn + sriov.first_vf_offset + sriov.vf_stride * i;
    return { bus: pf.bus + Math.floor(routing / 256), devfn: routing % 256 };
  }

  /**
   * The bus numbers of the PF's bus (dev->bus->busn_res): a bridge's secondary..subordinate, or for
   * a root bus, the host bridge's range; the model has no _CRS, so it is taken to end below the
   * next root bus of the segment (or at ff).
   */
  busRange(dev: PciDev): { start: number; end: number } {
    const up = dev.upstream;
    if (up) return { start: up.fn.secondary_bus ?? dev.bus, end: up.fn.subordinate_bus ?? 0xff };
    let end = 0xff;
    for (const other of this.devices.values())
      if (
        other.segment === dev.segment &&
        other.upstream === null &&
        other.vmd === dev.vmd &&
        other.bus > dev.bus
      )
        end = Math.min(end, other.bus - 1);
    return { start: dev.bus, end };
  }

  /**
   * pci_iov_add_virtfn(): VF `i` of a PF at its address (the caller checked it is free, or holds
   * the machine's own listing of that VF, which the VF the kernel creates replaces).
   */
  addVirtfn(pf: PciDev, i: number, replacesListing = false): PciDev {
    const sriov = pf.fn.sriov!;
    const { bus, devfn } = PciTopology.virtfnAddress(pf, i);
    const bdf = formatBdf(pf.segment, bus, devfn);
    if (bus > 0xff || (this.devices.has(bdf) && !replacesListing))
      throw new Error(`VF ${i} of ${pf.bdf} at ${bdf}: sriov_enable() should have refused it`);
    const vendor = pf.fn.vendor_device.slice(0, 4);
    const msixSize = sriov.vf_msix_table_size ?? pf.fn.msix?.table_size;
    const fn: PciFunction = {
      ...pf.fn,
      bdf,
      vendor_device: `${vendor}:${sriov.vf_device}`,
      parent: pf.fn.parent,
      name: `${pf.fn.name ?? 'device'} Virtual Function`,
      // Not the PF's: a VF has its own driver (igbvf, ixgbevf, iavf) and interface.
      driver: null,
      netdev: undefined,
      intx_pin: null,
      intx_gsi: null,
      msi: null,
      msix: msixSize ? { table_size: msixSize, bar: 0, offset: '0x0' } : null,
      sriov: null,
      dma_aliases: [],
      vmd: null,
      ims: null,
    };
    const vf = this.newDev(fn, pf.upstream, pf.vmd, pf);
    this.devices.set(bdf, vf);
    pf.vfs.push(vf);
    return vf;
  }

  /**
   * The device's directory in sysfs (/sys/devices/pci0000:00/0000:00:1c.0/0000:02:00.0): below
   * its bridges, a VMD domain's root bus below the VMD device; a VF sits next to its PF.
   */
  static sysfsPath(dev: PciDev): string {
    if (dev.physfn) return PciTopology.sysfsPath(dev.physfn).replace(/[^/]+$/, dev.bdf);
    const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
    const parts: string[] = [];
    let d: PciDev | null = dev;
    for (;;) {
      parts.push(d.bdf);
      if (d.upstream) d = d.upstream;
      else {
        parts.push(`pci${h(d.segment, 4)}:${h(d.bus, 2)}`);
        if (!d.vmd) break;
        d = d.vmd;
      }
    }
    return '/devices/' + parts.reverse().join('/');
  }

  static isBridge(dev: PciDev): boolean {
    return BRIDGE_KINDS.has(dev.fn.kind);
  }

  /** The device and its upstream bridges, the root-bus one last. */
  static pathToRoot(dev: PciDev): PciDev[] {
    const out: PciDev[] = [];
    for (let d: PciDev | null = dev; d; d = d.upstream) out.push(d);
    return out;
  }

  /**
   * pci_for_each_dma_alias(): the device's own id, its quirk aliases, then for each bridge up to
   * the root bus: PCIe root/switch ports add nothing, a PCIe-to-PCI bridge aliases with its
   * secondary bus (devfn 0), a conventional PCI bridge with its own id.
   */
  static dmaAliases(dev: PciDev): { from: PciDev; alias: number }[] {
    const out: { from: PciDev; alias: number }[] = [{ from: dev, alias: dev.rid }];
    for (const a of dev.fn.dma_aliases) {
      const [b, df] = a.split(':');
      const [d, f] = df!.split('.');
      out.push({ from: dev, alias: (parseInt(b!, 16) << 8) | (parseInt(d!, 16) << 3) | Number(f) });
    }
    for (let bridge = dev.upstream; bridge; bridge = bridge.upstream) {
      switch (bridge.fn.kind) {
        case 'pcie-to-pci-bridge':
          out.push({ from: bridge, alias: (bridge.fn.secondary_bus ?? 0) << 8 });
          break;
        case 'pci-bridge':
          out.push({ from: bridge, alias: bridge.rid });
          break;
        default:
          break; // root ports and switch ports: transparent
      }
    }
    return out;
  }

  /**
   * The requester id the hardware puts on MSI writes: the function's own, replaced by each
   * bridge that takes ownership of the transaction on the way up (PCIe-to-PCI bridges use their
   * secondary bus with devfn 0; conventional PCI bridges their own id), unless the machine says
   * what the hardware really uses (`requester_id`).
   */
  static hardwareRequesterId(dev: PciDev): number {
    const override = dev.fn.requester_id;
    if (override) {
      const [b, df] = override.split(':');
      const [d, f] = df!.split('.');
      return (parseInt(b!, 16) << 8) | (parseInt(d!, 16) << 3) | Number(f);
    }
    let rid = dev.rid;
    for (let bridge = dev.upstream; bridge; bridge = bridge.upstream) {
      if (bridge.fn.kind === 'pcie-to-pci-bridge') rid = (bridge.fn.secondary_bus ?? 0) << 8;
      else if (bridge.fn.kind === 'pci-bridge') rid = bridge.rid;
    }
    return rid;
  }
}

/** A device's IMS storage: the slots the hardware reads, and (IMS_QUEUE) the kernel's shadows. */
export interface ImsStore {
  dev: PciDev;
  storage: 'array' | 'queue';
  used: Uint8Array;
  /** What the device uses when it raises slot i. */
  visible: (MsiMessage | null)[];
  /** IMS_QUEUE: the shadow the chip writes; pushed at irq_bus_sync_unlock. */
  shadow: (MsiMessage | null)[];
  dirty: Set<number>;
  irqs: number[];
  domain: IrqDomain;
}

/** struct vmd_dev: the VMD's own vectors and, per vector, the child irqs muxed onto it. */
export interface VmdState {
  dev: PciDev;
  domain: IrqDomain | null;
  /** VMD MSI-X index -> Linux irq of that vector, and the child irqs on it. */
  vectors: { virq: number; children: number[] }[];
}
