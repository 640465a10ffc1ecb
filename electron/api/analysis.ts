// The analysis views of a stored run, read from its outputs and tables (run-tables.ts): the irq
// domain hierarchy with each domain's irqs, one irq's chain from its leaf domain to VECTOR, the
// vector matrix with who holds each vector, the IRTEs of each remapping unit, the IOAPIC entries,
// and the MSI message decoder (core/hw) with the owner of a message in this run.
import type { SimulationResult } from '../../core/scenario';
import { decodeMsi } from '../../core/hw/decode';
import { ownerOf } from '../../core/scenario';
import type { IrqSummary, ResponseOf } from './channels';
import type { StoredRunOutputs } from './job-work';
import { IRTE_FIELDS, type RunTables } from './run-tables';

type StoredIrq = StoredRunOutputs['irqs'][number];

export class NoTablesError extends Error {
  constructor(runId: number) {
    super(
      `run ${runId} was stored before irqlab kept its analysis tables: run the boot again to see them`,
    );
  }
}

export function tablesOf(outputs: StoredRunOutputs, runId: number): RunTables {
  if (!outputs.tables) throw new NoTablesError(runId);
  return outputs.tables;
}

export function summary(i: StoredIrq): IrqSummary {
  return {
    irq: i.irq,
    chip: i.chip,
    hwirq: i.hwirq,
    owner: i.owner,
    actions: i.actions,
    vector: i.vector,
    cpu: i.cpu,
    managed: i.managed,
  };
}

/** Who an irq is, in a few words: its action, else its owner, else chip and hwirq. */
export function ownerLabel(i: StoredIrq | undefined): string {
  if (!i) return '';
  if (i.actions.length) return i.actions.join(', ');
  if (i.owner) return `${i.owner} (${i.chip} ${i.hwirq})`;
  return `${i.chip} ${i.hwirq}`;
}

/** Irqs by number, built once per outputs object. */
const irqIndexes = new WeakMap<StoredRunOutputs, Map<number, StoredIrq>>();
function irqIndex(outputs: StoredRunOutputs): Map<number, StoredIrq> {
  let m = irqIndexes.get(outputs);
  if (!m) irqIndexes.set(outputs, (m = new Map(outputs.irqs.map((i) => [i.irq, i]))));
  return m;
}

export function domainsView(outputs: StoredRunOutputs, runId: number): ResponseOf<'run.domains'> {
  const t = tablesOf(outputs, runId);
  return { domains: t.domains, remapping: t.remapping };
}

export function irqsView(
  outputs: StoredRunOutputs,
  runId: number,
  domain: string | undefined,
  filter: string,
  offset: number,
  limit: number,
): ResponseOf<'run.irqs'> {
  let list = outputs.irqs;
  if (domain !== undefined) {
    const t = tablesOf(outputs, runId);
    const d = t.domains.findIndex((x) => x.name === domain);
    if (d < 0) return { total: 0, irqs: [] };
    list = list.filter((i) => {
      const c = i.chain ?? [];
      for (let k = 0; k < c.length; k += 3) if (c[k] === d) return true;
      return false;
    });
  }
  const needle = filter.trim().toLowerCase();
  if (needle)
    list = list.filter(
      (i) =>
        String(i.irq) === needle ||
        i.chip.toLowerCase().includes(needle) ||
        i.owner.toLowerCase().includes(needle) ||
        i.actions.some((a) => a.toLowerCase().includes(needle)),
    );
  return { total: list.length, irqs: list.slice(offset, offset + limit).map(summary) };
}

/** The chain of one irq, leaf domain first, with its message and IRTE. */
export function irqChain(
  outputs: StoredRunOutputs,
  runId: number,
  irq: number,
): ResponseOf<'run.irqChain'> {
  const t = tablesOf(outputs, runId);
  const i = irqIndex(outputs).get(irq);
  if (!i) throw new Error(`no irq ${irq} in run ${runId}`);
  const chain: { domain: string; hwirq: number; chip: string }[] = [];
  const c = i.chain ?? [];
  for (let k = 0; k < c.length; k += 3)
    chain.push({ domain: t.domains[c[k]!]!.name, hwirq: c[k + 1]!, chip: t.chips[c[k + 2]!]! });
  let irte: ResponseOf<'run.irqChain'>['irte'] = null;
  for (const u of t.irtes) {
    const n = IRTE_FIELDS.length;
    for (let k = 0; k < u.rows.length; k += n)
      if (u.rows[k + 1] === irq) {
        irte = { unit: u.unit, ...irteRow(u.rows, k, ownerLabel(i)) };
        break;
      }
    if (irte) break;
  }
  // The device's message for this irq: the one naming its IRTE (remappable format) or its
  // CPU and vector (compatibility format).
  const device = outputs.devices.find((d) => d.bdf === i.owner);
  const apicId = t.apicIds[i.cpu];
  const message = device?.messages.find((m) => {
    const d = decodeMsi(hexBig(m.address), Number.parseInt(m.data.replace(/^0x/, ''), 16));
    if (d.format === 'remappable') return irte !== null && d.index === irte.index;
    if (d.format !== 'compatibility' || d.vector !== i.vector) return false;
    // Flat logical (xAPIC, up to 8 CPUs): one bit per CPU; else the APIC id.
    return d.logical ? ((d.destination ?? 0) & (1 << i.cpu)) !== 0 : d.destination === apicId;
  });
  return {
    irq: summary(i),
    chain,
    affinity: i.affinity ?? '',
    effective: i.effective ?? '',
    messages: message ? [message] : [],
    irte,
    debugfs: t.debugfs?.[String(irq)] ?? null,
  };
}

const hexBig = (text: string) => BigInt(`0x${text.replace(/^0x/, '') || '0'}`);

function irteRow(rows: number[], k: number, owner: string) {
  return {
    index: rows[k]!,
    irq: rows[k + 1]!,
    present: rows[k + 2] === 1,
    vector: rows[k + 3]!,
    dest: rows[k + 4]!,
    sid: rows[k + 5]!,
    sq: rows[k + 6]!,
    svt: rows[k + 7]!,
    owner,
  };
}

export function vectorMatrix(
  outputs: StoredRunOutputs,
  runId: number,
): ResponseOf<'run.vectorMatrix'> {
  const t = tablesOf(outputs, runId);
  const row = new Map(t.matrix.cpus.map((cpu, i) => [cpu, i]));
  const owners: number[] = [];
  for (const i of outputs.irqs) {
    const r = row.get(i.cpu);
    if (r === undefined || !i.vector) continue;
    owners.push(r, i.vector, i.irq);
  }
  return { ...t.matrix, owners };
}

export function irqInfo(outputs: StoredRunOutputs, irqs: number[]): IrqSummary[] {
  const index = irqIndex(outputs);
  return irqs.flatMap((n) => {
    const i = index.get(n);
    return i ? [summary(i)] : [];
  });
}

export function irtesView(
  outputs: StoredRunOutputs,
  runId: number,
  unit: string | undefined,
  offset: number,
  limit: number,
): ResponseOf<'run.irtes'> {
  const t = tablesOf(outputs, runId);
  const n = IRTE_FIELDS.length;
  const units = t.irtes.map((u) => ({ name: u.unit, irq: u.irq, count: u.rows.length / n }));
  const chosen = t.irtes.find((u) => u.unit === unit) ?? t.irtes[0];
  if (!chosen) return { units, unit: null, total: 0, rows: [] };
  const index = irqIndex(outputs);
  const rows: ResponseOf<'run.irtes'>['rows'] = [];
  const total = chosen.rows.length / n;
  for (let r = offset; r < Math.min(total, offset + limit); r++) {
    const k = r * n;
    rows.push(irteRow(chosen.rows, k, ownerLabel(index.get(chosen.rows[k + 1]!))));
  }
  return { units, unit: chosen.unit, total, rows };
}

export function ioapicsView(outputs: StoredRunOutputs, runId: number): ResponseOf<'run.ioapics'> {
  const t = tablesOf(outputs, runId);
  const index = irqIndex(outputs);
  return t.ioapics.map((io) => ({
    ...io,
    rtes: io.rtes.map((r) => ({ ...r, owner: r.irq >= 0 ? ownerLabel(index.get(r.irq)) : '' })),
  }));
}

/**
 * Decodes an MSI address/data pair; with a run, says whose it is there. ownerOf reads a run's
 * irqs (number, chip, hwirq, actions, owner, vector, CPU) and remapping (mode, units and their
 * IRTEs), which the stored tables keep: it is given those, in the SimulationResult's shape.
 */
export function decodeMessage(
  address: string,
  data: string,
  stored: { outputs: StoredRunOutputs; runId: number } | null,
): ResponseOf<'msi.decode'> {
  const addr = hexBig(address);
  const value = Number.parseInt(data.replace(/^0x/, ''), 16);
  const decoded = decodeMsi(addr, value);
  let owner: string[] = [];
  if (stored) {
    const t = tablesOf(stored.outputs, stored.runId);
    const n = IRTE_FIELDS.length;
    const run = {
      irqs: stored.outputs.irqs,
      remapping: {
        mode: t.remapping,
        units: t.irtes.map((u) => ({
          name: u.unit,
          irq: u.irq,
          irtes: Array.from({ length: u.rows.length / n }, (_, r) => irteRow(u.rows, r * n, '')),
        })),
      },
    } as unknown as SimulationResult;
    const apicIds = new Map<number, number>();
    t.apicIds.forEach((id, cpu) => id >= 0 && apicIds.set(cpu, id));
    owner = ownerOf(decoded, run, apicIds);
  }
  return { format: decoded.format, lines: decoded.lines, owner };
}
