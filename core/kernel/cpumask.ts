// CPU masks as bitmaps in Uint32Arrays (struct cpumask). Sized for the machine's CPU count;
// operations write into a destination mask so hot paths allocate nothing.
export class CpuMask {
  readonly words: Uint32Array;

  constructor(readonly nbits: number) {
    this.words = new Uint32Array((nbits + 31) >>> 5);
  }

  static of(nbits: number, cpus: Iterable<number>): CpuMask {
    const m = new CpuMask(nbits);
    for (const cpu of cpus) m.set(cpu);
    return m;
  }

  static all(nbits: number): CpuMask {
    const m = new CpuMask(nbits);
    for (let cpu = 0; cpu < nbits; cpu++) m.set(cpu);
    return m;
  }

  set(cpu: number): void {
    this.words[cpu >>> 5]! |= 1 << (cpu & 31);
  }
  clear(cpu: number): void {
    this.words[cpu >>> 5]! &= ~(1 << (cpu & 31));
  }
  test(cpu: number): boolean {
    return (this.words[cpu >>> 5]! & (1 << (cpu & 31))) !== 0;
  }
  clearAll(): void {
    this.words.fill(0);
  }
  copyFrom(other: CpuMask): void {
    this.words.set(other.words);
  }
  /** this = a & b */
  and(a: CpuMask, b: CpuMask): this {
    for (let i = 0; i < this.words.length; i++) this.words[i] = a.words[i]! & b.words[i]!;
    return this;
  }
  isEmpty(): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== 0) return false;
    return true;
  }
  weight(): number {
    let n = 0;
    for (let i = 0; i < this.words.length; i++) n += popcount(this.words[i]!);
    return n;
  }
  /** First set bit at or after `from`, or -1. */
  next(from: number): number {
    for (let cpu = from; cpu < this.nbits;) {
      const w = this.words[cpu >>> 5]! >>> (cpu & 31);
      if (w === 0) {
        cpu = (cpu | 31) + 1;
        continue;
      }
      const c = cpu + (31 - Math.clz32(w & -w));
      return c < this.nbits ? c : -1;
    }
    return -1;
  }
  first(): number {
    return this.next(0);
  }
  *[Symbol.iterator](): Generator<number> {
    for (let cpu = this.next(0); cpu >= 0; cpu = this.next(cpu + 1)) yield cpu;
  }
  /** The kernel's cpulist format: "0-3,8,10-11". */
  toList(): string {
    // Run by run, a word at a time (bitmapList's output): a 1536-CPU run prints thousands of masks.
    const parts: string[] = [];
    for (let i = this.next(0); i >= 0;) {
      const end = this.nextClear(i + 1);
      parts.push(end === i + 1 ? String(i) : `${i}-${end - 1}`);
      i = end < this.nbits ? this.next(end) : -1;
    }
    return parts.join(',');
  }
  /** First clear bit at or after `from`, or nbits. */
  private nextClear(from: number): number {
    for (let cpu = from; cpu < this.nbits;) {
      const w = ~this.words[cpu >>> 5]! >>> (cpu & 31);
      if (w === 0) {
        cpu = (cpu | 31) + 1;
        continue;
      }
      return Math.min(cpu + (31 - Math.clz32(w & -w)), this.nbits);
    }
    return this.nbits;
  }
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** "%*pbl": ranges of set bits, comma-separated. */
export function bitmapList(isSet: (bit: number) => boolean, nbits: number): string {
  const parts: string[] = [];
  for (let i = 0; i < nbits; i++) {
    if (!isSet(i)) continue;
    let j = i;
    while (j + 1 < nbits && isSet(j + 1)) j++;
    parts.push(i === j ? String(i) : `${i}-${j}`);
    i = j;
  }
  return parts.join(',');
}

/** Parses a cpulist ("0-3,8") into CPU numbers; throws on malformed input. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad CPU list element ${JSON.stringify(part)}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`bad CPU range ${part}`);
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}
