import { describe, expect, it } from 'vitest';
import { StoredOutputs } from './job-work';
import {
  irqTableNamesText,
  irqTableParts,
  irqTableText,
  type BuiltIrqTable,
} from '../../core/scenario/irq-table';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Two irqs: strings (one not ASCII), columns of several widths, a chain of one level each. */
const table = (): BuiltIrqTable => ({
  strings: ['PCI-MSIX-0000:3b:00.0', '0-1', 'ñ'],
  actionNames: ['nvme0q0', 'ñ'],
  irq: Int32Array.of(24, 25),
  chip: Int32Array.of(0, 0),
  hwirq: Float64Array.of(0, 70000),
  vector: Int32Array.of(33, 34),
  cpu: Int32Array.of(0, 1),
  managed: Int32Array.of(1, 0),
  owner: Int32Array.of(2, 2),
  affinity: Int32Array.of(1, 1),
  effective: Int32Array.of(1, 1),
  actionStart: Int32Array.of(0, 1, 2),
  chainStart: Int32Array.of(0, 1, 2),
  chainDomain: Int32Array.of(0, 0),
  chainHwirq: Float64Array.of(0, 1),
  chainChip: Int32Array.of(33, 34),
});

describe('a run stored with its irq table (StoredOutputs)', () => {
  it('is the outputs with the table as their first key, its text as irqTableText makes it', () => {
    const joined = text(
      new StoredOutputs(irqTableParts(table(), irqTableNamesText(table()))).join(
        utf8.encode('{"format":"x","n":[1,2]}'),
      ),
    );
    expect(joined).toBe(`{"irqTable":${irqTableText(table())},"format":"x","n":[1,2]}`);
    expect(Object.keys(JSON.parse(joined))).toEqual(['irqTable', 'format', 'n']);
  });

  it('keeps empty outputs valid JSON', () => {
    const joined = text(
      new StoredOutputs(irqTableParts(table(), irqTableNamesText(table()))).join(utf8.encode('{}')),
    );
    expect(joined).toBe(`{"irqTable":${irqTableText(table())}}`);
  });

  it('joins outputs bigger than the room after the table by a copy: the same text', () => {
    // The room is at least 1 MiB: 3 MiB of outputs do not fit.
    const big = `{"dmesg":${JSON.stringify('x'.repeat(3 << 20))}}`;
    const joined = text(
      new StoredOutputs(irqTableParts(table(), irqTableNamesText(table()))).join(utf8.encode(big)),
    );
    expect(joined).toBe(`{"irqTable":${irqTableText(table())},${big.slice(1)}`);
  });

  it('leaves outputs without a table as they are', () => {
    const bytes = utf8.encode('{"format":"x"}');
    expect(new StoredOutputs(null).join(bytes)).toBe(bytes);
  });
});
