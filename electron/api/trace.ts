// The trace explorer's reads of a stored run: pages of events (with filters, through the
// session's posting lists, never the whole run), the names to filter by, a timeline of where the
// faults, allocations and log lines are, and the allocations the debugger can start from.
import { EventKind } from '../../core/trace/events';
import type { EventFilter, NamedEvent, Session } from '../../core/store/session';
import { SQL_SCHEMA } from '../../core/store/sql-schema';
import type { SqlRelation, TraceFilter } from './channels';

const KIND_NUMBER: Record<string, number> = {
  call: EventKind.call,
  ret: EventKind.ret,
  state: EventKind.state,
  log: EventKind.log,
  fault: EventKind.fault,
};

function symbolId(session: Session, runId: number, name: string): number | null {
  for (const [id, s] of session.symbols(runId)) if (s.name === name) return id;
  return null;
}

/** The store's filter for the page's: names resolved to the run's ids. null: matches nothing. */
export function storeFilter(
  session: Session,
  runId: number,
  filter: TraceFilter,
): EventFilter | null {
  const out: EventFilter = {};
  if (filter.fn !== undefined) {
    const id = symbolId(session, runId, filter.fn);
    if (id === null) return null;
    out.fn = id;
  }
  if (filter.kind !== undefined) out.kind = KIND_NUMBER[filter.kind];
  if (filter.irq !== undefined) out.irq = filter.irq;
  if (filter.cpu !== undefined) out.cpu = filter.cpu;
  if (filter.device !== undefined) out.device = filter.device;
  return out;
}

export function tracePage(
  session: Session,
  runId: number,
  fromSeq: number,
  limit: number,
  filter: TraceFilter,
): { events: NamedEvent[]; nextSeq: number | null } {
  const f = storeFilter(session, runId, filter);
  if (f === null) return { events: [], nextSeq: null };
  const events = session.namedEvents(runId, fromSeq, limit, f);
  const last = events[events.length - 1];
  return { events, nextSeq: events.length === limit && last ? last.seq + 1 : null };
}

export function traceSymbols(
  session: Session,
  runId: number,
): { functions: string[]; devices: string[] } {
  const functions = [...new Set([...session.symbols(runId).values()].map((s) => s.name))]
    .filter(Boolean)
    .sort();
  // BDFs among the run's strings (the devices events were made for).
  const { rows } = session.query(
    `SELECT DISTINCT value FROM strings WHERE run_id = ${Number(runId)}
       AND value GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f].[0-7]'
     ORDER BY value`,
    20_000,
  );
  return { functions, devices: rows.map((r) => String(r[0])) };
}

/** The calls an engineer starts an allocation from, and how each is named in the picker. */
export const ALLOCATION_FUNCTIONS: Record<string, (a: Record<string, string | number>) => string> =
  {
    dmar_alloc_hwirq: (a) => `dmar_alloc_hwirq for dmar${a.id} (the unit's fault interrupt)`,
    pci_alloc_irq_vectors_affinity: (a) =>
      `pci_alloc_irq_vectors for ${a.dev} (${a.min_vecs}-${a.max_vecs} vectors)`,
    mp_map_pin_to_irq: (a) => `IOAPIC ${a.ioapic} pin ${a.pin} (GSI ${a.gsi})`,
    ims_alloc_store: (a) => `IMS slots of ${a.dev} (${a.nvec})`,
    hpet_assign_irq: (a) => `HPET channel ${a.channel}`,
    vmd_enable_domain: (a) => `VMD domain of ${a.dev}`,
    sriov_enable: (a) => `sriov_enable ${a.dev} (${a.nr_virtfn} VFs)`,
  };

/** Calls of one function, page by page, up to `cap`. */
function callsOf(session: Session, runId: number, fn: string, cap: number): NamedEvent[] {
  const id = symbolId(session, runId, fn);
  if (id === null) return [];
  const out: NamedEvent[] = [];
  for (let from = 0; out.length < cap;) {
    const page = session.namedEvents(runId, from, Math.min(5000, cap - out.length), {
      fn: id,
      kind: EventKind.call,
    });
    out.push(...page);
    if (page.length === 0) break;
    from = page[page.length - 1]!.seq + 1;
  }
  return out;
}

export function allocations(
  session: Session,
  runId: number,
  filter: string,
  offset: number,
  limit: number,
) {
  const needle = filter.toLowerCase();
  const all = Object.entries(ALLOCATION_FUNCTIONS)
    .flatMap(([fn, label]) =>
      callsOf(session, runId, fn, 20_000).map((e) => ({
        seq: e.seq,
        fn,
        label: label(e.args),
        args: Object.entries(e.args).map(([name, value]) => ({ name, value: String(value) })),
      })),
    )
    .filter((a) => !needle || a.label.toLowerCase().includes(needle))
    .sort((a, b) => a.seq - b.seq);
  return { total: all.length, items: all.slice(offset, offset + limit) };
}

/** Where in the run things happen: faults, allocations and log lines per bin of steps. */
export function timeline(session: Session, runId: number, eventCount: number, bins: number) {
  const binSize = Math.max(1, Math.ceil(eventCount / bins));
  const n = Math.max(1, Math.ceil(eventCount / binSize));
  const faults = new Array<number>(n).fill(0);
  const logs = new Array<number>(n).fill(0);
  const allocs = new Array<number>(n).fill(0);
  const marks: { seq: number; kind: 'fault' | 'allocation'; label: string }[] = [];
  const scan = (
    filter: EventFilter,
    into: number[],
    cap: number,
    mark?: (e: NamedEvent) => void,
  ) => {
    let seen = 0;
    for (let from = 0; seen < cap;) {
      const page = session.namedEvents(runId, from, 10_000, filter);
      if (page.length === 0) break;
      for (const e of page) {
        into[Math.min(n - 1, Math.floor(e.seq / binSize))]!++;
        mark?.(e);
      }
      seen += page.length;
      from = page[page.length - 1]!.seq + 1;
    }
  };
  scan({ fault: true }, faults, 100_000, (e) => {
    if (marks.length < 400) marks.push({ seq: e.seq, kind: 'fault', label: e.text || e.name });
  });
  scan({ kind: EventKind.log }, logs, 200_000);
  let allocMarks = 0;
  for (const [fn, label] of Object.entries(ALLOCATION_FUNCTIONS)) {
    const id = symbolId(session, runId, fn);
    if (id === null) continue;
    scan({ fn: id, kind: EventKind.call }, allocs, 50_000, (e) => {
      if (allocMarks++ < 600) marks.push({ seq: e.seq, kind: 'allocation', label: label(e.args) });
    });
  }
  marks.sort((a, b) => a.seq - b.seq);
  return { eventCount, binSize, faults, logs, allocations: allocs, marks };
}

/** The tables, virtual tables and views the SQL box can query, each column with its meaning. */
export function sqlSchema(): SqlRelation[] {
  return SQL_SCHEMA.map((r) => ({
    ...r,
    columns: [...r.columns],
    ...(r.arguments ? { arguments: [...r.arguments] } : {}),
  }));
}

/** One SQL answer cell as the page gets it: blobs said, not sent. */
function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Uint8Array) return `<blob ${v.length} bytes>`;
  return String(v);
}

/**
 * A read-only query (Session.query decides what is read-only), its rows capped at `limit`. A
 * statement SQLite cannot run fails with SQLite's own message; a write with the statement refused.
 */
export function runQuery(
  session: Session,
  sql: string,
  limit: number,
): {
  columns: string[];
  rows: (string | number | null)[][];
  truncated: boolean;
  milliseconds: number;
} {
  const t0 = performance.now();
  const { columns, rows } = session.query(sql, limit + 1);
  const truncated = rows.length > limit;
  return {
    columns,
    rows: rows.slice(0, limit).map((r) => r.map(cell)),
    truncated,
    milliseconds: Math.round(performance.now() - t0),
  };
}
