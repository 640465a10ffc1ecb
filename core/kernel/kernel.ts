// The simulated kernel: one machine, one behaviour profile, the irq domain hierarchy, the vector
// matrix, and the functions of the kernel that allocate, activate and route interrupts, each
// reporting call and return to the trace.
//
// Hierarchy modeled here (no interrupt remapping yet; the IR domains slot in as the parents of
// the IO-APIC and PCI-MSI domains, between them and VECTOR):
//   IO-APIC-<n>  (hwirq = pin)          -> VECTOR (hwirq = virq)
//   PCI-MSI      (hwirq = requester id << 11 | index; 6.2+: PCI-MSI(X)-<bdf>, hwirq = index) -> VECTOR
import type { Machine, PciFunction } from '../model/schema';
import type { TraceEmitter } from '../trace/emitter';
import { CpuMask } from './cpumask';
import { EEXIST, EINVAL, ENOSPC, errnoName } from './errno';
import {
  chain,
  DOMAIN_BUS,
  newDomain,
  type IrqData,
  type IrqDesc,
  type IrqDomain,
} from './irq/irqdesc';
import {
  pciMsiDomainInfo,
  type MsiAllocArg,
  type MsiDomainInfo,
  type MsiDomainOps,
  type MsiOpName,
} from './msi/msi-domain';
import type { KernelProfile } from './profiles';
import { IrqMatrix } from './vector/matrix';
import {
  ApicChipData,
  createVectorMatrix,
  ISA_IRQ_VECTOR_BASE,
  MANAGED_IRQ_SHUTDOWN_VECTOR,
} from './vector/vector-domain';

const A = ApicChipData;

export interface MsiMessage {
  address_lo: number;
  address_hi: number;
  data: number;
}

/** How a vector level is to be allocated (struct irq_alloc_info, the parts that matter here). */
export interface VectorAllocInfo {
  /** Managed affinity per irq (from irq_create_affinity_masks), or null for unmanaged. */
  managed: (CpuMask | null)[] | null;
  /** X86_IRQ_ALLOC_LEGACY: an ISA irq whose 0x30+irq vector may be kept. */
  legacy: boolean;
  /** info->mask: an explicit CPU mask; the irq gets a real vector there at allocation. */
  mask?: CpuMask;
}

export class Oops extends Error {
  constructor(
    readonly text: string,
    readonly callTrace: string[],
  ) {
    super(text);
    this.name = 'Oops';
  }
}

interface Symbols {
  [name: string]: number;
}

const FUNCTIONS: [string, [string, 'int' | 'hex' | 'str' | 'errno'][]][] = [
  ['lapic_assign_system_vectors', []],
  ['setup_IO_APIC', []],
  [
    'mp_map_pin_to_irq',
    [
      ['gsi', 'int'],
      ['ioapic', 'int'],
      ['pin', 'int'],
    ],
  ],
  [
    '__irq_domain_alloc_irqs',
    [
      ['domain', 'str'],
      ['irq_base', 'int'],
      ['nr_irqs', 'int'],
    ],
  ],
  [
    'irq_domain_alloc_descs',
    [
      ['nr_irqs', 'int'],
      ['from', 'int'],
    ],
  ],
  [
    'mp_irqdomain_alloc',
    [
      ['virq', 'int'],
      ['nr_irqs', 'int'],
    ],
  ],
  [
    'msi_domain_alloc',
    [
      ['virq', 'int'],
      ['nr_irqs', 'int'],
      ['hwirq', 'hex'],
    ],
  ],
  [
    'x86_vector_alloc_irqs',
    [
      ['virq', 'int'],
      ['nr_irqs', 'int'],
    ],
  ],
  [
    'irq_domain_activate_irq',
    [
      ['virq', 'int'],
      ['reserve', 'int'],
    ],
  ],
  [
    'x86_vector_activate',
    [
      ['virq', 'int'],
      ['reserve', 'int'],
    ],
  ],
  ['assign_irq_vector_any_locked', [['virq', 'int']]],
  ['irq_matrix_alloc', [['reserved', 'int']]],
  ['irq_matrix_alloc_managed', []],
  ['irq_matrix_reserve_managed', [['cpus', 'int']]],
  [
    'irq_matrix_free',
    [
      ['cpu', 'int'],
      ['vector', 'int'],
    ],
  ],
  ['msi_domain_activate', [['virq', 'int']]],
  [
    '__irq_msi_compose_msg',
    [
      ['vector', 'int'],
      ['apicid', 'int'],
    ],
  ],
  [
    'pci_msi_domain_write_msg',
    [
      ['address_lo', 'hex'],
      ['data', 'hex'],
    ],
  ],
  [
    'ioapic_configure_entry',
    [
      ['pin', 'int'],
      ['vector', 'int'],
    ],
  ],
  [
    'pci_alloc_irq_vectors_affinity',
    [
      ['dev', 'str'],
      ['min_vecs', 'int'],
      ['max_vecs', 'int'],
      ['flags', 'hex'],
    ],
  ],
  [
    '__pci_enable_msix_range',
    [
      ['dev', 'str'],
      ['minvec', 'int'],
      ['maxvec', 'int'],
    ],
  ],
  [
    '__pci_enable_msi_range',
    [
      ['dev', 'str'],
      ['minvec', 'int'],
      ['maxvec', 'int'],
    ],
  ],
  ['pci_free_irq_vectors', [['dev', 'str']]],
  [
    'irq_domain_free_irqs',
    [
      ['virq', 'int'],
      ['nr_irqs', 'int'],
    ],
  ],
  [
    'request_irq',
    [
      ['irq', 'int'],
      ['name', 'str'],
    ],
  ],
  ['free_irq', [['irq', 'int']]],
  [
    'irq_set_affinity',
    [
      ['irq', 'int'],
      ['cpu', 'int'],
    ],
  ],
];

/** PCI_IRQ_* flags (include/linux/pci.h) */
export const PCI_IRQ_LEGACY = 1;
export const PCI_IRQ_MSI = 2;
export const PCI_IRQ_MSIX = 4;
export const PCI_IRQ_AFFINITY = 8;

export class Kernel {
  readonly nrCpus: number;
  readonly matrix: IrqMatrix;
  readonly apic = new ApicChipData();
  readonly descs: (IrqDesc | undefined)[] = [];
  readonly online: CpuMask;
  readonly allCpus: CpuMask;
  readonly dmesg: string[] = [];
  readonly vectorDomain: IrqDomain;
  readonly ioapicDomains: IrqDomain[] = [];
  private readonly pciMsiDomains = new Map<string, IrqDomain>();
  /** irq -> its affinity mask (shared instances: the default mask, per-CPU masks). */
  readonly affinity: (CpuMask | undefined)[] = [];
  /** Per PCI function, the MSI/MSI-X messages written (entry index -> message). */
  readonly messages = new Map<
    string,
    { isMsix: boolean; entries: (MsiMessage | null)[]; irqs: number[] }
  >();
  readonly sym: Symbols = {};
  /** Effective affinity (a CPU), or -1: set when a vector is assigned, kept when it is released. */
  readonly effectiveCpu: number[] = [];
  /** For a first-fit start `from`: every irq in [from, value) is allocated. */
  private readonly takenUpTo = new Map<number, number>();
  /** Lower bound for dynamic irqs (arch_dynirq_lower_bound: gsi_top after the IOAPICs are set up). */
  gsiTop = 0;
  private readonly singleCpu: CpuMask[] = [];
  private readonly apicIds: Int32Array;
  private readonly scratch: CpuMask;
  private readonly callStack: string[] = [];
  /** One of the profile's messages is logged once ("Interrupt reservation exceeds ..."). */
  private warnedReservation = false;

  constructor(
    readonly machine: Machine,
    readonly profile: KernelProfile,
    readonly trace: TraceEmitter,
  ) {
    this.nrCpus = Math.max(...machine.cpus.list.map((c) => c.cpu)) + 1;
    this.online = new CpuMask(this.nrCpus);
    this.allCpus = CpuMask.all(this.nrCpus);
    this.scratch = new CpuMask(this.nrCpus);
    this.apicIds = new Int32Array(this.nrCpus);
    for (const c of machine.cpus.list) this.apicIds[c.cpu] = c.apic_id;
    for (const [name, args] of FUNCTIONS) {
      this.sym[name] = trace.symbol({ name, args: args.map(([n, t]) => ({ name: n, type: t })) });
    }
    this.sym.oops = trace.symbol({ name: 'oops', args: [] });
    this.matrix = createVectorMatrix(this.nrCpus, profile.vector, machine.ioapics.length > 0);
    this.matrix.attachTrace(trace);
    this.vectorDomain = newDomain('VECTOR', DOMAIN_BUS.ANY, null, 'APIC');
  }

  // --- tracing helpers ---------------------------------------------------------------------

  enter(fn: string, irq = -1, cpu = -1, a0 = 0, a1 = 0, a2 = 0, a3 = 0): void {
    this.callStack.push(fn);
    this.trace.call(this.sym[fn]!, irq, cpu, a0, a1, a2, a3);
  }

  leave<T extends number>(fn: string, ret: T, irq = -1, cpu = -1): T {
    this.callStack.pop();
    this.trace.ret(this.sym[fn]!, ret, irq, cpu);
    return ret;
  }

  str(s: string): number {
    return this.trace.intern(s);
  }

  log(level: number, line: string): void {
    this.dmesg.push(line);
    this.trace.log(level, line);
  }

  /** The modeled call stack, innermost first, as an oops prints it. */
  callTrace(): string[] {
    return [...this.callStack].reverse().map((fn) => ` ${fn}+0x0/0x0`);
  }

  oops(what: string): never {
    const text = `BUG: kernel NULL pointer dereference, address: 0000000000000000 (${what})`;
    this.trace.fault(this.sym.oops!, text);
    this.log(1, 'BUG: kernel NULL pointer dereference, address: 0000000000000000');
    this.log(4, 'Call Trace:');
    for (const line of this.callTrace()) this.log(4, line);
    throw new Oops(text, this.callTrace());
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

  // --- the virq allocator ------------------------------------------------------------------

  /** irq_domain_alloc_descs(): first fit of nr consecutive free irqs from `from`. */
  irq_domain_alloc_descs(nr: number, from: number): number {
    this.enter('irq_domain_alloc_descs', -1, -1, nr, from);
    // First fit, starting past the run of irqs known to be taken above `from`.
    let start = Math.max(from, 0);
    const known = this.takenUpTo.get(start);
    if (known !== undefined) start = known;
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
    if (start === (this.takenUpTo.get(Math.max(from, 0)) ?? Math.max(from, 0)))
      this.takenUpTo.set(Math.max(from, 0), start + nr);
    for (let i = 0; i < nr; i++) {
      this.descs[start + i] = {
        irq: start + i,
        data: null,
        handler: 'edge',
        trigger: 'edge',
        actions: [],
        owner: '',
        msiIndex: -1,
        isMsix: false,
        activated: false,
      };
    }
    return this.leave('irq_domain_alloc_descs', start);
  }

  private freeDesc(virq: number): void {
    for (const [from, upTo] of this.takenUpTo)
      if (virq >= from && virq < upTo) this.takenUpTo.set(from, virq);
    this.descs[virq] = undefined;
    this.affinity[virq] = undefined;
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

  x86_vector_alloc_irqs(virq: number, nr: number, info: VectorAllocInfo): number {
    this.enter('x86_vector_alloc_irqs', virq, -1, virq, nr);
    for (let i = 0; i < nr; i++) {
      const irq = virq + i;
      this.apic.ensure(irq);
      this.apic.vector[irq] = 0;
      this.apic.cpu[irq] = 0;
      this.apic.flags[irq] = A.PRESENT;
      const desc = this.descs[irq]!;
      const data: IrqData = {
        domain: this.vectorDomain,
        hwirq: irq,
        chip: this.vectorDomain.chip,
        parent: null,
      };
      this.attachParent(desc, data);
      this.vectorDomain.mapcount++;

      if (info.legacy && irq < 16 && irq !== 2) {
        // The ISA vector was assigned on CPU 0 at boot: that stays the effective affinity.
        this.effectiveCpu[irq] = 0;
        // vector_configure_legacy(): the timer is already active on its ISA vector; keep it.
        // Every other legacy irq gives its ISA vector back and becomes reservable.
        if (irq === 0) {
          this.apic.vector[irq] = ISA_IRQ_VECTOR_BASE;
          this.apic.cpu[irq] = 0;
          continue;
        }
        this.matrix.irq_matrix_free(0, ISA_IRQ_VECTOR_BASE + irq, false);
      }
      const managed = info.managed?.[i] ?? null;
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

  private x86_vector_free_one(irq: number): void {
    const f = this.apic.flags[irq]!;
    const vector = this.apic.vector[irq]!;
    if (vector && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, (f & A.IS_MANAGED) !== 0);
    }
    if (f & A.HAS_RESERVED) this.matrix.irq_matrix_remove_reserved();
    if (f & A.IS_MANAGED) this.matrix.irq_matrix_remove_managed(this.affinity[irq]!);
    this.apic.flags[irq] = 0;
    this.apic.vector[irq] = 0;
    this.vectorDomain.mapcount--;
  }

  /** x86_vector_activate(): park (reserve), managed start, or a real vector. */
  x86_vector_activate(irq: number, reserve: boolean): number {
    this.enter('x86_vector_activate', irq, -1, irq, reserve ? 1 : 0);
    const f = this.apic.flags[irq]!;
    let ret = 0;
    if (reserve && f & (A.CAN_RESERVE | A.IS_MANAGED)) {
      // Parked on MANAGED_IRQ_SHUTDOWN_VECTOR of the first online CPU until request_irq.
      this.apic.vector[irq] = MANAGED_IRQ_SHUTDOWN_VECTOR;
      this.apic.cpu[irq] = this.online.first();
    } else if (this.apic.vector[irq] && this.apic.vector[irq] !== MANAGED_IRQ_SHUTDOWN_VECTOR) {
      ret = 0; // already has a real vector (the timer's ISA vector, an early-activated MSI)
    } else if (f & A.IS_MANAGED) {
      this.enter('irq_matrix_alloc_managed', irq);
      const mask = this.scratch.and(this.affinity[irq]!, this.online);
      const vector = this.matrix.irq_matrix_alloc_managed(mask);
      this.leave('irq_matrix_alloc_managed', vector, irq, vector >= 0 ? this.matrix.lastCpu : -1);
      if (vector < 0) {
        this.log(4, `Managed startup irq ${irq}, no vector available`);
        ret = vector;
      } else {
        this.apic.vector[irq] = vector;
        this.apic.cpu[irq] = this.matrix.lastCpu;
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
      this.apic.vector[irq] = vector;
      this.apic.cpu[irq] = this.matrix.lastCpu;
      this.effectiveCpu[irq] = this.matrix.lastCpu;
      this.apic.flags[irq] = f & ~A.HAS_RESERVED;
      return this.leave('assign_irq_vector_any_locked', 0, irq, this.matrix.lastCpu);
    }
    return this.leave('assign_irq_vector_any_locked', vector, irq);
  }

  private tryAlloc(irq: number, mask: CpuMask | null, reserved: boolean): number {
    this.enter('irq_matrix_alloc', irq, -1, reserved ? 1 : 0);
    const vector = this.matrix.irq_matrix_alloc(mask, reserved);
    return this.leave('irq_matrix_alloc', vector, irq, vector >= 0 ? this.matrix.lastCpu : -1);
  }

  /** Deactivation for reservation-mode irqs (free_irq): give the vector back, reserve again. */
  x86_vector_deactivate(irq: number): void {
    const f = this.apic.flags[irq]!;
    const vector = this.apic.vector[irq]!;
    if (!vector || vector === MANAGED_IRQ_SHUTDOWN_VECTOR) return;
    if (f & A.IS_MANAGED) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, true);
      this.apic.vector[irq] = MANAGED_IRQ_SHUTDOWN_VECTOR;
      return;
    }
    if (f & A.CAN_RESERVE) {
      this.matrix.irq_matrix_free(this.apic.cpu[irq]!, vector, false);
      this.matrix.irq_matrix_reserve();
      this.apic.flags[irq] = f | A.HAS_RESERVED;
      this.apic.vector[irq] = MANAGED_IRQ_SHUTDOWN_VECTOR;
    }
  }

  // --- hierarchy helpers ---------------------------------------------------------------------

  /** Appends `data` as the innermost (root-most) level of the irq's chain. */
  private attachParent(desc: IrqDesc, data: IrqData): void {
    if (!desc.data) {
      desc.data = data;
      return;
    }
    let d = desc.data;
    while (d.parent) d = d.parent;
    d.parent = data;
  }

  /** irq_domain_activate_irq(): root first. */
  irq_domain_activate_irq(irq: number, reserve: boolean): number {
    this.enter('irq_domain_activate_irq', irq, -1, irq, reserve ? 1 : 0);
    const ret = this.x86_vector_activate(irq, reserve);
    if (ret < 0) return this.leave('irq_domain_activate_irq', ret, irq);
    const desc = this.descs[irq]!;
    const top = desc.data!;
    if (
      top.domain.busToken === DOMAIN_BUS.PCI_MSI ||
      top.domain.busToken === DOMAIN_BUS.PCI_DEVICE_MSIX ||
      top.domain.busToken === DOMAIN_BUS.PCI_DEVICE_MSI
    ) {
      this.msi_domain_activate(irq);
    } else if (top.domain.busToken === DOMAIN_BUS.WIRED) {
      this.enter(
        'ioapic_configure_entry',
        irq,
        this.apic.cpu[irq]!,
        top.hwirq,
        this.apic.vector[irq]!,
      );
      this.leave('ioapic_configure_entry', 0, irq);
    }
    desc.activated = !reserve;
    return this.leave('irq_domain_activate_irq', 0, irq, this.apic.cpu[irq]!);
  }

  /** Compose the compatibility-format message from the vector level and write it to the device. */
  private msi_domain_activate(irq: number): void {
    this.enter('msi_domain_activate', irq, -1, irq);
    const msg = this.compose(irq);
    const desc = this.descs[irq]!;
    const dev = this.messages.get(desc.owner);
    if (dev) {
      this.enter('pci_msi_domain_write_msg', irq, -1, msg.address_lo, msg.data);
      dev.entries[desc.msiIndex] = msg;
      this.leave('pci_msi_domain_write_msg', 0, irq);
    }
    this.leave('msi_domain_activate', 0, irq);
  }

  /**
   * The destination the APIC driver computes for a CPU (apic->calc_dest_apicid) and whether it is
   * logical: the flat logical xAPIC driver (up to 8 CPUs, eras that still have it) addresses CPU n
   * as 1 << n in logical mode; everything else is physical, the CPU's APIC id.
   */
  destination(cpu: number): { dest: number; logical: boolean } {
    const flat =
      this.profile.xapicFlatLogical && this.machine.cpus.apic_mode === 'xapic' && this.nrCpus <= 8;
    return flat ? { dest: 1 << cpu, logical: true } : { dest: this.apicId(cpu), logical: false };
  }

  /**
   * __irq_msi_compose_msg (arch/x86/kernel/apic/apic.c), compatibility format: address 0xfee00000
   * | dest[7:0] << 12 | DM (bit 2, logical) ; destination bits above 7 go to address_hi[31:8]
   * (x2APIC); data = vector, fixed delivery, edge.
   */
  compose(irq: number): MsiMessage {
    const vector = this.apic.vector[irq]!;
    const { dest, logical } = this.destination(this.apic.cpu[irq]!);
    this.enter('__irq_msi_compose_msg', irq, this.apic.cpu[irq]!, vector, dest);
    const msg: MsiMessage = {
      address_lo: (0xfee00000 | ((dest & 0xff) << 12) | (logical ? 0x4 : 0)) >>> 0,
      address_hi: dest > 0xff ? (dest & ~0xff) >>> 0 : 0,
      data: vector,
    };
    this.leave('__irq_msi_compose_msg', 0, irq);
    return msg;
  }

  // --- IOAPIC (arch/x86/kernel/apic/io_apic.c) ------------------------------------------------

  /** setup_IO_APIC: one IO-APIC-<n> domain per IOAPIC; the legacy irqs 0-15 mapped 1:1 to GSIs. */
  setup_IO_APIC(): void {
    this.enter('setup_IO_APIC');
    this.machine.ioapics.forEach((io, n) => {
      this.ioapicDomains.push(
        newDomain(`IO-APIC-${n}`, DOMAIN_BUS.WIRED, this.vectorDomain, 'IO-APIC'),
      );
      this.gsiTop = Math.max(this.gsiTop, io.gsi_base + io.pins);
    });
    if (this.machine.ioapics.length > 0) {
      for (let irq = 0; irq < 16; irq++) {
        if (irq === 2) continue; // the cascade stays with the legacy PIC (XT-PIC)
        const gsi = this.isaIrqToGsi(irq);
        this.mp_map_pin_to_irq(gsi, irq);
      }
    }
    this.leave('setup_IO_APIC', 0);
  }

  private isaIrqToGsi(irq: number): number {
    return this.machine.interrupt_source_overrides.find((o) => o.bus_irq === irq)?.gsi ?? irq;
  }

  private gsiTrigger(gsi: number, isaIrq: number | null): 'edge' | 'level' {
    const iso = this.machine.interrupt_source_overrides.find(
      (o) => o.gsi === gsi && (isaIrq === null || o.bus_irq === isaIrq),
    );
    if (iso && iso.trigger !== 'conforms') return iso.trigger;
    // ISA irqs are edge; PCI GSIs (>= 16 on a PC) are level, active low.
    return isaIrq !== null && isaIrq < 16 ? 'edge' : 'level';
  }

  /** Allocates the Linux irq for a GSI in its IOAPIC's domain (legacy and PCI GSIs: irq = GSI). */
  mp_map_pin_to_irq(gsi: number, isaIrq: number | null): number {
    const n = this.machine.ioapics.findIndex(
      (io) => gsi >= io.gsi_base && gsi < io.gsi_base + io.pins,
    );
    if (n < 0) return -EINVAL;
    const io = this.machine.ioapics[n]!;
    const pin = gsi - io.gsi_base;
    const irq = isaIrq ?? gsi;
    this.enter('mp_map_pin_to_irq', irq, -1, gsi, n, pin);
    if (this.descs[irq]) return this.leave('mp_map_pin_to_irq', irq, irq);
    const domain = this.ioapicDomains[n]!;
    this.enter('__irq_domain_alloc_irqs', irq, -1, this.str(domain.name), irq, 1);
    const virq = this.irq_domain_alloc_descs(1, irq);
    const desc = this.descs[virq]!;
    desc.trigger = this.gsiTrigger(gsi, isaIrq);
    desc.handler = desc.trigger === 'level' ? 'fasteoi' : 'edge';
    desc.data = { domain, hwirq: pin, chip: domain.chip, parent: null };
    domain.mapcount++;
    this.enter('mp_irqdomain_alloc', virq, -1, virq, 1);
    const ret = this.x86_vector_alloc_irqs(virq, 1, {
      managed: null,
      legacy: isaIrq !== null && isaIrq < 16,
    });
    this.leave('mp_irqdomain_alloc', ret, virq);
    this.leave('__irq_domain_alloc_irqs', virq, virq);
    if (isaIrq === 0) {
      desc.activated = true; // the timer is started in check_timer()
      this.irq_domain_activate_irq(0, false);
    }
    return this.leave('mp_map_pin_to_irq', virq, virq);
  }

  // --- HPET (arch/x86/kernel/hpet.c) -------------------------------------------------------------

  /**
   * hpet_enable() / hpet_select_clockevents(): without ARAT, FSB-capable channels become per-CPU
   * clock event devices with an MSI irq each in the HPET-MSI domain (hwirq = channel), bound to
   * their CPU (an explicit mask: a real vector at allocation), named "hpet<channel>".
   */
  hpet_enable(): void {
    const hpet = this.machine.hpet;
    if (!hpet) return;
    const perCpu = this.machine.cpus.arat
      ? []
      : hpet.msi_timers.filter((t) => t >= 2).slice(0, this.online.weight());
    this.log(6, `hpet: ${hpet.timers} channels of ${perCpu.length} reserved for per-cpu timers`);
    const irqs = Array.from({ length: hpet.timers }, (_, ch) => (ch === 0 ? 2 : ch === 1 ? 8 : 0));
    this.log(6, `hpet${hpet.id}: at MMIO ${hpet.address}, IRQs ${irqs.join(', ')}`);
    if (perCpu.length === 0) return;
    const domain = newDomain(`HPET-MSI-${hpet.id}`, DOMAIN_BUS.HPET, this.vectorDomain, 'HPET-MSI');
    perCpu.forEach((channel, i) => {
      const cpu = [...this.online][i]!;
      this.enter('hpet_assign_irq', -1, cpu, channel);
      this.enter('__irq_domain_alloc_irqs', -1, -1, this.str(domain.name), -1, 1);
      const virq = this.irq_domain_alloc_descs(1, Math.max(this.gsiTop, 1));
      const desc = this.descs[virq]!;
      desc.data = { domain, hwirq: channel, chip: domain.chip, parent: null };
      desc.owner = `hpet${hpet.id}`;
      domain.mapcount++;
      this.x86_vector_alloc_irqs(virq, 1, {
        managed: null,
        legacy: false,
        mask: this.cpuMask(cpu),
      });
      this.irq_domain_activate_irq(virq, false);
      this.leave('__irq_domain_alloc_irqs', virq, virq);
      this.request_irq(virq, `hpet${channel}`);
      this.leave('hpet_assign_irq', virq, virq, cpu);
    });
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
      this.apic.vector[irq] = MANAGED_IRQ_SHUTDOWN_VECTOR;
      this.effectiveCpu[irq] = -1;
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
    this.apic.vector[irq] = vector;
    this.apic.cpu[irq] = this.matrix.lastCpu;
    this.effectiveCpu[irq] = this.matrix.lastCpu;
    const top = this.descs[irq]!.data!;
    if (top.domain.busToken !== DOMAIN_BUS.WIRED) this.msi_domain_activate(irq);
    this.leave('migrate_one_irq', 0, irq, this.matrix.lastCpu);
  }

  /** Brings a CPU back: its matrix comes online and shut-down managed irqs of its mask restart. */
  cpu_up(cpu: number): number {
    if (this.online.test(cpu)) return -EINVAL;
    this.cpuOnline(cpu);
    this.enter('irq_affinity_online_cpu', -1, cpu, cpu);
    for (const desc of this.descs) {
      if (!desc) continue;
      const irq = desc.irq;
      if (
        !this.apic.has(irq, A.IS_MANAGED) ||
        this.apic.vector[irq] !== MANAGED_IRQ_SHUTDOWN_VECTOR
      )
        continue;
      if (!desc.activated || !this.affinity[irq]?.test(cpu)) continue;
      this.apic.vector[irq] = 0;
      this.x86_vector_activate(irq, false);
      if (desc.data?.domain.busToken !== DOMAIN_BUS.WIRED) this.msi_domain_activate(irq);
    }
    this.leave('irq_affinity_online_cpu', 0, -1, cpu);
    this.log(
      6,
      `smpboot: Booting Node ${this.machine.cpus.list.find((c) => c.cpu === cpu)?.node ?? 0} Processor ${cpu} APIC 0x${this.apicId(cpu).toString(16)}`,
    );
    return 0;
  }

  // --- request_irq ---------------------------------------------------------------------------

  /** request_irq(): adds the action; the first one starts (activates) the irq. */
  request_irq(irq: number, name: string): number {
    this.enter('request_irq', irq, -1, irq, this.str(name));
    const desc = this.descs[irq];
    if (!desc) return this.leave('request_irq', -EINVAL, irq);
    desc.actions.push(name);
    if (!desc.activated) {
      const ret = this.irq_domain_activate_irq(irq, false);
      if (ret < 0) {
        desc.actions.pop();
        return this.leave('request_irq', ret, irq);
      }
    }
    return this.leave('request_irq', 0, irq, this.apic.cpu[irq]!);
  }

  free_irq(irq: number, name: string): void {
    this.enter('free_irq', irq, -1, irq);
    const desc = this.descs[irq];
    if (desc) {
      const i = desc.actions.indexOf(name);
      if (i >= 0) desc.actions.splice(i, 1);
      if (
        desc.actions.length === 0 &&
        desc.activated &&
        desc.data?.domain.busToken !== DOMAIN_BUS.WIRED
      ) {
        this.x86_vector_deactivate(irq);
        desc.activated = false;
      }
    }
    this.leave('free_irq', 0, irq);
  }

  // --- PCI MSI / MSI-X (drivers/pci/msi, kernel/irq/msi.c) -------------------------------------

  /** The MSI domain a PCI function allocates from (created on first use). */
  pciMsiDomain(fn: PciFunction, isMsix: boolean): IrqDomain {
    const key = this.profile.perDeviceMsiDomains
      ? `${isMsix ? 'PCI-MSIX' : 'PCI-MSI'}-${fn.bdf}`
      : 'PCI-MSI';
    let d = this.pciMsiDomains.get(key);
    if (!d) {
      const token = this.profile.perDeviceMsiDomains
        ? isMsix
          ? DOMAIN_BUS.PCI_DEVICE_MSIX
          : DOMAIN_BUS.PCI_DEVICE_MSI
        : DOMAIN_BUS.PCI_MSI;
      // irq_domain_update_bus_token() renames a domain on a shared named fwnode to
      // "<name>-<bus token>": the global x86 PCI-MSI domain is "PCI-MSI-3" in debugfs.
      const name = this.profile.perDeviceMsiDomains ? key : `${key}-${token}`;
      d = newDomain(name, token, this.vectorDomain, key);
      d.msiInfo = pciMsiDomainInfo(
        Kernel.pci_msi_domain_calc_hwirq,
        this.profile.perDeviceMsiDomains,
      );
      this.pciMsiDomains.set(key, d);
    }
    return d;
  }

  /** pci_msi_domain_calc_hwirq(): (domain << 27) | (bus << 19) | (devfn << 11) | index. */
  static pci_msi_domain_calc_hwirq(bdf: string, index: number): number {
    const seg = parseInt(bdf.slice(0, 4), 16);
    const bus = parseInt(bdf.slice(5, 7), 16);
    const dev = parseInt(bdf.slice(8, 10), 16);
    const fn = parseInt(bdf.slice(11, 12), 16);
    return seg * 2 ** 27 + ((bus << 19) | (((dev << 3) | fn) << 11) | index);
  }

  /**
   * pci_alloc_irq_vectors_affinity(): MSI-X, then MSI, then INTx, as the flags allow; MSI-X and
   * MSI retry with fewer vectors when the allocation says how many it could do.
   * Returns the number of vectors (> 0) or -errno.
   */
  pci_alloc_irq_vectors_affinity(
    fn: PciFunction,
    min: number,
    max: number,
    flags: number,
    affd: { pre: number; post: number } | null,
  ): number {
    this.enter('pci_alloc_irq_vectors_affinity', -1, -1, this.str(fn.bdf), min, max, flags);
    let ret = -ENOSPC;
    if (flags & PCI_IRQ_MSIX && fn.msix && !this.cmdlineNoMsi()) {
      ret = this.enableRange(fn, true, min, max, flags & PCI_IRQ_AFFINITY ? affd : null);
      if (ret > 0) return this.leave('pci_alloc_irq_vectors_affinity', ret);
    }
    if (flags & PCI_IRQ_MSI && fn.msi && !this.cmdlineNoMsi()) {
      ret = this.enableRange(fn, false, min, max, flags & PCI_IRQ_AFFINITY ? affd : null);
      if (ret > 0) return this.leave('pci_alloc_irq_vectors_affinity', ret);
    }
    if (flags & PCI_IRQ_LEGACY && min === 1 && fn.intx_pin && fn.intx_gsi !== null) {
      this.messages.set(fn.bdf, { isMsix: false, entries: [], irqs: [fn.intx_gsi] });
      return this.leave('pci_alloc_irq_vectors_affinity', 1);
    }
    return this.leave('pci_alloc_irq_vectors_affinity', ret);
  }

  private cmdlineNoMsi(): boolean {
    return /(^|\s)pci=(\S*,)?nomsi(,|\s|$)/.test(this.machine.kernel.cmdline);
  }

  private enableRange(
    fn: PciFunction,
    isMsix: boolean,
    min: number,
    max: number,
    affd: { pre: number; post: number } | null,
  ): number {
    const fnName = isMsix ? '__pci_enable_msix_range' : '__pci_enable_msi_range';
    this.enter(fnName, -1, -1, this.str(fn.bdf), min, max);
    if (max < min) return this.leave(fnName, -EINVAL);
    let nvec = max;
    const hwMax = isMsix ? fn.msix!.table_size : fn.msi!.vectors_max;
    if (nvec > hwMax) nvec = hwMax;
    for (;;) {
      if (nvec < min) return this.leave(fnName, -ENOSPC);
      const rc = this.msi_domain_alloc_irqs(fn, isMsix, nvec, affd);
      if (rc === 0) return this.leave(fnName, nvec);
      if (rc < 0) return this.leave(fnName, rc);
      nvec = rc;
    }
  }

  /** irq_create_affinity_masks(): pre/post vectors unmanaged, the rest spread over the CPUs. */
  private affinityMasks(
    nvec: number,
    affd: { pre: number; post: number } | null,
  ): (CpuMask | null)[] | null {
    if (!affd) return null;
    const spread = nvec - affd.pre - affd.post;
    if (spread <= 0) return null;
    const cpus = [...this.allCpus];
    const masks: (CpuMask | null)[] = [];
    for (let i = 0; i < affd.pre; i++) masks.push(null);
    // group_cpus_evenly() on one node: consecutive groups of CPUs, the first groups one larger.
    const per = Math.floor(cpus.length / spread);
    let extra = cpus.length % spread;
    let next = 0;
    for (let v = 0; v < spread; v++) {
      const size = Math.max(1, per + (extra > 0 ? 1 : 0));
      if (extra > 0) extra--;
      const group = cpus.slice(next % cpus.length, (next % cpus.length) + size);
      next += size;
      masks.push(group.length === 1 ? this.cpuMask(group[0]!) : CpuMask.of(this.nrCpus, group));
    }
    for (let i = 0; i < affd.post; i++) masks.push(null);
    return masks;
  }

  /**
   * __msi_domain_alloc_irqs() for a PCI function: descriptors, virqs, the hierarchy (PCI-MSI ->
   * VECTOR), then early activation — with reservation for MSI-X and maskable MSI (the real
   * vector comes at request_irq), without it for non-maskable MSI (a real vector now).
   */
  msi_domain_alloc_irqs(
    fn: PciFunction,
    isMsix: boolean,
    nvec: number,
    affd: { pre: number; post: number } | null,
  ): number {
    const domain = this.pciMsiDomain(fn, isMsix);
    const info = domain.msiInfo!;
    const masks = this.affinityMasks(nvec, affd);
    const arg: MsiAllocArg = { hwirq: 0, bdf: fn.bdf, msiIndex: 0, isMsix };
    // msi_domain_prepare_irqs(): the core calls msi_check and msi_prepare whether or not the
    // domain has them.
    const check = this.msiOp(info, 'msi_check')(info, arg, nvec);
    if (check !== 0) return check;
    const prep = this.msiOp(info, 'msi_prepare')(info, arg, nvec);
    if (prep < 0) return prep;
    this.msiOp(info, 'set_desc')(arg, 0);
    this.enter('__irq_domain_alloc_irqs', -1, -1, this.str(domain.name), -1, nvec);
    // Two allocations of the same hwirq in one domain are impossible (irq_find_mapping).
    if (this.messages.get(fn.bdf)?.irqs.length)
      return this.leave('__irq_domain_alloc_irqs', -EEXIST);
    const virq = this.irq_domain_alloc_descs(nvec, Math.max(this.gsiTop, 1));
    this.enter('msi_domain_alloc', virq, -1, virq, nvec, arg.hwirq);
    const first = this.msiOp(info, 'get_hwirq')(info, arg);
    for (let i = 0; i < nvec; i++) {
      const desc = this.descs[virq + i]!;
      desc.data = { domain, hwirq: first + i, chip: domain.chip, parent: null };
      desc.owner = fn.bdf;
      desc.msiIndex = i;
      desc.isMsix = isMsix;
      domain.mapcount++;
      if (masks?.[i]) this.affinity[virq + i] = masks[i]!;
    }
    let ret = this.x86_vector_alloc_irqs(virq, nvec, { managed: masks, legacy: false });
    for (let i = 0; ret >= 0 && i < nvec; i++)
      ret = this.msiOp(info, 'msi_init')(info, virq + i, first + i, arg);
    this.leave('msi_domain_alloc', ret, virq);
    if (ret < 0) {
      for (let i = 0; i < nvec; i++) {
        domain.mapcount--;
        this.freeDesc(virq + i);
      }
      // [5.10+] the error becomes -ENOSPC
      return this.leave('__irq_domain_alloc_irqs', ret === -ENOSPC ? -ENOSPC : ret);
    }
    this.messages.set(fn.bdf, {
      isMsix,
      entries: new Array(nvec).fill(null),
      irqs: Array.from({ length: nvec }, (_, i) => virq + i),
    });
    // msi_check_reservation_mode(): MSI-X or maskable MSI can reserve.
    const canReserve = isMsix || (fn.msi?.per_vector_mask ?? false);
    for (let i = 0; i < nvec; i++) {
      const irq = virq + i;
      if (!canReserve) this.apic.flags[irq]! &= ~A.CAN_RESERVE;
      const r = this.irq_domain_activate_irq(irq, canReserve);
      if (r < 0) return this.leave('__irq_domain_alloc_irqs', r);
      // With reservation the irq is activated again by request_irq().
      if (canReserve) this.descs[irq]!.activated = false;
    }
    this.leave('__irq_domain_alloc_irqs', 0, virq);
    return 0;
  }

  /** An msi_domain_ops callback, or the oops the kernel takes calling a NULL one. */
  msiOp<K extends MsiOpName>(info: MsiDomainInfo, name: K): NonNullable<MsiDomainOps[K]> {
    const op = info.ops[name];
    if (op === undefined) this.oops(`msi_domain_ops.${name} is NULL`);
    return op as NonNullable<MsiDomainOps[K]>;
  }

  /** pci_free_irq_vectors(): frees every MSI/MSI-X irq of the function. */
  pci_free_irq_vectors(fn: PciFunction): void {
    this.enter('pci_free_irq_vectors', -1, -1, this.str(fn.bdf));
    const dev = this.messages.get(fn.bdf);
    if (dev && dev.irqs.length && this.descs[dev.irqs[0]!]?.msiIndex !== -1) {
      const first = dev.irqs[0]!;
      this.enter('irq_domain_free_irqs', first, -1, first, dev.irqs.length);
      for (const irq of dev.irqs) {
        const desc = this.descs[irq]!;
        for (const name of [...desc.actions]) this.free_irq(irq, name);
        this.x86_vector_free_one(irq);
        for (const d of chain(desc)) if (d.domain !== this.vectorDomain) d.domain.mapcount--;
        this.freeDesc(irq);
      }
      this.leave('irq_domain_free_irqs', 0, first);
    }
    this.messages.delete(fn.bdf);
    this.leave('pci_free_irq_vectors', 0);
  }

  /** irq_set_affinity() without IR from process context: PCI-MSI cannot move outside the
   * interrupt, so the move is left pending until the irq next fires (irq_move_irq). */
  irq_set_affinity(irq: number, mask: CpuMask): number {
    this.enter('irq_set_affinity', irq, -1, irq, mask.first());
    this.affinity[irq] = mask;
    return this.leave('irq_set_affinity', 0, irq);
  }

  describeError(ret: number): string {
    return errnoName(ret);
  }
}
