// The per-irq sysfs table (irqlab collect's sysfs-irqs.tsv, the oracle's irqs.tsv): read by its
// header's column names, each row's chip, hwirq, trigger, actions and CPUs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared';
import { ImportError } from './errors';
import { parseArtefact } from './index';
import { parseCpuList, parseSysfsIrqs } from './sysfs-irqs';

const tsv = readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'irqs.tsv'), 'utf8');

describe('sysfs irq table', () => {
  it('is recognised by its header and read a row an irq', () => {
    const p = parseArtefact('irqs.tsv', tsv);
    expect(p.kind).toBe('sysfs-irqs');
    const t = parseSysfsIrqs(tsv, 'irqs.tsv');
    expect(t.rows.length).toBe(tsv.trim().split('\n').length - 1);
    const timer = t.rows.find((r) => r.irq === 0)!;
    // "0	IR-IO-APIC	2	edge	edge	timer	disabled	0	0-3	0	0	110,0,0,0"
    expect(timer).toMatchObject({
      chip: 'IR-IO-APIC',
      hwirq: 2,
      type: 'edge',
      handlerName: 'edge',
      actions: ['timer'],
      effective: [0],
      affinity: [0, 1, 2, 3],
      node: 0,
    });
    expect(timer.perCpuCount).toHaveLength(4);
    expect(t.rows.find((r) => r.irq === 2)).toMatchObject({ chip: 'XT-PIC', hwirq: null });
  });

  it('CPU lists as the kernel prints them', () => {
    expect(parseCpuList('0-2,5,7-8')).toEqual([0, 1, 2, 5, 7, 8]);
    expect(parseCpuList('')).toEqual([]);
    expect(() => parseCpuList('3-1')).toThrow(/out of order/);
  });

  it('a bad row is an ImportError naming the line', () => {
    const head = tsv.split('\n')[0]!;
    const bad = (row: string) => () => parseSysfsIrqs(`${head}\n${row}\n`, 't.tsv');
    const cols = head.split('\t').length;
    const row = (over: Record<number, string>) =>
      Array.from({ length: cols }, (_, i) => over[i] ?? (i === 0 ? '9' : '')).join('\t');
    expect(bad(row({ 0: 'x' }))).toThrow(ImportError);
    expect(bad(row({ 0: 'x' }))).toThrow(/^t\.tsv: line 2: irq "x" is not a number/);
    expect(bad(row({ 3: 'both' }))).toThrow(/line 2: type "both" is neither edge nor level/);
    expect(bad(row({ 7: '1-0' }))).toThrow(/line 2: effective_affinity_list: /);
    expect(bad('9\tIO-APIC')).toThrow(/line 2: 2 columns, the header has 12/);
    expect(() => parseSysfsIrqs('irq\tchip_name\n', 'h.tsv')).toThrow(
      /h\.tsv: line 1: not a sysfs irq table: the header lacks hwirq, type, name, actions/,
    );
  });
});
