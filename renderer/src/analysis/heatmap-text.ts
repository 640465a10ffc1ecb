// What the vector heatmap says about a cell and about the whole matrix, in words: who holds a
// vector (its owner and its action, not a bare irq number) and which CPU is the busiest.
import { plural } from '../../../core/model/format';

export interface IrqOwner {
  irq: number;
  chip: string;
  hwirq: number;
  owner: string;
  actions: string[];
  managed: boolean;
}

/** The hovered vector's irq: "irq 18974 — owner 0000:3b:00.0, action mlx5_comp3 · IR-PCI-MSIX hwirq 5". */
export function irqTip(irq: number, info: IrqOwner | undefined): string {
  if (!info) return `irq ${irq} — looking up its owner…`;
  const parts = [
    info.owner ? `owner ${info.owner}` : 'no owning device',
    info.actions.length
      ? `${info.actions.length === 1 ? 'action' : 'actions'} ${info.actions.join(', ')}`
      : 'no action (not requested by a driver)',
  ];
  return `irq ${irq} — ${parts.join(', ')} · ${info.chip} hwirq ${info.hwirq}${info.managed ? ' · managed' : ''}`;
}

/** The summary line: "1,536 CPUs · 18,974 irqs with a vector · busiest: CPU 7, 23 vectors". */
export function matrixSummary(
  cpus: readonly number[],
  counts: readonly number[],
  irqs: number,
): string {
  let busiest = 0;
  for (let r = 1; r < counts.length; r++) if (counts[r]! > counts[busiest]!) busiest = r;
  const head = `${plural(cpus.length, 'CPU')} · ${plural(irqs, 'irq')} with a vector`;
  if (!cpus.length) return head;
  return `${head} · busiest: CPU ${cpus[busiest]}, ${plural(counts[busiest] ?? 0, 'vector')}`;
}
