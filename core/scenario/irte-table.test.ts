// A run's IRTEs as the app stores them (irte-table.ts): a column per field since irqlab-app-run/4,
// one list of numbers per unit before. Both read back as the same rows; what is not a unit's
// IRTEs is refused by where it is wrong.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import type { Kernel } from '../kernel/kernel';
import { simulate } from './simulate';
import { IRTE_FIELDS, readIrteTable, storedIrteTable, type IrteField } from './irte-table';

/** The first remapping unit of a booted preset, its present IRTEs as one column per field. */
function bootedUnit(preset: string) {
  let kernel: Kernel | null = null;
  simulate(PRESETS[preset]!.make(), { onKernel: (k) => (kernel = k) });
  const unit = kernel!.iommus.find((u) => u.tableEntries > 0)!;
  const present: number[] = [];
  for (let i = 0; i < unit.tableEntries; i++) if (unit.present[i]) present.push(i);
  const column = (of: (i: number) => number) => Float64Array.from(present, of);
  const columns: Record<IrteField, Float64Array> = {
    index: column((i) => i),
    irq: column((i) => unit.owner[i]!),
    present: column(() => 1),
    vector: column((i) => unit.vector[i]!),
    dest: column((i) => unit.destId[i]!),
    sid: column((i) => unit.sid[i]!),
    sq: column((i) => unit.sq[i]!),
    svt: column((i) => unit.svt[i]!),
  };
  return { unit, columns, count: present.length };
}

/** Through JSON, as runs.outputs_json holds it. */
const stored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('a unit of IRTEs stored as columns', () => {
  it('reads back as the rows it was made from, field by field', () => {
    const { unit, columns, count } = bootedUnit('dmar-server');
    expect(count).toBeGreaterThan(20);
    const read = readIrteTable(stored(storedIrteTable(unit.name, unit.faultIrq, columns)), 'u');
    expect(read.unit).toBe(unit.name);
    expect(read.irq).toBe(unit.faultIrq);
    expect(read.rows.length).toBe(count * IRTE_FIELDS.length);
    for (let r = 0; r < count; r++)
      IRTE_FIELDS.forEach((field, f) =>
        expect(read.rows[r * IRTE_FIELDS.length + f]).toBe(columns[field][r]),
      );
  });

  it('keeps each field in the narrowest type that holds it, 32-bit destinations too', () => {
    const { unit, columns } = bootedUnit('dmar-server');
    columns.dest[0] = 0xffff_fffe; // an x2APIC id past int32
    const json = stored(storedIrteTable(unit.name, unit.faultIrq, columns)) as {
      columns: Record<IrteField, Record<string, string>>;
    };
    expect(Object.keys(json.columns.vector)).toEqual(['u8']);
    expect(Object.keys(json.columns.present)).toEqual(['u8']);
    expect(Object.keys(json.columns.dest)).toEqual(['f64']);
    expect(readIrteTable(json, 'u').rows[IRTE_FIELDS.indexOf('dest')]).toBe(0xffff_fffe);
  });

  it('reads a unit stored before as flat rows, unchanged', () => {
    const rows = [5, 40, 1, 33, 2, 0x100, 0, 1, 6, 41, 1, 34, 3, 0x101, 0, 1];
    const read = readIrteTable({ unit: 'dmar0', irq: 24, rows }, 'u');
    expect(Array.from(read.rows)).toEqual(rows);
  });

  it('refuses what is not a unit of IRTEs, naming where', () => {
    const { unit, columns } = bootedUnit('dmar-server');
    const good = stored(storedIrteTable(unit.name, unit.faultIrq, columns)) as {
      columns: Record<string, unknown>;
    };
    const broken = (change: (u: Record<string, unknown>) => void) => {
      const u = structuredClone(good) as unknown as Record<string, unknown>;
      change(u);
      return () => readIrteTable(u, 'tables.irtes[2]');
    };
    expect(broken((u) => delete u.unit)).toThrow('tables.irtes[2].unit: not a string');
    expect(broken((u) => (u.irq = '24'))).toThrow('tables.irtes[2].irq: not a number');
    expect(broken((u) => (u.columns = 'none'))).toThrow('tables.irtes[2].columns: not an object');
    expect(broken((u) => delete (u.columns as Record<string, unknown>).sq)).toThrow(
      /tables\.irtes\[2\]\.columns\.sq: not a column of .* in base64/,
    );
    expect(broken((u) => ((u.columns as Record<string, unknown>).sid = { u16: 'AAA' }))).toThrow(
      /columns\.sid: not a column of/,
    );
    expect(broken((u) => ((u.columns as Record<string, unknown>).vector = { u8: 'AAAA' }))).toThrow(
      /columns\.vector: not a column of \d+ entries \(as index\)/,
    );
    expect(() => readIrteTable({ unit: 'dmar0', irq: 1, rows: [1, 'x'] }, 'u')).toThrow(
      'u.rows: not a list of numbers',
    );
    expect(() => readIrteTable(null, 'u')).toThrow('u: not an object');
  });
});
