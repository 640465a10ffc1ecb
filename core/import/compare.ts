// "Real vs predicted": a /proc/interrupts read from the machine against the one the simulator
// predicts for the imported machine, difference by difference. Counts are not compared (they
// are what happened, not how interrupts are set up); the CPUs, the rows, and each row's chip,
// hwirq, flow handler and actions are.
import type { SimulationResult } from '../scenario';
import { parseProcInterrupts, type InterruptRow, type ProcInterrupts } from './interrupts';
import type { SysfsIrqs } from './sysfs-irqs';

export type Difference =
  | { kind: 'cpus'; real: number; predicted: number }
  | { kind: 'missing'; irq: number; real: string; line: number }
  | { kind: 'extra'; irq: number; predicted: string }
  | {
      kind: 'field';
      irq: number;
      field: 'chip' | 'hwirq' | 'handler' | 'actions';
      real: string;
      predicted: string;
      line: number;
    }
  | { kind: 'counter'; label: string; real: boolean; predicted: boolean };

export interface Comparison {
  differences: Difference[];
  matched: number;
  realRows: number;
  predictedRows: number;
}

const show = (r: InterruptRow) =>
  `${r.chip} ${r.hwirq ?? ''}${r.handler ? `-${r.handler}` : ''} ${r.actions.join(', ')}`
    .replace(/\s+/g, ' ')
    .trim();

export function compareInterrupts(real: ProcInterrupts, predicted: ProcInterrupts): Comparison {
  const differences: Difference[] = [];
  if (real.cpus.length !== predicted.cpus.length)
    differences.push({ kind: 'cpus', real: real.cpus.length, predicted: predicted.cpus.length });
  const pred = new Map(predicted.rows.map((r) => [r.irq, r]));
  let matched = 0;
  for (const r of real.rows) {
    const p = pred.get(r.irq);
    if (!p) {
      differences.push({ kind: 'missing', irq: r.irq, real: show(r), line: r.at.line ?? 0 });
      continue;
    }
    pred.delete(r.irq);
    let same = true;
    const field = (name: 'chip' | 'hwirq' | 'handler' | 'actions', a: string, b: string) => {
      if (a === b) return;
      same = false;
      differences.push({
        kind: 'field',
        irq: r.irq,
        field: name,
        real: a,
        predicted: b,
        line: r.at.line ?? 0,
      });
    };
    field('chip', r.chip, p.chip);
    // The legacy layout has no hwirq column: nothing to compare there.
    if (r.hwirq !== null && p.hwirq !== null) field('hwirq', String(r.hwirq), String(p.hwirq));
    field('handler', r.handler ?? '', p.handler ?? '');
    field('actions', r.actions.join(', '), p.actions.join(', '));
    if (same) matched++;
  }
  for (const p of pred.values())
    differences.push({ kind: 'extra', irq: p.irq, predicted: show(p) });
  const realLabels = new Set(real.counters.map((c) => c.label));
  const predLabels = new Set(predicted.counters.map((c) => c.label));
  for (const l of new Set([...realLabels, ...predLabels]))
    if (realLabels.has(l) !== predLabels.has(l))
      differences.push({
        kind: 'counter',
        label: l,
        real: realLabels.has(l),
        predicted: predLabels.has(l),
      });
  return { differences, matched, realRows: real.rows.length, predictedRows: predicted.rows.length };
}

/** Compares against a simulation run: its predicted /proc/interrupts, parsed the same way. */
export function compareWithSimulation(real: ProcInterrupts, sim: SimulationResult): Comparison {
  return compareInterrupts(real, parseProcInterrupts(sim.procInterrupts(), 'predicted'));
}

export function describeDifference(d: Difference): string {
  switch (d.kind) {
    case 'cpus':
      return `CPUs: real ${d.real}, predicted ${d.predicted}`;
    case 'missing':
      return `irq ${d.irq} (line ${d.line}): real "${d.real}", not predicted`;
    case 'extra':
      return `irq ${d.irq}: predicted "${d.predicted}", not in the real file`;
    case 'field':
      return `irq ${d.irq} (line ${d.line}): ${d.field} real "${d.real}", predicted "${d.predicted}"`;
    case 'counter':
      return `${d.label}: ${d.real ? 'in the real file only' : 'predicted only'}`;
  }
}

/**
 * Real vs predicted from the per-irq sysfs table (irqlab collect's sysfs-irqs.tsv): the strongest
 * evidence, as it says what /proc/interrupts does not: the CPU each vector is really on
 * (effective_affinity_list) and the trigger type. Rows are compared field by field; an irq the
 * table has without a chip (an unused ISA number) is not counted.
 */
export type SysfsDifference =
  | { kind: 'missing'; irq: number; real: string; line: number }
  | { kind: 'extra'; irq: number; predicted: string }
  | {
      kind: 'field';
      irq: number;
      field: 'chip' | 'hwirq' | 'type' | 'actions' | 'effective CPU' | 'affinity';
      real: string;
      predicted: string;
      line: number;
    };

export interface SysfsComparison {
  differences: SysfsDifference[];
  matched: number;
  realRows: number;
  predictedRows: number;
}

const listText = (cpus: number[]) => {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length;) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(',');
};

export function compareSysfsIrqs(real: SysfsIrqs, sim: SimulationResult): SysfsComparison {
  const differences: SysfsDifference[] = [];
  const pred = new Map(sim.irqs.map((i) => [i.irq, i]));
  let matched = 0;
  let realRows = 0;
  for (const r of real.rows) {
    // A number the kernel allocated without a chip (no chip_name, no hwirq) sets nothing up.
    if (!r.chip && r.hwirq === null && !pred.has(r.irq)) continue;
    realRows++;
    const p = pred.get(r.irq);
    const line = r.at.line ?? 0;
    if (!p) {
      differences.push({
        kind: 'missing',
        irq: r.irq,
        real: `${r.chip} ${r.hwirq ?? ''} ${r.actions.join(',')}`.trim(),
        line,
      });
      continue;
    }
    pred.delete(r.irq);
    let same = true;
    const field = (
      name: Extract<SysfsDifference, { kind: 'field' }>['field'],
      a: string,
      b: string,
    ) => {
      if (a === b) return;
      same = false;
      differences.push({ kind: 'field', irq: r.irq, field: name, real: a, predicted: b, line });
    };
    field('chip', r.chip, p.chip);
    if (r.hwirq !== null) field('hwirq', String(r.hwirq), String(p.hwirq));
    if (r.type) field('type', r.type, p.trigger);
    field('actions', r.actions.join(','), p.actions.join(','));
    // The effective CPU only means something once a vector is assigned (the kernel leaves the
    // list empty before), and only when the table has the column (kernels before 4.13 lack it).
    if (r.effective.length && p.effectiveAffinity !== '')
      field('effective CPU', listText(r.effective), p.effectiveAffinity);
    if (r.affinity.length) field('affinity', listText(r.affinity), p.affinity);
    if (same) matched++;
  }
  for (const p of pred.values())
    differences.push({
      kind: 'extra',
      irq: p.irq,
      predicted: `${p.chip} ${p.hwirq} ${p.actions.join(',')}`.trim(),
    });
  return { differences, matched, realRows, predictedRows: sim.irqs.length };
}

export function describeSysfsDifference(d: SysfsDifference): string {
  switch (d.kind) {
    case 'missing':
      return `irq ${d.irq} (line ${d.line}): real "${d.real}", not predicted`;
    case 'extra':
      return `irq ${d.irq}: predicted "${d.predicted}", not in the sysfs table`;
    case 'field':
      return `irq ${d.irq} (line ${d.line}): ${d.field} real "${d.real}", predicted "${d.predicted}"`;
  }
}
