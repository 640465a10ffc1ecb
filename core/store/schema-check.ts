// What a session file must hold before irqlab reads or writes anything in it: exactly the schema
// the migrations build for its version (no trigger, view, index or table they did not create, and
// none of theirs missing or changed: a trigger runs on irqlab's writes, a view or a table named
// `events` answers irqlab's reads), then rows of the types and ranges irqlab writes. SQLite checks
// its pages; it does not check that a row is one irqlab could have written.
import type Database from 'better-sqlite3';
import { openDatabase } from './native-binding';
import { decodeBlockHeader, GROUP_BLOCKS, POSTING_KEYS } from './event-blocks';
import { notValid } from './errors';
import type { Migration } from './migrate';
import { migrate } from './migrate';

/** Run ids are at most this: a block's rowid is run_id * 2^40 + step and must stay exact. */
export const MAX_RUN_ID = 8191;

type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null };

const expected = new Map<string, SchemaRow[]>();

const SCHEMA_SQL = `SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name`;

/** The schema the migrations build up to `version` (cached). */
function expectedSchema(migrations: readonly Migration[], version: number): SchemaRow[] {
  const key = `${version}\0${migrations.map((m) => m.sql.length).join(',')}`;
  let rows = expected.get(key);
  if (!rows) {
    const db = openDatabase(':memory:');
    try {
      migrate(
        db,
        migrations.filter((m) => m.version <= version),
      );
      rows = db.prepare(SCHEMA_SQL).all() as SchemaRow[];
    } finally {
      db.close();
    }
    expected.set(key, rows);
  }
  return rows;
}

/**
 * Objects a version's writer made besides the migrations: version 1 indexed its events table when
 * the first run finished (its run-writer.ts), so a version-1 file has these or none of them.
 */
const WRITTEN_BY_CODE: Record<number, SchemaRow[]> = {
  1: [
    ['events_irq', 'CREATE INDEX events_irq ON events (irq, id) WHERE irq >= 0'],
    ['events_cpu', 'CREATE INDEX events_cpu ON events (cpu, id) WHERE cpu >= 0'],
    ['events_fn', 'CREATE INDEX events_fn ON events (fn, id)'],
    ['events_fault', 'CREATE INDEX events_fault ON events (kind, id) WHERE kind >= 4'],
  ].map(([name, sql]) => ({ type: 'index', name: name!, tbl_name: 'events', sql: sql! })),
};

const describe = (r: SchemaRow) => `${r.type} ${JSON.stringify(r.name)}`;

/** Throws a SessionError unless the file's schema is exactly the one of its version. */
export function checkSchema(
  file: string,
  db: Database.Database,
  migrations: readonly Migration[],
  version: number,
): void {
  const want = expectedSchema(migrations, version);
  const optional = WRITTEN_BY_CODE[version] ?? [];
  // Bounded: a schema of a million triggers is not read whole to say so.
  const have = db
    .prepare(`${SCHEMA_SQL} LIMIT ${want.length + optional.length + 1}`)
    .all() as SchemaRow[];
  const wantByKey = new Map([...want, ...optional].map((r) => [`${r.type}\0${r.name}`, r]));
  const haveByKey = new Map(have.map((r) => [`${r.type}\0${r.name}`, r]));
  for (const r of have) {
    const w = wantByKey.get(`${r.type}\0${r.name}`);
    if (!w)
      throw notValid(
        file,
        `its schema has a ${describe(r)} that irqlab (schema version ${version}) does not make`,
      );
    if (w.tbl_name !== r.tbl_name || w.sql !== r.sql)
      throw notValid(file, `${describe(r)} is not defined as irqlab defines it`);
  }
  for (const w of want)
    if (!haveByKey.has(`${w.type}\0${w.name}`))
      throw notValid(file, `${describe(w)} is missing (schema version ${version})`);
}

/**
 * Checks the rows irqlab relies on: runs (ids, statuses, types), symbols (their argument lists are
 * JSON), and with `whole` every block's header against its event count and blob length, the
 * posting rows' shape, and that blocks, postings, strings, symbols and notes belong to runs that
 * exist. Without `whole` (big files) those run-sized tables are checked as they are read.
 */
export function checkRows(file: string, db: Database.Database, whole: boolean): void {
  const tables = new Set(
    db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[],
  );
  const runIds = new Set<number>();
  const eventCounts = new Map<number, number>();
  const runs = db
    .prepare(
      `SELECT id, typeof(created_at) AS c, typeof(profile) AS p, typeof(scenario) AS s, status,
              typeof(event_count) AS ec, event_count, typeof(machine_json) AS m,
              typeof(outputs_json) AS o, typeof(error) AS e, typeof(finished_at) AS f FROM runs`,
    )
    .iterate() as IterableIterator<Record<string, unknown>>;
  for (const r of runs) {
    const id = r.id as number;
    if (!Number.isInteger(id) || id < 1 || id > MAX_RUN_ID)
      throw notValid(file, `run id ${String(id)} is out of range (1..${MAX_RUN_ID})`);
    if (!['running', 'complete', 'failed', 'incomplete'].includes(r.status as string))
      throw notValid(file, `run ${id}: unknown status ${JSON.stringify(r.status)}`);
    if (r.c !== 'text' || r.p !== 'text' || r.s !== 'text' || r.m !== 'text')
      throw notValid(file, `run ${id}: created_at, profile, scenario or machine_json is not text`);
    if (!['text', 'null'].includes(r.o as string) || !['text', 'null'].includes(r.e as string))
      throw notValid(file, `run ${id}: outputs_json or error is not text`);
    if (!['text', 'null'].includes(r.f as string))
      throw notValid(file, `run ${id}: finished_at is not text`);
    const count = r.event_count as number;
    if (r.ec !== 'integer' || count < 0 || count > 2 ** 32)
      throw notValid(file, `run ${id}: event_count ${String(count)} is not a count of events`);
    runIds.add(id);
    eventCounts.set(id, count);
  }
  const known = (what: string, runId: unknown) => {
    if (!runIds.has(runId as number))
      throw notValid(file, `${what} belongs to run ${String(runId)}, which is not in the file`);
  };

  if (tables.has('machine')) {
    const m = db
      .prepare(`SELECT typeof(name), typeof(json) FROM machine`)
      .raw()
      .all() as string[][];
    for (const [name, json] of m)
      if (name !== 'text' || json !== 'text') throw notValid(file, 'the machine is not text');
  }

  if (tables.has('real_interrupts')) {
    const rows = db
      .prepare(
        `SELECT typeof(file_name), typeof(text), typeof(missing_json), typeof(imported_at) FROM real_interrupts`,
      )
      .raw()
      .all() as string[][];
    for (const types of rows)
      if (types.some((t) => t !== 'text'))
        throw notValid(file, 'the real /proc/interrupts is not text');
  }

  for (const s of db
    .prepare(`SELECT run_id, id, typeof(name) AS n, args FROM symbols`)
    .iterate() as IterableIterator<{ run_id: unknown; id: unknown; n: string; args: unknown }>) {
    known(`symbol ${String(s.id)}`, s.run_id);
    if (s.n !== 'text' || !Number.isInteger(s.id) || (s.id as number) < 0)
      throw notValid(file, `run ${String(s.run_id)}: symbol ${String(s.id)} is not a symbol`);
    symbolArgs(file, s.run_id as number, s.id as number, s.args);
  }

  if (tables.has('events')) {
    // Version 1: one row per event, rowid run_id * 2^40 + step. Its conversion (migrations/0002)
    // numbers a run's events by rowid, so they must be steps 0..n-1 and n the run's count.
    const seen = new Set<number>();
    for (const r of db
      .prepare(
        `SELECT id >> 40 AS run, count(*) AS n, min(id & 0xffffffffff) AS lo, max(id & 0xffffffffff) AS hi
           FROM events GROUP BY id >> 40`,
      )
      .iterate() as IterableIterator<{ run: number; n: number; lo: number; hi: number }>) {
      known('an event', r.run);
      if (r.lo !== 0 || r.hi !== r.n - 1)
        throw notValid(file, `run ${r.run}: its events are not steps 0..${r.n - 1}`);
      if (eventCounts.get(r.run) !== r.n)
        throw notValid(
          file,
          `run ${r.run}: it holds ${r.n} events, but it claims ${eventCounts.get(r.run)}`,
        );
      seen.add(r.run);
    }
    for (const [id, count] of eventCounts)
      if (count !== 0 && !seen.has(id))
        throw notValid(file, `run ${id}: it holds 0 events, but it claims ${count}`);
  }

  if (!whole) {
    // A big file's blocks are checked as they are read; a run's count is checked now, against
    // where its last block ends (one lookup per run).
    if (tables.has('event_blocks')) {
      const last = db.prepare(
        `SELECT id, count FROM event_blocks WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1`,
      );
      for (const [id, claimed] of eventCounts) {
        const base = id * 2 ** 40;
        const row = last.get(base, base + 2 ** 40) as { id: number; count: unknown } | undefined;
        const count = row?.count;
        const end =
          row && typeof count === 'number' && Number.isInteger(count) && count > 0 && count <= 4096
            ? row.id - base + count
            : row
              ? NaN
              : 0;
        if (end !== claimed)
          throw notValid(
            file,
            `run ${id}: its last block ends at step ${Number.isNaN(end) ? `(count ${String(count)})` : end}, but it claims ${claimed} events`,
          );
      }
    }
    return;
  }
  if (tables.has('notes'))
    for (const runId of db
      .prepare(`SELECT DISTINCT run_id FROM notes WHERE run_id IS NOT NULL`)
      .pluck()
      .iterate())
      known('a note', runId);
  for (const s of db
    .prepare(
      `SELECT run_id, count(*) AS n, sum(typeof(value) <> 'text') AS bad FROM strings GROUP BY run_id`,
    )
    .iterate() as IterableIterator<{ run_id: unknown; bad: number }>) {
    known('an interned string', s.run_id);
    if (s.bad) throw notValid(file, `run ${String(s.run_id)}: an interned string is not text`);
  }
  if (tables.has('event_blocks')) {
    let run = -1;
    let end = 0;
    const ended = new Set<number>();
    const endOfRun = (id: number, events: number) => {
      if (id < 0) return;
      ended.add(id);
      if (eventCounts.get(id) !== events)
        throw notValid(
          file,
          `run ${id}: its blocks hold ${events} events, but it claims ${eventCounts.get(id)}`,
        );
    };
    for (const b of db
      .prepare(
        `SELECT id, run_id, count, typeof(data) AS t, length(data) AS len, substr(data, 1, 16) AS head
           FROM event_blocks ORDER BY id`,
      )
      .iterate() as IterableIterator<{
      id: number;
      run_id: unknown;
      count: unknown;
      t: string;
      len: number;
      head: Buffer | string | null;
    }>) {
      known(`an event block`, b.run_id);
      const runId = b.run_id as number;
      const firstSeq = b.id - runId * 2 ** 40;
      if (firstSeq < 0 || firstSeq >= 2 ** 32)
        throw notValid(file, `run ${runId}: event block ${b.id} is outside the run's steps`);
      if (b.t !== 'blob' || !Buffer.isBuffer(b.head))
        throw notValid(file, `run ${runId}: event block at step ${firstSeq} is not a blob`);
      const problem = decodeBlockHeader(firstSeq, b.count, b.head, b.len);
      if (problem) throw notValid(file, `run ${runId}: ${problem}`);
      // A run's blocks follow one another from step 0 (each chunk's blocks commit with the
      // run's event count): an overlap would repeat steps, a gap hide a count that lies.
      if (runId !== run) {
        endOfRun(run, end);
        run = runId;
        end = 0;
      }
      if (firstSeq !== end)
        throw notValid(
          file,
          `run ${runId}: event block at step ${firstSeq} ${firstSeq < end ? 'overlaps the one before' : `leaves a gap after step ${end}`}`,
        );
      end = firstSeq + (b.count as number);
    }
    endOfRun(run, end);
    for (const [id, count] of eventCounts)
      if (count !== 0 && !ended.has(id))
        throw notValid(file, `run ${id}: its blocks hold 0 events, but it claims ${count}`);
  }
  if (tables.has('event_postings')) {
    for (const p of db
      .prepare(
        `SELECT run_id, key, typeof(blocks) AS t, length(blocks) AS len, substr(blocks, 1, 4) AS head
           FROM event_postings`,
      )
      .iterate() as IterableIterator<{
      run_id: unknown;
      key: string;
      t: string;
      len: number;
      head: Buffer | null;
    }>) {
      known('a posting list', p.run_id);
      const problem = postingRowProblem(p.t, p.len, p.head, p.key);
      if (problem) throw notValid(file, `run ${String(p.run_id)}: ${problem}`);
    }
  }
}

/** Why a posting row is not one irqlab writes, or null. */
export function postingRowProblem(
  type: string,
  length: number,
  head: Buffer | null,
  key: string,
): string | null {
  if (!(POSTING_KEYS as readonly string[]).includes(key)) return `unknown posting key ${key}`;
  if (type !== 'blob' || !head || head.length < 4 || length % 4 !== 0)
    return `a posting list of ${key} is not a list of uint32 words`;
  const n = head.readUInt32LE(0);
  if (n < 1 || n > GROUP_BLOCKS || length < 4 * (1 + n) || (length - 4 * (1 + n)) % 8 !== 0)
    return `a posting list of ${key} claims ${n} blocks in ${length} bytes`;
  return null;
}

/** A symbol's argument list as stored: JSON, [{name, type}, ...]. Throws when it is not. */
export function symbolArgs(
  file: string,
  runId: number,
  id: number,
  args: unknown,
): { name: string; type: string }[] {
  let value: unknown;
  try {
    if (typeof args !== 'string') throw new Error(`${typeof args}, not JSON text`);
    value = JSON.parse(args);
  } catch (err) {
    throw notValid(
      file,
      `run ${runId}: symbol ${id}: its arguments are not JSON (${(err as Error).message})`,
    );
  }
  if (
    !Array.isArray(value) ||
    value.length > 64 ||
    !value.every(
      (a) =>
        typeof a === 'object' &&
        a !== null &&
        typeof (a as { name?: unknown }).name === 'string' &&
        typeof (a as { type?: unknown }).type === 'string',
    )
  )
    throw notValid(
      file,
      `run ${runId}: symbol ${id}: its arguments are not a list of {name, type}`,
    );
  return (value as { name: string; type: string }[]).map((a) => ({ name: a.name, type: a.type }));
}
