// A simulated boot: the kernel's order of events for what is modeled, then the drivers' probes
// in module load order, the network interfaces coming up, SR-IOV VFs enabled, then the
// scenario's steps. Returns every output a run has.
import type { Machine, PciFunction } from '../model/schema';
import { TraceEmitter } from '../trace/emitter';
import { check_x2apic, default_setup_apic_routing, enable_IR_x2apic } from './apic';
import {
  driverFor,
  type DriverContext,
  type DriverModel,
  type IrqMode,
  type IrqRequestPlan,
} from './drivers/catalogue';
import { CpuMask } from './cpumask';
import { EINVAL, ENOENT, ENOMEM } from './errno';
import { hpet_enable } from './hpet';
import { mp_map_pin_to_irq, setup_IO_APIC } from './ioapic';
import { amdIommuForDev, amdIommuInfoLines } from './iommu/amd-ir';
import {
  dmar_dev_scope_init,
  dmar_pci_bus_notify_vf,
  enable_drhd_fault_handling,
} from './iommu/dmar';
import { irTranslationStruct } from './iommu/intel-ir';
import { chain, type IrqDomain } from './irq/irqdesc';
import {
  Kernel,
  Oops,
  Panic,
  PCI_IRQ_AFFINITY,
  PCI_IRQ_LEGACY,
  PCI_IRQ_MSI,
  PCI_IRQ_MSIX,
} from './kernel';
import {
  createPciMsiDomain,
  pci_alloc_irq_vectors_affinity,
  pci_free_irq_vectors,
} from './msi/pci-msi';
import { irqDataDebugfs } from './output/debugfs';
import {
  formatProcInterrupts,
  writeProcInterrupts,
  type ProcIrqLine,
} from './output/proc-interrupts';
import { formatBdf, PciTopology, type PciDev } from './pci';
import { KernelProfileSchema, PROFILES, profileForKernel, type KernelProfile } from './profiles';
import { ApicChipData, MANAGED_IRQ_SHUTDOWN_VECTOR } from './vector/vector-domain';
import { fire, type FireTarget } from '../hw/delivery';
import {
  applyMachineInjections,
  applyRemappingInjections,
  applyVectorInjections,
  CallFailures,
  profileChanges,
  type Injection,
} from './injections';
import { vmd_enable_domain } from './vmd';
import { ims_alloc_irqs } from './ims';

export interface SimulatedIrq {
  irq: number;
  chip: string;
  hwirq: number;
  trigger: 'edge' | 'level';
  handler: string;
  actions: string[];
  owner: string;
  msi: 'msi' | 'msix' | null;
  /** Vector and CPU at the VECTOR level (0 = not assigned, 239 = parked). */
  vector: number;
  cpu: number;
  effectiveAffinity: string;
  affinity: string;
  managed: boolean;
  domains: { domain: string; hwirq: number; chip: string }[];
  /** /sys/kernel/debug/irq/irqs/<irq> from the "domain:" line on. */
  debugfs: string;
  /** Interrupts delivered per online CPU (in online order), as /proc/interrupts counts them. */
  counts: readonly number[];
}

/** One interrupt remapping table entry as reports show it. */
export interface IrteRow {
  index: number;
  irq: number;
  present: boolean;
  vector: number;
  dest: number;
  sid: number;
  sq: number;
  svt: number;
}

export interface SimulationResult {
  profile: string;
  /** The predicted /proc/interrupts (all of it: large on a big machine, see writeProcInterrupts). */
  procInterrupts(): string;
  writeProcInterrupts(write: (text: string) => boolean | void): void;
  dmesg: string[];
  irqs: SimulatedIrq[];
  devices: {
    bdf: string;
    driver: string | null;
    /**
     * Where the device's requests come from: a driver model, what a real /proc/interrupts showed
     * (for a driver irqlab does not model), or a request written in the machine file.
     */
    behaviour: DeviceBehaviour | null;
    mode: IrqMode | null;
    messages: { entry: number; address: string; data: string }[];
    /** The MSI / MSI-X capability lines as `lspci -vvv` prints them (capability offsets aside). */
    lspci: string[];
  }[];
  vectorDebugfs: string;
  vectorUsage: {
    cpu: number;
    available: number;
    allocated: number;
    managed: number;
    managedAllocated: number;
  }[];
  /** Interrupt remapping: mode and, per unit, its present IRTEs. */
  readonly remapping: {
    mode: 'xapic' | 'x2apic' | 'off';
    driver: 'intel' | 'amd' | null;
    units: { name: string; irq: number; irtes: IrteRow[]; debugfs: string }[];
  };
  /** The DMAR faults the kernel printed, and what the hardware delivered. */
  faults: { line: string; reason: number; sid: string; index: number; unit: string }[];
  deliveries: { delivered: number; faulted: number; spurious: number };
  oops: { text: string; callTrace: string[] } | null;
  panic: string | null;
  /** What this run did not model on this machine (said, not silently ignored). */
  warnings: string[];
  events: number;
}

/** What happens after the boot, in order. */
export type ScenarioStep =
  | { op: 'cpu_down'; cpu: number }
  | { op: 'cpu_up'; cpu: number }
  /** Devices raise interrupts: every vector of one device (or all), `count` times each. */
  | { op: 'fire'; device?: string; entry?: number; count?: number }
  /** An irq's affinity set from user space (/proc/irq/N/smp_affinity), by CPU list. */
  | { op: 'set_affinity'; irq: number; cpus: number[] };

export interface SimulateOptions {
  /** A profile name, or a profile object (a clone of one, edited). */
  profile?: string | KernelProfile;
  trace?: TraceEmitter;
  scenario?: ScenarioStep[];
  injections?: Injection[];
  /** Called with the kernel before it boots (the stepping engine reads its state). */
  onKernel?: (k: Kernel) => void;
}

export function resolveProfile(machine: Machine, name?: string | KernelProfile): KernelProfile {
  // A profile object may come from a stored run, saved before flags were added: the schema fills
  // their defaults (and refuses a damaged one with where it is wrong).
  if (typeof name === 'object') return KernelProfileSchema.parse(name);
  name ??= machine.kernel.profile;
  if (name) {
    const p = PROFILES[name];
    if (!p)
      throw new Error(
        `${name === machine.kernel.profile ? '$.kernel.profile: ' : ''}unknown profile ${JSON.stringify(name)} (known: ${Object.keys(PROFILES).join(', ')})`,
      );
    return p;
  }
  return profileForKernel(machine.kernel.version);
}

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

type Bound = {
  fn: PciFunction;
  driver: DriverModel | null;
  mode: IrqMode | null;
  /** What the driver was probed with (a PF driver re-plans from it when its VFs are enabled). */
  ctx?: DriverContext;
}[];

export function simulate(machine: Machine, options: SimulateOptions = {}): SimulationResult {
  const injections = options.injections ?? [];
  const changes = profileChanges(injections);
  const base = resolveProfile(machine, options.profile);
  const profile = Object.keys(changes).length ? { ...base, ...changes } : base;
  machine = applyMachineInjections(machine, injections);
  const trace = options.trace ?? new TraceEmitter();
  const k = new Kernel(machine, profile, trace);
  k.injections = injections;
  k.failures = new CallFailures(injections);
  options.onKernel?.(k);
  let oops: SimulationResult['oops'] = null;
  let panic: string | null = null;
  const bound: Bound = [];
  const deliveries = { delivered: 0, faulted: 0, spurious: 0 };
  try {
    boot(k, machine, bound);
    for (const step of options.scenario ?? []) {
      if (step.op === 'set_affinity') {
        const mask = CpuMask.of(
          k.nrCpus,
          step.cpus.filter((c) => c < k.nrCpus),
        );
        const ret = k.irq_set_affinity(step.irq, mask);
        if (ret < 0) k.log(4, `irqlab: smp_affinity of irq ${step.irq}: ${k.describeError(ret)}`);
        continue;
      }
      if (step.op === 'fire') {
        const r = fire(k, fireTargets(k, step));
        deliveries.delivered += r.delivered;
        deliveries.faulted += r.faulted;
        deliveries.spurious += r.spurious;
        continue;
      }
      const ret = step.op === 'cpu_down' ? k.cpu_down(step.cpu) : k.cpu_up(step.cpu);
      if (ret === -EINVAL)
        k.log(
          4,
          `${step.op} ${step.cpu}: CPU is already ${step.op === 'cpu_down' ? 'offline' : 'online'}`,
        );
    }
  } catch (err) {
    if (err instanceof Oops) oops = { text: err.text, callTrace: err.callTrace };
    else if (err instanceof Panic) panic = err.text;
    else throw err;
  }
  trace.flush();
  return outputs(k, machine, profile, bound, oops, panic, deliveries, trace.seq);
}

/** The MSI/MSI-X vectors (device, entry) a fire step raises. */
function fireTargets(k: Kernel, step: Extract<ScenarioStep, { op: 'fire' }>): FireTarget[] {
  const out: FireTarget[] = [];
  for (const [bdf, dev] of k.messages) {
    if (step.device && bdf !== step.device) continue;
    dev.entries.forEach((m, entry) => {
      if (m === null || (step.entry !== undefined && entry !== step.entry)) return;
      out.push({ bdf, entry, count: step.count ?? 1 });
    });
  }
  for (const [bdf, store] of k.ims) {
    if (step.device && bdf !== step.device) continue;
    store.visible.forEach((m, entry) => {
      if (m && (step.entry === undefined || entry === step.entry))
        out.push({ bdf, entry, count: step.count ?? 1, ims: true });
    });
  }
  return out;
}

function boot(k: Kernel, machine: Machine, bound: Bound): void {
  const defaultMsi = bootPlatform(k, machine);
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
    onlineCpus: k.online.weight(),
  };
  const deferred: { irq: number; name: string }[] = [];
  const order = probeOrder(machine);
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
  for (const fn of order) {
    if (laterVfs.has(fn.bdf)) continue;
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
      for (const f of order)
        if (driverOf(f)?.transport === transport && f.intx_pin && f.intx_gsi !== null)
          mp_map_pin_to_irq(k, f.intx_gsi, null);
    }
    bound.push(probe(k, fn, ctx0, deferred));
  }
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

/**
 * sriov_enable(): the last VF's bus must be inside the PF's bus range (else "can't enable ... out of
 * range", -ENOMEM), then pci_iov_add_virtfn() for each VF. A VF whose name is already taken (a
 * function at its routing id) fails device_add() ("sysfs: cannot create duplicate filename"), its
 * virtfn link then fails (-ENOENT) and sriov_add_vfs() removes the VFs added before it; the model
 * finds the clash before adding any, so the PF ends with no VFs as in the kernel, without the
 * WARNING's stack dump. `name` is how dev_err() names the PF ("ixgbe 0000:01:00.0").
 */
function sriov_enable(
  k: Kernel,
  pf: PciDev,
  nrVirtfn: number,
  name: string,
  defaultMsi: IrqDomain | null,
  /** The machine's own listing of VFs: their addresses are the VFs', not taken. */
  listedVfs: ReadonlySet<string>,
): PciDev[] {
  k.enter('sriov_enable', -1, -1, k.str(pf.bdf), nrVirtfn);
  const range = k.pci.busRange(pf);
  const last = PciTopology.virtfnAddress(pf, nrVirtfn - 1);
  if (last.bus > range.end) {
    const h = (n: number) => n.toString(16).padStart(2, '0');
    const res =
      range.start === range.end
        ? `[bus ${h(range.start)}]`
        : `[bus ${h(range.start)}-${h(range.end)}]`;
    k.log(3, `${name}: can't enable ${nrVirtfn} VFs (bus ${h(last.bus)} out of range of ${res})`);
    k.leave('sriov_enable', -ENOMEM);
    return [];
  }
  for (let i = 0; i < nrVirtfn; i++) {
    const a = PciTopology.virtfnAddress(pf, i);
    const bdf = formatBdf(pf.segment, a.bus, a.devfn);
    if (k.pci.get(bdf) && !listedVfs.has(bdf)) {
      k.enter('pci_iov_add_virtfn', -1, -1, k.str(pf.bdf), i);
      const path = PciTopology.sysfsPath(pf).replace(/[^/]+$/, bdf);
      k.log(4, `sysfs: cannot create duplicate filename '${path}'`);
      k.leave('pci_iov_add_virtfn', -ENOENT);
      k.leave('sriov_enable', -ENOENT);
      return [];
    }
  }
  const vfs: PciDev[] = [];
  for (let i = 0; i < nrVirtfn; i++) {
    k.enter('pci_iov_add_virtfn', -1, -1, k.str(pf.bdf), i);
    const a = PciTopology.virtfnAddress(pf, i);
    const vf = k.pci.addVirtfn(pf, i, listedVfs.has(formatBdf(pf.segment, a.bus, a.devfn)));
    pcibios_device_add(k, vf, defaultMsi);
    dmar_pci_bus_notify_vf(k, vf);
    if (k.remapOps === 'amd') amdDeviceDomain(k, vf);
    k.leave('pci_iov_add_virtfn', 0);
    vfs.push(vf);
  }
  k.leave('sriov_enable', 0);
  return vfs;
}

/**
 * Everything before the drivers: APIC and x2APIC, interrupt remapping, the units' fault irqs,
 * the IOAPICs and the timer, SMP, HPET, PCI enumeration with each device's MSI domain, the
 * platform devices' irqs. Returns the default PCI MSI domain (null with per-device domains).
 */
export function bootPlatform(k: Kernel, machine: Machine): IrqDomain | null {
  const cpus = machine.cpus.list;
  const bootCpu = cpus[0]!.cpu;
  k.pci = new PciTopology(machine);
  k.enter('start_kernel');
  // Early: the APIC mode the firmware handed over (check_x2apic), then the MADT.
  check_x2apic(k);
  machine.ioapics.forEach((io, n) => {
    k.log(
      6,
      `IOAPIC[${n}]: apic_id ${io.id}, version ${io.version}, address ${io.address}, GSI ${io.gsi_base}-${io.gsi_base + io.pins - 1}`,
    );
    k.gsiTop = Math.max(k.gsiTop, io.gsi_base + io.pins);
  });
  const word = (v: string) => (v === 'conforms' ? 'dfl' : v);
  for (const o of machine.interrupt_source_overrides) {
    k.log(
      6,
      `ACPI: INT_SRC_OVR (bus 0 bus_irq ${o.bus_irq} global_irq ${o.gsi} ${word(o.polarity)} ${word(o.trigger)})`,
    );
  }
  const usable = cpus.filter((c) => c.apic_id <= k.maxApicId);
  k.log(6, `smpboot: Allowing ${usable.length} CPUs, 0 hotplug CPUs`);
  const legacy = machine.ioapics.length > 0 ? 16 : 0;
  k.lapic_assign_system_vectors(bootCpu, legacy);
  k.log(
    6,
    `NR_IRQS: 524544, nr_irqs: ${probeNrIrqs(k.gsiTop, legacy, k.nrCpus)}, preallocated irqs: ${legacy}`,
  );
  // x86_late_time_init() -> apic_intr_mode_init(): interrupt remapping and x2APIC, the APIC
  // driver, the units' fault interrupts (the first MSIs of the boot, only CPU 0 up), the IOAPICs.
  k.enter('x86_late_time_init');
  k.enter('apic_intr_mode_init');
  if (machine.ioapics.length > 0) k.log(6, 'APIC: Switch to symmetric I/O mode setup');
  enable_IR_x2apic(k);
  applyRemappingInjections(k, k.injections);
  default_setup_apic_routing(k);
  if (k.irqRemappingEnabled && k.remapOps === 'intel') enable_drhd_fault_handling(k);
  setup_IO_APIC(k);
  k.leave('apic_intr_mode_init', 0);
  k.leave('x86_late_time_init', 0);
  k.leave('start_kernel', 0);
  // kernel_init(): SMP, the initcalls (PCI, IOMMU, drivers), then user space (ifup, SR-IOV).
  k.enter('kernel_init');
  // SMP: the other CPUs come up (those the APIC driver can address).
  let up = 0;
  for (const c of cpus) {
    if (!c.online) continue;
    if (c.apic_id > k.maxApicId) {
      k.log(3, `smpboot: native_cpu_up: bad cpu ${c.cpu}`);
      continue;
    }
    k.cpuOnline(c.cpu);
    up++;
  }
  const nodes = new Set(cpus.filter((c) => c.online && k.online.test(c.cpu)).map((c) => c.node))
    .size;
  k.log(6, `smp: Brought up ${nodes} node${nodes === 1 ? '' : 's'}, ${up} CPUs`);
  applyVectorInjections(k, k.injections);
  if (machine.ioapics.length > 0) k.log(6, 'ACPI: Using IOAPIC for interrupt routing');
  hpet_enable(k);

  // PCI: the default MSI domain, every device added (pcibios_device_add), then the DMAR scopes
  // hand the devices under interrupt remapping to their unit's IR MSI domain.
  const defaultMsi = k.profile.perDeviceMsiDomains
    ? null
    : createPciMsiDomain(k, 'PCI-MSI-3', k.vectorDomain, 'PCI-MSI', false);
  k.defaultPciMsiDomain = defaultMsi;
  for (const dev of k.pci.devices.values()) pcibios_device_add(k, dev, defaultMsi);
  dmar_dev_scope_init(k);
  if (k.remapOps === 'amd') amdDeviceDomains(k);
  amdIommuInfoLines(k);

  for (const p of machine.platform_irqs)
    if (!observedOnPciPin(machine, p)) requestPlatformIrq(k, p);
  return defaultMsi;
}

/**
 * An observed action on a PCI function's INTx pin is most likely that function's unmodelled
 * driver (a NIC requesting at open, a sound card): it is requested after the probes, not before.
 */
function observedOnPciPin(machine: Machine, p: Machine['platform_irqs'][number]): boolean {
  return p.source === 'observed' && machine.pci.some((f) => f.intx_pin && f.intx_gsi === p.irq);
}

function requestPlatformIrq(k: Kernel, p: Machine['platform_irqs'][number]): void {
  const irq = k.gsiIrq.get(p.irq) ?? (p.irq < 16 ? p.irq : undefined);
  if (irq === undefined || !k.descs[irq]) mp_map_pin_to_irq(k, p.irq, p.irq < 16 ? p.irq : null);
  const virq = k.gsiIrq.get(p.irq) ?? p.irq;
  const desc = k.descs[virq];
  // acpi_register_gsi() with the device's own _CRS trigger: an unused pin takes it.
  if (p.trigger && desc && desc.actions.length === 0) {
    desc.trigger = p.trigger;
    desc.handler = p.trigger === 'level' ? 'fasteoi' : 'edge';
  }
  k.request_irq(virq, p.name);
}

/** pcibios_device_add(): the device's MSI domain is the default one (or its MSI parent VECTOR). */
function pcibios_device_add(k: Kernel, dev: PciDev, defaultMsi: IrqDomain | null): void {
  if (dev.vmd) return; // VMD children get the VMD's domain (vmd.ts)
  dev.msiDomain = defaultMsi;
  dev.msiParent = k.vectorDomain;
}

/** AMD: amd_iommu_set_pci_msi_domain() at IOMMU device init — for VFs too. */
function amdDeviceDomains(k: Kernel): void {
  for (const dev of k.pci.devices.values()) amdDeviceDomain(k, dev);
}
function amdDeviceDomain(k: Kernel, dev: PciDev): void {
  if (!k.irqRemappingEnabled || dev.vmd) return;
  const iommu = amdIommuForDev(k, dev.bdf);
  if (!iommu) return;
  if (k.profile.perDeviceMsiDomains) dev.msiParent = iommu.irDomain;
  else dev.msiDomain = iommu.irMsiDomain;
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

export type DeviceBehaviour = 'modelled' | 'observed' | 'user';

function behaviourOf(
  machine: Machine,
  fn: PciFunction,
  driver: DriverModel | null,
): DeviceBehaviour | null {
  if (!driver) return null;
  const request = machine.irq_requests.find((r) => r.device === fn.bdf);
  return request ? (request.source === 'observed' ? 'observed' : 'user') : 'modelled';
}

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
  /** Interface names in use (kernel names and the final names of renamed ones). */
  netNames: Set<string>;
  /** Functions whose NIC driver has registered its interface. */
  probed: Set<string>;
  onlineCpus: number;
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
): IrqMode | null {
  let mode: IrqMode | null = null;
  plans.forEach((plan, round) => {
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

function outputs(
  k: Kernel,
  machine: Machine,
  profile: KernelProfile,
  bound: Bound,
  oops: SimulationResult['oops'],
  panic: string | null,
  deliveries: SimulationResult['deliveries'],
  events: number,
): SimulationResult {
  const online = [...k.online];
  const onlineIndex = new Map(online.map((cpu, i) => [cpu, i]));
  // The per-irq tables are built when first read: on a big machine they cost more than the boot.
  const zeroCounts: readonly number[] = Object.freeze(online.map(() => 0));
  const buildIrqs = (): SimulatedIrq[] => {
    const irqs: SimulatedIrq[] = [];
    // Masks are shared between irqs: print each once.
    const lists = new Map<CpuMask, string>();
    const cpuList = (m: CpuMask) => {
      let l = lists.get(m);
      if (l === undefined) lists.set(m, (l = m.toList()));
      return l;
    };
    for (const desc of k.descs) {
      // Skip a descriptor whose allocation an oops cut short (no chip yet on its outer level).
      if (!desc || !desc.data?.chip) continue;
      const irq = desc.irq;
      const vector = k.apic.vector[irq] ?? 0;
      const cpu = k.apic.cpu[irq] ?? 0;
      const effective =
        vector !== 0 && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR ? cpu : (k.effectiveCpu[irq] ?? -1);
      const counted = k.counts.get(irq);
      irqs.push({
        irq,
        chip: desc.data.chip.name,
        hwirq: desc.data.hwirq,
        trigger: desc.trigger,
        handler: desc.handler,
        actions: [...desc.actions],
        owner: desc.owner === 'isa' ? '' : desc.owner,
        msi: desc.msiIndex < 0 ? null : desc.isMsix ? 'msix' : 'msi',
        vector,
        cpu,
        effectiveAffinity: effective >= 0 ? String(effective) : '',
        affinity: cpuList(k.affinity[irq] ?? k.allCpus),
        managed: k.apic.has(irq, ApicChipData.IS_MANAGED),
        debugfs: irqDataDebugfs(desc.data, {
          // apicd->vector stays 0 while parked on the shutdown vector.
          vector: vector === MANAGED_IRQ_SHUTDOWN_VECTOR ? 0 : vector,
          cpu: vector === MANAGED_IRQ_SHUTDOWN_VECTOR ? 0 : cpu,
          moveInProgress: false,
          isManaged: k.apic.has(irq, ApicChipData.IS_MANAGED),
          canReserve: k.apic.has(irq, ApicChipData.CAN_RESERVE),
          hasReserved: k.apic.has(irq, ApicChipData.HAS_RESERVED),
        }),
        domains: [...chain(desc)].map((d) => ({
          domain: d.domain.name,
          hwirq: d.hwirq,
          chip: d.chip?.name ?? '',
        })),
        // Irqs that never fired share one all-zero row (a 1536-CPU machine has 100,000 irqs).
        counts: counted ? online.map((c) => counted[c] ?? 0) : zeroCounts,
      });
    }
    return irqs;
  };
  let irqsCache: SimulatedIrq[] | null = null;
  const irqsOf = () => (irqsCache ??= buildIrqs());
  const lines = function* (): Generator<ProcIrqLine> {
    for (const i of irqsOf()) {
      if (i.actions.length > 0 || i.counts.some((c) => c > 0)) {
        yield {
          irq: i.irq,
          counts: i.counts,
          chip: i.chip,
          hwirq: i.hwirq,
          handler: i.handler,
          actions: i.actions,
        };
      }
    }
  };
  void onlineIndex;
  const nr = nrIrqs(machine, k);
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const warnings: string[] = [];
  // Tables of a big machine are built when first read.
  let devicesCache: SimulationResult['devices'] | null = null;
  let remappingCache: SimulationResult['remapping'] | null = null;
  return {
    profile: profile.name,
    procInterrupts: () => formatProcInterrupts(online, lines(), nr),
    writeProcInterrupts: (write) => writeProcInterrupts(online, lines(), nr, write),
    dmesg: k.dmesg,
    get irqs() {
      return irqsOf();
    },
    get devices() {
      return (devicesCache ??= bound.map(({ fn, driver, mode }) => ({
        bdf: fn.bdf,
        driver: driver?.name ?? null,
        behaviour: behaviourOf(machine, fn, driver),
        mode,
        lspci: lspciLines(fn, mode, k.messages.get(fn.bdf)?.entries ?? []),
        messages: (k.messages.get(fn.bdf)?.entries ?? []).map((m, entry) => ({
          entry,
          address: m ? hex(m.address_hi, 8) + hex(m.address_lo, 8) : '',
          data: m ? hex(m.data, 4) : '',
        })),
      })));
    },
    get vectorDebugfs() {
      return k.matrix.debugShow();
    },
    vectorUsage: online.map((cpu) => ({
      cpu,
      available: k.matrix.available[cpu]!,
      allocated: k.matrix.allocated[cpu]!,
      managed: k.matrix.managed[cpu]!,
      managedAllocated: k.matrix.managedAllocated[cpu]!,
    })),
    get remapping() {
      return (remappingCache ??= {
        mode: k.irqRemapMode ?? 'off',
        driver: k.irqRemappingEnabled ? k.remapOps : null,
        units: k.iommus
          .filter((u) => u.tableEntries > 0)
          .map((u) => ({
            name: u.name,
            irq: u.faultIrq,
            irtes: [...u.presentEntries()].map((i) => ({
              index: i,
              irq: u.owner[i]!,
              present: true,
              vector: u.vector[i]!,
              dest: u.destId[i]!,
              sid: u.sid[i]!,
              sq: u.sq[i]!,
              svt: u.svt[i]!,
            })),
            get debugfs() {
              return irTranslationStruct(u);
            },
          })),
      });
    },
    faults: k.faults.map((f) => ({
      line: f.line,
      reason: f.reason,
      sid: `${hex(f.sourceId >> 8, 2)}:${hex((f.sourceId >> 3) & 0x1f, 2)}.${f.sourceId & 7}`,
      index: f.index,
      unit: f.unit,
    })),
    deliveries,
    oops,
    panic,
    warnings,
    events,
  };
}

/** lspci's MSI and MSI-X capability lines (ls-caps.c cap_msi / cap_msix). */
function lspciLines(
  fn: PciFunction,
  mode: IrqMode | null,
  entries: ({ address_lo: number; address_hi: number; data: number } | null)[],
): string[] {
  const sign = (b: boolean) => (b ? '+' : '-');
  const out: string[] = [];
  if (fn.msi) {
    const enabled = mode === 'msi';
    const used = enabled ? entries.length : 1;
    const m = enabled ? entries[0] : null;
    out.push(
      `MSI: Enable${sign(enabled)} Count=${used}/${fn.msi.vectors_max} Maskable${sign(fn.msi.per_vector_mask)} 64bit${sign(fn.msi.is_64bit)}`,
    );
    const address = m
      ? (fn.msi.is_64bit ? m.address_hi.toString(16).padStart(8, '0') : '') +
        m.address_lo.toString(16).padStart(8, '0')
      : fn.msi.is_64bit
        ? '0'.repeat(16)
        : '0'.repeat(8);
    out.push(`\tAddress: ${address}  Data: ${(m?.data ?? 0).toString(16).padStart(4, '0')}`);
  }
  if (fn.msix) {
    out.push(`MSI-X: Enable${sign(mode === 'msix')} Count=${fn.msix.table_size} Masked-`);
    out.push(
      `\tVector table: BAR=${fn.msix.bar} offset=${parseInt(fn.msix.offset, 16).toString(16).padStart(8, '0')}`,
    );
  }
  return out;
}

/**
 * arch_probe_nr_irqs() (arch/x86/kernel/apic/vector.c): (gsi_top + legacy) + 8 per CPU, plus room
 * for MSI (16 per GSI, or 8 per CPU on small machines), at most NR_VECTORS per CPU.
 */
function probeNrIrqs(gsiTop: number, legacy: number, nrCpuIds: number): number {
  let nr = gsiTop + legacy + 8 * nrCpuIds;
  nr += gsiTop <= 16 ? 8 * nrCpuIds : gsiTop * 16;
  return Math.min(nr, 256 * nrCpuIds);
}

/** nr_irqs as /proc/interrupts sizes its column: grown by the descriptors allocated beyond it. */
function nrIrqs(machine: Machine, k: Kernel): number {
  return Math.max(
    probeNrIrqs(k.gsiTop, machine.ioapics.length > 0 ? 16 : 0, k.nrCpus),
    k.descs.length,
  );
}
