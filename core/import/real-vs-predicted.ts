// "Real vs predicted" row by row, for the app's view: the real /proc/interrupts an import kept
// against a run's predicted one. Rows are matched by chip and hwirq (irq numbers are handed out
// in allocation order, so one extra irq early shifts every later number; the chip and hwirq say
// which interrupt a row is). Each difference says what made the predicted row: the owning
// device's driver model, the real file's own row (an "observed" device), or the machine file's
// request, and what the import assumed for lack of a fact.
import { parseProcInterrupts, type InterruptRow } from './interrupts';

export type RowField = 'irq' | 'handler' | 'actions';

export interface RowView {
  irq: number;
  chip: string;
  hwirq: number | null;
  handler: string;
  actions: string;
}

export interface PredictedOwner {
  bdf: string;
  driver: string | null;
  behaviour: 'modelled' | 'observed' | 'user' | null;
}

export interface ComparedRow {
  key: string;
  real: RowView | null;
  predicted: RowView | null;
  /** The fields that differ (both sides present). */
  differs: RowField[];
  /** The device that owns the predicted (or real) row, when the run knows it. */
  owner: PredictedOwner | null;
  /** Why the predicted row is what it is, for a row that differs or is on one side only. */
  explanation: string[];
}

export interface RealVsPredicted {
  realFile: string;
  cpus: { real: number; predicted: number };
  /** Rows identical on both sides, of all rows (matched + one side only). */
  identical: number;
  total: number;
  rows: ComparedRow[];
  /** What the import assumed (its review's "missing" list). */
  assumed: string[];
}

const view = (r: InterruptRow): RowView => ({
  irq: r.irq,
  chip: r.chip,
  hwirq: r.hwirq,
  handler: r.handler ?? '',
  actions: r.actions.join(', '),
});

const keyOf = (r: InterruptRow) => `${r.chip}:${r.hwirq ?? `irq${r.irq}`}`;

const BEHAVIOUR_WORDS: Record<NonNullable<PredictedOwner['behaviour']>, string> = {
  modelled: "the driver's model in irqlab",
  observed: "the real /proc/interrupts' own rows (irqlab has no model of this driver)",
  user: 'the request written in the machine file',
};

export function compareRealWithPredicted(
  real: { fileName: string; text: string; missing: string[] },
  predictedText: string,
  ownerOfIrq: (irq: number) => PredictedOwner | null,
  ownerOfBdf: (bdf: string) => PredictedOwner | null,
): RealVsPredicted {
  const r = parseProcInterrupts(real.text, real.fileName);
  const p = parseProcInterrupts(predictedText, 'predicted');
  const predicted = new Map<string, InterruptRow[]>();
  for (const row of p.rows) {
    const k = keyOf(row);
    predicted.set(k, [...(predicted.get(k) ?? []), row]);
  }
  const explain = (owner: PredictedOwner | null, side: 'both' | 'real' | 'predicted') => {
    const lines: string[] = [];
    if (owner) {
      const who = `${owner.bdf}${owner.driver ? ` (${owner.driver})` : ''}`;
      // The owner itself is in ComparedRow.owner; here only why its row is what it is.
      lines.push(
        owner.behaviour ? `predicted from ${BEHAVIOUR_WORDS[owner.behaviour]}` : `owned by ${who}`,
      );
      const assumed = real.missing.filter((m) => m.includes(owner.bdf));
      lines.push(...assumed.map((m) => `the import assumed: ${m}`));
    } else if (side === 'real') lines.push('no device of the imported machine predicts this row');
    else lines.push('predicted by the kernel model (no PCI device owns it)');
    return lines;
  };
  const bdfIn = (row: InterruptRow) =>
    /\b([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\b/.exec(row.chip)?.[1] ?? null;
  // Real rows no predicted row has the key of, in irq order (for the irq-shift explanation).
  const predictedKeys = new Set(p.rows.map(keyOf));
  const realOnly = r.rows.filter((x) => !predictedKeys.has(keyOf(x))).sort((a, b) => a.irq - b.irq);
  const realOnlyBefore = (irq: number) => realOnly.filter((x) => x.irq < irq).slice(0, 3);
  const rows: ComparedRow[] = [];
  let identical = 0;
  for (const realRow of r.rows) {
    const k = keyOf(realRow);
    const candidates = predicted.get(k);
    const match = candidates?.shift();
    if (!match) {
      const bdf = bdfIn(realRow);
      const owner = bdf ? ownerOfBdf(bdf) : null;
      rows.push({
        key: k,
        real: view(realRow),
        predicted: null,
        differs: [],
        owner,
        explanation: explain(owner, 'real'),
      });
      continue;
    }
    const a = view(realRow);
    const b = view(match);
    const differs = (['irq', 'handler', 'actions'] as const).filter((f) => a[f] !== b[f]);
    const owner = ownerOfIrq(match.irq);
    if (differs.length === 0) identical++;
    const explanation = differs.length ? explain(owner, 'both') : [];
    if (differs.includes('irq')) {
      // Linux numbers irqs in allocation order: a row allocated earlier on one side only shifts
      // every later number.
      const unpredicted = realOnlyBefore(realRow.irq);
      explanation.unshift(
        unpredicted.length
          ? `irq numbers follow allocation order: the real machine allocated ${unpredicted.map((x) => `irq ${x.irq} (${x.chip} ${x.hwirq ?? ''})`.replace(' )', ')')).join(', ')} before it, which irqlab does not predict`
          : 'irq numbers follow allocation order: the two sides allocated in a different order',
      );
    }
    rows.push({
      key: k,
      real: a,
      predicted: b,
      differs,
      owner,
      explanation,
    });
  }
  for (const left of predicted.values())
    for (const row of left) {
      const owner = ownerOfIrq(row.irq);
      rows.push({
        key: keyOf(row),
        real: null,
        predicted: view(row),
        differs: [],
        owner,
        explanation: explain(owner, 'predicted'),
      });
    }
  return {
    realFile: real.fileName,
    cpus: { real: r.cpus.length, predicted: p.cpus.length },
    identical,
    total: rows.length,
    rows,
    assumed: real.missing,
  };
}
