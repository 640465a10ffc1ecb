// The x86 vector domain (arch/x86/kernel/apic/vector.c) over the matrix: per-irq apic_chip_data
// in typed arrays indexed by virq, and the kernel's policies for reserving, assigning and
// activating vectors (reservation mode, managed, legacy ISA vectors, fixed-mask).
import { CpuMask } from '../cpumask';
import { EINVAL, ENOSPC } from '../errno';
import { IrqMatrix } from './matrix';

/** arch/x86/include/asm/irq_vectors.h */
export const FIRST_EXTERNAL_VECTOR = 0x20;
export const IRQ_MOVE_CLEANUP_VECTOR = 0x20;
export const ISA_IRQ_VECTOR_BASE = 0x30;
export const IA32_SYSCALL_VECTOR = 0x80;
export const MANAGED_IRQ_SHUTDOWN_VECTOR = 0xef;
export const LOCAL_TIMER_VECTOR = 0xec;
export const POSTED_MSI_NOTIFICATION_VECTOR = 0xeb;
export const NR_VECTORS = 256;

export interface VectorProfile {
  /** FIRST_SYSTEM_VECTOR: 0xec up to 6.9, 0xeb with posted MSI (6.10+). */
  firstSystemVector: number;
  /** IRQ_MOVE_CLEANUP_VECTOR (0x20) is a system vector up to 6.5. */
  hasMoveCleanupVector: boolean;
}

/**
 * The system vectors a distribution x86-64 kernel marks at boot (the `System:` list of debugfs):
 * exceptions 0-19 and 29 (#VC... reserved), the cleanup vector, the cascade 0x32 when a legacy PIC
 * exists, the IA32 syscall vector, and everything from FIRST_SYSTEM_VECTOR up that the kernel
 * installs (0xec timer ... 0xff spurious, minus the unused 0xed, 0xee, 0xef, 0xf3, 0xf5).
 */
export function systemVectors(p: VectorProfile, legacyPic: boolean): number[] {
  const v: number[] = [];
  for (let i = 0; i <= 19; i++) v.push(i);
  v.push(29);
  if (p.hasMoveCleanupVector) v.push(IRQ_MOVE_CLEANUP_VECTOR);
  if (legacyPic) v.push(ISA_IRQ_VECTOR_BASE + 2);
  v.push(IA32_SYSCALL_VECTOR);
  if (p.firstSystemVector === POSTED_MSI_NOTIFICATION_VECTOR)
    v.push(POSTED_MSI_NOTIFICATION_VECTOR);
  v.push(LOCAL_TIMER_VECTOR);
  for (const x of [0xf0, 0xf1, 0xf2, 0xf4]) v.push(x);
  for (let x = 0xf6; x <= 0xff; x++) v.push(x);
  return v.sort((a, b) => a - b);
}

/** Per-irq vector state (struct apic_chip_data), growable, indexed by virq. */
export class ApicChipData {
  vector = new Int16Array(256);
  cpu = new Int32Array(256);
  prevVector = new Int16Array(256);
  prevCpu = new Int32Array(256);
  flags = new Uint8Array(256);
  static readonly IS_MANAGED = 1;
  static readonly CAN_RESERVE = 2;
  static readonly HAS_RESERVED = 4;
  static readonly MOVE_IN_PROGRESS = 8;
  static readonly PRESENT = 16;
  /**
   * Per-CPU vector_irq[] (cpu * 256 + vector -> irq, -1 none): what a local APIC runs for a
   * vector. Kept as vectors change, so a delivery is one lookup, not a walk of every irq.
   */
  readonly vectorIrq: Int32Array;

  constructor(nrCpus: number) {
    this.vectorIrq = new Int32Array(nrCpus * 256).fill(-1);
  }

  /**
   * apic_update_vector(): the irq's vector is now (cpu, vector); its earlier slot no longer runs
   * it. Vector 0 (none) and MANAGED_IRQ_SHUTDOWN_VECTOR (parked) own no slot.
   */
  updateVector(irq: number, cpu: number, vector: number): void {
    const old = this.cpu[irq]! * 256 + this.vector[irq]!;
    if (this.vectorIrq[old] === irq) this.vectorIrq[old] = -1;
    this.vector[irq] = vector;
    this.cpu[irq] = cpu;
    if (vector !== 0 && vector !== MANAGED_IRQ_SHUTDOWN_VECTOR)
      this.vectorIrq[cpu * 256 + vector] = irq;
  }

  ensure(virq: number): void {
    if (virq < this.vector.length) return;
    let n = this.vector.length;
    while (n <= virq) n *= 2;
    const grow = <T extends Int16Array | Int32Array | Uint8Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.vector = grow(this.vector, (k) => new Int16Array(k));
    this.cpu = grow(this.cpu, (k) => new Int32Array(k));
    this.prevVector = grow(this.prevVector, (k) => new Int16Array(k));
    this.prevCpu = grow(this.prevCpu, (k) => new Int32Array(k));
    this.flags = grow(this.flags, (k) => new Uint8Array(k));
  }
  has(virq: number, flag: number): boolean {
    return virq < this.flags.length && (this.flags[virq]! & flag) !== 0;
  }
}

/** Creates the matrix for a profile and marks the system vectors, as lapic_assign_system_vectors does. */
export function createVectorMatrix(
  nrCpus: number,
  p: VectorProfile,
  legacyPic: boolean,
): IrqMatrix {
  const m = new IrqMatrix(nrCpus, FIRST_EXTERNAL_VECTOR, p.firstSystemVector);
  for (const v of systemVectors(p, legacyPic)) m.irq_matrix_assign_system(v, false);
  return m;
}

export { CpuMask, EINVAL, ENOSPC };
