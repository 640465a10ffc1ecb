// The app's stored irq table (irq-table.ts): what it keeps of each irq reads back the same as the
// run's own rows, its columns survive the trip through base64 with or without Node's Buffer, and
// a table that does not hold together is refused by what is wrong.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { domainTable } from '../kernel/output/tables';
import type { Kernel } from '../kernel/kernel';
import { simulate } from './simulate';
import { buildIrqTable, IRQ_COLUMNS, irqTableText, readIrqTable, StoredIrqs } from './irq-table';
import { plainFromBase64, plainToBase64 } from './stored-column';

function boot(preset: string) {
  let kernel: Kernel | null = null;
  const result = simulate(PRESETS[preset]!.make(), { onKernel: (k) => (kernel = k) });
  const domains = domainTable(kernel!);
  const table = buildIrqTable(kernel!, domains, () => {
    throw new Error('every level is in the domain table');
  });
  return { result, domains, table, json: JSON.parse(irqTableText(table)) as unknown };
}

/**
 * A table as irqlab-app-run/2 stored it (sessions saved before /3): every column int32 but hwirq
 * and the chain, float64, the chain's triples interleaved in one column.
 */
function asV2(json: unknown): Record<string, unknown> {
  const t = readIrqTable(json);
  const out: Record<string, unknown> = { strings: t.strings, actionNames: t.actionNames };
  for (const name of [...IRQ_COLUMNS, 'chain'] as const) {
    const wide = name === 'hwirq' || name === 'chain';
    const column = wide ? Float64Array.from(t[name]) : Int32Array.from(t[name]);
    out[name] = { [wide ? 'f64' : 'i32']: Buffer.from(column.buffer).toString('base64') };
  }
  return out;
}

describe('the stored irq table', () => {
  it("reads back every irq's fields as the run's rows have them", () => {
    const { result, domains, json } = boot('dmar-server');
    for (const stored of [json, asV2(json)]) {
      const irqs = StoredIrqs.fromTable(stored);
      expect(irqs.length).toBe(result.irqs.length);
      result.irqs.forEach((want, i) => {
        expect(irqs.row(i)).toEqual({
          irq: want.irq,
          chip: want.chip,
          hwirq: want.hwirq,
          vector: want.vector,
          cpu: want.cpu,
          actions: want.actions,
          managed: want.managed,
          owner: want.owner,
          affinity: want.affinity,
          effective: want.effectiveAffinity,
          chain: want.domains.map((l) => ({
            domain: domains.findIndex((d) => d.name === l.domain),
            hwirq: l.hwirq,
            chip: l.chip,
          })),
        });
        expect(irqs.indexOf(want.irq)).toBe(i);
      });
      expect(irqs.indexOf(1 << 30)).toBe(-1);
    }
  });

  it('stores each column in the narrowest type that holds it, hwirqs past 2^31 exactly', () => {
    const { table, json } = boot('dmar-server');
    const types = (t: unknown) =>
      Object.fromEntries(
        Object.entries(t as Record<string, object>)
          .filter(([k]) => k !== 'strings' && k !== 'actionNames')
          .map(([k, v]) => [k, Object.keys(v)[0]]),
      );
    expect(types(json)).toMatchObject({
      managed: 'u8',
      vector: 'u8',
      chainDomain: 'u8',
      cpu: 'u8',
    });
    expect(irqTableText(table).length).toBeLessThan(JSON.stringify(asV2(json)).length * 0.7);
    // The global PCI-MSI domain's hwirqs carry the PCI domain number in bits 27 and up.
    const big = 2 ** 40 + 3;
    table.hwirq[0] = big;
    table.chainHwirq[0] = big;
    table.cpu[0] = 70000;
    const wide = JSON.parse(irqTableText(table)) as unknown;
    expect(types(wide)).toMatchObject({ hwirq: 'f64', chainHwirq: 'f64', cpu: 'i32' });
    const irqs = StoredIrqs.fromTable(wide);
    expect([irqs.hwirq(0), irqs.chain(0)[0]!.hwirq, irqs.cpu(0)]).toEqual([big, big, 70000]);
    const before = StoredIrqs.fromTable(json);
    for (let i = 1; i < irqs.length; i++) expect(irqs.row(i)).toEqual(before.row(i));
  });

  it('encodes and decodes base64 without Buffer as Buffer does', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 1000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
      const text = Buffer.from(bytes).toString('base64');
      expect(plainToBase64(bytes)).toBe(text);
      expect([...plainFromBase64(text)]).toEqual([...bytes]);
    }
  });

  it('refuses a table that does not hold together, naming the column', () => {
    const { json } = boot('example');
    for (const stored of [json, asV2(json)]) {
      const broken = (change: (t: Record<string, unknown>) => void) => {
        const t = structuredClone(stored) as Record<string, unknown>;
        change(t);
        return () => StoredIrqs.fromTable(t);
      };
      expect(broken((t) => (t.vector = { i32: 'not base64!' }))).toThrow(
        stored === json
          ? /vector: not a column of uint8 or uint16 or int32 or float64 in base64/
          : /vector: not a column of int32 in base64/,
      );
      if (stored === json)
        expect(broken((t) => (t.chainChip = { u8: 'AAAA' }))).toThrow(
          /chainChip: not a column of \d+ entries \(as chainDomain\)/,
        );
      else
        expect(broken((t) => (t.chain = { i32: 'AAAA' }))).toThrow(
          /chain: not a column of float64/,
        );
      expect(broken((t) => (t.owner = [1, 2]))).toThrow(/owner: not a column of \d+ entries/);
      expect(
        broken((t) => {
          const starts = [...plainColumns(t).chainStart];
          [starts[1], starts[2]] = [starts[2]!, starts[1]!];
          t.chainStart = starts;
        }),
      ).toThrow(/chainStart\[\d+\]: out of order/);
      expect(broken((t) => (t.strings = []))).toThrow(/no string/);
      expect(broken((t) => (t.cpu = [...plainColumns(t).cpu].map(() => 0.5)))).toThrow(
        /cpu\[0\]: not an integer/,
      );
    }
  });
});

/** The table's columns as plain numbers (the decoder accepts plain lists too). */
function plainColumns(t: Record<string, unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k === 'strings' || k === 'actionNames') continue;
    const [type, base64] = Object.entries(v as Record<string, string>)[0]!;
    const copy = new Uint8Array(Buffer.from(base64, 'base64'));
    const Type = { u8: Uint8Array, u16: Uint16Array, i32: Int32Array, f64: Float64Array }[
      type as 'u8'
    ];
    out[k] = [...new Type(copy.buffer)];
  }
  return out;
}
