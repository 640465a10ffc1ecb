// A run's irqs as columns: what the app stores for a run (runs.outputs_json `irqTable`) and reads
// back page by page. A 1536-CPU machine has a hundred thousand irqs: as one object each they cost
// more to build, serialize and parse than the boot itself; as a dozen arrays of numbers (strings
// interned once) they are written in one pass over the kernel's descriptors and read without
// building any row that is not shown.
import type { IrqData, IrqDomain } from '../kernel/irq/irqdesc';
import type { Kernel } from '../kernel/kernel';
import { eachIrq } from './result';

/** The per-irq columns, one entry per irq (irqs in ascending order). */
export const IRQ_COLUMNS = [
  'irq',
  /** The irq's chip at its outermost level (strings). */
  'chip',
  'hwirq',
  /** Vector and CPU at the VECTOR level (0 = none, 239 = parked on the shutdown vector). */
  'vector',
  'cpu',
  'managed',
  /** The device (BDF) or platform owner, '' for the legacy ISA irqs (strings). */
  'owner',
  /** smp_affinity_list and effective_affinity_list (strings). */
  'affinity',
  'effective',
  /** Where each irq's actions and chain start in `actions` and `chain` (one more entry: the end). */
  'actionStart',
  'chainStart',
] as const;

/**
 * The stored form (JSON), numbers referring to `strings` where a column is of names. Irq i's
 * request_irq names are strings[actions[actionStart[i] .. actionStart[i+1])]; its levels from
 * its leaf domain to VECTOR are chain[chainStart[i]*3 .. chainStart[i+1]*3) as (domain, hwirq,
 * chip) triples, domain an index into the run's tables.domains, chip into `strings`.
 */
export type IrqTableJson<Column = number[]> = { strings: string[] } & Record<
  (typeof IRQ_COLUMNS)[number] | 'actions' | 'chain',
  Column
>;

/** One irq as the views show it. */
export interface StoredIrqRow {
  irq: number;
  chip: string;
  hwirq: number;
  vector: number;
  cpu: number;
  actions: string[];
  managed: boolean;
  owner: string;
  /** (domain index, hwirq, chip name) per level, leaf first. */
  chain: { domain: number; hwirq: number; chip: string }[];
  affinity: string;
  effective: string;
}

/** Interns strings: the index of each, in first-seen order. */
class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** A table as built: typed arrays (written out by irqTableText). */
export type BuiltIrqTable = IrqTableJson<Int32Array | Float64Array>;

/** A column being filled: a typed array that doubles when full. */
class Column<A extends Int32Array | Float64Array> {
  length = 0;
  constructor(
    public data: A,
    private readonly make: (n: number) => A,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  get values(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

/**
 * The irq table of a booted kernel, in one pass over its descriptors, as typed arrays: no object
 * per irq (on a 1536-CPU machine every allocation here costs a collection of the kernel's whole
 * heap). `domains` is the run's domain table (tables.domains); a level whose domain is not in it
 * (removed since) is added by `addDomain`, named.
 */
export function buildIrqTable(
  k: Kernel,
  domains: readonly { name: string }[],
  addDomain: (name: string, chip: string) => number,
): BuiltIrqTable {
  const strings = new Interner();
  const byDomain = new Map<IrqDomain, number>();
  const byName = new Map(domains.map((d, i) => [d.name, i]));
  const domainOf = (d: IrqDomain, chip: string) => {
    let i = byDomain.get(d);
    if (i === undefined) {
      i = byName.get(d.name) ?? addDomain(d.name, chip);
      byDomain.set(d, i);
    }
    return i;
  };
  // CPU lists are shared between irqs (one mask object for many): print each once.
  const lists = new Map<object, number>();
  const int = () => new Column(new Int32Array(1024), (n) => new Int32Array(n));
  // hwirqs of the global PCI-MSI domain pass 2^31 (the PCI domain number in bits 27 and up).
  const wide = () => new Column(new Float64Array(1024), (n) => new Float64Array(n));
  const c = {
    irq: int(),
    chip: int(),
    hwirq: wide(),
    vector: int(),
    cpu: int(),
    managed: int(),
    owner: int(),
    affinity: int(),
    effective: int(),
    actionStart: int(),
    chainStart: int(),
    actions: int(),
    chain: wide(),
  };
  const cpuNames: number[] = [];
  eachIrq(k, (desc, f) => {
    const data = desc.data!;
    c.irq.push(f.irq);
    c.chip.push(strings.of(data.chip!.name));
    c.hwirq.push(data.hwirq);
    c.vector.push(f.vector);
    c.cpu.push(f.cpu);
    c.managed.push(f.managed ? 1 : 0);
    c.owner.push(strings.of(f.owner));
    c.actionStart.push(c.actions.length);
    for (const a of desc.actions) c.actions.push(strings.of(a));
    let l = lists.get(f.affinity);
    if (l === undefined) lists.set(f.affinity, (l = strings.of(f.affinity.toList())));
    c.affinity.push(l);
    const e = f.effective;
    c.effective.push(e < 0 ? strings.of('') : (cpuNames[e] ??= strings.of(String(e))));
    c.chainStart.push(c.chain.length / 3);
    for (let level: IrqData | null = data; level; level = level.parent) {
      const chip = level.chip?.name ?? '';
      c.chain.push(domainOf(level.domain, chip));
      c.chain.push(level.hwirq);
      c.chain.push(strings.of(chip));
    }
  });
  c.actionStart.push(c.actions.length);
  c.chainStart.push(c.chain.length / 3);
  const out = { strings: strings.list } as BuiltIrqTable;
  for (const [name, column] of Object.entries(c))
    (out as Record<string, unknown>)[name] = column.values;
  return out;
}

/** The JSON text of a built table: its typed arrays written as JSON arrays, without copies. */
export function irqTableText(t: BuiltIrqTable): string {
  const parts = [`{"strings":${JSON.stringify(t.strings)}`];
  for (const name of [...IRQ_COLUMNS, 'actions', 'chain'] as const)
    parts.push(`,"${name}":[${t[name].join(',')}]`);
  parts.push('}');
  return parts.join('');
}

/** A v1 run's row (irqlab-app-run/1 kept one object per irq). */
interface V1Row {
  irq: number;
  chip: string;
  hwirq: number;
  vector: number;
  cpu: number;
  actions: string[];
  managed: boolean;
  owner: string;
  chain?: number[];
  affinity?: string;
  effective?: string;
}

/**
 * A stored run's irqs, read by position without building rows: from the columns
 * (irqlab-app-run/2) or from the rows older runs kept (irqlab-app-run/1, their chains' chips
 * indexes into tables.chips).
 */
export class StoredIrqs {
  private constructor(
    readonly length: number,
    private readonly table: IrqTableJson | null,
    private readonly rows: V1Row[] | null,
    private readonly chips: string[],
  ) {}

  /**
   * The columns of a stored run, checked first: a session is a stranger's file, so columns of
   * unequal length, indexes out of range or a chain out of order are refused by name.
   */
  static fromTable(table: IrqTableJson): StoredIrqs {
    const problem = irqTableProblem(table);
    if (problem) throw new Error(`its irq table is not valid: ${problem}`);
    return new StoredIrqs(table.irq.length, table, null, table.strings);
  }

  static fromRows(rows: V1Row[], chips: string[] = []): StoredIrqs {
    return new StoredIrqs(rows.length, null, rows, chips);
  }

  irq(i: number): number {
    return this.table ? this.table.irq[i]! : this.rows![i]!.irq;
  }
  chip(i: number): string {
    return this.table ? this.table.strings[this.table.chip[i]!]! : this.rows![i]!.chip;
  }
  hwirq(i: number): number {
    return this.table ? this.table.hwirq[i]! : this.rows![i]!.hwirq;
  }
  vector(i: number): number {
    return this.table ? this.table.vector[i]! : this.rows![i]!.vector;
  }
  cpu(i: number): number {
    return this.table ? this.table.cpu[i]! : this.rows![i]!.cpu;
  }
  managed(i: number): boolean {
    return this.table ? this.table.managed[i] === 1 : this.rows![i]!.managed;
  }
  owner(i: number): string {
    return this.table ? this.table.strings[this.table.owner[i]!]! : this.rows![i]!.owner;
  }
  actions(i: number): string[] {
    if (!this.table) return this.rows![i]!.actions;
    const { actionStart, actions, strings } = this.table;
    const out: string[] = [];
    for (let k = actionStart[i]!; k < actionStart[i + 1]!; k++) out.push(strings[actions[k]!]!);
    return out;
  }
  affinity(i: number): string {
    return this.table
      ? this.table.strings[this.table.affinity[i]!]!
      : (this.rows![i]!.affinity ?? '');
  }
  effective(i: number): string {
    return this.table
      ? this.table.strings[this.table.effective[i]!]!
      : (this.rows![i]!.effective ?? '');
  }
  /** Whether the irq has a level in domain `d` (an index into tables.domains). */
  inDomain(i: number, d: number): boolean {
    if (this.table) {
      const { chainStart, chain } = this.table;
      for (let k = chainStart[i]! * 3; k < chainStart[i + 1]! * 3; k += 3)
        if (chain[k] === d) return true;
      return false;
    }
    const c = this.rows![i]!.chain ?? [];
    for (let k = 0; k < c.length; k += 3) if (c[k] === d) return true;
    return false;
  }
  chain(i: number): StoredIrqRow['chain'] {
    const out: StoredIrqRow['chain'] = [];
    if (this.table) {
      const { chainStart, chain, strings } = this.table;
      for (let k = chainStart[i]! * 3; k < chainStart[i + 1]! * 3; k += 3)
        out.push({ domain: chain[k]!, hwirq: chain[k + 1]!, chip: strings[chain[k + 2]!]! });
      return out;
    }
    const c = this.rows![i]!.chain ?? [];
    for (let k = 0; k < c.length; k += 3)
      out.push({ domain: c[k]!, hwirq: c[k + 1]!, chip: this.chips[c[k + 2]!] ?? '' });
    return out;
  }
  row(i: number): StoredIrqRow {
    return {
      irq: this.irq(i),
      chip: this.chip(i),
      hwirq: this.hwirq(i),
      vector: this.vector(i),
      cpu: this.cpu(i),
      actions: this.actions(i),
      managed: this.managed(i),
      owner: this.owner(i),
      chain: this.chain(i),
      affinity: this.affinity(i),
      effective: this.effective(i),
    };
  }
  /** The position of irq `n`, or -1 (irqs are stored in ascending order). */
  indexOf(n: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.irq(mid);
      if (v === n) return mid;
      if (v < n) lo = mid + 1;
      else hi = mid - 1;
    }
    // Rows of older runs were not promised in order: look through them.
    if (this.rows) return this.rows.findIndex((r) => r.irq === n);
    return -1;
  }
}

/** Columns whose entries are indexes into `strings`. */
const STRING_COLUMNS = ['chip', 'owner', 'affinity', 'effective', 'actions'] as const;

/** What is wrong with a stored irq table, or null. */
export function irqTableProblem(t: unknown): string | null {
  if (typeof t !== 'object' || t === null) return 'not an object';
  const o = t as Record<string, unknown>;
  const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!Array.isArray(o.strings) || !o.strings.every((s) => typeof s === 'string'))
    return 'strings: not a list of strings';
  const n = Array.isArray(o.irq) ? o.irq.length : -1;
  for (const c of [...IRQ_COLUMNS, 'actions', 'chain'] as const) {
    const col = o[c];
    const size = c === 'actionStart' || c === 'chainStart' ? n + 1 : n;
    if (!Array.isArray(col) || (c !== 'actions' && c !== 'chain' && col.length !== size))
      return `${c}: not a column of ${size} entries`;
    for (let i = 0; i < col.length; i++) if (!isInt(col[i])) return `${c}[${i}]: not an integer`;
  }
  const strings = (o.strings as string[]).length;
  for (const c of STRING_COLUMNS) {
    const col = o[c] as number[];
    for (let i = 0; i < col.length; i++)
      if (col[i]! < 0 || col[i]! >= strings) return `${c}[${i}]: no string ${col[i]}`;
  }
  const chain = o.chain as number[];
  if (chain.length % 3 !== 0) return 'chain: not (domain, hwirq, chip) triples';
  for (let k = 2; k < chain.length; k += 3)
    if (chain[k]! < 0 || chain[k]! >= strings) return `chain[${k}]: no string ${chain[k]}`;
  // Each irq's slice of actions and chain: in order, within the column.
  for (const [start, of, per] of [
    ['actionStart', 'actions', 1],
    ['chainStart', 'chain', 3],
  ] as const) {
    const starts = o[start] as number[];
    const end = (o[of] as number[]).length / per;
    for (let i = 0; i <= n; i++)
      if (starts[i]! < (i === 0 ? 0 : starts[i - 1]!) || starts[i]! > end)
        return `${start}[${i}]: out of order or past ${of}`;
  }
  return null;
}
