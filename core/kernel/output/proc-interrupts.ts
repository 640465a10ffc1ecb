// /proc/interrupts as kernel/irq/proc.c show_interrupts() and arch/x86/kernel/irq.c
// arch_show_interrupts() print it. Counts are what the caller gives (a simulated boot delivers
// no interrupts, so zeros unless a count model says otherwise).

export interface ProcIrqLine {
  irq: number;
  counts: readonly number[];
  chip: string;
  /** null when the irq has no domain (printed as blanks). */
  hwirq: number | null;
  handler: string;
  actions: readonly string[];
}

/** The x86 per-CPU counters after the irq lines (6.1 order, with their descriptions). */
export const ARCH_LINES: readonly [string, string, boolean][] = [
  ['NMI', 'Non-maskable interrupts', true],
  ['LOC', 'Local timer interrupts', true],
  ['SPU', 'Spurious interrupts', true],
  ['PMI', 'Performance monitoring interrupts', true],
  ['IWI', 'IRQ work interrupts', true],
  ['RTR', 'APIC ICR read retries', true],
  ['RES', 'Rescheduling interrupts', true],
  ['CAL', 'Function call interrupts', true],
  ['TLB', 'TLB shootdowns', true],
  ['TRM', 'Thermal event interrupts', true],
  ['THR', 'Threshold APIC interrupts', true],
  ['DFR', 'Deferred Error APIC interrupts', true],
  ['MCE', 'Machine check exceptions', true],
  ['MCP', 'Machine check polls', true],
  ['ERR', '', false],
  ['MIS', '', false],
  ['PIN', 'Posted-interrupt notification event', true],
  ['NPI', 'Nested posted-interrupt event', true],
  ['PIW', 'Posted-interrupt wakeup event', true],
];

/** Width of the irq column: 3 digits, one more per power of ten of nr_irqs. */
export function irqColumnWidth(nrIrqs: number): number {
  let prec = 3;
  for (let j = 1000; prec < 10 && j <= nrIrqs; j *= 10) prec++;
  return prec;
}

/**
 * Writes /proc/interrupts line by line. On a 1536-CPU machine with 100,000 irqs the file is
 * gigabytes (as the real one is), so it is streamed rather than built as one string.
 */
export function writeProcInterrupts(
  cpus: readonly number[],
  lines: Iterable<ProcIrqLine>,
  nrIrqs: number,
  /** Returns false to stop early (e.g. enough for a preview). */
  write: (text: string) => boolean | void,
): void {
  const prec = irqColumnWidth(nrIrqs);
  write(' '.repeat(prec + 8) + cpus.map((c) => `CPU${String(c).padEnd(8)}`).join('') + '\n');
  // Rows that never fired share one counts array: their columns (1536 of them on a big machine)
  // are formatted once.
  let lastCounts: readonly number[] | null = null;
  let lastColumns = '';
  for (const l of lines) {
    let s = `${String(l.irq).padStart(prec)}: `;
    if (l.counts !== lastCounts) {
      lastCounts = l.counts;
      lastColumns = '';
      for (const c of l.counts) lastColumns += `${String(c).padStart(10)} `;
    }
    s += lastColumns;
    s += ` ${l.chip.padStart(8)}`;
    s += l.hwirq === null ? ` ${''.padStart(prec)}` : ` ${String(l.hwirq).padStart(prec)}`;
    // The flow handler's name only if it has one (handle_untracked_irq, VMD's children, has none).
    if (l.handler) s += `-${l.handler.padEnd(8)}`;
    if (l.actions.length) s += `  ${l.actions.join(', ')}`;
    if (write(s + '\n') === false) return;
  }
  const zeros = cpus.map(() => `${'0'.padStart(10)} `).join('');
  for (const [name, desc, perCpu] of ARCH_LINES) {
    if (
      write(
        `${name.padStart(prec)}: ` + (perCpu ? `${zeros}  ${desc}` : '0'.padStart(10)) + '\n',
      ) === false
    )
      return;
  }
}

export function formatProcInterrupts(
  cpus: readonly number[],
  lines: Iterable<ProcIrqLine>,
  nrIrqs: number,
): string {
  const parts: string[] = [];
  writeProcInterrupts(cpus, lines, nrIrqs, (t) => {
    parts.push(t);
  });
  return parts.join('');
}
