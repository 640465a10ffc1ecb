// The simulated kernel: one machine, one behaviour profile, the irq domain hierarchy, the vector
// matrix, and the functions of the kernel that allocate, activate and route interrupts, each
// reporting call and return to the trace.
//
// This file is the generic core (kernel/irq/irqdomain.c, kernel/irq/manage.c) and the x86 vector
// domain (arch/x86/kernel/apic/vector.c). The domains above VECTOR live beside it: PCI MSI
// (msi/pci-msi.ts), IO-APIC (ioapic.ts), HPET (hpet.ts), DMAR and Intel interrupt remapping
// (iommu/dmar.ts, iommu/intel-ir.ts), AMD-Vi (iommu/amd-ir.ts). Every domain carries its ops, so
// allocation, activation and free walk any hierarchy the kernel's way:
//   IO-APIC-<n> (pin) ──┐
//   PCI-MSI-3 / INTEL-IR-MSI-<n>-3 (requester id << 11 | index) ──┼─> [INTEL-IR-<n>] ─> VECTOR
//   DMAR-MSI (unit seq id) ─────────────── (never remapped) ───────┘
import { parseCmdline, type IrqCmdline } from '../model/cmdline';
import type { Machine } from '../model/schema';
import type { TraceEmitter } from '../trace/emitter';
import { CpuMask } from './cpumask';
import { EBUSY, EEXIST, EINVAL, ENOMEM, ENOSPC, ENOSYS, errnoName } from './errno';
import {
  chain,
  DOMAIN_BUS,
  levelOf,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_CONTIGUOUS_VECTORS,
  X86_IRQ_ALLOC_LEGACY,
  type IrqAllocInfo,
  type IrqChip,
  type IrqData,
  type IrqDesc,
  type IrqDomain,
  type IrqDomainOps,
  type MsiDomainInfo,
  type MsiDomainOps,
  type MsiMessage,
  type MsiOpName,
} from './irq/irqdesc';
import type { KernelProfile } from './profiles';
import { FUNCTION_ARGS } from './trace-symbols';
import { applyDomainInjections, CallFailures } from './injection-effects';
import type { Injection } from './injections';
import { IrqMatrix } from './vector/matrix';
import {
  ApicChipData,
  createVectorMatrix,
  ISA_IRQ_VECTOR_BASE,
  MANAGED_IRQ_SHUTDOWN_VECTOR,
} from './vector/vector-domain';
import type { IntelIommu, IrScopeMaps } from './iommu/intel-iommu';
import type { AmdIrState } from './iommu/amd-iommu';
import type { IoapicState } from './ioapic-state';
import type { ImsStore, PciDev, PciTopology, VmdState } from './pci';

/** A fault the kernel's DMAR fault handler printed. */
export interface LoggedFault {
  line: string;
  reason: number;
  sourceId: number;
  index: number;
  unit: string;
}

export type { MsiMessage };

const A = ApicChipData;

/** The actions of an irq nobody requested, shared (request_irq puts a new array in its place). */
/** kernel/irq/internals.h with CONFIG_SPARSE_IRQ before 6.5: NR_IRQS (524544 on x86) + 8196. */
export const MAX_SPARSE_IRQS = 524544 + 8196;

const NO_ACTIONS: string[] = Object.freeze([]) as unknown as string[];

export class Oops extends Error {
  constructor(
    readonly text: string,
    readonly callTrace: string[],
  ) {
    super(text);
    this.name = 'Oops';
  }
}

/** The kernel stopped (panic): the boot ends here, with the panic line in dmesg. */
export class Panic extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'Panic';
  }
}

/** PCI_IRQ_* flags (include/linux/pci.h) */
export const PCI_IRQ_LEGACY = 1;
export const PCI_IRQ_MSI = 2;
export const PCI_IRQ_MSIX = 4;
export const PCI_IRQ_AFFINITY = 8;

/** What the APIC driver in use does (struct apic: name, dest_mode_logical, calc_dest_apicid). */
export type ApicDriver = 'flat' | 'physical flat' | 'cluster x2apic' | 'physical x2apic';

export class Kernel {
  readonly nrCpus: number;
  readonly cmdline: IrqCmdline;
  readonly matrix: IrqMatrix;
  readonly apic: ApicChipData;
  readonly descs: (IrqDesc | undefined)[] = [];
  readonly online: CpuMask;
  readonly allCpus: CpuMask;
  readonly dmesg: string[] = [];
  /** The printk level of each dmesg line (0 KERN_EMERG .. 7 KERN_DEBUG), as the kernel logs it. */
  readonly dmesgLevels: number[] = [];
  readonly vectorDomain: IrqDomain;
  /** Every domain, newest first (the kernel's irq_domain_list order for lookups). */
  readonly domains: IrqDomain[] = [];
  readonly ioapicDomains: IrqDomain[] = [];
  /** irq -> its affinity mask (shared instances: the default mask, per-CPU masks). */
  readonly affinity: (CpuMask | undefined)[] = [];
  /** Per PCI function, the MSI/MSI-X messages written (entry index -> message) and its irqs. */
  readonly messages = new Map<
    string,
    { isMsix: boolean; entries: (MsiMessage | null)[]; irqs: number[] }
  >();
  /** Effective affinity (a CPU), or -1: set when a vector is assigned, kept when it is released. */
  readonly effectiveCpu: number[] = [];
  /** GSI -> Linux irq of the IOAPIC pins mapped so far (mp_map_gsi_to_irq). */
  readonly gsiIrq = new Map<number, number>();
  /** Lower bound for dynamic irqs before setup_IO_APIC (gsi_top) and after (ioapic_dynirq_base). */
  gsiTop = 0;
  /** nr_irqs as arch_probe_nr_irqs() sized it at boot (0 before). */
  nrIrqs = 0;
  ioapicDynirqBase = 0;
  ioapicInitialized = false;
  /** The IOAPICs as setup_IO_APIC registered them. */
  readonly ioapics: IoapicState[] = [];
  /** Interrupt remapping: which driver (remap_ops), whether it is on and in which mode. */
  remapOps: 'intel' | 'amd' | null = null;
  irqRemappingEnabled = false;
  irqRemapMode: 'xapic' | 'x2apic' | null = null;
  /** Intel: the units by seq id, and in dmar_drhd_units list order; their scopes. */
  iommus: IntelIommu[] = [];
  dmarUnits: IntelIommu[] = [];
  readonly scopeDevices = new Map<IntelIommu, Set<PciDev>>();
  irScopes: IrScopeMaps | null = null;
  eimMode = false;
  dmarMsiDomain: IrqDomain | null = null;
  /** AMD-Vi state when the machine has IVRS units. */
  amd: AmdIrState | null = null;
  /** What the DMAR fault handler printed; its rate limit (DEFAULT_RATELIMIT_BURST per window). */
  readonly faults: LoggedFault[] = [];
  readonly faultRatelimit = { burst: 10, printed: 0, suppressed: 0 };
  /** Interrupts handled per irq and CPU (the /proc/interrupts counts). */
  readonly counts = new Map<number, Uint32Array>();
  /** HPET channel -> the FSB message written. */
  readonly hpetMessages = new Map<number, MsiMessage>();
  /** x2apic_state / x2apic_mode / x2apic_phys / virt_ext_dest_id, and the APIC driver. */
  x2apicState: 'on' | 'off' | 'disabled' = 'off';
  x2apicMode = false;
  x2apicPhys = false;
  virtExtDestId = false;
  apicDriver: ApicDriver = 'flat';
  /** CPUs whose APIC id is above this cannot be addressed (xAPIC: 254; x2APIC without IR: 255). */
  maxApicId = 0xffffffff;
  pci!: PciTopology;
  /** IMS stores by device (ims.ts). */
  readonly ims = new Map<string, ImsStore>();
  /** VMD controllers by BDF (vmd.ts); the default PCI-MSI domain (<= 6.1). */
  readonly vmds = new Map<string, VmdState>();
  defaultPciMsiDomain: IrqDomain | null = null;
  /** The gpiochips' irq domains by controller device (gpio.ts; one gpiochip per controller). */
  readonly gpioDomains = new Map<string, IrqDomain>();
  /** Fault injections of this run (injections.ts). */
  injections: readonly Injection[] = [];
  failures = new CallFailures([]);
  private readonly singleCpu: CpuMask[] = [];
  private readonly apicIds: Int32Array;
  readonly scratch: CpuMask;
  private readonly callStack: string[] = [];
  /** For a first-fit start `from`: the lowest free irq at or above it (all in between taken). */
  private readonly firstFree = new Map<number, number>();
  /** "Interrupt reservation exceeds ..." is a WARN_ON_ONCE-like message: logged once. */
  private warnedReservation = false;
  /** IRQD_MANAGED_SHUTDOWN irqs that were never started (no online CPU in their mask). */
  readonly managedShutdown = new Set<number>();
  /** pci_msi_legacy_setup_msi_irqs() WARNs once. */
  warnedNoMsiDomain = false;
  private readonly sym: Record<string, number> = {};

  constructor(
    readonly machine: Machine,
    readonly profile: KernelProfile,
    readonly trace: TraceEmitter,
  ) {
    this.nrCpus = Math.max(...machine.cpus.list.map((c) => c.cpu)) + 1;
    this.cmdline = parseCmdline(machine.kernel.cmdline);
    this.online = new CpuMask(this.nrCpus);
    this.allCpus = CpuMask.all(this.nrCpus);
    this.scratch = new CpuMask(this.nrCpus);
    this.apicIds = new Int32Array(this.nrCpus);
    this.apic = new ApicChipData(this.nrCpus);
    for (const c of machine.cpus.list) this.apicIds[c.cpu] = c.apic_id;
    this.matrix = createVectorMatrix(this.nrCpus, profile.vector, machine.ioapics.length > 0);
    this.matrix.attachTrace(trace);
    if (!profile.xapicFlatLogical) this.apicDriver = 'physical flat';
    this.vectorDomain = this.addDomain(
      newDomain('VECTOR', DOMAIN_BUS.ANY, null, newChip('APIC', 'apic'), VECTOR_DOMAIN_OPS),
    );
  }

  /** x2apic_supported(): the CPU has x2APIC and nox2apic did not take it away. */
  x2apicSupported(): boolean {
    return this.machine.cpus.cpu_has_x2apic && this.cmdline.x2apic !== 'off';
  }

  // --- tracing helpers ---------------------------------------------------------------------

  private symbolOf(fn: string): number {
    let id = this.sym[fn];
    if (id === undefined) {
      const args = FUNCTION_ARGS[fn] ?? [];
      id = this.trace.symbol({ name: fn, args: args.map(([name, type]) => ({ name, type })) });
      this.sym[fn] = id;
    }
    return id;
  }

  enter(fn: string, irq = -1, cpu = -1, a0 = 0, a1 = 0, a2 = 0, a3 = 0): void {
    this.callStack.push(fn);
    this.trace.call(this.symbolOf(fn), irq, cpu, a0, a1, a2, a3);
  }

  leave<T extends number>(fn: string, ret: T, irq = -1, cpu = -1): T {
    this.callStack.pop();
    this.trace.ret(this.symbolOf(fn), ret, irq, cpu);
    return ret;
  }

  /** A state change (IRTE written, message composed) as a trace event. */
  state(what: string, irq = -1, cpu = -1, a0 = 0, a1 = 0, a2 = 0, a3 = 0): void {
    this.trace.state(this.symbolOf(what), irq, cpu, a0, a1, a2, a3);
  }

  str(s: string): number {
    return this.trace.intern(s);
  }

  /** The interned name of a domain, kept on the domain (allocation traces it on every call). */
  domainNameId(d: IrqDomain): number {
    return (d.nameId ??= this.trace.intern(d.name));
  }

  log(level: number, line: string): void {
    this.dmesg.push(line);
    this.dmesgLevels.push(level);
    this.trace.log(level, line);
  }

  /** The modeled call stack, innermost first, as an oops prints it. */
  callTrace(): string[] {
    return [...this.callStack].reverse().map((fn) => ` ${fn}+0x0/0x0`);
  }

  oops(what: string): never {
    const text = `BUG: kernel NULL pointer dereference, address: 0000000000000000 (${what})`;
    this.trace.fault(this.symbolOf('oops'), text);
    this.log(1, 'BUG: kernel NULL pointer dereference, address: 0000000000000000');
    this.log(1, '#PF: supervisor instruction fetch in kernel mode');
    this.log(1, '#PF: error_code(0x0010) - not-present page');
    this.log(4, 'Oops: 0010 [#1] SMP');
    this.log(4, 'RIP: 0010:0x0');
    this.log(4, 'Code: Bad RIP value.');
    this.log(4, 'Call Trace:');
    for (const line of this.callTrace()) this.log(4, line);
    throw new Oops(text, this.callTrace());
  }

  panic(text: string): never {
    this.log(0, `Kernel panic - not syncing: ${text}`);
    throw new Panic(text);
  }

  cpuMask(cpu: number): CpuMask {
    let m = this.singleCpu[cpu];
    if (!m) {
      m = CpuMask.of(this.nrCpus, [cpu]);
      this.singleCpu[cpu] = m;
    }
    return m;
  }

  apicId(cpu: number): number {
    return this.apicIds[cpu] ?? cpu;
  }

  addDomain(d: IrqDomain): IrqDomain {
    applyDomainInjections(this, d);
    this.domains.unshift(d);
    return d;
  }

  /** fail-call injections: the error this call of `fn` returns, or 0. */
  injected(fn: string): number {
    return this.failures.check(fn);
  }

  // --- the virq allocator ------------------------------------------------------------------

  /**
   * irq_domain_alloc_descs(): `irqBase` >= 0 asks for exactly that irq (-EEXIST if taken);
   * otherwise first fit of nr consecutive free irqs from arch_dynirq_lower_bound(hint), the hint
   * being hwirq % nr_irqs (1 for hwirq 0). On x86 with IO-APICs the bound ignores the hint: a
   * GPIO pin's irq is the next free dynamic one, whatever its hwirq.
   */
  irq_domain_alloc_descs(nr: number, irqBase: number, hwirq = 0): number {
    const hint = this.nrIrqs > 0 ? hwirq % this.nrIrqs : hwirq;
    const from = irqBase >= 0 ? irqBase : this.arch_dynirq_lower_bound(hint || 1);
    this.enter('irq_domain_alloc_descs', -1, -1, nr, from);
    const failed = this.injected('irq_domain_alloc_descs');
    if (failed) return this.leave('irq_domain_alloc_descs', failed);
    let start = from;
    if (irqBase >= 0) {
      for (let i = 0; i < nr; i++)
        if (this.descs[from + i]) return this.leave('irq_domain_alloc_descs', -EEXIST);
    } else {
      // First fit, starting at the lowest free irq at or above `from` (every one below is taken).
      start = this.firstFree.get(from) ?? from;
      for (;;) {
        let ok = true;
        for (let i = 0; i < nr; i++) {
          if (this.descs[start + i]) {
            start = start + i + 1;
            ok = false;
            break;
          }
        }
        if (ok) break;
      }
    }
    // irq_expand_nr_irqs(): no irq number at or past MAX_SPARSE_IRQS (-ENOMEM). The model keeps the
    // bitmap-era bound, NR_IRQS + 8196, for every profile (since the maple tree of 6.5 it is
    // INT_MAX): its per-irq tables are arrays, and a GSI base near 2^32 would make them gigabytes.
    if (start + nr > MAX_SPARSE_IRQS) return this.leave('irq_domain_alloc_descs', -ENOMEM);
    for (let i = 0; i < nr; i++) {
      this.descs[start + i] = {
        irq: start + i,
        data: null,
        handler: 'edge',
        trigger: 'edge',
        actions: NO_ACTIONS,
        owner: '',
        msiIndex: -1,
        isMsix: false,
        activated: false,
        affinitySet: false,
        noBalancing: false,
        node: -1,
      };
    }
    for (const [f, free] of this.firstFree) {
      if (start > free || f > start) continue;
      let next = free;
      while (this.descs[next]) next++;
      this.firstFree.set(f, next);
    }
    if (irqBase < 0 && !this.firstFree.has(from)) {
      let next = from;
      while (this.descs[next]) next++;
      this.firstFree.set(from, next);
    }
    return this.leave('irq_domain_alloc_descs', start);
  }

  /** arch_dynirq_lower_bound(): gsi_top until the IOAPICs are set up, then ioapic_dynirq_base. */
  arch_dynirq_lower_bound(from: number): number {
    if (!this.ioapicInitialized) return Math.max(this.gsiTop, from);
    return this.ioapicDynirqBase || from;
  }

  private freeDesc(virq: number): void {
    for (const [from, free] of this.firstFree)
      if (virq >= from && virq < free) this.firstFree.set(from, virq);
    this.descs[virq] = undefined;
    this.affinity[virq] = undefined;
  }

  // --- the generic hierarchy (kernel/irq/irqdomain.c) ------------------------------------------

  /**
   * __irq_domain_alloc_irqs(): descriptors, one irq_data per level of the hierarchy, the
   * domain's alloc (each level allocates its parent first), then the reverse maps.
   * Returns the first virq or -errno.
   */
  __irq_domain_alloc_irqs(
    domain: IrqDomain,
    irqBase: number,
    nr: number,
    info: IrqAllocInfo,
  ): number {
    this.enter('__irq_domain_alloc_irqs', -1, -1, this.domainNameId(domain), irqBase, nr);
    const failed = this.injected('__irq_domain_alloc_irqs');
    if (failed) return this.leave('__irq_domain_alloc_irqs', failed);
    const virq = this.irq_domain_alloc_descs(nr, irqBase);
    if (virq < 0) return this.leave('__irq_domain_alloc_irqs', virq);
    // irq_domain_alloc_irq_data(): a level per domain from `domain` to the root.
    for (let i = 0; i < nr; i++) {
      const desc = this.descs[virq + i]!;
      let child: IrqData | null = null;
      for (let d: IrqDomain | null = domain; d; d = d.parent) {
        const level: IrqData = {
          irq: virq + i,
          domain: d,
          hwirq: 0,
          chip: null,
          chipData: null,
          parent: null,
        };
        if (child) child.parent = level;
        else desc.data = level;
        child = level;
      }
    }
    const ret = this.irq_domain_alloc_irqs_hierarchy(domain, virq, nr, info);
    if (ret < 0) {
      for (let i = 0; i < nr; i++) this.freeDesc(virq + i);
      return this.leave('__irq_domain_alloc_irqs', ret);
    }
    // irq_domain_trim_hierarchy(): the outermost level must have a chip.
    for (let i = 0; i < nr; i++) {
      if (!this.descs[virq + i]!.data!.chip) {
        this.irq_domain_free_irqs_hierarchy(domain, virq, nr);
        for (let j = 0; j < nr; j++) this.freeDesc(virq + j);
        return this.leave('__irq_domain_alloc_irqs', -EINVAL);
      }
    }
    // irq_domain_insert_irq(): reverse maps and mapcount of every level.
    for (let i = 0; i < nr; i++) {
      for (let d = this.descs[virq + i]!.data; d; d = d.parent) {
        d.domain.mapcount++;
        // VECTOR's hwirq is the virq itself: no reverse map needed.
        if (d.domain !== this.vectorDomain) d.domain.revmap.set(d.hwirq, virq + i);
      }
    }
    return this.leave('__irq_domain_alloc_irqs', virq, virq);
  }

  irq_domain_alloc_irqs_hierarchy(
    domain: IrqDomain,
    virq: number,
    nr: number,
    info: IrqAllocInfo,
  ): number {
    return (domain.ops as IrqDomainOps<Kernel>).alloc(this, domain, virq, nr, info);
  }

  /** irq_domain_alloc_irqs_parent(): -ENOSYS when there is none. */
  irq_domain_alloc_irqs_parent(
    domain: IrqDomain,
    virq: number,
    nr: number,
    info: IrqAllocInfo,
  ): number {
    if (!domain.parent) return -ENOSYS;
    return this.irq_domain_alloc_irqs_hierarchy(domain.parent, virq, nr, info);
  }

  irq_domain_free_irqs_hierarchy(domain: IrqDomain, virq: number, nr: number): void {
    (domain.ops as IrqDomainOps<Kernel>).free?.(this, domain, virq, nr);
  }

  irq_domain_free_irqs_parent(domain: IrqDomain, virq: number, nr: number): void {
    if (domain.parent) this.irq_domain_free_irqs_hierarchy(domain.parent, virq, nr);
  }

  /** irq_domain_set_hwirq_and_chip() on the level of `domain`. */
  irq_domain_set_hwirq_and_chip(
    domain: IrqDomain,
    virq: number,
    hwirq: number,
    chip: IrqChip,
    chipData: unknown = null,
  ): IrqData {
    const level = levelOf(this.descs[virq]!, domain)!;
    level.hwirq = hwirq;
    level.chip = chip;
    level.chipData = chipData;
    return level;
  }

  /** irq_find_mapping() */
  irq_find_mapping(domain: IrqDomain, hwirq: number): number {
    if (domain === this.vectorDomain) return this.descs[hwirq] ? hwirq : 0;
    return domain.revmap.get(hwirq) ?? 0;
  }

  /**
   * irq_create_mapping(): a domain without hierarchy (a gpiochip's linear domain) maps one hwirq
   * on demand: the existing mapping, or a new descriptor (irq_domain_alloc_descs) associated with
   * the hwirq (irq_domain_associate -> the domain's map op sets chip and handler). Returns the
   * virq, 0 on failure.
   */
  irq_create_mapping(domain: IrqDomain, hwirq: number): number {
    this.enter('irq_create_mapping', -1, -1, this.domainNameId(domain), hwirq);
    const mapped = this.irq_find_mapping(domain, hwirq);
    if (mapped) return this.leave('irq_create_mapping', mapped, mapped);
    const virq = this.irq_domain_alloc_descs(1, -1, hwirq);
    if (virq <= 0) return this.leave('irq_create_mapping', 0);
    const desc = this.descs[virq]!;
    desc.data = { irq: virq, domain, hwirq, chip: null, chipData: null, parent: null };
    // irq_domain_associate(): the map op, then the reverse map.
    const ret = (domain.ops as IrqDomainOps<Kernel>).map?.(this, domain, virq, hwirq) ?? 0;
    if (ret < 0) {
      this.freeDesc(virq);
      return this.leave('irq_create_mapping', 0);
    }
    domain.mapcount++;
    domain.revmap.set(hwirq, virq);
    return this.leave('irq_create_mapping', virq, virq);
  }

  /** irq_domain_free_irqs(): deactivated first by the caller; frees every level, then descs. */
  irq_domain_free_irqs(virq: number, nr: number): void {
    this.enter('irq_domain_free_irqs', virq, -1, virq, nr);
    const desc = this.descs[virq];
    if (desc?.data) {
      for (let i = 0; i < nr; i++) {
        for (let d = this.descs[virq + i]!.data; d; d = d.parent) {
          d.domain.mapcount--;
          if (d.domain !== this.vectorDomain) d.domain.revmap.delete(d.hwirq);
        }
      }
      this.irq_domain_free_irqs_hierarchy(desc.data.domain, virq, nr);
      for (let i = 0; i < nr; i++) this.freeDesc(virq + i);
    }
    this.leave('irq_domain_free_irqs', 0, virq);
  }

  /** irq_domain_activate_irq(): every level's activate, root first; IRQD_ACTIVATED on success. */
  irq_domain_activate_irq(irq: number, reserve: boolean): number {
    const desc = this.descs[irq]!;
    if (desc.activated) return 0;
    this.enter('irq_domain_activate_irq', irq, -1, irq, reserve ? 1 : 0);
    const ret = this.activateLevel(desc.data!, reserve);
    if (ret < 0) return this.leave('irq_domain_activate_irq', ret, irq);
    desc.activated = true;
    return this.leave('irq_domain_activate_irq', 0, irq, this.apic.cpu[irq]!);
  }

  private activateLevel(data: IrqData, reserve: boolean): number {
    if (data.parent) {
      const ret = this.activateLevel(data.parent, reserve);
      if (ret < 0) return ret;
    }
    const activate = (data.domain.ops as IrqDomainOps<Kernel>).activate;
    if (!activate) return 0;
    const ret = activate(this, data.domain, data, reserve);
    if (ret < 0 && data.parent) this.deactivateLevel(data.parent);
    return ret;
  }

  /** irq_domain_deactivate_irq(): outermost first. */
  irq_domain_deactivate_irq(irq: number): void {
    const desc = this.descs[irq]!;
    if (!desc.activated) return;
    this.enter('irq_domain_deactivate_irq', irq, -1, irq);
    this.deactivateLevel(desc.data!);
    desc.activated = false;
    this.leave('irq_domain_deactivate_irq', 0, irq);
  }

  private deactivateLevel(data: IrqData): void {
    (data.domain.ops as IrqDomainOps<Kernel>).deactivate?.(this, data.domain, data);
    if (data.parent) this.deactivateLevel(data.parent);
  }

  /**
   * irq_chip_compose_msi_msg() [5.10+]: the first level, from the outermost towards the root,
   * whose chip composes MSI messages does it (IR chips compose remappable messages, the vector
   * chip compatibility-format ones).
   */
  irq_chip_compose_msi_msg(irq: number): MsiMessage {
    const desc = this.descs[irq]!;
    for (let d = desc.data; d; d = d.parent) {
      const composer = d.chip?.composer;
      if (composer) return this.composers[composer](irq, d);
    }
    this.oops('irq_chip_compose_msi_msg: no chip in the hierarchy composes MSI messages');
  }

  /** The composers by chip; IR and VMD ones are registered by their modules. */
  readonly composers: Record<string, (irq: number, data: IrqData) => MsiMessage> = {
    apic: (irq) => this.__irq_msi_compose_msg(irq, false),
    dmar: (irq) => this.__irq_msi_compose_msg(irq, true),
  };

  /** irq_write_msi_msg of the platform MSI chips (DMAR fault registers, HPET FSB, IMS slots). */
  readonly platformMsiWriters: Record<string, (irq: number, msg: MsiMessage) => void> = {};
  /** irq_bus_sync_unlock of the bus-lock chips (IMS_QUEUE), set by ims.ts. */
  busSyncUnlock: ((irq: number) => void) | null = null;

  /** An msi_domain_ops callback, or the oops the kernel takes calling a NULL one. */
  msiOp<K extends MsiOpName>(info: MsiDomainInfo, name: K): NonNullable<MsiDomainOps[K]> {
    const op = info.ops[name];
    if (op === undefined) this.oops(`msi_domain_ops.${name} is NULL`);
    return op as NonNullable<MsiDomainOps[K]>;
  }

  // --- the vector domain (arch/x86/kernel/apic/vector.c) ------------------------------------

  /** lapic_assign_system_vectors + the boot CPU's legacy ISA vectors (0x30 + irq on CPU 0). */
  lapic_assign_system_vectors(bootCpu: number, legacyIrqs: number): void {
    this.enter('lapic_assign_system_vectors');
    this.matrix.irq_matrix_online(bootCpu);
    this.online.set(bootCpu);
    for (let irq = 0; irq < legacyIrqs; irq++) {
      if (irq === 2) continue; // the cascade
      this.matrix.irq_matrix_assign(bootCpu, ISA_IRQ_VECTOR_BASE + irq);
    }
    this.leave('lapic_assign_system_vectors', 0);
  }

  cpuOnline(cpu: number): void {
    if (this.online.test(cpu)) return;
    this.matrix.irq_matrix_online(cpu);
    this.online.set(cpu);
  }

  x86_vector_alloc_irqs(virq: number, nr: number, info: IrqAllocInfo): number {
    this.enter('x86_vector_alloc_irqs', virq, -1, virq, nr);
    const failed = this.injected('x86_vector_alloc_irqs');
    if (failed) return this.leave('x86_vector_alloc_irqs', failed, virq);
    if (nr > 1 && info.flags & X86_IRQ_ALLOC_CONTIGUOUS_VECTORS)
      return this.leave('x86_vector_alloc_irqs', -ENOSYS, virq);
    const legacy = (info.flags & X86_IRQ_ALLOC_LEGACY) !== 0;
    for (let i = 0; i < nr; i++) {
      const irq = virq + i;
      this.apic.ensure(irq);
      this.apic.updateVector(irq, 0, 0);
      this.apic.flags[irq] = A.PRESENT;
      this.irq_domain_set_hwirq_and_chip(this.vectorDomain, irq, irq, this.vectorDomain.chip);

      if (legacy && irq < 16 && irq !== 2) {
        // The ISA vector was assigned on CPU 0 at boot: that stays the effective affinity.
        this.effectiveCpu[irq] = 0;
        // vector_configure_legacy(): the timer is already active on its ISA vector; keep it.
        // Every other legacy irq gives its ISA vector back and becomes reservable.
        if (irq === 0) {
          this.apic.updateVector(irq, 0, ISA_IRQ_VECTOR_BASE);
          continue;
        }
        this.matrix.irq_matrix_free(0, ISA_IRQ_VECTOR_BASE + irq, false);
      }
      const managed = info.managed?.[info.managedFrom + i] ?? null;
      if (info.mask) {
        // assign_irq_vector_policy() with info->mask: a real vector now, never reserved.
        this.affinity[irq] = info.mask;
        const ret = this.assign_irq_vector_any_locked(irq);
        if (ret < 0) {
          for (let j = virq; j <= irq; j++) this.x86_vector_free_one(j);
          return this.leave('x86_vector_alloc_irqs', ret, virq);
        }
      } else if (managed) {
        this.apic.flags[irq]! |= A.IS_MANAGED;
        this.affinity[irq] = managed;
        this.enter('irq_matrix_reserve_managed', irq, -1, managed.weight());
        const ret = this.matrix.irq_matrix_reserve_managed(managed);
        this.leave('irq_matrix_reserve_managed', ret, irq);
        if (ret < 0) {
          this.apic.flags[irq]! &= ~A.IS_MANAGED;
          for (let j = virq; j < irq; j++) this.x86_vector_free_one(j);
          return this.leave('x86_vector_alloc_irqs', ret, virq);
        }
      } else {
        // reserve_irq_vector(): a global reservation, never fails.
        this.apic.flags[irq]! |= A.CAN_RESERVE | A.HAS_RESERVED;
        this.affinity[irq] ??= this.allCpus;
        if (this.matrix.irq_matrix_reserve() && !this.warnedReservation) {
          this.warnedReservation = true;
          this.log(4, 'Interrupt reservation exceeds available resources');
        }
      }
    }
    return this.leave('x86_vector_alloc_irqs', 0, virq);
  }

  /** x86_vector_free_irqs(): clear_irq_vector per irq. */
  x86_vector_free_irqs(virq: number, nr: number): void {
    this.enter('x86_vector_free_irqs', virq, -1, virq, nr);
    for (let i = 0; i < nr; i++) this.x86_vector_free_one(virq + i);
    this.leave('x86_vector_free_irqs', 0, virq);
  }

  private x86_vector_free_one(irq: number): void {
    const f = this.apic.flags[irq]!;
    if (!(f & A.PRESENT)) return;
    const vector = this.apic.vector[irq]!;
    if (vector && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, (f & A.IS_MANAGED) !== 0);
    }
    if (f & A.HAS_RESERVED) this.matrix.irq_matrix_remove_reserved();
    if (f & A.IS_MANAGED) this.matrix.irq_matrix_remove_managed(this.affinity[irq]!);
    this.apic.flags[irq] = 0;
    this.apic.updateVector(irq, this.apic.cpu[irq]!, 0);
  }

  /** x86_vector_activate(): park (reserve), managed start, or a real vector. */
  x86_vector_activate(irq: number, reserve: boolean): number {
    this.enter('x86_vector_activate', irq, -1, irq, reserve ? 1 : 0);
    const f = this.apic.flags[irq]!;
    let ret = 0;
    if (reserve && f & (A.CAN_RESERVE | A.IS_MANAGED)) {
      // Parked on MANAGED_IRQ_SHUTDOWN_VECTOR of the first online CPU until request_irq.
      this.apic.updateVector(irq, this.online.first(), MANAGED_IRQ_SHUTDOWN_VECTOR);
    } else if (this.apic.vector[irq] && this.apic.vector[irq] !== MANAGED_IRQ_SHUTDOWN_VECTOR) {
      ret = 0; // already has a real vector (the timer's ISA vector, an early-activated MSI)
    } else if (f & A.IS_MANAGED) {
      this.enter('irq_matrix_alloc_managed', irq);
      const mask = this.scratch.and(this.affinity[irq]!, this.online);
      if (mask.isEmpty()) {
        this.log(4, `Managed startup for irq ${irq}, but no CPU`);
        this.leave('irq_matrix_alloc_managed', -EINVAL, irq);
        return this.leave('x86_vector_activate', -EINVAL, irq);
      }
      const vector = this.matrix.irq_matrix_alloc_managed(mask);
      this.leave('irq_matrix_alloc_managed', vector, irq, vector >= 0 ? this.matrix.lastCpu : -1);
      if (vector < 0) {
        this.log(4, `Managed startup irq ${irq}, no vector available`);
        ret = vector;
      } else {
        this.apic.updateVector(irq, this.matrix.lastCpu, vector);
        this.effectiveCpu[irq] = this.matrix.lastCpu;
      }
    } else {
      ret = this.assign_irq_vector_any_locked(irq);
    }
    return this.leave('x86_vector_activate', ret, irq);
  }

  /** Tries the affinity first, then every online CPU ("Affinity broken"). */
  assign_irq_vector_any_locked(irq: number): number {
    this.enter('assign_irq_vector_any_locked', irq, -1, irq);
    const f = this.apic.flags[irq]!;
    const reserved = (f & A.HAS_RESERVED) !== 0;
    const wanted = this.affinity[irq] ?? this.allCpus;
    // The default affinity is every CPU: the matrix answers "all online" without a scan.
    let vector = this.tryAlloc(
      irq,
      wanted === this.allCpus ? null : this.scratch.and(wanted, this.online),
      reserved,
    );
    if (vector === -ENOSPC && wanted !== this.allCpus) {
      vector = this.tryAlloc(irq, null, reserved);
      if (vector >= 0) this.log(4, `irq ${irq}: Affinity broken due to vector space exhaustion.`);
    }
    if (vector >= 0) {
      this.apic.updateVector(irq, this.matrix.lastCpu, vector);
      this.effectiveCpu[irq] = this.matrix.lastCpu;
      this.apic.flags[irq] = f & ~A.HAS_RESERVED;
      return this.leave('assign_irq_vector_any_locked', 0, irq, this.matrix.lastCpu);
    }
    return this.leave('assign_irq_vector_any_locked', vector, irq);
  }

  tryAlloc(irq: number, mask: CpuMask | null, reserved: boolean): number {
    this.enter('irq_matrix_alloc', irq, -1, reserved ? 1 : 0);
    const failed = this.injected('irq_matrix_alloc');
    if (failed) return this.leave('irq_matrix_alloc', failed, irq);
    const vector = this.matrix.irq_matrix_alloc(mask, reserved);
    return this.leave('irq_matrix_alloc', vector, irq, vector >= 0 ? this.matrix.lastCpu : -1);
  }

  /** x86_vector_deactivate(): managed irqs give their vector back; reservable ones reserve again. */
  x86_vector_deactivate(irq: number): void {
    const f = this.apic.flags[irq]!;
    const vector = this.apic.vector[irq]!;
    if (!vector || vector === MANAGED_IRQ_SHUTDOWN_VECTOR) return;
    this.enter('x86_vector_deactivate', irq, -1, irq);
    if (f & A.IS_MANAGED) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, true);
      this.apic.updateVector(irq, this.apic.cpu[irq]!, MANAGED_IRQ_SHUTDOWN_VECTOR);
    } else if (f & A.CAN_RESERVE) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, false);
      this.matrix.irq_matrix_reserve();
      this.apic.flags[irq] = f | A.HAS_RESERVED;
      this.apic.updateVector(irq, this.apic.cpu[irq]!, MANAGED_IRQ_SHUTDOWN_VECTOR);
    }
    this.leave('x86_vector_deactivate', 0, irq);
  }

  /**
   * The destination the APIC driver computes for a CPU (apic->calc_dest_apicid) and whether it
   * is logical: flat (xAPIC, up to 8 CPUs, eras that still have it) addresses CPU n as 1 << n;
   * cluster x2apic uses the logical id (cluster << 16 | 1 << (apicid & 0xf)); the physical
   * drivers the CPU's APIC id.
   */
  destination(cpu: number): { dest: number; logical: boolean } {
    switch (this.apicDriver) {
      case 'flat':
        return { dest: 1 << cpu, logical: true };
      case 'cluster x2apic': {
        const id = this.apicId(cpu);
        return { dest: (((id >>> 4) << 16) | (1 << (id & 0xf))) >>> 0, logical: true };
      }
      default:
        return { dest: this.apicId(cpu), logical: false };
    }
  }

  /**
   * __irq_msi_compose_msg (arch/x86/kernel/apic/apic.c), compatibility format: address 0xfee00000
   * | dest[7:0] << 12 | DM (bit 2, logical); data = vector, fixed delivery, edge. Destination bits
   * 31:8 go to address_hi only for the DMAR unit's own registers [5.11+] (`dmar`), or for every
   * message while x2APIC is on in the eras before 5.11.
   */
  __irq_msi_compose_msg(irq: number, dmar: boolean): MsiMessage {
    const vector = this.apic.vector[irq]!;
    const { dest, logical } = this.destination(this.apic.cpu[irq]!);
    this.enter('__irq_msi_compose_msg', irq, this.apic.cpu[irq]!, vector, dest);
    const high = dmar || this.profile.msiHighDestAlways;
    const msg: MsiMessage = {
      address_lo: (0xfee00000 | ((dest & 0xff) << 12) | (logical ? 0x4 : 0)) >>> 0,
      address_hi: high && dest > 0xff ? (dest & ~0xff) >>> 0 : 0,
      data: vector,
    };
    if (!high && dest > 0xff && !this.irqRemappingEnabled)
      this.log(4, `WARNING: irq ${irq}: APIC id ${dest} does not fit a compatibility MSI message`);
    this.leave('__irq_msi_compose_msg', 0, irq);
    return msg;
  }

  // --- request_irq ---------------------------------------------------------------------------

  /** request_irq(): adds the action; the first one activates and starts the irq. */
  request_irq(irq: number, name: string): number {
    this.enter('request_irq', irq, -1, irq, this.str(name));
    const failed = this.injected('request_irq');
    if (failed) return this.leave('request_irq', failed, irq);
    const desc = this.descs[irq];
    if (!desc) return this.leave('request_irq', -EINVAL, irq);
    // An exact-size array: push() on an empty one reserves room for 16 names, per irq.
    if (desc.actions.length === 0) desc.actions = [name];
    else desc.actions.push(name);
    // irq_startup() -> __irq_startup_managed(): a managed irq with no online CPU in its mask
    // is not started but put in managed shutdown until one of its CPUs comes up.
    const aff = this.affinity[irq];
    if (desc.actions.length === 1 && this.apic.has(irq, A.IS_MANAGED) && aff) {
      if (this.scratch.and(aff, this.online).isEmpty()) {
        this.managedShutdown.add(irq);
        return this.leave('request_irq', 0, irq);
      }
    }
    if (desc.actions.length === 1) {
      const ret = this.irq_domain_activate_irq(irq, false);
      if (ret < 0) {
        desc.actions.pop();
        return this.leave('request_irq', ret, irq);
      }
      this.irq_setup_affinity(irq);
      // chip_bus_sync_unlock(): slow-bus chips (IMS_QUEUE) push what changed under the lock.
      if (desc.data?.domain.msiInfo?.writer === 'ims') this.busSyncUnlock?.(irq);
    }
    return this.leave('request_irq', 0, irq, this.apic.cpu[irq]!);
  }

  /**
   * irq_setup_affinity() at startup: an unmanaged irq whose affinity nobody set gets the
   * default affinity (all CPUs) ∩ the online CPUs. Early in boot (the DMAR fault irq) that is
   * CPU 0 alone, which /proc/irq/N/smp_affinity keeps showing.
   */
  private irq_setup_affinity(irq: number): void {
    const desc = this.descs[irq]!;
    if (desc.noBalancing || desc.affinitySet || this.apic.has(irq, A.IS_MANAGED)) return;
    if (this.online.weight() === this.nrCpus) this.affinity[irq] = this.allCpus;
    else this.affinity[irq] = CpuMask.of(this.nrCpus, this.online);
  }

  free_irq(irq: number, name: string): void {
    this.enter('free_irq', irq, -1, irq);
    const desc = this.descs[irq];
    if (desc) {
      const i = desc.actions.indexOf(name);
      if (i >= 0) desc.actions.splice(i, 1);
      // irq_shutdown(): MSI-type irqs are deactivated; IOAPIC pins stay programmed.
      if (
        desc.actions.length === 0 &&
        desc.activated &&
        desc.data?.domain.busToken !== DOMAIN_BUS.WIRED
      )
        this.irq_domain_deactivate_irq(irq);
    }
    this.leave('free_irq', 0, irq);
  }

  /**
   * irq_set_affinity() from process context. An irq that may move in process context
   * (IRQD_MOVE_PCNTXT: remapped irqs, IOAPIC pins) moves at once: apic_set_affinity() picks a new
   * vector, the IR level rewrites its IRTE (the device message stays), an IOAPIC gets a new RTE,
   * and the old vector is cleaned up. A PCI-MSI irq without IR cannot be moved outside its
   * interrupt: the move stays pending until it next fires (irq_move_irq). Before activation only
   * the mask is stored (IRQD_AFFINITY_ON_ACTIVATE).
   */
  irq_set_affinity(irq: number, mask: CpuMask): number {
    this.enter('irq_set_affinity', irq, -1, irq, mask.first());
    const desc = this.descs[irq];
    if (!desc) return this.leave('irq_set_affinity', -EINVAL, irq);
    // vmd_irq_set_affinity(): a VMD child follows its VMD vector; not settable.
    if (desc.data?.chip?.composer === 'vmd') return this.leave('irq_set_affinity', -EINVAL, irq);
    // A GPIO pin's chip has no irq_set_affinity (it follows the controller's irq): -EINVAL.
    if (desc.data && this.gpioDomains.get(desc.data.domain.name) === desc.data.domain)
      return this.leave('irq_set_affinity', -EINVAL, irq);
    this.affinity[irq] = mask;
    desc.affinitySet = true;
    if (!desc.activated || !this.movesInProcessContext(desc))
      return this.leave('irq_set_affinity', 0, irq);
    const ret = this.apic_set_affinity(irq, mask);
    if (ret === 1) this.reprogram(irq);
    // The buslock patch: the affinity write happens under the chip's bus lock.
    if (desc.data?.domain.msiInfo?.writer === 'ims') this.busSyncUnlock?.(irq);
    return this.leave('irq_set_affinity', ret < 0 ? ret : 0, irq, this.apic.cpu[irq]!);
  }

  private movesInProcessContext(desc: IrqDesc): boolean {
    for (const d of chain(desc)) {
      const c = d.chip?.composer;
      if (c === 'intel-ir' || c === 'amd-ir' || d.domain.busToken === DOMAIN_BUS.WIRED) return true;
    }
    return false;
  }

  /**
   * apic_set_affinity() -> assign_vector_locked(): nothing when the current CPU is online and in
   * the mask; else a vector on the best CPU of mask ∩ online. The previous vector is freed by the
   * cleanup that follows the move. Returns 1 when the vector moved.
   */
  apic_set_affinity(irq: number, mask: CpuMask): number {
    const f = this.apic.flags[irq]!;
    const target = this.scratch.and(mask, this.online);
    const vector = this.apic.vector[irq]!;
    const cpu = this.apic.cpu[irq]!;
    const parked = vector === 0 || vector === MANAGED_IRQ_SHUTDOWN_VECTOR;
    if (!parked && this.online.test(cpu) && target.test(cpu)) return 0;
    if (f & A.MOVE_IN_PROGRESS) return -EBUSY;
    let v: number;
    if (f & A.IS_MANAGED) {
      this.enter('irq_matrix_alloc_managed', irq);
      v = this.matrix.irq_matrix_alloc_managed(target);
      this.leave('irq_matrix_alloc_managed', v, irq, v >= 0 ? this.matrix.lastCpu : -1);
    } else {
      v = this.tryAlloc(irq, target, (f & A.HAS_RESERVED) !== 0);
    }
    if (v < 0) return v;
    if (!parked) this.matrix.irq_matrix_free(cpu, vector, (f & A.IS_MANAGED) !== 0);
    this.apic.updateVector(irq, this.matrix.lastCpu, v);
    this.effectiveCpu[irq] = this.matrix.lastCpu;
    this.apic.flags[irq] = f & ~A.HAS_RESERVED;
    return 1;
  }

  // --- CPU hotplug (arch/x86/kernel/smpboot.c, kernel/irq/cpuhotplug.c) -----------------------

  /** Takes a CPU offline: refuses when its vectors cannot go elsewhere, else migrates them. */
  cpu_down(cpu: number): number {
    if (!this.online.test(cpu)) return -EINVAL;
    this.enter('lapic_can_unplug_cpu', -1, cpu, cpu);
    const tomove = this.matrix.irq_matrix_allocated(cpu);
    const avl = this.matrix.irq_matrix_available(cpu);
    if (avl < tomove) {
      this.log(4, `CPU ${cpu} has ${tomove} vectors, ${avl} available. Cannot disable CPU`);
      return this.leave('lapic_can_unplug_cpu', -ENOSPC, -1, cpu);
    }
    const rsvd = this.matrix.globalReserved;
    if (avl < rsvd)
      this.log(4, `Reserved vectors ${rsvd} > available ${avl}. IRQ request may fail`);
    this.leave('lapic_can_unplug_cpu', 0, -1, cpu);

    // The CPU leaves the online mask first: nothing new is placed on it while its irqs move.
    this.online.clear(cpu);
    this.enter('irq_migrate_all_off_this_cpu', -1, cpu, cpu);
    for (const desc of this.descs) {
      if (!desc) continue;
      const irq = desc.irq;
      const vector = this.apic.vector[irq] ?? 0;
      if (this.apic.cpu[irq] !== cpu || vector === 0 || vector === MANAGED_IRQ_SHUTDOWN_VECTOR)
        continue;
      this.migrate_one_irq(irq, cpu);
    }
    this.leave('irq_migrate_all_off_this_cpu', 0, -1, cpu);
    this.matrix.irq_matrix_offline(cpu);
    this.log(6, `smpboot: CPU ${cpu} is now offline`);
    return 0;
  }

  private migrate_one_irq(irq: number, cpu: number): void {
    this.enter('migrate_one_irq', irq, cpu, irq);
    const f = this.apic.flags[irq]!;
    const managed = (f & A.IS_MANAGED) !== 0;
    const affinity = this.affinity[irq] ?? this.allCpus;
    const target = this.scratch.and(affinity, this.online);
    const oldVector = this.apic.vector[irq]!;
    if (managed && target.isEmpty()) {
      // No online CPU left in a managed irq's mask: it is shut down (IRQD_MANAGED_SHUTDOWN).
      this.matrix.irq_matrix_free(cpu, oldVector, true);
      this.apic.updateVector(irq, this.apic.cpu[irq]!, MANAGED_IRQ_SHUTDOWN_VECTOR);
      this.effectiveCpu[irq] = -1;
      this.deprogram(irq);
      this.leave('migrate_one_irq', 0, irq);
      return;
    }
    let vector: number;
    if (managed) {
      this.enter('irq_matrix_alloc_managed', irq);
      vector = this.matrix.irq_matrix_alloc_managed(target);
      this.leave('irq_matrix_alloc_managed', vector, irq, vector >= 0 ? this.matrix.lastCpu : -1);
    } else {
      let mask: CpuMask = target;
      if (target.isEmpty()) {
        this.log(7, `IRQ ${irq}: no longer affine to CPU${cpu}`);
        // Every online CPU ("affinity broken"). The dying CPU is still online in the matrix until
        // lapic_offline(), so the mask is the kernel's online mask, not the matrix's.
        mask = this.online;
      }
      vector = this.tryAlloc(irq, mask, false);
    }
    if (vector < 0) {
      this.log(4, `IRQ${irq}: set affinity failed(${vector}).`);
      this.leave('migrate_one_irq', vector, irq);
      return;
    }
    // The old CPU is going away: its vector is freed at once, no cleanup IPI.
    this.matrix.irq_matrix_free(cpu, oldVector, managed);
    this.apic.updateVector(irq, this.matrix.lastCpu, vector);
    this.effectiveCpu[irq] = this.matrix.lastCpu;
    this.reprogram(irq);
    this.leave('migrate_one_irq', 0, irq, this.matrix.lastCpu);
  }

  /**
   * After the vector level moved: the levels above follow (chip set_affinity). The IR level
   * rewrites its IRTE (the device message stays); without IR the MSI level recomposes and
   * rewrites the message; an IOAPIC pin gets a new RTE.
   */
  reprogram(irq: number): void {
    const levels: IrqData[] = [];
    for (const d of chain(this.descs[irq]!)) if (d.domain !== this.vectorDomain) levels.push(d);
    for (let i = levels.length - 1; i >= 0; i--) {
      const d = levels[i]!;
      (d.domain.ops as IrqDomainOps<Kernel>).activate?.(this, d.domain, d, false);
    }
  }

  /** The levels above VECTOR are deactivated (message zeroed, IRTE cleared): managed shutdown. */
  deprogram(irq: number): void {
    for (const d of chain(this.descs[irq]!)) {
      if (d.domain === this.vectorDomain) break;
      (d.domain.ops as IrqDomainOps<Kernel>).deactivate?.(this, d.domain, d);
    }
  }

  /** Brings a CPU back: its matrix comes online and shut-down managed irqs of its mask restart. */
  cpu_up(cpu: number): number {
    if (this.online.test(cpu)) return -EINVAL;
    this.cpuOnline(cpu);
    this.enter('irq_affinity_online_cpu', -1, cpu, cpu);
    for (const irq of [...this.managedShutdown]) {
      if (!this.affinity[irq]?.test(cpu) || !this.descs[irq]) continue;
      this.managedShutdown.delete(irq);
      this.irq_domain_activate_irq(irq, false);
    }
    for (const desc of this.descs) {
      if (!desc) continue;
      const irq = desc.irq;
      if (
        !this.apic.has(irq, A.IS_MANAGED) ||
        this.apic.vector[irq] !== MANAGED_IRQ_SHUTDOWN_VECTOR
      )
        continue;
      if (!desc.activated || !this.affinity[irq]?.test(cpu)) continue;
      this.apic.updateVector(irq, this.apic.cpu[irq]!, 0);
      this.x86_vector_activate(irq, false);
      this.reprogram(irq);
    }
    this.leave('irq_affinity_online_cpu', 0, -1, cpu);
    this.log(
      6,
      `smpboot: Booting Node ${this.machine.cpus.list.find((c) => c.cpu === cpu)?.node ?? 0} Processor ${cpu} APIC 0x${this.apicId(cpu).toString(16)}`,
    );
    return 0;
  }

  describeError(ret: number): string {
    return errnoName(ret);
  }
}

/** The VECTOR domain's ops (x86_vector_domain_ops). */
export const VECTOR_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  alloc: (k, _d, virq, nr, info) => k.x86_vector_alloc_irqs(virq, nr, info),
  free: (k, _d, virq, nr) => k.x86_vector_free_irqs(virq, nr),
  activate: (k, _d, data, reserve) => k.x86_vector_activate(data.irq, reserve),
  deactivate: (k, _d, data) => k.x86_vector_deactivate(data.irq),
};

export { EBUSY };
