// A machine boots: the kernel's platform setup (kernel/init.ts), then the drivers' probes in
// module load order, the network interfaces coming up (ifup), SR-IOV VFs enabled from user space.
// The driver models (kernel/drivers) say what each probe asks for; this file runs them in order.
import type { Machine, PciFunction } from '../model/schema';
import { fire } from '../hw/delivery';
import {
  driverFor,
  type DriverContext,
  type DriverModel,
  type IrqMode,
  type IrqRequestPlan,
} from '../kernel/drivers/catalogue';
import { gpioConsumerProbe, gpiochipsProbe } from '../kernel/gpio';
import { ims_alloc_irqs } from '../kernel/ims';
import { bootPlatform, observedOnPciPin, requestPlatformIrq } from '../kernel/init';
import { sriov_enable } from '../kernel/iov';
import { mp_map_pin_to_irq } from '../kernel/ioapic';
import {
  PCI_IRQ_AFFINITY,
  PCI_IRQ_LEGACY,
  PCI_IRQ_MSI,
  PCI_IRQ_MSIX,
  type Kernel,
} from '../kernel/kernel';
import { pci_alloc_irq_vectors_affinity, pci_free_irq_vectors } from '../kernel/msi/pci-msi';
import { formatBdf } from '../kernel/pci';
import { vmd_enable_domain } from '../kernel/vmd';

/**
 * The order user space loads the modules of drivers that probe on a transport's bus, when the
 * machine does not say: virtio-pci binds every virtio function first (virtio0, virtio1, ... in its
 * bind order), and each virtio driver probes its devices, allocating their vectors, when its
 * module loads. The oracle zoo's init loads virtio_net, virtio_blk, virtio_scsi in this order; a
 * distribution's udev loads them as their devices' uevents come, which this does not model.
 */
const MODULE_LOAD_ORDER = ['virtio_net', 'virtio_blk', 'virtio_scsi'];

/** Probes that run together: a transport's device drivers, or one driver's functions. */
const batchOf = (d: DriverModel): unknown => d.transport ?? d;

function probeOrder(machine: Machine): PciFunction[] {
  const byBdf = new Map(machine.pci.map((f) => [f.bdf, f]));
  if (machine.probe_order) {
    const listed = machine.probe_order
      .map((b) => byBdf.get(b))
      .filter((f): f is PciFunction => !!f);
    const rest = machine.pci.filter((f) => !machine.probe_order!.includes(f.bdf));
    return [...listed, ...rest];
  }
  return [...machine.pci].sort((a, b) => (a.bdf < b.bdf ? -1 : 1));
}

export type Bound = {
  fn: PciFunction;
  driver: DriverModel | null;
  mode: IrqMode | null;
  /** What the driver was probed with (a PF driver re-plans from it when its VFs are enabled). */
  ctx?: DriverContext;
}[];

export function boot(k: Kernel, machine: Machine, bound: Bound): void {
  const defaultMsi = bootPlatform(k, machine);
  // The GPIO controllers (platform devices) register their gpiochips before the PCI drivers load.
  gpiochipsProbe(k, machine);

  const ctx0: ProbeCounters = {
    virtio: 0,
    nvme: 0,
    mmc: 0,
    netdevs: 0,
    netNames: new Set(),
    probed: new Set(),
    // USB bus numbers start at 1 (usb_register_bus); ALSA cards at 0.
    usb: 1,
    sound: 0,
    scsi: 0,
    mpt2sas: 0,
    mpt3sas: 0,
    lpss: 0,
    onlineCpus: k.online.weight(),
    pending: [],
  };
  const deferred: { irq: number; name: string }[] = [];
  const order = probeOrder(machine);
  // A GPIO pin's consumer (an I2C device) probes between two PCI drivers, as the log shows: its
  // pin is mapped to the next free irq then. `after` names the PCI function it follows (null:
  // before the first; unset, or a function the machine does not have: after them all).
  const probed = new Set(order.map((f) => f.bdf));
  const gpioAfter = (bdf: string | null | undefined) => {
    for (const g of machine.gpio_irqs) {
      const at = g.after === null || (g.after && probed.has(g.after)) ? g.after : undefined;
      if (at === bdf) gpioConsumerProbe(k, g);
    }
  };
  const transports = new Set<string>();
  const vmdInstances = { next: 0 };
  // VFs the machine lists (a function at a VF's address with the VF device id) exist only once
  // sriov_numvfs is written (below), not at boot. Another function there is a real one: it
  // probes now, and sriov_enable() refuses the VFs that would land on it.
  const laterVfs = new Set<string>();
  const byBdf = new Map(order.map((f) => [f.bdf, f]));
  for (const fn of order) {
    const pf = k.pci.get(fn.bdf);
    if (!pf || !fn.sriov) continue;
    for (let i = 0; i < fn.sriov.num_vfs; i++) {
      const rid = pf.rid + fn.sriov.first_vf_offset + i * fn.sriov.vf_stride;
      const bdf = formatBdf(pf.segment, rid >> 8, rid & 0xff);
      const listed = byBdf.get(bdf);
      if (
        listed &&
        listed.vendor_device === `${fn.vendor_device.slice(0, 4)}:${fn.sriov.vf_device}`
      )
        laterVfs.add(bdf);
    }
  }
  // The asynchronous rest of a driver's probes (nvme) runs once that driver has bound its
  // functions: before the next driver loads, in the order the machine gives.
  const settle = () => {
    if (!ctx0.pending.length) return;
    const rank = new Map((machine.async_order ?? []).map((b, i) => [b, i]));
    const work = ctx0.pending.splice(0).map((w, i) => ({ w, i }));
    const loads = (w: (typeof work)[number]['w']) => {
      const at = MODULE_LOAD_ORDER.indexOf(w.entry.driver?.module ?? '');
      return at < 0 ? MODULE_LOAD_ORDER.length : at;
    };
    work.sort(
      (a, b) =>
        (rank.get(a.w.entry.fn.bdf) ?? Infinity) - (rank.get(b.w.entry.fn.bdf) ?? Infinity) ||
        loads(a.w) - loads(b.w) ||
        a.i - b.i,
    );
    for (const { w } of work) {
      const { fn, driver, ctx } = w.entry;
      const mode = runPlans(k, fn, driver!, ctx!, w.plans, deferred, false, w.from);
      w.entry.mode = mode ?? w.entry.mode;
    }
  };
  const boundByTransport = new Set<string>();
  let previous: string | null = null;
  for (const fn of order) {
    gpioAfter(previous);
    previous = fn.bdf;
    if (laterVfs.has(fn.bdf) || boundByTransport.has(fn.bdf)) continue;
    const next = driverOf(fn);
    if (next && ctx0.pending.length && batchOf(next) !== batchOf(ctx0.pending[0]!.entry.driver!))
      settle();
    const dev = k.pci.get(fn.bdf);
    // VMD children appear when their VMD's driver enumerates its domain (probed there).
    if (dev?.vmd) continue;
    if (fn.kind === 'vmd' && fn.vmd) {
      bound.push(probeVmd(k, fn, vmdInstances));
      for (const child of order)
        if (k.pci.get(child.bdf)?.vmd?.bdf === fn.bdf) bound.push(probe(k, child, ctx0, deferred));
      continue;
    }
    // A transport module (virtio-pci) binds all its functions (pci_enable_device) when it loads.
    const transport = driverOf(fn)?.transport;
    if (transport && !transports.has(transport)) {
      transports.add(transport);
      const fns = order.filter(
        (f) =>
          driverOf(f)?.transport === transport && !laterVfs.has(f.bdf) && !k.pci.get(f.bdf)?.vmd,
      );
      for (const f of fns)
        if (f.intx_pin && f.intx_gsi !== null) mp_map_pin_to_irq(k, f.intx_gsi, null);
      // Each function's virtio device is registered now, in bind order; its driver's probe
      // (the vectors) waits for that driver's module (probe() defers it).
      for (const f of fns) {
        boundByTransport.add(f.bdf);
        bound.push(probe(k, f, ctx0, deferred));
      }
      continue;
    }
    bound.push(probe(k, fn, ctx0, deferred));
  }
  gpioAfter(previous);
  settle();
  gpioAfter(undefined);
  // Network interfaces come up (ifup): drivers that request their irqs in open() do it now.
  for (const { irq, name } of deferred.splice(0)) k.request_irq(irq, name);
  for (const p of machine.platform_irqs) if (observedOnPciPin(machine, p)) requestPlatformIrq(k, p);
  // SR-IOV: sriov_numvfs written (after boot, as userspace does), VFs probed by their driver.
  for (const fn of probeOrder(machine)) {
    if (!fn.sriov || fn.sriov.num_vfs === 0) continue;
    const pf = k.pci.get(fn.bdf)!;
    // The PF driver sets itself up again for its VFs (igb_sriov_reinit), before or after
    // pci_enable_sriov() depending on the release.
    const pfBound = bound.find((b) => b.fn.bdf === fn.bdf && b.driver?.sriovReinit && b.ctx);
    const reinitAt = pfBound ? pfBound.driver!.sriovReinit!(pfBound.ctx!) : null;
    const reinit = () =>
      pfBound && probe(k, fn, ctx0, deferred, { ...pfBound.ctx!, vfs: fn.sriov!.num_vfs });
    if (reinitAt === 'before-vfs') reinit();
    const driver = bound.find((b) => b.fn.bdf === fn.bdf)?.driver?.name ?? 'pci';
    const vfs = sriov_enable(k, pf, fn.sriov.num_vfs, `${driver} ${fn.bdf}`, defaultMsi, laterVfs);
    for (const vf of vfs) bound.push(probe(k, vf.fn, ctx0, deferred));
    if (reinitAt === 'after-vfs') reinit();
  }
  for (const { irq, name } of deferred) k.request_irq(irq, name);
  k.leave('kernel_init', 0);
}

function sum(a: Uint32Array | undefined): number {
  let n = 0;
  if (a) for (const x of a) n += x;
  return n;
}

/** vmd_probe(): the VMD's own MSI-X vectors ("vmd<n>" each), then its domain and children. */
function probeVmd(k: Kernel, fn: PciFunction, instances: { next: number }): Bound[number] {
  const instance = instances.next++;
  const want = Math.min(fn.vmd!.msix_vectors, fn.msix?.table_size ?? 1);
  const n = pci_alloc_irq_vectors_affinity(k, fn, 1, want, PCI_IRQ_MSIX, null);
  if (n < 0) {
    k.log(3, `vmd ${fn.bdf}: failed to allocate MSI-X vectors: ${k.describeError(n)}`);
    return { fn, driver: null, mode: null };
  }
  for (const irq of k.messages.get(fn.bdf)!.irqs) k.request_irq(irq, `vmd${instance}`);
  vmd_enable_domain(k, k.pci.get(fn.bdf)!);
  return { fn, driver: VMD_DRIVER, mode: 'msix' };
}

const VMD_DRIVER: DriverModel = { name: 'vmd', instanceKind: 'other', plan: () => [] };

function driverOf(fn: PciFunction): DriverModel | null {
  return fn.kind === 'endpoint' || fn.kind === 'root-port'
    ? driverFor(fn.vendor_device, fn.class, fn.driver)
    : null;
}

/** What probes draw from: instance numbers and the interface names taken so far. */
interface ProbeCounters {
  virtio: number;
  nvme: number;
  mmc: number;
  netdevs: number;
  usb: number;
  sound: number;
  /** SCSI host numbers (scsi_host_alloc), shared by every SCSI driver. */
  scsi: number;
  mpt2sas: number;
  mpt3sas: number;
  lpss: number;
  /** Interface names in use (kernel names and the final names of renamed ones). */
  netNames: Set<string>;
  /** Functions whose NIC driver has registered its interface. */
  probed: Set<string>;
  onlineCpus: number;
  /** Probes whose later rounds run asynchronously, waiting for their driver's batch to end. */
  pending: { entry: Bound[number]; plans: IrqRequestPlan[]; from: number }[];
}

/** One driver probe: pci_enable_device (INTx pin mapped), the request rounds, request_irq. */
function probe(
  k: Kernel,
  fn: PciFunction,
  counters: ProbeCounters,
  deferred: { irq: number; name: string }[],
  /** A bound PF driver setting its interrupts up again (igb_sriov_reinit): its interface is up,
   * so it frees its irqs and vectors, allocates again and requests at once. */
  reinit?: DriverContext,
): Bound[number] {
  if (reinit) return reprobe(k, fn, deferred, reinit);
  const override = k.machine.irq_requests.find((r) => r.device === fn.bdf);
  // A request in the machine file stands for a driver the catalogue does not know.
  const driver: DriverModel | null =
    driverOf(fn) ??
    (override ? { name: fn.driver ?? 'driver', instanceKind: 'other', plan: () => [] } : null);
  if (!driver) return { fn, driver: null, mode: null };
  // pci_enable_device(): the INTx pin's GSI gets its irq, even if the driver then uses MSI.
  if (fn.intx_pin && fn.intx_gsi !== null) mp_map_pin_to_irq(k, fn.intx_gsi, null);
  const instance =
    driver.instanceKind === 'net'
      ? counters.netdevs
      : driver.instanceKind === 'other'
        ? 0
        : (counters[driver.instanceKind] += driver.instances ?? 1) - (driver.instances ?? 1);
  // Drivers that request at open() run after udev renamed the interface: they use its final name.
  // register_netdev's "eth%d": the lowest number no interface holds. Names the machine gives
  // other NICs (their log's "eth1: ...") count as held: the import cannot always order INTx-only
  // NICs where they probed, but their names say where they did.
  let kernelName = '';
  if (driver.netdev) {
    counters.netdevs++;
    const held = new Set(counters.netNames);
    for (const other of k.machine.pci)
      if (other.bdf !== fn.bdf && other.netdev && !counters.probed.has(other.bdf))
        held.add(other.netdev);
    for (let n = 0; !kernelName; n++) if (!held.has(`eth${n}`)) kernelName = `eth${n}`;
    counters.netNames.add(kernelName);
    if (fn.netdev) counters.netNames.add(fn.netdev);
    counters.probed.add(fn.bdf);
  }
  const netdev = kernelName && driver.requestAt === 'open' && fn.netdev ? fn.netdev : kernelName;
  const ctx: DriverContext = {
    cpus: counters.onlineCpus,
    msixTableSize: fn.msix?.table_size ?? null,
    msiMax: fn.msi?.vectors_max ?? null,
    hasIntx: fn.intx_pin !== null,
    bdf: fn.bdf,
    vendorDevice: fn.vendor_device.toLowerCase(),
    vfs: 0,
    instance,
    netdev,
    usbBus: driver.instanceKind === 'usb' ? instance : undefined,
    portServices: fn.port_services,
    scsiHost: driver.scsiHosts ? counters.scsi : undefined,
    profile: k.profile,
  };
  counters.scsi += driver.scsiHosts?.(ctx) ?? 0;
  // ISA irqs the driver requests by number (ata_piix's legacy channels): edge, as ISA irqs are.
  for (const p of driver.isaIrqs?.(ctx) ?? [])
    requestPlatformIrq(k, { irq: p.irq, name: p.name, source: 'modelled' });
  const plans: IrqRequestPlan[] = override
    ? [
        {
          modes: override.prefer,
          min: override.min_vecs,
          max: override.max_vecs,
          managed: override.managed,
          preVectors: override.pre_vectors,
          postVectors: override.post_vectors,
          name: (i: number) => override.names?.[i] ?? `${driver.name}-${fn.bdf}-${i}`,
          affinityHint: undefined as ((i: number) => number | null) | undefined,
        },
      ]
    : driver.plan(ctx);
  for (const line of driver.log?.(ctx, 'probe', 0, 'msix') ?? []) k.log(6, line);
  // A transport's device driver probes when its module loads; an async driver goes on later.
  const from = override
    ? undefined
    : (driver.asyncFrom?.(ctx) ?? (driver.transport ? 0 : undefined));
  if (from !== undefined) {
    // probe() returns here; the rounds from `from` on run with the driver's other probes.
    const entry = {
      fn,
      driver,
      mode: runPlans(k, fn, driver, ctx, plans, deferred, false, 0, from),
      ctx,
    };
    counters.pending.push({ entry, plans, from });
    return entry;
  }
  return { fn, driver, mode: runPlans(k, fn, driver, ctx, plans, deferred, false), ctx };
}

/** A bound driver's igb_sriov_reinit: igb_close (free_irq), igb_clear_interrupt_scheme
 * (vectors freed), igb_init_interrupt_scheme for ctx.vfs VFs, igb_open (request_irq). */
function reprobe(
  k: Kernel,
  fn: PciFunction,
  deferred: { irq: number; name: string }[],
  ctx: DriverContext,
): Bound[number] {
  const driver = driverOf(fn)!;
  k.enter(`${driver.name}_sriov_reinit`, -1, -1, k.str(fn.bdf), ctx.vfs);
  const prev = k.messages.get(fn.bdf);
  if (prev)
    for (const irq of prev.irqs)
      for (const name of [...(k.descs[irq]?.actions ?? [])]) k.free_irq(irq, name);
  pci_free_irq_vectors(k, fn);
  const mode = runPlans(k, fn, driver, ctx, driver.plan(ctx), deferred, true);
  k.leave(`${driver.name}_sriov_reinit`, 0);
  return { fn, driver, mode, ctx };
}

/** The allocation rounds of a plan and the request_irq of each vector (deferred to ifup for
 * drivers that request in open(), unless the interface is already up: `up`). */
function runPlans(
  k: Kernel,
  fn: PciFunction,
  driver: DriverModel,
  ctx: DriverContext,
  plans: IrqRequestPlan[],
  deferred: { irq: number; name: string }[],
  up: boolean,
  /** The rounds run now: [start, end) (a probe that goes on asynchronously runs them in parts). */
  start = 0,
  end = plans.length,
): IrqMode | null {
  let mode: IrqMode | null = null;
  plans.forEach((plan, round) => {
    if (round < start || round >= end) return;
    if (round > 0) {
      // Re-allocation (nvme): free the previous round's irqs first.
      const prev = k.messages.get(fn.bdf);
      if (prev) {
        for (const irq of prev.irqs)
          for (const name of [...(k.descs[irq]?.actions ?? [])]) k.free_irq(irq, name);
      }
      pci_free_irq_vectors(k, fn);
    }
    let n = -1;
    let used = plan;
    for (let attempt: typeof plan | undefined = plan; attempt; attempt = attempt.fallback) {
      // IMS first when the driver prefers it (a device with message storage of its own).
      if (attempt.modes[0] === 'ims') {
        const dev = k.pci.get(fn.bdf)!;
        n = ims_alloc_irqs(k, dev, attempt.min, attempt.max);
        used = attempt;
        if (n > 0) break;
        if (attempt.modes.length === 1) continue;
      }
      let flags = 0;
      for (const m of attempt.modes)
        flags |=
          m === 'ims'
            ? 0
            : m === 'msix'
              ? PCI_IRQ_MSIX
              : m === 'msi'
                ? PCI_IRQ_MSI
                : PCI_IRQ_LEGACY;
      if (attempt.managed) flags |= PCI_IRQ_AFFINITY;
      n = pci_alloc_irq_vectors_affinity(k, fn, attempt.min, attempt.max, flags, {
        pre: attempt.preVectors,
        post: attempt.postVectors,
      });
      used = attempt;
      if (n > 0) break;
    }
    if (n < 0) {
      k.log(
        3,
        `${driver.name} ${fn.bdf}: failed to allocate interrupt vectors: ${k.describeError(n)}`,
      );
      return;
    }
    const ims = k.ims.get(fn.bdf);
    const dev = k.messages.get(fn.bdf);
    const viaIms = ims !== undefined && ims.irqs.length > 0 && !dev;
    mode = viaIms ? 'ims' : dev!.entries.length === 0 ? 'intx' : dev!.isMsix ? 'msix' : 'msi';
    const irqs = viaIms ? ims.irqs : dev!.irqs;
    if (round === plans.length - 1 && !up)
      for (const line of driver.log?.(ctx, 'allocated', n, mode) ?? []) k.log(6, line);
    let requested = true;
    irqs.forEach((irq, i) => {
      const name = used.name(i, mode!);
      // A vector the driver allocates but never requests keeps its irq, without an action.
      if (used.requested && !used.requested(i, mode!)) return;
      if (driver.requestAt === 'open' && round === plans.length - 1 && !up)
        deferred.push({ irq, name });
      else if (requested) {
        // Shared actions (port services) are requested by drivers of their own, after the first.
        for (const action of [name, ...(used.sharedActions?.(i, mode!) ?? [])]) {
          const ret = k.request_irq(irq, action);
          if (ret < 0) {
            // The driver gives up its probe on the first request that fails.
            requested = false;
            k.log(
              3,
              `${driver.name} ${fn.bdf}: request_irq ${irq} (${action}) failed: ${k.describeError(ret)}`,
            );
            break;
          }
        }
      }
    });
    if (!requested) return;
    // A driver that talks to its device at probe waits for an interrupt (mlx5's command EQ):
    // the device raises it; if it never arrives, the driver says so when its command times out.
    const wait = round === plans.length - 1 ? driver.probeInterrupt?.(ctx) : undefined;
    if (wait && driver.requestAt !== 'open') {
      const irq = irqs[wait.entry];
      const before = irq === undefined ? 0 : sum(k.counts.get(irq));
      if (irq !== undefined) fire(k, [{ bdf: fn.bdf, entry: wait.entry, count: 1, ims: viaIms }]);
      if (irq === undefined || sum(k.counts.get(irq)) === before)
        for (const line of wait.timeout) k.log(4, line);
    }
    // Affinity hints once every vector is requested (virtnet_set_affinity after find_vqs).
    irqs.forEach((irq, i) => {
      const hint = used.affinityHint?.(i) ?? null;
      if (hint !== null) k.irq_set_affinity(irq, k.cpuMask(hint));
    });
  });
  return mode;
}
