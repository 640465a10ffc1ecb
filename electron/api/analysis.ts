// The analysis views of a stored run, read from its outputs and tables (run-tables.ts): the irq
// domain hierarchy with each domain's irqs, one irq's chain from its leaf domain to VECTOR, the
// vector matrix with who holds each vector, the IRTEs of each remapping unit, the IOAPIC entries,
// and the MSI message decoder (core/hw) with the owner of a message in this run.
import { decodeMsi } from '../../core/hw/decode';
import { ownerOf, type OwnerRun } from '../../core/scenario/owner';
import type { IrqSummary, ResponseOf } from './channels';
import { deviceMessages, type StoredRunOutputs } from './job-work';
import type { RunTables } from './run-tables';
import { irteAt, IRTE_FIELDS, readIrteTables } from '../../core/scenario/irte-table';
import { StoredIrqs } from '../../core/scenario/irq-table';

export class NoTablesError extends Error {
  constructor(runId: number) {
    super(
      `run ${runId} was stored before irqlab kept its analysis tables: run the boot again to see them`,
    );
  }
}

/** A run's tables, read once per outputs object (its IRTEs as rows, whichever way stored). */
const tablesRead = new WeakMap<StoredRunOutputs, RunTables>();
export function tablesOf(outputs: StoredRunOutputs, runId: number): RunTables {
  const stored = outputs.tables;
  if (!stored) throw new NoTablesError(runId);
  let tables = tablesRead.get(outputs);
  if (!tables) {
    try {
      tables = { ...stored, irtes: readIrteTables(stored.irtes) };
    } catch (err) {
      throw new Error(`run ${runId}: ${(err as Error).message}`);
    }
    tablesRead.set(outputs, tables);
  }
  return tables;
}

/** The irq at position `i` of a run, as the views list it. */
export function summary(irqs: StoredIrqs, i: number): IrqSummary {
  return {
    irq: irqs.irq(i),
    chip: irqs.chip(i),
    hwirq: irqs.hwirq(i),
    owner: irqs.owner(i),
    actions: irqs.actions(i),
    vector: irqs.vector(i),
    cpu: irqs.cpu(i),
    managed: irqs.managed(i),
  };
}

/** Who the irq at position `i` is, in a few words: its action, else its owner, else chip and hwirq. */
export function ownerLabel(irqs: StoredIrqs, i: number): string {
  if (i < 0) return '';
  const actions = irqs.actions(i);
  if (actions.length) return actions.join(', ');
  const owner = irqs.owner(i);
  if (owner) return `${owner} (${irqs.chip(i)} ${irqs.hwirq(i)})`;
  return `${irqs.chip(i)} ${irqs.hwirq(i)}`;
}

/** A run's irqs, read once per outputs object: its columns (newer runs) or its rows (older). */
const storedIrqsOf = new WeakMap<StoredRunOutputs, StoredIrqs>();
export function storedIrqs(outputs: StoredRunOutputs): StoredIrqs {
  let irqs = storedIrqsOf.get(outputs);
  if (!irqs) {
    if (outputs.irqTable !== undefined) irqs = StoredIrqs.fromTable(outputs.irqTable);
    else if (Array.isArray(outputs.irqs))
      irqs = StoredIrqs.fromRows(outputs.irqs, outputs.tables?.chips ?? []);
    else throw new Error('its outputs have no irqs (neither irqTable nor irqs)');
    storedIrqsOf.set(outputs, irqs);
  }
  return irqs;
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
  const irqs = storedIrqs(outputs);
  let d = -1;
  if (domain !== undefined) {
    const t = tablesOf(outputs, runId);
    d = t.domains.findIndex((x) => x.name === domain);
    if (d < 0) return { total: 0, irqs: [] };
  }
  const needle = filter.trim().toLowerCase();
  // Strings repeat across irqs (a chip, an owner, an action list per device): each tested once.
  const tested = new Map<string, boolean>();
  const has = (text: string) => {
    let hit = tested.get(text);
    if (hit === undefined) tested.set(text, (hit = text.toLowerCase().includes(needle)));
    return hit;
  };
  const page: IrqSummary[] = [];
  let total = 0;
  for (let i = 0; i < irqs.length; i++) {
    if (d >= 0 && !irqs.inDomain(i, d)) continue;
    if (
      needle &&
      !(
        String(irqs.irq(i)) === needle ||
        has(irqs.chip(i)) ||
        has(irqs.owner(i)) ||
        irqs.actions(i).some(has)
      )
    )
      continue;
    if (total >= offset && total < offset + limit) page.push(summary(irqs, i));
    total++;
  }
  return { total, irqs: page };
}

/** The chain of one irq, leaf domain first, with its message and IRTE. */
export function irqChain(
  outputs: StoredRunOutputs,
  runId: number,
  irq: number,
): ResponseOf<'run.irqChain'> {
  const t = tablesOf(outputs, runId);
  const irqs = storedIrqs(outputs);
  const at = irqs.indexOf(irq);
  if (at < 0) throw new Error(`no irq ${irq} in run ${runId}`);
  const chain = irqs.chain(at).map((l) => ({
    domain: t.domains[l.domain]?.name ?? `(domain ${l.domain})`,
    hwirq: l.hwirq,
    chip: l.chip,
  }));
  const owner = irqs.owner(at);
  const cpu = irqs.cpu(at);
  const vector = irqs.vector(at);
  let irte: ResponseOf<'run.irqChain'>['irte'] = null;
  for (const u of t.irtes) {
    const n = IRTE_FIELDS.length;
    for (let k = 0; k < u.rows.length; k += n)
      if (u.rows[k + 1] === irq) {
        irte = { unit: u.unit, ...irteRow(u.rows, k, ownerLabel(irqs, at)) };
        break;
      }
    if (irte) break;
  }
  // The device's message for this irq: the one naming its IRTE (remappable format) or its
  // CPU and vector (compatibility format).
  const device = outputs.devices.find((d) => d.bdf === owner);
  const apicId = t.apicIds[cpu];
  const message = (device ? deviceMessages(device).messages : []).find((m) => {
    const d = decodeMsi(hexBig(m.address), Number.parseInt(m.data.replace(/^0x/, ''), 16));
    if (d.format === 'remappable') return irte !== null && d.index === irte.index;
    if (d.format !== 'compatibility' || d.vector !== vector) return false;
    // Flat logical (xAPIC, up to 8 CPUs): one bit per CPU; else the APIC id.
    return d.logical ? ((d.destination ?? 0) & (1 << cpu)) !== 0 : d.destination === apicId;
  });
  return {
    irq: summary(irqs, at),
    chain,
    affinity: irqs.affinity(at),
    effective: irqs.effective(at),
    messages: message ? [message] : [],
    irte,
    debugfs: t.debugfs?.[String(irq)] ?? null,
  };
}

const hexBig = (text: string) => BigInt(`0x${text.replace(/^0x/, '') || '0'}`);

function irteRow(rows: ArrayLike<number>, k: number, owner: string) {
  return { ...irteAt(rows, k), owner };
}

export function vectorMatrix(
  outputs: StoredRunOutputs,
  runId: number,
): ResponseOf<'run.vectorMatrix'> {
  const t = tablesOf(outputs, runId);
  const row = new Map(t.matrix.cpus.map((cpu, i) => [cpu, i]));
  const owners: number[] = [];
  const irqs = storedIrqs(outputs);
  for (let i = 0; i < irqs.length; i++) {
    const r = row.get(irqs.cpu(i));
    const vector = irqs.vector(i);
    if (r === undefined || !vector) continue;
    owners.push(r, vector, irqs.irq(i));
  }
  return { ...t.matrix, owners };
}

export function irqInfo(outputs: StoredRunOutputs, irqs: number[]): IrqSummary[] {
  const stored = storedIrqs(outputs);
  return irqs.flatMap((n) => {
    const at = stored.indexOf(n);
    return at >= 0 ? [summary(stored, at)] : [];
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
  const irqs = storedIrqs(outputs);
  const rows: ResponseOf<'run.irtes'>['rows'] = [];
  const total = chosen.rows.length / n;
  for (let r = offset; r < Math.min(total, offset + limit); r++) {
    const k = r * n;
    rows.push(irteRow(chosen.rows, k, ownerLabel(irqs, irqs.indexOf(chosen.rows[k + 1]!))));
  }
  return { units, unit: chosen.unit, total, rows };
}

export function ioapicsView(outputs: StoredRunOutputs, runId: number): ResponseOf<'run.ioapics'> {
  const t = tablesOf(outputs, runId);
  const irqs = storedIrqs(outputs);
  return t.ioapics.map((io) => ({
    ...io,
    rtes: io.rtes.map((r) => ({
      ...r,
      owner: r.irq >= 0 ? ownerLabel(irqs, irqs.indexOf(r.irq)) : '',
    })),
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
    const irqs = storedIrqs(stored.outputs);
    const run: OwnerRun = {
      irqs: (function* () {
        for (let i = 0; i < irqs.length; i++) yield summary(irqs, i);
      })(),
      remapping: {
        mode: t.remapping,
        units: t.irtes.map((u) => ({
          name: u.unit,
          irq: u.irq,
          irtes: Array.from({ length: u.rows.length / n }, (_, r) => irteRow(u.rows, r * n, '')),
        })),
      },
    };
    const apicIds = new Map<number, number>();
    t.apicIds.forEach((id, cpu) => id >= 0 && apicIds.set(cpu, id));
    owner = ownerOf(decoded, run, apicIds);
  }
  return { format: decoded.format, lines: decoded.lines, owner };
}
