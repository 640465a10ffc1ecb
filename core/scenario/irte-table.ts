// A run's IRTEs as the app stores them for its analysis views (runs.outputs_json tables.irtes):
// each remapping unit's present entries, IRTE_FIELDS of each. Since irqlab-app-run/4 each field is
// a column (stored-column.ts): a 1536-CPU machine's 100,000 IRTEs are 2 MB of base64, written in
// ~2 ms, where the 800,000 numbers as decimal text (`rows`, runs stored before) took ~16 ms to
// stringify on the boot's thread, and as long again to build. Read back, both are flat rows.
import { readColumnsAsRows, storedColumn, type StoredColumn } from './stored-column';

/** The numbers of an IRTE, in the order of a row. */
export const IRTE_FIELDS = [
  'index',
  'irq',
  'present',
  'vector',
  'dest',
  'sid',
  'sq',
  'svt',
] as const;
export type IrteField = (typeof IRTE_FIELDS)[number];

/** One unit's IRTEs as read: rows of IRTE_FIELDS.length numbers, one after another. */
export interface IrteTable {
  unit: string;
  /** Its fault interrupt's irq. */
  irq: number;
  rows: ArrayLike<number>;
}

/** The IRTE whose row starts at `at` in `rows` (IrteTable.rows), field by field. */
export function irteAt(rows: ArrayLike<number>, at: number) {
  return {
    index: rows[at]!,
    irq: rows[at + 1]!,
    present: rows[at + 2] === 1,
    vector: rows[at + 3]!,
    dest: rows[at + 4]!,
    sid: rows[at + 5]!,
    sq: rows[at + 6]!,
    svt: rows[at + 7]!,
  };
}

/** One unit's IRTEs as stored: a column per field (irqlab-app-run/4), or flat rows (before). */
export type StoredIrteTable = { unit: string; irq: number } & (
  { columns: Record<IrteField, StoredColumn> } | { rows: number[] }
);

/** A unit's IRTEs as stored, from one column of values per field (each as long). */
export function storedIrteTable(
  unit: string,
  irq: number,
  columns: Record<IrteField, Int32Array | Float64Array>,
): StoredIrteTable {
  const stored = {} as Record<IrteField, StoredColumn>;
  for (const field of IRTE_FIELDS) stored[field] = storedColumn(columns[field]);
  return { unit, irq, columns: stored };
}

/**
 * A stored unit's IRTEs as rows. What is not a unit (its name, its irq, a column of each field,
 * all as long; or, stored before, a list of numbers) is refused, named from `where`.
 */
export function readIrteTable(json: unknown, where: string): IrteTable {
  if (typeof json !== 'object' || json === null) throw new Error(`${where}: not an object`);
  const o = json as Record<string, unknown>;
  if (typeof o.unit !== 'string') throw new Error(`${where}.unit: not a string`);
  if (typeof o.irq !== 'number') throw new Error(`${where}.irq: not a number`);
  if (!('columns' in o)) {
    if (!Array.isArray(o.rows) || !o.rows.every((v) => typeof v === 'number'))
      throw new Error(`${where}.rows: not a list of numbers`);
    return { unit: o.unit, irq: o.irq, rows: o.rows as number[] };
  }
  const stored = o.columns;
  if (typeof stored !== 'object' || stored === null)
    throw new Error(`${where}.columns: not an object`);
  const rows = readColumnsAsRows(
    stored as Record<string, unknown>,
    IRTE_FIELDS,
    `${where}.columns.`,
  );
  return { unit: o.unit, irq: o.irq, rows };
}

/** A run's stored IRTE tables (tables.irtes: a list of units) as rows, refused as readIrteTable. */
export function readIrteTables(json: unknown): IrteTable[] {
  if (!Array.isArray(json)) throw new Error('tables.irtes: not a list');
  return json.map((u, i) => readIrteTable(u, `tables.irtes[${i}]`));
}
