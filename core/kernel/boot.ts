// A simulated boot: the kernel's order of events for what is modeled, then the drivers' probes
// in module load order, then the network interfaces coming up. Returns every output a run has.
import type { Machine, PciFunction } from '../model/schema';
import { TraceEmitter } from '../trace/emitter';
import { driverFor, type DriverModel, type IrqMode } from './drivers/catalogue';
import type { CpuMask } from './cpumask';
import { EINVAL } from './errno';
import { chain } from './irq/irqdesc';
import {
  Kernel,
  Oops,
  PCI_IRQ_AFFINITY,
  PCI_IRQ_LEGACY,
  PCI_IRQ_MSI,
  PCI_IRQ_MSIX,
} from './kernel';
import {
  formatProcInterrupts,
  writeProcInterrupts,
  type ProcIrqLine,
} from './output/proc-interrupts';
import { PROFILES, profileForKernel, type KernelProfile } from './profiles';
import { irqDataDebugfs } from './output/debugfs';
import { ApicChipData, MANAGED_IRQ_SHUTDOWN_VECTOR } from './vector/vector-domain';

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
  oops: { text: string; callTrace: string[] } | null;
  /** What this run did not model on this machine (said, not silently ignored). */
  warnings: string[];
  events: number;
}

/** What happens after the boot, in order. */
export type ScenarioStep = { op: 'cpu_down'; cpu: number } | { op: 'cpu_up'; cpu: number };

export interface SimulateOptions {
  profile?: string;
  trace?: TraceEmitter;
  scenario?: ScenarioStep[];
}

export function resolveProfile(machine: Machine, name?: string): KernelProfile {
  if (name) {
    const p = PROFILES[name];
    if (!p)
      throw new Error(
        `unknown profile ${JSON.stringify(name)} (known: ${Object.keys(PROFILES).join(', ')})`,
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

export function simulate(machine: Machine, options: SimulateOptions = {}): SimulationResult {
  const profile = resolveProfile(machine, options.profile);
  const trace = options.trace ?? new TraceEmitter();
  const k = new Kernel(machine, profile, trace);
  let oops: SimulationResult['oops'] = null;
  const bound: { fn: PciFunction; driver: DriverModel | null; mode: IrqMode | null }[] = [];
  try {
    boot(k, machine, bound);
    for (const step of options.scenario ?? []) {
      const ret = step.op === 'cpu_down' ? k.cpu_down(step.cpu) : k.cpu_up(step.cpu);
      if (ret === -EINVAL)
        k.log(
          4,
          `${step.op} ${step.cpu}: CPU is already ${step.op === 'cpu_down' ? 'offline' : 'online'}`,
        );
    }
  } catch (err) {
    if (!(err instanceof Oops)) throw err;
    oops = { text: err.text, callTrace: err.callTrace };
  }
  trace.flush();
  return outputs(k, machine, profile, bound, oops, trace.seq);
}

function boot(
  k: Kernel,
  machine: Machine,
  bound: { fn: PciFunction; driver: DriverModel | null; mode: IrqMode | null }[],
): void {
  const cpus = machine.cpus.list;
  const boot = cpus[0]!.cpu;
  // acpi_parse_madt: IOAPICs and overrides, then the CPUs.
  machine.ioapics.forEach((io, n) =>
    k.log(
      6,
      `IOAPIC[${n}]: apic_id ${io.id}, version ${io.version}, address ${io.address}, GSI ${io.gsi_base}-${io.gsi_base + io.pins - 1}`,
    ),
  );
  const word = (v: string) => (v === 'conforms' ? 'dfl' : v);
  for (const o of machine.interrupt_source_overrides) {
    k.log(
      6,
      `ACPI: INT_SRC_OVR (bus 0 bus_irq ${o.bus_irq} global_irq ${o.gsi} ${word(o.polarity)} ${word(o.trigger)})`,
    );
  }
  k.log(6, `smpboot: Allowing ${cpus.length} CPUs, 0 hotplug CPUs`);
  k.lapic_assign_system_vectors(boot, machine.ioapics.length > 0 ? 16 : 0);
  k.setup_IO_APIC();
  const legacy = machine.ioapics.length > 0 ? 16 : 0;
  k.log(
    6,
    `NR_IRQS: 524544, nr_irqs: ${probeNrIrqs(k.gsiTop, legacy, k.nrCpus)}, preallocated irqs: ${legacy}`,
  );
  if (machine.ioapics.length > 0) k.log(6, 'APIC: Switch to symmetric I/O mode setup');
  for (const c of cpus) if (c.online) k.cpuOnline(c.cpu);
  const nodes = new Set(cpus.filter((c) => c.online).map((c) => c.node)).size;
  k.log(
    6,
    `smp: Brought up ${nodes} node${nodes === 1 ? '' : 's'}, ${cpus.filter((c) => c.online).length} CPUs`,
  );
  if (machine.ioapics.length > 0) k.log(6, 'ACPI: Using IOAPIC for interrupt routing');
  k.hpet_enable();

  for (const p of machine.platform_irqs) {
    if (!k.descs[p.irq]) k.mp_map_pin_to_irq(p.irq, p.irq < 16 ? p.irq : null);
    k.request_irq(p.irq, p.name);
  }

  const counters = { virtio: 0, nvme: 0 };
  let netdevs = 0;
  const deferred: { irq: number; name: string }[] = [];
  const onlineCpus = cpus.filter((c) => c.online).length;
  for (const fn of probeOrder(machine)) {
    const driver =
      fn.kind === 'endpoint' || fn.kind === 'root-port'
        ? driverFor(fn.vendor_device, fn.class)
        : null;
    if (!driver) {
      bound.push({ fn, driver: null, mode: null });
      continue;
    }
    // pci_enable_device(): the INTx pin's GSI gets its irq, even if the driver then uses MSI.
    if (fn.intx_pin && fn.intx_gsi !== null) k.mp_map_pin_to_irq(fn.intx_gsi, null);
    const instance =
      driver.instanceKind === 'net'
        ? netdevs
        : driver.instanceKind === 'other'
          ? 0
          : counters[driver.instanceKind]++;
    const netdev = driver.netdev ? `eth${netdevs++}` : '';
    const ctx = {
      cpus: onlineCpus,
      msixTableSize: fn.msix?.table_size ?? null,
      msiMax: fn.msi?.vectors_max ?? null,
      hasIntx: fn.intx_pin !== null,
      bdf: fn.bdf,
      instance,
      netdev,
    };
    const override = machine.irq_requests.find((r) => r.device === fn.bdf);
    const plans = override
      ? [
          {
            modes: override.prefer,
            min: override.min_vecs,
            max: override.max_vecs,
            managed: override.managed,
            preVectors: override.pre_vectors,
            postVectors: override.post_vectors,
            name: (i: number) => override.names?.[i] ?? `${driver.name}-${fn.bdf}-${i}`,
          },
        ]
      : driver.plan(ctx);
    let mode: IrqMode | null = null;
    for (const line of driver.log?.(ctx, 'probe', 0, 'msix') ?? []) k.log(6, line);
    plans.forEach((plan, round) => {
      if (round > 0) {
        // Re-allocation (nvme): free the previous round's irqs first.
        const prev = k.messages.get(fn.bdf);
        if (prev) {
          for (const irq of prev.irqs)
            for (const name of [...(k.descs[irq]?.actions ?? [])]) k.free_irq(irq, name);
        }
        k.pci_free_irq_vectors(fn);
      }
      let flags = 0;
      for (const m of plan.modes)
        flags |= m === 'msix' ? PCI_IRQ_MSIX : m === 'msi' ? PCI_IRQ_MSI : PCI_IRQ_LEGACY;
      if (plan.managed) flags |= PCI_IRQ_AFFINITY;
      const n = k.pci_alloc_irq_vectors_affinity(fn, plan.min, plan.max, flags, {
        pre: plan.preVectors,
        post: plan.postVectors,
      });
      if (n < 0) {
        k.log(
          3,
          `${driver.name} ${fn.bdf}: failed to allocate interrupt vectors: ${k.describeError(n)}`,
        );
        return;
      }
      const dev = k.messages.get(fn.bdf)!;
      mode = dev.entries.length === 0 ? 'intx' : dev.isMsix ? 'msix' : 'msi';
      const irqs = mode === 'intx' ? [fn.intx_gsi!] : dev.irqs;
      if (round === plans.length - 1)
        for (const line of driver.log?.(ctx, 'allocated', n, mode) ?? []) k.log(6, line);
      irqs.forEach((irq, i) => {
        const name = plan.name(i, mode!);
        if (driver.requestAt === 'open' && round === plans.length - 1) deferred.push({ irq, name });
        else k.request_irq(irq, name);
        const hint = plan.affinityHint?.(i) ?? null;
        if (hint !== null) k.irq_set_affinity(irq, k.cpuMask(hint));
      });
    });
    bound.push({ fn, driver, mode });
  }
  // Network interfaces come up (ifup): drivers that request their irqs in open() do it now.
  for (const { irq, name } of deferred) k.request_irq(irq, name);
}

function outputs(
  k: Kernel,
  machine: Machine,
  profile: KernelProfile,
  bound: { fn: PciFunction; driver: DriverModel | null; mode: IrqMode | null }[],
  oops: SimulationResult['oops'],
  events: number,
): SimulationResult {
  const online = [...k.online];
  // The per-irq tables are built when first read: on a big machine they cost more than the boot.
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
      if (!desc || !desc.data) continue;
      const irq = desc.irq;
      const vector = k.apic.vector[irq] ?? 0;
      const cpu = k.apic.cpu[irq] ?? 0;
      const effective =
        vector !== 0 && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR ? cpu : (k.effectiveCpu[irq] ?? -1);
      irqs.push({
        irq,
        chip: desc.data.chip.name,
        hwirq: desc.data.hwirq,
        trigger: desc.trigger,
        handler: desc.handler,
        actions: [...desc.actions],
        owner: desc.owner,
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
          chip: d.chip.name,
        })),
      });
    }
    return irqs;
  };
  let irqsCache: SimulatedIrq[] | null = null;
  const irqsOf = () => (irqsCache ??= buildIrqs());
  const zeroCounts = online.map(() => 0);
  const lines = function* (): Generator<ProcIrqLine> {
    for (const i of irqsOf()) {
      if (i.actions.length > 0) {
        yield {
          irq: i.irq,
          counts: zeroCounts,
          chip: i.chip,
          hwirq: i.hwirq,
          handler: i.handler,
          actions: i.actions,
        };
      }
    }
  };
  const nr = nrIrqs(machine, k);
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return {
    profile: profile.name,
    procInterrupts: () => formatProcInterrupts(online, lines(), nr),
    writeProcInterrupts: (write) => writeProcInterrupts(online, lines(), nr, write),
    dmesg: k.dmesg,
    get irqs() {
      return irqsOf();
    },
    devices: bound.map(({ fn, driver, mode }) => ({
      bdf: fn.bdf,
      driver: driver?.name ?? null,
      mode,
      lspci: lspciLines(fn, mode, k.messages.get(fn.bdf)?.entries ?? []),
      messages: (k.messages.get(fn.bdf)?.entries ?? []).map((m, entry) => ({
        entry,
        address: m ? hex(m.address_hi, 8) + hex(m.address_lo, 8) : '',
        data: m ? hex(m.data, 4) : '',
      })),
    })),
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
    oops,
    warnings: machine.iommus.length
      ? [
          `interrupt remapping is not modeled yet: ${machine.iommus.length} IOMMU unit(s) ignored, interrupts are routed as without IR`,
        ]
      : [],
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
