// Two runs side by side (two profiles, two machines, with and without an injection): what differs
// in their interrupts, the messages the devices got, the IRTEs, the faults and the kernel log.
// Interrupts are matched by who owns them (the action name, else the owner and MSI index), not by
// irq number, which two kernels may hand out differently.
import { formatIrteDest, formatSid, formatVector } from '../model/format';
import type { SimulatedIrq, SimulationResult } from '../scenario';

export type Change<T> =
  | { kind: 'added'; key: string; b: T }
  | { kind: 'removed'; key: string; a: T }
  | { kind: 'changed'; key: string; a: T; b: T; fields: string[] };

export interface IrqView {
  /** Who owns the irq (a BDF, "dmar0", "hpet"...), else its chip: what rows are grouped by. */
  device: string;
  irq: number;
  chip: string;
  hwirq: number;
  domains: string;
  vector: number;
  cpu: string;
  affinity: string;
  delivered: number;
}

/** An IRTE as the IRTE table prints it (core/model/format), so the two read alike. */
export interface IrteView {
  device: string;
  vector: string;
  dest: string;
  sid: string;
  svt: string;
}

export interface RunDiff {
  a: string;
  b: string;
  interrupts: Change<IrqView>[];
  messages: Change<{ device: string; address: string; data: string }>[];
  irtes: Change<IrteView>[];
  faults: { onlyA: string[]; onlyB: string[] };
  dmesg: { op: '-' | '+'; line: string }[];
  summary: string[];
}

function irqKey(i: SimulatedIrq): string {
  if (i.actions.length) return i.actions.join(', ');
  if (i.owner) return `${i.owner}#${i.msi ?? 'intx'}${i.irq}`;
  return `${i.chip} ${i.hwirq}`;
}

function deviceOf(i: SimulatedIrq): string {
  return i.owner || i.chip;
}

function view(i: SimulatedIrq): IrqView {
  return {
    device: deviceOf(i),
    irq: i.irq,
    chip: i.chip,
    hwirq: i.hwirq,
    domains: i.domains.map((d) => d.domain).join(' > '),
    vector: i.vector,
    cpu: i.effectiveAffinity,
    affinity: i.affinity,
    delivered: i.counts.reduce((a, b) => a + b, 0),
  };
}

function diffMaps<T extends object>(a: Map<string, T>, b: Map<string, T>): Change<T>[] {
  const out: Change<T>[] = [];
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (!vb) {
      out.push({ kind: 'removed', key, a: va });
      continue;
    }
    const fields = Object.keys(va).filter(
      (f) => (va as Record<string, unknown>)[f] !== (vb as Record<string, unknown>)[f],
    );
    if (fields.length) out.push({ kind: 'changed', key, a: va, b: vb, fields });
  }
  for (const [key, vb] of b) if (!a.has(key)) out.push({ kind: 'added', key, b: vb });
  return out;
}

/** A line diff (longest common subsequence of the middle, after the common prefix and suffix). */
export function diffLines(
  a: readonly string[],
  b: readonly string[],
): { op: '-' | '+'; line: string }[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  // Beyond a few million cells, report the middles whole rather than align them.
  if (x.length * y.length > 4_000_000)
    return [
      ...x.map((line) => ({ op: '-' as const, line })),
      ...y.map((line) => ({ op: '+' as const, line })),
    ];
  const w = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i * w + j] =
        x[i] === y[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const out: { op: '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < y.length && (i === x.length || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      out.push({ op: '+', line: y[j++]! });
    } else {
      out.push({ op: '-', line: x[i++]! });
    }
  }
  return out;
}

export function diffRuns(a: SimulationResult, b: SimulationResult, labels = ['A', 'B']): RunDiff {
  const irqs = (r: SimulationResult) => new Map(r.irqs.map((i) => [irqKey(i), view(i)]));
  const msgs = (r: SimulationResult) =>
    new Map(
      r.devices.flatMap((d) =>
        d.messages.map(
          (m) =>
            [
              `${d.bdf} entry ${m.entry}`,
              { device: d.bdf, address: m.address, data: m.data },
            ] as const,
        ),
      ),
    );
  const irtes = (r: SimulationResult) => {
    const byIrq = new Map(r.irqs.map((i) => [i.irq, i]));
    return new Map(
      r.remapping.units.flatMap((u) =>
        u.irtes.map((e) => {
          const owner = byIrq.get(e.irq);
          const v: IrteView = {
            device: owner ? deviceOf(owner) : u.name,
            vector: formatVector(e.vector),
            dest: formatIrteDest(e.dest),
            sid: formatSid(e.sid),
            svt: `${e.svt}/${e.sq}`,
          };
          return [`${u.name} IRTE for ${owner ? irqKey(owner) : `irq ${e.irq}`}`, v] as const;
        }),
      ),
    );
  };
  const fa = a.faults.map((f) => f.line);
  const fb = b.faults.map((f) => f.line);
  const d: RunDiff = {
    a: labels[0]!,
    b: labels[1]!,
    interrupts: diffMaps(irqs(a), irqs(b)),
    messages: diffMaps(msgs(a), msgs(b)),
    irtes: diffMaps(irtes(a), irtes(b)),
    faults: { onlyA: fa.filter((l) => !fb.includes(l)), onlyB: fb.filter((l) => !fa.includes(l)) },
    dmesg: diffLines(a.dmesg, b.dmesg),
    summary: [],
  };
  const count = (c: Change<unknown>[], k: string) => c.filter((x) => x.kind === k).length;
  d.summary = [
    `${d.a}: profile ${a.profile}, ${a.irqs.length} irqs, ${a.faults.length} fault lines${a.oops ? ', OOPS' : ''}${a.panic ? ', PANIC' : ''}`,
    `${d.b}: profile ${b.profile}, ${b.irqs.length} irqs, ${b.faults.length} fault lines${b.oops ? ', OOPS' : ''}${b.panic ? ', PANIC' : ''}`,
    `interrupts: ${count(d.interrupts, 'changed')} changed, ${count(d.interrupts, 'removed')} only in ${d.a}, ${count(d.interrupts, 'added')} only in ${d.b}`,
    `messages: ${count(d.messages, 'changed')} changed, ${count(d.messages, 'removed')} only in ${d.a}, ${count(d.messages, 'added')} only in ${d.b}`,
    `IRTEs: ${count(d.irtes, 'changed')} changed, ${count(d.irtes, 'removed')} only in ${d.a}, ${count(d.irtes, 'added')} only in ${d.b}`,
    `faults: ${d.faults.onlyA.length} only in ${d.a}, ${d.faults.onlyB.length} only in ${d.b}`,
    `dmesg: ${d.dmesg.filter((x) => x.op === '-').length} lines only in ${d.a}, ${d.dmesg.filter((x) => x.op === '+').length} only in ${d.b}`,
  ];
  return d;
}

/** The diff as text, `limit` items per section. */
export function formatDiff(d: RunDiff, limit = 50): string {
  const lines = [...d.summary, ''];
  const section = <T>(title: string, changes: Change<T>[], show: (v: T) => string) => {
    if (!changes.length) return;
    lines.push(`== ${title}`);
    for (const c of changes.slice(0, limit)) {
      if (c.kind === 'added') lines.push(`+ ${c.key}: ${show(c.b)}`);
      else if (c.kind === 'removed') lines.push(`- ${c.key}: ${show(c.a)}`);
      else
        lines.push(
          `~ ${c.key}: ${c.fields.map((f) => `${f} ${String((c.a as Record<string, unknown>)[f])} -> ${String((c.b as Record<string, unknown>)[f])}`).join(', ')}`,
        );
    }
    if (changes.length > limit) lines.push(`  ... ${changes.length - limit} more`);
    lines.push('');
  };
  section(
    'interrupts',
    d.interrupts,
    (v) => `irq ${v.irq} ${v.chip} ${v.hwirq} (${v.domains}) cpu ${v.cpu || '-'}`,
  );
  section('messages', d.messages, (v) => `${v.address}/${v.data}`);
  section(
    'IRTEs',
    d.irtes,
    (v) => `vector ${v.vector} dest ${v.dest} sid ${v.sid} svt/sq ${v.svt}`,
  );
  if (d.faults.onlyA.length || d.faults.onlyB.length) {
    lines.push('== faults');
    for (const l of d.faults.onlyA.slice(0, limit)) lines.push(`- ${l}`);
    for (const l of d.faults.onlyB.slice(0, limit)) lines.push(`+ ${l}`);
    lines.push('');
  }
  if (d.dmesg.length) {
    lines.push('== dmesg');
    for (const x of d.dmesg.slice(0, limit * 4)) lines.push(`${x.op} ${x.line}`);
    if (d.dmesg.length > limit * 4) lines.push(`  ... ${d.dmesg.length - limit * 4} more`);
  }
  return lines.join('\n') + '\n';
}
