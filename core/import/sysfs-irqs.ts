// The per-irq sysfs table `irqlab collect` writes (sysfs-irqs.tsv): a row per irq of
// /sys/kernel/irq/N/{chip_name,hwirq,type,name,actions,wakeup,per_cpu_count} and
// /proc/irq/N/{effective_affinity_list,smp_affinity_list,affinity_hint,node}, tab-separated
// under a header naming the columns. It says more than /proc/interrupts: the CPU the vector is
// really on (effective_affinity_list) and the trigger type without a flow handler to read it from.
import { ImportError, type SourceLocation } from './errors';

export interface SysfsIrqRow {
  irq: number;
  at: SourceLocation;
  /** chip_name; '' when the irq has no chip (the kernel prints nothing). */
  chip: string;
  hwirq: number | null;
  /** `type`: edge or level (the irq_data's trigger). */
  type: 'edge' | 'level' | null;
  /** `name`: the flow handler's name as /proc/interrupts prints it after the hwirq. */
  handlerName: string;
  actions: string[];
  effective: number[];
  affinity: number[];
  node: number | null;
  perCpuCount: number[];
}

export interface SysfsIrqs {
  file: string;
  rows: SysfsIrqRow[];
  /** Whether /sys/kernel/irq was there (else only /proc/irq's columns are filled). */
  hasSysfs: boolean;
}

export const SYSFS_IRQS_HEADER = 'irq\tchip_name\thwirq\ttype\tname\tactions';
const REQUIRED = ['irq', 'chip_name', 'hwirq', 'type', 'name', 'actions'] as const;

/** "0-3,8" -> [0,1,2,3,8]; '' -> []. Throws a message for the caller to place. */
export function parseCpuList(text: string, max = 65536): number[] {
  const out: number[] = [];
  if (text.trim() === '') return out;
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`"${text}" is not a CPU list`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b >= max) throw new Error(`"${text}": range ${part} out of order or too large`);
    for (let c = a; c <= b; c++) out.push(c);
  }
  return out;
}

export class SysfsIrqsParser {
  private columns: Map<string, number> | null = null;
  private lineNo = 0;
  private readonly rows: SysfsIrqRow[] = [];
  private readonly seen = new Set<number>();
  private sysfs = false;

  constructor(readonly file: string) {}

  push(raw: string): void {
    this.lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const at: SourceLocation = { file: this.file, line: this.lineNo };
    const cells = line.split('\t');
    if (!this.columns) {
      const cols = new Map(cells.map((c, i) => [c.trim(), i]));
      const lacking = REQUIRED.filter((c) => !cols.has(c));
      if (lacking.length)
        throw new ImportError(at, `not a sysfs irq table: the header lacks ${lacking.join(', ')}`);
      this.columns = cols;
      return;
    }
    const cell = (name: string) => {
      const i = this.columns!.get(name);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    if (cells.length !== this.columns.size)
      throw new ImportError(
        at,
        `${cells.length} columns, the header has ${this.columns.size} (a value with a tab, or a cut line?)`,
      );
    const irqText = cell('irq');
    if (!/^\d+$/.test(irqText)) throw new ImportError(at, `irq "${irqText}" is not a number`);
    const irq = Number(irqText);
    if (this.seen.has(irq)) throw new ImportError(at, `irq ${irq} repeats an earlier row`);
    this.seen.add(irq);
    const hw = cell('hwirq');
    if (hw !== '' && !/^\d+$/.test(hw)) throw new ImportError(at, `hwirq "${hw}" is not a number`);
    const type = cell('type');
    if (type !== '' && type !== 'edge' && type !== 'level')
      throw new ImportError(at, `type "${type}" is neither edge nor level`);
    const list = (name: string) => {
      try {
        return parseCpuList(cell(name));
      } catch (e) {
        throw new ImportError(at, `${name}: ${(e as Error).message}`);
      }
    };
    const counts = cell('per_cpu_count');
    if (counts !== '' && !/^\d+(,\d+)*$/.test(counts))
      throw new ImportError(at, `per_cpu_count "${counts}" is not a list of counts`);
    const node = cell('node');
    const chip = cell('chip_name');
    if (chip || type || hw) this.sysfs = true;
    this.rows.push({
      irq,
      at,
      chip,
      hwirq: hw === '' ? null : Number(hw),
      type: type === '' ? null : type,
      handlerName: cell('name'),
      actions: cell('actions') === '' ? [] : cell('actions').split(','),
      effective: list('effective_affinity_list'),
      affinity: list('smp_affinity_list'),
      node: /^-?\d+$/.test(node) ? Number(node) : null,
      perCpuCount: counts === '' ? [] : counts.split(',').map(Number),
    });
  }

  finish(): SysfsIrqs {
    if (!this.columns) throw new ImportError({ file: this.file }, 'empty: no header line');
    return { file: this.file, rows: this.rows, hasSysfs: this.sysfs };
  }
}

export function parseSysfsIrqs(text: string, file: string): SysfsIrqs {
  const p = new SysfsIrqsParser(file);
  for (const l of text.split('\n')) p.push(l);
  return p.finish();
}
