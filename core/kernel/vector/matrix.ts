// The x86 vector matrix (kernel/irq/matrix.c): for every CPU, which of the 256 vectors are
// allocated, which are reserved for managed interrupts, and the counters the allocator decides
// by. Stored in typed arrays (8 words of 32 bits per CPU per bitmap), for up to 8192 CPUs.
//
// Every function is the kernel's, with its rules: irq_matrix_alloc picks the online CPU with the
// most available vectors (ties to the lowest CPU), irq_matrix_alloc_managed the one with the
// fewest managed allocations (ties to the last), the vector is the lowest free bit.
import type { TraceEmitter } from '../../trace/emitter';
import { bitmapList, CpuMask } from '../cpumask';
import { EINVAL, ENOSPC } from '../errno';

const WORDS = 8; // 256 bits

export interface MatrixSnapshot {
  readonly arrays: readonly (Int32Array | Uint8Array | Uint32Array)[];
  readonly globals: readonly number[];
}

export class IrqMatrix {
  readonly matrixBits = 256;
  readonly allocSize: number;
  // Per CPU (struct cpumap)
  readonly available: Int32Array;
  readonly allocated: Int32Array;
  readonly managed: Int32Array;
  readonly managedAllocated: Int32Array;
  readonly online: Uint8Array;
  readonly initialized: Uint8Array;
  readonly allocMap: Uint32Array;
  readonly managedMap: Uint32Array;
  // Global (struct irq_matrix)
  readonly systemMap = new Uint32Array(WORDS);
  onlineMaps = 0;
  globalAvailable = 0;
  globalReserved = 0;
  systembitsInalloc = 0;
  totalAllocated = 0;
  /** Result of the last successful alloc: the CPU chosen. */
  lastCpu = -1;

  /**
   * A max-tree over the CPUs keyed by (available if online, lowest CPU on ties), so that an
   * allocation over all online CPUs - by far the most common - finds matrix_find_best_cpu's
   * answer in O(1) instead of scanning thousands of CPUs. Same answer as the scan.
   */
  private readonly treeSize: number;
  private readonly tree: Int32Array;

  private trace: TraceEmitter | null = null;
  private sym = { alloc: 0, allocManaged: 0, free: 0, reserveManaged: 0, reserve: 0 };

  constructor(
    readonly nrCpus: number,
    readonly allocStart: number,
    readonly allocEnd: number,
  ) {
    this.allocSize = allocEnd - allocStart;
    this.available = new Int32Array(nrCpus);
    this.allocated = new Int32Array(nrCpus);
    this.managed = new Int32Array(nrCpus);
    this.managedAllocated = new Int32Array(nrCpus);
    this.online = new Uint8Array(nrCpus);
    this.initialized = new Uint8Array(nrCpus);
    this.allocMap = new Uint32Array(nrCpus * WORDS);
    this.managedMap = new Uint32Array(nrCpus * WORDS);
    let size = 1;
    while (size < nrCpus) size *= 2;
    this.treeSize = size;
    this.tree = new Int32Array(2 * size).fill(-1);
  }

  private better(a: number, b: number): number {
    if (a < 0) return b;
    if (b < 0) return a;
    const va = this.online[a] ? this.available[a]! : -1;
    const vb = this.online[b] ? this.available[b]! : -1;
    return vb > va ? b : a; // a is the lower CPU: it wins ties
  }

  /** Re-keys one CPU in the tree after its available count or online state changed. */
  private touch(cpu: number): void {
    let i = this.treeSize + cpu;
    this.tree[i] = this.online[cpu] ? cpu : -1;
    for (i >>= 1; i >= 1; i >>= 1)
      this.tree[i] = this.better(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  /** Reports allocations and frees as trace state events. */
  attachTrace(trace: TraceEmitter): void {
    this.trace = trace;
    const vec = [{ name: 'vector', type: 'int' as const }];
    this.sym = {
      alloc: trace.symbol({ name: 'matrix_alloc', args: vec }),
      allocManaged: trace.symbol({ name: 'matrix_alloc_managed', args: vec }),
      free: trace.symbol({ name: 'matrix_free', args: [...vec, { name: 'managed', type: 'int' }] }),
      reserveManaged: trace.symbol({ name: 'matrix_reserve_managed', args: vec }),
      reserve: trace.symbol({
        name: 'matrix_reserve',
        args: [{ name: 'global_reserved', type: 'int' }],
      }),
    };
  }

  // --- bit helpers over a CPU's 8-word slice
  private static testBit(map: Uint32Array, cpu: number, bit: number): boolean {
    return (map[cpu * WORDS + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
  }
  private static setBit(map: Uint32Array, cpu: number, bit: number): void {
    map[cpu * WORDS + (bit >>> 5)]! |= 1 << (bit & 31);
  }
  private static clearBit(map: Uint32Array, cpu: number, bit: number): void {
    map[cpu * WORDS + (bit >>> 5)]! &= ~(1 << (bit & 31));
  }

  isAllocated(cpu: number, bit: number): boolean {
    return IrqMatrix.testBit(this.allocMap, cpu, bit);
  }
  isManagedReserved(cpu: number, bit: number): boolean {
    return IrqMatrix.testBit(this.managedMap, cpu, bit);
  }
  isSystem(bit: number): boolean {
    return (this.systemMap[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Lowest bit in [allocStart, allocEnd) clear in every given map of this CPU, or -1. */
  private findFree(cpu: number, withManaged: boolean): number {
    const base = cpu * WORDS;
    for (let bit = this.allocStart; bit < this.allocEnd;) {
      const w = bit >>> 5;
      let used = this.allocMap[base + w]! | this.systemMap[w]!;
      if (withManaged) used |= this.managedMap[base + w]!;
      const free = ~used >>> (bit & 31);
      if (free === 0) {
        bit = (w + 1) << 5;
        continue;
      }
      const found = bit + (31 - Math.clz32(free & -free));
      return found < this.allocEnd ? found : -1;
    }
    return -1;
  }

  irq_matrix_online(cpu: number): void {
    if (!this.initialized[cpu]) {
      this.available[cpu] = this.allocSize - this.managed[cpu]! - this.systembitsInalloc;
      this.initialized[cpu] = 1;
    }
    this.globalAvailable += this.available[cpu]!;
    this.online[cpu] = 1;
    this.onlineMaps++;
    this.touch(cpu);
  }

  irq_matrix_offline(cpu: number): void {
    this.globalAvailable -= this.available[cpu]!;
    this.online[cpu] = 0;
    this.onlineMaps--;
    this.touch(cpu);
  }

  irq_matrix_assign_system(bit: number, replace: boolean): void {
    if (this.onlineMaps > 1)
      throw new Error('BUG: irq_matrix_assign_system() with more than one CPU online');
    this.systemMap[bit >>> 5]! |= 1 << (bit & 31);
    if (bit >= this.allocStart && bit < this.allocEnd) {
      this.systembitsInalloc++;
      // The boot CPU is already online: its counts shrink with the system bit.
      for (let cpu = 0; cpu < this.nrCpus; cpu++) {
        if (this.initialized[cpu]) {
          this.available[cpu]!--;
          if (this.online[cpu]) this.globalAvailable--;
          this.touch(cpu);
        }
      }
      if (replace) {
        for (let cpu = 0; cpu < this.nrCpus; cpu++) {
          if (IrqMatrix.testBit(this.allocMap, cpu, bit)) {
            IrqMatrix.clearBit(this.allocMap, cpu, bit);
            this.allocated[cpu]!--;
            this.totalAllocated--;
          }
        }
      }
    }
  }

  /** Boot CPU legacy pre-assignment of a fixed vector. */
  irq_matrix_assign(cpu: number, bit: number): void {
    if (IrqMatrix.testBit(this.allocMap, cpu, bit))
      throw new Error(`BUG: vector ${bit} already assigned on CPU ${cpu}`);
    IrqMatrix.setBit(this.allocMap, cpu, bit);
    this.totalAllocated++;
    this.allocated[cpu]!++;
    this.available[cpu]!--;
    if (this.online[cpu]) this.globalAvailable--;
    this.touch(cpu);
  }

  /** Returns true when the kernel would warn "Interrupt reservation exceeds available resources". */
  irq_matrix_reserve(): boolean {
    const warn = this.globalReserved === this.globalAvailable;
    this.globalReserved++;
    this.trace?.state(this.sym.reserve, -1, -1, this.globalReserved);
    return warn;
  }

  irq_matrix_remove_reserved(): void {
    this.globalReserved--;
  }

  /**
   * Returns the vector, -EINVAL (empty mask) or -ENOSPC; the CPU is in `lastCpu`. `mask` null
   * means every online CPU (answered from the tree).
   */
  irq_matrix_alloc(mask: CpuMask | null, reserved: boolean): number {
    // matrix_find_best_cpu: the online CPU with the most available vectors; strictly more wins.
    let best = -1;
    let maxAvail = 0;
    let any = false;
    if (mask === null) {
      best = this.tree[1]!;
      any = this.onlineMaps > 0;
      maxAvail = best >= 0 ? this.available[best]! : 0;
    } else {
      for (let cpu = mask.next(0); cpu >= 0; cpu = mask.next(cpu + 1)) {
        any = true;
        if (!this.online[cpu]) continue;
        if (best < 0 || this.available[cpu]! > maxAvail) {
          best = cpu;
          maxAvail = this.available[cpu]!;
        }
      }
    }
    if (!any) return -EINVAL;
    if (best < 0 || maxAvail <= 0) return -ENOSPC;
    const bit = this.findFree(best, true);
    if (bit < 0) return -ENOSPC;
    IrqMatrix.setBit(this.allocMap, best, bit);
    this.allocated[best]!++;
    this.available[best]!--;
    this.touch(best);
    this.totalAllocated++;
    this.globalAvailable--;
    if (reserved) this.globalReserved--;
    this.lastCpu = best;
    this.trace?.state(this.sym.alloc, -1, best, bit);
    return bit;
  }

  /** One managed slot on every CPU of the mask (online or not); undoes all on failure. */
  irq_matrix_reserve_managed(mask: CpuMask): number {
    for (let cpu = mask.next(0); cpu >= 0; cpu = mask.next(cpu + 1)) {
      const bit = this.findFree(cpu, true);
      if (bit < 0) {
        // Undo the CPUs done so far.
        for (let c = mask.next(0); c >= 0 && c !== cpu; c = mask.next(c + 1))
          this.removeOneManaged(c);
        return -ENOSPC;
      }
      IrqMatrix.setBit(this.managedMap, cpu, bit);
      this.managed[cpu]!++;
      if (this.online[cpu]) {
        this.available[cpu]!--;
        this.globalAvailable--;
      } else if (this.initialized[cpu]) {
        this.available[cpu]!--;
      }
      this.touch(cpu);
      this.trace?.state(this.sym.reserveManaged, -1, cpu, bit);
    }
    return 0;
  }

  /** Releases one managed slot that is not allocated (the highest such bit). */
  private removeOneManaged(cpu: number): void {
    for (let bit = this.allocEnd - 1; bit >= this.allocStart; bit--) {
      if (
        IrqMatrix.testBit(this.managedMap, cpu, bit) &&
        !IrqMatrix.testBit(this.allocMap, cpu, bit)
      ) {
        IrqMatrix.clearBit(this.managedMap, cpu, bit);
        this.managed[cpu]!--;
        if (this.online[cpu]) {
          this.available[cpu]!++;
          this.globalAvailable++;
        } else if (this.initialized[cpu]) {
          this.available[cpu]!++;
        }
        this.touch(cpu);
        return;
      }
    }
  }

  irq_matrix_remove_managed(mask: CpuMask): void {
    for (let cpu = mask.next(0); cpu >= 0; cpu = mask.next(cpu + 1)) this.removeOneManaged(cpu);
  }

  /** Returns the vector or -EINVAL/-ENOSPC; the CPU is in `lastCpu`. */
  irq_matrix_alloc_managed(mask: CpuMask): number {
    let best = -1;
    let min = Infinity;
    let any = false;
    for (let cpu = mask.next(0); cpu >= 0; cpu = mask.next(cpu + 1)) {
      any = true;
      if (!this.online[cpu]) continue;
      // Equal counts replace the candidate: ties go to the last CPU.
      if (this.managedAllocated[cpu]! <= min) {
        best = cpu;
        min = this.managedAllocated[cpu]!;
      }
    }
    if (!any) return -EINVAL;
    if (best < 0) return -ENOSPC;
    const base = best * WORDS;
    let bit = -1;
    for (let b = this.allocStart; b < this.allocEnd; b++) {
      const w = base + (b >>> 5);
      const m = 1 << (b & 31);
      if ((this.managedMap[w]! & m) !== 0 && (this.allocMap[w]! & m) === 0) {
        bit = b;
        break;
      }
    }
    if (bit < 0) return -ENOSPC;
    IrqMatrix.setBit(this.allocMap, best, bit);
    this.allocated[best]!++;
    this.managedAllocated[best]!++;
    this.totalAllocated++;
    this.lastCpu = best;
    this.trace?.state(this.sym.allocManaged, -1, best, bit);
    return bit;
  }

  irq_matrix_free(cpu: number, bit: number, managed: boolean): void {
    if (bit < this.allocStart || bit >= this.allocEnd) return;
    if (!IrqMatrix.testBit(this.allocMap, cpu, bit))
      throw new Error(`BUG: freeing unallocated vector ${bit} on CPU ${cpu}`);
    IrqMatrix.clearBit(this.allocMap, cpu, bit);
    this.allocated[cpu]!--;
    this.totalAllocated--;
    if (managed) {
      this.managedAllocated[cpu]!--;
    } else {
      this.available[cpu]!++;
      if (this.online[cpu]) this.globalAvailable++;
      this.touch(cpu);
    }
    this.trace?.state(this.sym.free, -1, cpu, bit, managed ? 1 : 0);
  }

  irq_matrix_available(cpudown: number): number {
    return cpudown >= 0 ? this.globalAvailable - this.available[cpudown]! : this.globalAvailable;
  }

  irq_matrix_allocated(cpu: number): number {
    return this.allocated[cpu]!;
  }

  /** Every per-CPU and global array of the state, in a fixed order (snapshot/restore). */
  private stateArrays(): (Int32Array | Uint8Array | Uint32Array)[] {
    return [
      this.available,
      this.allocated,
      this.managed,
      this.managedAllocated,
      this.online,
      this.initialized,
      this.allocMap,
      this.managedMap,
      this.systemMap,
    ];
  }

  snapshot(): MatrixSnapshot {
    return {
      arrays: this.stateArrays().map((a) => a.slice()),
      globals: [
        this.onlineMaps,
        this.globalAvailable,
        this.globalReserved,
        this.systembitsInalloc,
        this.totalAllocated,
      ],
    };
  }

  restore(s: MatrixSnapshot): void {
    this.tree.fill(-1);
    const targets = this.stateArrays();
    targets.forEach((t, i) => (t as Uint32Array).set(s.arrays[i] as Uint32Array));
    [
      this.onlineMaps,
      this.globalAvailable,
      this.globalReserved,
      this.systembitsInalloc,
      this.totalAllocated,
    ] = s.globals as [number, number, number, number, number];
    for (let cpu = 0; cpu < this.nrCpus; cpu++) this.touch(cpu);
  }

  /** The vectors in use on a CPU, as a bitmap list ("33-39,48"). */
  cpuVectorList(cpu: number): string {
    return bitmapList((b) => this.isAllocated(cpu, b), this.matrixBits);
  }

  /**
   * The matrix part of /sys/kernel/debug/irq/domains/VECTOR (irq_matrix_debug_show). The table is
   * printed with "%*s" of the indentation the debugfs caller passes (5 for the domain file).
   */
  debugShow(ind = 5): string {
    const pad = ' '.repeat(Math.max(ind, 1));
    let systemCount = 0;
    for (let b = 0; b < this.matrixBits; b++) if (this.isSystem(b)) systemCount++;
    const w6 = (n: number) => String(n).padStart(6);
    const w4 = (n: number) => String(n).padStart(4);
    const lines = [
      `Online bitmaps:   ${w6(this.onlineMaps)}`,
      `Global available: ${w6(this.globalAvailable)}`,
      `Global reserved:  ${w6(this.globalReserved)}`,
      `Total allocated:  ${w6(this.totalAllocated)}`,
      `System: ${systemCount}: ${bitmapList((b) => this.isSystem(b), this.matrixBits)}`,
      `${pad}| CPU | avl | man | mac | act | vectors`,
    ];
    for (let cpu = 0; cpu < this.nrCpus; cpu++) {
      if (!this.online[cpu]) continue;
      const vectors = this.cpuVectorList(cpu);
      lines.push(
        `${pad} ${w4(cpu)}  ${w4(this.available[cpu]!)}  ${w4(this.managed[cpu]!)}  ${w4(this.managedAllocated[cpu]!)} ${w4(this.allocated[cpu]!)}  ${vectors}`,
      );
    }
    return lines.join('\n') + '\n';
  }
}

export { CpuMask };
