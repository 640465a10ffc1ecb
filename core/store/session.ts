// A session: one SQLite file (*.irqlab) holding the machine, every run with its trace, notes and
// breakpoints. SQLite is the application file format (one file to save, mail and reopen).
//
// Opening is careful: the file is inspected read-only first (header, size, application id,
// schema version, integrity) and a file that is not ours, newer than us, truncated or corrupt
// gets a SessionError naming it and is never written to. Only a healthy irqlab file of an older
// version is migrated, each step in a transaction.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { SessionError } from './errors';
import { latestVersion, loadMigrations, migrate, type Migration } from './migrate';
import { RunWriter } from './run-writer';
import type { TraceSource } from '../report/trace-source';
import type { EventRow } from '../trace/events';

export type { EventRow };

/** PRAGMA application_id of an irqlab session: 'irql' in ASCII. */
export const IRQLAB_APPLICATION_ID = 0x6972716c;

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface OpenOptions {
  /** Create the file if it does not exist (or is empty). */
  create?: boolean;
  readonly?: boolean;
  migrations?: readonly Migration[];
}

export interface RunSummary {
  id: number;
  createdAt: string;
  finishedAt: string | null;
  profile: string;
  scenario: string;
  status: 'running' | 'complete' | 'failed' | 'incomplete';
  eventCount: number;
  error: string | null;
}

export interface EventFilter {
  kind?: number;
  fn?: number;
  irq?: number;
  cpu?: number;
}

/** A run's rowids are run_id * 2^40 + seq (see migrations/0001_session.sql). */
export const RUN_ROWID_BASE = 2 ** 40;

/** Reads the file's first 100 bytes (the SQLite header) without opening it as a database. */
function inspectHeader(file: string): void {
  const size = statSync(file).size;
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 16 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new SessionError('not-sqlite', file, 'not an irqlab session (not an SQLite database)');
  }
  if (read < 100) {
    throw new SessionError(
      'truncated',
      file,
      `truncated: ${size} bytes, shorter than the SQLite header`,
    );
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The in-header page count is valid when the change counters agree (SQLite >= 3.7.0 writers).
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (countValid && pages > 0 && size < pages * pageSize) {
    throw new SessionError(
      'truncated',
      file,
      `truncated: ${size} bytes, but its header says ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes)`,
    );
  }
}

export class Session {
  private constructor(
    readonly file: string,
    readonly db: Database.Database,
    readonly readonly: boolean,
  ) {}

  static open(file: string, options: OpenOptions = {}): Session {
    const migrations = options.migrations ?? loadMigrations();
    const latest = latestVersion(migrations);
    const fresh = !existsSync(file) || statSync(file).size === 0;
    if (fresh && !options.create) {
      throw new SessionError(
        'not-found',
        file,
        existsSync(file) ? 'empty file, not a session' : 'no such file',
      );
    }

    if (!fresh) {
      inspectHeader(file);
      let probe: Database.Database;
      try {
        probe = new Database(file, { readonly: true, fileMustExist: true });
      } catch (err) {
        throw new SessionError('corrupt', file, `cannot be opened: ${(err as Error).message}`);
      }
      try {
        const appId = probe.pragma('application_id', { simple: true }) as number;
        const version = probe.pragma('user_version', { simple: true }) as number;
        if (appId !== IRQLAB_APPLICATION_ID) {
          throw new SessionError(
            'foreign',
            file,
            `an SQLite database, but not an irqlab session (application_id 0x${appId.toString(16)})`,
          );
        }
        if (version > latest) {
          throw new SessionError(
            'newer',
            file,
            `written by a newer irqlab (schema version ${version}; this one reads up to ${latest}); open it with that version`,
          );
        }
        const check = probe.pragma('quick_check', { simple: true }) as string;
        if (check !== 'ok') throw new SessionError('corrupt', file, `damaged: ${check}`);
      } catch (err) {
        if (err instanceof SessionError) throw err;
        throw new SessionError('corrupt', file, `damaged: ${(err as Error).message}`);
      } finally {
        probe.close();
      }
    }

    const db = new Database(file, { readonly: options.readonly ?? false });
    const session = new Session(file, db, options.readonly ?? false);
    if (!session.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      if (fresh) db.pragma(`application_id = ${IRQLAB_APPLICATION_ID}`);
      migrate(db, migrations);
      // A run still 'running' was cut off (crash, kill) in another process: say so.
      db.prepare(`UPDATE runs SET status = 'incomplete' WHERE status = 'running'`).run();
    }
    return session;
  }

  close(): void {
    this.db.close();
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  saveMachine(name: string, json: string): void {
    this.db
      .prepare(
        `INSERT INTO machine (id, name, json, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json, updated_at = excluded.updated_at`,
      )
      .run(name, json, new Date().toISOString());
  }

  machine(): { name: string; json: string } | null {
    const row = this.db.prepare(`SELECT name, json FROM machine WHERE id = 1`).get() as
      { name: string; json: string } | undefined;
    return row ?? null;
  }

  /** Starts a run; its writer is a trace sink that stores events in batches as they come. */
  beginRun(run: { profile: string; scenario?: string; machineJson: string }): RunWriter {
    const info = this.db
      .prepare(
        `INSERT INTO runs (created_at, profile, scenario, status, machine_json) VALUES (?, ?, ?, 'running', ?)`,
      )
      .run(new Date().toISOString(), run.profile, run.scenario ?? 'boot', run.machineJson);
    return new RunWriter(this.db, Number(info.lastInsertRowid));
  }

  runs(): RunSummary[] {
    return this.db
      .prepare(
        `SELECT id, created_at AS createdAt, finished_at AS finishedAt, profile, scenario, status,
                event_count AS eventCount, error FROM runs ORDER BY id`,
      )
      .all() as RunSummary[];
  }

  run(id: number): (RunSummary & { outputsJson: string | null; machineJson: string }) | null {
    const row = this.db
      .prepare(
        `SELECT id, created_at AS createdAt, finished_at AS finishedAt, profile, scenario, status,
                event_count AS eventCount, error, outputs_json AS outputsJson, machine_json AS machineJson
           FROM runs WHERE id = ?`,
      )
      .get(id);
    return (
      (row as (RunSummary & { outputsJson: string | null; machineJson: string }) | undefined) ??
      null
    );
  }

  /**
   * A page of a run's events from step `fromSeq` on, optionally filtered. Reads only the rows it
   * returns (a rowid range scan, or an index when filtered), never the whole run.
   */
  events(runId: number, fromSeq: number, limit: number, filter: EventFilter = {}): EventRow[] {
    const base = runId * RUN_ROWID_BASE;
    const where = ['id >= ?', 'id < ?'];
    const params: number[] = [base + fromSeq, base + RUN_ROWID_BASE];
    for (const key of ['kind', 'fn', 'irq', 'cpu'] as const) {
      const value = filter[key];
      if (value !== undefined) {
        where.push(`${key} = ?`);
        params.push(value);
      }
    }
    params.push(Math.max(0, Math.min(limit, 100_000)));
    return this.db
      .prepare(
        `SELECT id - ${base} AS seq, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text
           FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
      )
      .all(...params) as EventRow[];
  }

  strings(runId: number): Map<number, string> {
    const rows = this.db.prepare(`SELECT id, value FROM strings WHERE run_id = ?`).all(runId) as {
      id: number;
      value: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.value]));
  }

  symbols(runId: number): Map<number, { name: string; args: { name: string; type: string }[] }> {
    const rows = this.db
      .prepare(`SELECT id, name, args FROM symbols WHERE run_id = ?`)
      .all(runId) as {
      id: number;
      name: string;
      args: string;
    }[];
    return new Map(rows.map((r) => [r.id, { name: r.name, args: JSON.parse(r.args) }]));
  }

  /** A stored run as reports read it: pages of events, names resolved through its tables. */
  traceSource(runId: number): TraceSource {
    const strings = this.strings(runId);
    const symbols = this.symbols(runId);
    return {
      page: (fromSeq, limit) => this.events(runId, fromSeq, limit),
      string: (id) => strings.get(id) ?? '',
      symbol: (id) => symbols.get(id),
    };
  }

  /**
   * A read-only SQL query for power users. SQLite itself decides whether the statement writes
   * (better-sqlite3's `readonly` flag comes from sqlite3_stmt_readonly), so no parsing tricks can
   * smuggle a write through; PRAGMAs and ATTACH are refused too.
   */
  query(sql: string, limit = 10_000): { columns: string[]; rows: unknown[][] } {
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      throw new SessionError(
        'read-only-query',
        this.file,
        `query rejected: ${(err as Error).message}`,
      );
    }
    if (!stmt.readonly || !stmt.reader || /^\s*(pragma|attach|detach|vacuum)\b/i.test(sql)) {
      throw new SessionError(
        'read-only-query',
        this.file,
        'query rejected: only read-only SELECT statements are allowed',
      );
    }
    const columns = stmt.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    for (const row of stmt.raw(true).iterate() as IterableIterator<unknown[]>) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
    return { columns, rows };
  }
}
