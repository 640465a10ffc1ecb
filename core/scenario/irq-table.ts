// A run's irqs as columns: what the app stores for a run (runs.outputs_json `irqTable`) and reads
// back page by page. A 1536-CPU machine has a hundred thousand irqs: as one object each they cost
// more to build, serialize and parse than the boot itself; as a dozen arrays of numbers (strings
// interned once) they are written in one pass over the kernel's descriptors and read without
// building any row that is not shown.
import type { IrqChip, IrqData, IrqDomain } from '../kernel/irq/irqdesc';
import type { Kernel } from '../kernel/kernel';
import { StringTable } from '../trace/strings';
import { eachIrq } from './result';
import {
  narrowColumn,
  readColumnsAsRows,
  readStoredColumn,
  toBase64,
  type StoredColumn,
  type StoredType,
} from './stored-column';

/** The per-irq columns, one entry per irq (irqs in ascending order). */
export const IRQ_COLUMNS = [
  'irq',
  // the irq's chip at its outermost level (strings)
  'chip',
  'hwirq',
  // vector and CPU at the VECTOR level (0 = none, 239 = parked on the shutdown vector)
  'vector',
  'cpu',
  'managed',
  // the device (BDF) or platform owner, '' for the legacy ISA irqs (strings)
  'owner',
  // smp_affinity_list and effective_affinity_list (strings)
  'affinity',
  'effective',
  // where each irq's actions and chain start in `actionNames` and `chain` (one more entry: the end)
  'actionStart',
  'chainStart',
] as const;

/**
 * Every column, with the element type irqlab-app-run/2 stored it as (`chain`: interleaved
 * triples). irqlab-app-run/3 stores each in the narrowest type that holds it (stored-column.ts),
 * and the chain as three columns (CHAIN_COLUMNS): a 1536-CPU run's table in 8.6 MB of text, not
 * 19.7.
 */
const COLUMN_TYPES = {
  irq: 'i32',
  chip: 'i32',
  // hwirqs of the global PCI-MSI domain pass 2^31 (the PCI domain number in bits 27 and up)
  hwirq: 'f64',
  vector: 'i32',
  cpu: 'i32',
  managed: 'i32',
  owner: 'i32',
  affinity: 'i32',
  effective: 'i32',
  actionStart: 'i32',
  chainStart: 'i32',
  chain: 'f64',
} as const satisfies Record<ColumnName, StoredType>;

type ColumnName = (typeof IRQ_COLUMNS)[number] | 'chain';

/** The chain's triples as three columns (irqlab-app-run/3): domain, hwirq, chip of each level. */
const CHAIN_COLUMNS = ['chainDomain', 'chainHwirq', 'chainChip'] as const;

/**
 * A run's irq table, numbers referring to `strings` where a column is of names. Irq i's
 * request_irq names are actionNames[actionStart[i] .. actionStart[i+1]) (as they are: nearly every
 * one is an irq's own, mlx5_comp7@pci:0000:04:00.0, so interning them would only cost); its levels from
 * its leaf domain to VECTOR are chain[chainStart[i]*3 .. chainStart[i+1]*3) as (domain, hwirq,
 * chip) triples, domain an index into the run's tables.domains, chip into `strings`.
 *
 * Stored (irqTableParts) each column is `{"<type>": base64}`, the typed array's bytes
 * little-endian: two million numbers written as decimal text took longer than the boot's last
 * tenth; as bytes they cost a copy. Since irqlab-app-run/3 the type is the narrowest that holds
 * the column (u8, u16, i32, f64) and the chain is three columns (CHAIN_COLUMNS); before, every
 * column had its COLUMN_TYPES type and the chain was one. readIrqTable reads both (plain arrays
 * too).
 */
export type IrqTable<Column extends ArrayLike<number> = ArrayLike<number>> = {
  strings: string[];
  actionNames: string[];
} & Record<ColumnName, Column>;

/** The table as stored in runs.outputs_json (see IrqTable): chain, or its three columns. */
export type IrqTableJson = { strings: string[]; actionNames: string[] } & Record<
  (typeof IRQ_COLUMNS)[number],
  StoredColumn
> &
  Partial<Record<'chain' | (typeof CHAIN_COLUMNS)[number], StoredColumn>>;

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

/**
 * A table as built: typed arrays (written out by irqTableText), the chain as its three stored
 * columns (CHAIN_COLUMNS) rather than interleaved: written out as they are.
 */
export type BuiltIrqTable = IrqTableNames & IrqTableColumns;
/** Its names: what is JSON text when stored. */
export type IrqTableNames = Pick<IrqTable, 'strings' | 'actionNames'>;
/** Its columns: what is bytes when stored (base64). */
export type IrqTableColumns = Record<
  (typeof IRQ_COLUMNS)[number] | (typeof CHAIN_COLUMNS)[number],
  Int32Array | Float64Array
>;

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
  const strings = new StringTable();
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
  // Chips, CPU lists and owners are shared between irqs (one object for many): each is looked up
  // by the object, its string interned once (in the order first met, so the ids are the same).
  const chips = new Map<IrqChip | null, number>();
  const chipOf = (chip: IrqChip | null) => {
    let id = chips.get(chip);
    if (id === undefined) chips.set(chip, (id = strings.intern(chip?.name ?? '')));
    return id;
  };
  const lists = new Map<object, number>();
  const cpuNames: number[] = [];
  let lastOwner: string | null = null;
  let lastOwnerId = 0;
  // Every column sized for the descriptors there are (at most one irq each), the chain for
  // three levels an irq (grown if deeper): filled by index, cut to length at the end.
  const n = k.descs.length;
  const irq = new Int32Array(n);
  const chip = new Int32Array(n);
  const hwirq = new Float64Array(n);
  const vector = new Int32Array(n);
  const cpu = new Int32Array(n);
  const managed = new Int32Array(n);
  const owner = new Int32Array(n);
  const affinity = new Int32Array(n);
  const effective = new Int32Array(n);
  const actionStart = new Int32Array(n + 1);
  const chainStart = new Int32Array(n + 1);
  let chainDomain = new Int32Array(3 * n + 3);
  let chainHwirq = new Float64Array(3 * n + 3);
  let chainChip = new Int32Array(3 * n + 3);
  let levels = 0;
  const actionNames: string[] = [];
  let i = 0;
  eachIrq(k, (desc, f) => {
    const data = desc.data!;
    irq[i] = f.irq;
    chip[i] = chipOf(data.chip);
    hwirq[i] = data.hwirq;
    vector[i] = f.vector;
    cpu[i] = f.cpu;
    managed[i] = f.managed ? 1 : 0;
    if (f.owner !== lastOwner) lastOwnerId = strings.intern((lastOwner = f.owner));
    owner[i] = lastOwnerId;
    actionStart[i] = actionNames.length;
    const actions = desc.actions;
    for (let a = 0; a < actions.length; a++) actionNames.push(actions[a]!);
    let l = lists.get(f.affinity);
    if (l === undefined) lists.set(f.affinity, (l = strings.intern(f.affinity.toList())));
    affinity[i] = l;
    const e = f.effective;
    effective[i] = e < 0 ? strings.intern('') : (cpuNames[e] ??= strings.intern(String(e)));
    chainStart[i] = levels;
    for (let level: IrqData | null = data; level; level = level.parent) {
      if (levels === chainDomain.length) {
        chainDomain = grown(chainDomain, new Int32Array(levels * 2));
        chainHwirq = grown(chainHwirq, new Float64Array(levels * 2));
        chainChip = grown(chainChip, new Int32Array(levels * 2));
      }
      chainDomain[levels] = domainOf(level.domain, level.chip?.name ?? '');
      chainHwirq[levels] = level.hwirq;
      chainChip[levels] = chipOf(level.chip);
      levels++;
    }
    i++;
  });
  actionStart[i] = actionNames.length;
  chainStart[i] = levels;
  return {
    strings: [...strings.since(0)],
    actionNames,
    irq: irq.subarray(0, i),
    chip: chip.subarray(0, i),
    hwirq: hwirq.subarray(0, i),
    vector: vector.subarray(0, i),
    cpu: cpu.subarray(0, i),
    managed: managed.subarray(0, i),
    owner: owner.subarray(0, i),
    affinity: affinity.subarray(0, i),
    effective: effective.subarray(0, i),
    actionStart: actionStart.subarray(0, i + 1),
    chainStart: chainStart.subarray(0, i + 1),
    chainDomain: chainDomain.subarray(0, levels),
    chainHwirq: chainHwirq.subarray(0, levels),
    chainChip: chainChip.subarray(0, levels),
  };
}

function grown<T extends Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/**
 * The stored text of a table in order: JSON text (strings), and each column's bytes (Uint8Array
 * views of the columns), written in base64 where they stand. irqTableText joins them here; the
 * app's run stores write them into UTF-8 bytes (job-work.ts StoredOutputs; the store thread is
 * handed the columns, their buffers moved, not copied).
 */
export type TextPart = string | Uint8Array;

/**
 * A built table as TextParts (see TextPart), as irqlab-app-run/3 stores it (IrqTable): its names'
 * text (irqTableNamesText), then each column in the narrowest type that holds it.
 */
export function irqTableParts(columns: IrqTableColumns, names: string): TextPart[] {
  const parts: TextPart[] = [names];
  for (const name of [...IRQ_COLUMNS, ...CHAIN_COLUMNS]) {
    const { type, bytes } = narrowColumn(columns[name]);
    parts.push(`,"${name}":{"${type}":"`, bytes, '"}');
  }
  parts.push('}');
  return parts;
}

/**
 * The table's opening and its names, as JSON text (the first of irqTableParts). Made where the
 * table is built: the app's store thread is handed this one string rather than 100,000 names to
 * clone (on a 1536-CPU machine ~20 ms of its way to the run's results).
 */
export function irqTableNamesText(t: IrqTableNames): string {
  return `{"strings":${JSON.stringify(t.strings)},"actionNames":${JSON.stringify(t.actionNames)}`;
}

/** A part's text: bytes in base64. */
function textOfPart(part: TextPart): string {
  return typeof part === 'string' ? part : toBase64(part);
}

/** Parts joined into their text. */
function joinTextParts(parts: readonly TextPart[]): string {
  return parts.map(textOfPart).join('');
}

/** The JSON text of a built table: each column its bytes in base64 (see IrqTable). */
export function irqTableText(t: BuiltIrqTable): string {
  return joinTextParts(irqTableParts(t, irqTableNamesText(t)));
}

/**
 * A stored irq table's columns as typed arrays; a column that is not base64 of its type (or a
 * plain list of numbers) is refused by name. irqTableProblem then checks that they hold together.
 */
export function readIrqTable(json: unknown): IrqTable {
  if (typeof json !== 'object' || json === null) throw new Error('not an object');
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o.strings) || !o.strings.every((s) => typeof s === 'string'))
    throw new Error('strings: not a list of strings');
  if (!Array.isArray(o.actionNames) || !o.actionNames.every((s) => typeof s === 'string'))
    throw new Error('actionNames: not a list of strings');
  const out: Record<string, unknown> = { strings: o.strings, actionNames: o.actionNames };
  // irqlab-app-run/2: every column of its one type, the chain interleaved.
  if ('chain' in o) {
    for (const [name, type] of Object.entries(COLUMN_TYPES))
      out[name] = readStoredColumn(name, o[name], [type]);
    return out as IrqTable;
  }
  for (const name of IRQ_COLUMNS) out[name] = readStoredColumn(name, o[name]);
  out.chain = readColumnsAsRows(o, CHAIN_COLUMNS);
  return out as IrqTable;
}

/** A row of an irqlab-app-run/1 run, which kept one object per irq (its chain: flat triples). */
export type V1IrqRow = Omit<StoredIrqRow, 'chain' | 'affinity' | 'effective'> & {
  chain?: number[];
  affinity?: string;
  effective?: string;
};

/**
 * A stored run's irqs, read by position without building rows: from the columns
 * (irqlab-app-run/2) or from the rows older runs kept (irqlab-app-run/1, their chains' chips
 * indexes into tables.chips).
 */
export class StoredIrqs {
  private constructor(
    readonly length: number,
    private readonly table: IrqTable | null,
    private readonly rows: V1IrqRow[] | null,
    private readonly chips: string[],
  ) {}

  /**
   * The columns of a stored run, checked first: a session is a stranger's file, so columns of
   * unequal length, indexes out of range or a chain out of order are refused by name.
   */
  static fromTable(json: unknown): StoredIrqs {
    let table: IrqTable;
    try {
      table = readIrqTable(json);
    } catch (err) {
      throw new Error(`its irq table is not valid: ${(err as Error).message}`);
    }
    const problem = irqTableProblem(table);
    if (problem) throw new Error(`its irq table is not valid: ${problem}`);
    return new StoredIrqs(table.irq.length, table, null, table.strings);
  }

  static fromRows(rows: V1IrqRow[], chips: string[] = []): StoredIrqs {
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
    const { actionStart, actionNames } = this.table;
    const out: string[] = [];
    for (let k = actionStart[i]!; k < actionStart[i + 1]!; k++) out.push(actionNames[k]!);
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
const STRING_COLUMNS = ['chip', 'owner', 'affinity', 'effective'] as const;

/** What is wrong with a stored irq table, or null. */
export function irqTableProblem(t: IrqTable): string | null {
  const o = t as unknown as Record<string, ArrayLike<unknown>>;
  const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  const n = t.irq.length;
  for (const c of [...IRQ_COLUMNS, 'chain'] as const) {
    const col = o[c]!;
    const size = c === 'actionStart' || c === 'chainStart' ? n + 1 : n;
    if (c !== 'chain' && col.length !== size) return `${c}: not a column of ${size} entries`;
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
    ['actionStart', 'actionNames', 1],
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
