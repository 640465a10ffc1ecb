// /proc/interrupts, line by line (a 1152-CPU file has 13 MB lines of counters): per irq the
// per-CPU counts, chip, hwirq, flow handler (trigger) and actions, in the modern layout
// (`IR-PCI-MSI 524288-edge  nvme0q0`, per-device `IR-PCI-MSIX-0000:00:14.3 0-edge`) and the
// pre-4.x one with the handler folded into the chip (`IR-IO-APIC-edge`, `DMAR_MSI-edge`); then
// the x86 per-CPU counter rows (NMI, LOC, ..., ERR/MIS totals).
import { ImportError, type SourceLocation } from './errors';

export interface InterruptRow {
  /** The Linux irq number. */
  irq: number;
  at: SourceLocation;
  counts: number[];
  chip: string;
  /** null in the legacy layout, which has no hwirq column. */
  hwirq: number | null;
  /** Flow handler name ("edge", "fasteoi"), null when the row has none. */
  handler: string | null;
  /** The trigger the flow handler implies on x86: edge, or level (fasteoi, level); null if none. */
  trigger: 'edge' | 'level' | null;
  actions: string[];
}

export interface CounterRow {
  label: string;
  at: SourceLocation;
  counts: number[];
  description: string;
}

export interface ProcInterrupts {
  file: string;
  cpus: string[];
  rows: InterruptRow[];
  counters: CounterRow[];
  layout: 'modern' | 'legacy' | 'unknown';
}

const HANDLERS = 'edge|fasteoi|level|simple|untracked|percpu|bad|fasteoi_ack|edge_eoi|nmi';
const LEGACY_CHIP = new RegExp(`^(.+)-(${HANDLERS})$`);
const HWIRQ_HANDLER = /^(\d+)-(\S+)$/;
/** Per-device MSI domains (6.2+) may print a hwirq range ("0..5-edge"); the first is kept. */
const HWIRQ_RANGE = /^(\d+)\.\.\d+-(\S+)$/;

export class ProcInterruptsParser {
  private cpus: string[] | null = null;
  private lineNo = 0;
  private readonly rows: InterruptRow[] = [];
  private readonly counters: CounterRow[] = [];
  private modern = 0;
  private legacy = 0;

  constructor(readonly file: string) {}

  push(raw: string): void {
    this.lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const at: SourceLocation = { file: this.file, line: this.lineNo };
    if (!this.cpus) {
      const cpus = line.trim().split(/\s+/);
      if (!cpus.every((c) => /^CPU\d+$/.test(c)))
        throw new ImportError(
          at,
          `not a /proc/interrupts header: expected "CPU0 CPU1 ...", found ${JSON.stringify(line.trim().slice(0, 40))}`,
        );
      this.cpus = cpus;
      return;
    }
    const m = /^\s*([A-Za-z0-9_]+):(.*)$/.exec(line);
    if (!m)
      throw new ImportError(
        at,
        `not a /proc/interrupts row: ${JSON.stringify(line.trim().slice(0, 60))}`,
      );
    const label = m[1]!;
    const tokens = m[2]!
      .trim()
      .split(/\s+/)
      .filter((t) => t.length > 0);
    const counts: number[] = [];
    let i = 0;
    while (i < tokens.length && counts.length < this.cpus.length && /^\d+$/.test(tokens[i]!))
      counts.push(Number(tokens[i++]));
    const rest = tokens.slice(i);
    if (!/^\d+$/.test(label)) {
      this.counters.push({ label, at, counts, description: rest.join(' ') });
      return;
    }
    if (counts.length !== this.cpus.length)
      throw new ImportError(
        at,
        `irq ${label} has ${counts.length} counts for ${this.cpus.length} CPUs`,
      );
    let chip = rest[0] ?? '';
    let hwirq: number | null = null;
    let handler: string | null = null;
    let actionStart = 1;
    const second = rest[1];
    const h = second ? (HWIRQ_HANDLER.exec(second) ?? HWIRQ_RANGE.exec(second)) : null;
    if (h) {
      hwirq = Number(h[1]);
      handler = h[2]!;
      actionStart = 2;
      this.modern++;
    } else if (second && /^\d+$/.test(second)) {
      hwirq = Number(second);
      actionStart = 2;
      this.modern++;
    } else {
      const l = LEGACY_CHIP.exec(chip);
      if (l) {
        chip = l[1]!;
        handler = l[2]!;
        this.legacy++;
      }
    }
    const actionText = rest.slice(actionStart).join(' ');
    this.rows.push({
      irq: Number(label),
      at,
      counts,
      chip,
      hwirq,
      handler,
      trigger:
        handler === null
          ? null
          : /^(fasteoi|level)$/.test(handler)
            ? 'level'
            : /edge/.test(handler)
              ? 'edge'
              : null,
      actions: actionText ? actionText.split(/, /) : [],
    });
  }

  finish(): ProcInterrupts {
    if (!this.cpus)
      throw new ImportError(
        { file: this.file, line: this.lineNo || 1 },
        'empty: no /proc/interrupts header',
      );
    return {
      file: this.file,
      cpus: this.cpus,
      rows: this.rows,
      counters: this.counters,
      layout: this.modern > 0 ? 'modern' : this.legacy > 0 ? 'legacy' : 'unknown',
    };
  }
}

export function parseProcInterrupts(text: string, file: string): ProcInterrupts {
  const p = new ProcInterruptsParser(file);
  for (const line of text.split('\n')) p.push(line);
  return p.finish();
}

/**
 * The irq chips of GPIO controllers' pins (pinctrl-intel's "intel-gpio", pinctrl-amd's
 * "amd_gpio"): a row on one is a pin mapped in the controller's gpiochip domain, hwirq = the pin.
 */
export const GPIO_CHIPS = ['intel-gpio', 'amd_gpio'] as const;
export type GpioChip = (typeof GPIO_CHIPS)[number];

export function gpioChipOf(row: InterruptRow): GpioChip | null {
  return (GPIO_CHIPS as readonly string[]).includes(row.chip) && row.hwirq !== null
    ? (row.chip as GpioChip)
    : null;
}

/** PCI MSI hwirq in the ≤6.1 global domains: (segment << 27) | (bus << 19) | (devfn << 11) | index. */
export function decodePciMsiHwirq(hwirq: number): { bdf: string; index: number } {
  const hx = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const seg = Math.floor(hwirq / 2 ** 27);
  const bus = (hwirq >>> 19) & 0xff;
  const devfn = (hwirq >>> 11) & 0xff;
  return {
    bdf: `${hx(seg, 4)}:${hx(bus, 2)}:${hx(devfn >> 3, 2)}.${devfn & 7}`,
    index: hwirq & 0x7ff,
  };
}
