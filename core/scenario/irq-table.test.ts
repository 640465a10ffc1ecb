// The app's stored irq table (irq-table.ts): what it keeps of each irq reads back the same as the
// run's own rows, its columns survive the trip through base64 with or without Node's Buffer, and
// a table that does not hold together is refused by what is wrong.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { domainTable } from '../kernel/output/tables';
import type { Kernel } from '../kernel/kernel';
import { simulate } from './simulate';
import {
  buildIrqTable,
  irqTableText,
  plainFromBase64,
  plainToBase64,
  StoredIrqs,
} from './irq-table';

function boot(preset: string) {
  let kernel: Kernel | null = null;
  const result = simulate(PRESETS[preset]!.make(), { onKernel: (k) => (kernel = k) });
  const domains = domainTable(kernel!);
  const table = buildIrqTable(kernel!, domains, () => {
    throw new Error('every level is in the domain table');
  });
  return { result, domains, json: JSON.parse(irqTableText(table)) as unknown };
}

describe('the stored irq table', () => {
  it("reads back every irq's fields as the run's rows have them", () => {
    const { result, domains, json } = boot('dmar-server');
    const irqs = StoredIrqs.fromTable(json);
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
    const broken = (change: (t: Record<string, unknown>) => void) => {
      const t = structuredClone(json) as Record<string, unknown>;
      change(t);
      return () => StoredIrqs.fromTable(t);
    };
    expect(broken((t) => (t.vector = { i32: 'not base64!' }))).toThrow(
      /vector: not a column of int32 in base64/,
    );
    expect(broken((t) => (t.chain = { i32: 'AAAA' }))).toThrow(/chain: not a column of float64/);
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
  });
});

/** The table's columns as plain numbers (the decoder accepts plain lists too). */
function plainColumns(t: Record<string, unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k === 'strings') continue;
    const { i32, f64 } = v as { i32?: string; f64?: string };
    const bytes = Buffer.from(i32 ?? f64 ?? '', 'base64');
    const copy = new Uint8Array(bytes);
    out[k] = [...(i32 !== undefined ? new Int32Array(copy.buffer) : new Float64Array(copy.buffer))];
  }
  return out;
}
