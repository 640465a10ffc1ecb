// A session: one SQLite file (*.irqlab) holding the machine, every run with its trace, notes and
// breakpoints. SQLite is the application file format (one file to save, mail and reopen).
//
// Opening is careful: the file is inspected read-only first (header, size, application id,
// schema version, integrity) and a file that is not ours, newer than us, truncated or corrupt
// gets a SessionError naming it and is never written to. Only a healthy irqlab file of an older
// version is migrated, each step in a transaction; opened read-only, an older file is migrated
// in memory and the file itself is left as it is.
//
// Trace events live in blocks (event-blocks.ts); `events()` pages through them, using the
// posting lists for filters, and SQL sees them through the `events` virtual table.
import type Database from 'better-sqlite3';
import { openDatabase } from './native-binding';
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  EVENT_KIND_NAMES,
  EventKind,
  type EventKind as Kind,
  type EventRow,
} from '../trace/events';
import { namedArgs, type TraceSource } from '../report/trace-source';
import { BlockReader } from './block-reader';
import { notValid, QueryError, SessionError } from './errors';
import type { PostingKey } from './event-blocks';
import { registerEventsTable } from './events-table';
import { latestVersion, loadMigrations, migrate, type Migration } from './migrate';
import { RUN_ROWID_BASE, RunWriter } from './run-writer';
import { checkRows, checkSchema, symbolArgs } from './schema-check';
import { SQL_VIEWS } from './sql-schema';
import { acquireWriterLock, liveWriter, type WriterLock } from './writer-lock';

// SQLite URIs (`file:...?immutable=1`) let a reader open a session without creating -wal/-shm
// files beside it. better-sqlite3 reads this once, when its addon loads (at the first Database);
// where it was loaded before (another thread), opening falls back to a private copy.
process.env.SQLITE_USE_URI ??= '1';

export type { EventRow };
export { RUN_ROWID_BASE };

/** A stored event: the trace's columns and the device context (string id of its BDF, or 0). */
export type StoredEventRow = EventRow & { dev: number };

/** A stored event with its names resolved, as the UI shows it. */
export interface NamedEvent {
  seq: number;
  kind: string;
  depth: number;
  /** Function, state or fault name ('' for a log line). */
  name: string;
  irq: number;
  cpu: number;
  args: Record<string, number | string>;
  /** Log line or fault summary ('' when none). */
  text: string;
  /** BDF of the device the kernel was working for ('' when none). */
  device: string;
}

/** PRAGMA application_id of an irqlab session: 'irql' in ASCII. */
export const IRQLAB_APPLICATION_ID = 0x6972716c;

const SQLITE_MAGIC = 'SQLite format 3\0';

export interface OpenOptions {
  /** Create the file if it does not exist (or is empty). */
  create?: boolean;
  readonly?: boolean;
  migrations?: readonly Migration[];
  /** Files up to this size get a whole-file quick_check at open (default FULL_CHECK_BYTES). */
  fullCheckBytes?: number;
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
  /**
   * Stored as 'running' but the process writing it is gone (killed, crashed): shown as
   * 'incomplete'. Set only by reads; the next writer to open the file stores 'incomplete'.
   */
  writerGone?: boolean;
}

/** Which events of a run to return. Every given condition must hold. */
export interface EventFilter {
  /** Steps before this one (the page starts at `fromSeq`): a step range. */
  toSeq?: number;
  kind?: number;
  /** Symbol id of a function, state or fault. */
  fn?: number;
  irq?: number;
  cpu?: number;
  /** Device by its string id (StoredEventRow.dev) or by BDF (`device`). */
  dev?: number;
  device?: string;
  /** Faults only (kind = fault). */
  fault?: boolean;
}

/**
 * Files up to this size are checked whole (PRAGMA quick_check) before they are opened. Above it,
 * the tables that grow with the runs (their events, strings and outputs) are left out of the
 * check and verified as they are read: SQLite checks each page it reads and the block decoder
 * checks each block's layout, and either failure is a SessionError naming the file. So opening
 * a session with a 10-million-event run stays fast.
 */
export const FULL_CHECK_BYTES = 64 * 1024 * 1024;
const RUN_SIZED_TABLES = new Set(['event_blocks', 'event_postings', 'strings', 'runs', 'events']);

/** Reads the file's first 100 bytes (the SQLite header) without opening it as a database. */
function inspectHeader(file: string): void {
  const size = statSync(file).size;
  const header = Buffer.alloc(100);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new SessionError(
      'not-found',
      file,
      `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 16 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw notValid(file, 'not an SQLite database', 'not-sqlite');
  }
  if (read < 100) {
    throw notValid(file, `truncated: ${size} bytes, shorter than the SQLite header`, 'truncated');
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The in-header page count is valid when the change counters agree (SQLite >= 3.7.0 writers).
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  if (countValid && pages > 0 && size < pages * pageSize) {
    throw notValid(
      file,
      `truncated: ${size} bytes, but its header says ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes)`,
      'truncated',
    );
  }
}

/**
 * Page size of new session files. Most of a session is trace blocks (~80 KB blobs, one per 4096
 * events) and run outputs (tens of MB on a big machine), which SQLite stores in chains of
 * overflow pages: at 4 KiB (SQLite's default) storing a 1536-CPU boot wrote and checkpointed
 * ~35,000 pages, one system call and one WAL frame each; at 32 KiB an eighth of that, for a few
 * hundred KB more in an empty session. Files made before keep their own page size.
 */
const NEW_FILE_PAGE_SIZE = 32768;

/** Every connection to a session file: its schema is data, never code irqlab trusts. */
function harden(db: Database.Database): Database.Database {
  // Functions in the schema (defaults, checks, indexes) only if innocuous; better-sqlite3 sets
  // SQLITE_DBCONFIG_DEFENSIVE itself (unless unsafeMode is on, which irqlab never turns on).
  db.pragma('trusted_schema = OFF');
  return db;
}

/** A connection that only folds a session's WAL into its file (openWalCheckpointer). */
export interface WalCheckpointer {
  /** Copies what is committed in the WAL into the file, as far as it can without waiting. */
  checkpoint(): void;
  close(): void;
}

/**
 * A connection to a session file another connection is writing, that only checkpoints: for a
 * thread beside the one storing a run (electron/node/checkpoint-thread.ts), so that the writer
 * never waits for a checkpoint's fsyncs. It writes nothing of its own, so it takes no writer
 * lock and makes no checks (the writer opened the file and checked it). Close it before the
 * writer closes: the last connection to close folds in the whole WAL and removes it.
 */
export function openWalCheckpointer(file: string): WalCheckpointer {
  const db = harden(openDatabase(file, { fileMustExist: true }));
  // As the writer's connection: a checkpoint syncs the WAL before it copies, the file after.
  db.pragma('synchronous = NORMAL');
  return {
    checkpoint: () => void db.pragma('wal_checkpoint(PASSIVE)'),
    close: () => db.close(),
  };
}

/**
 * How a reader reaches a file's content without touching it: `open()` gives a read-only
 * connection (as often as wanted: the events table has its own), `dispose()` removes what was
 * made for it. A file whose WAL holds nothing is opened immutable (SQLite then takes no lock and
 * creates no -wal/-shm beside it); while a live writer has it, directly (its -wal and -shm exist);
 * a writer that died leaves a WAL with committed transactions in it: those are read from a
 * private copy of the file and its WAL, so its -wal/-shm are neither changed nor left behind.
 */
interface ReadSource {
  open(): Database.Database;
  dispose(): void;
}

let urisWork: boolean | null = null;

function readSource(file: string): ReadSource {
  const walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
  const hasShm = existsSync(`${file}-shm`);
  if (walBytes > 0 || hasShm) {
    if (hasShm && liveWriter(file))
      return {
        open: () => harden(openDatabase(file, { readonly: true, fileMustExist: true })),
        dispose: () => {},
      };
    if (walBytes > 0) return privateCopy(file, true);
  }
  if (urisWork !== false) {
    const uri = `${pathToFileURL(path.resolve(file)).href}?immutable=1`;
    try {
      const db = openDatabase(uri, { readonly: true, fileMustExist: true });
      urisWork = true;
      db.close();
      return {
        open: () => harden(openDatabase(uri, { readonly: true, fileMustExist: true })),
        dispose: () => {},
      };
    } catch (err) {
      // The file itself cannot be read (permissions): say so, whatever URIs do.
      accessSync(file, constants.R_OK);
      if (urisWork === true) throw err;
      urisWork = false; // URIs are off in this process: `file:...` named a file that is not there
    }
  }
  return privateCopy(file, walBytes > 0);
}

/** A copy (with its WAL) in a private folder, removed by dispose() and at exit. */
function privateCopy(file: string, withWal: boolean): ReadSource {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-read-'));
  const copy = path.join(dir, 'session.irqlab');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  try {
    copyFileSync(file, copy);
    if (withWal) copyFileSync(`${file}-wal`, `${copy}-wal`);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    open: () => harden(openDatabase(copy, { readonly: true, fileMustExist: true })),
    dispose: () => {
      process.removeListener('exit', remove);
      remove();
    },
  };
}

/**
 * Runs the read-only checks of an existing file (application id, version, schema, integrity,
 * rows); returns its schema version. Nothing else is read from a file before these pass.
 */
function inspectDatabase(
  file: string,
  migrations: readonly Migration[],
  probe: Database.Database,
  fullCheckBytes: number,
): number {
  const latest = latestVersion(migrations);
  // One read transaction: every check sees the same snapshot, not a live writer's commits
  // landing between two of them (a run's event count from before a commit, its blocks after).
  probe.exec('BEGIN');
  try {
    const appId = probe.pragma('application_id', { simple: true }) as number;
    const version = probe.pragma('user_version', { simple: true }) as number;
    if (appId !== IRQLAB_APPLICATION_ID) {
      throw notValid(
        file,
        `an SQLite database of another application (application_id 0x${(appId >>> 0).toString(16)})`,
        'foreign',
      );
    }
    if (version > latest) {
      throw new SessionError(
        'newer',
        file,
        `written by a newer irqlab (schema version ${version}; this one reads up to ${latest}); open it with that version`,
      );
    }
    if (version < 0) throw notValid(file, `schema version ${version}`);
    checkSchema(file, probe, migrations, version);
    // An older file is converted, which reads every row anyway: it is checked whole first.
    const whole = statSync(file).size <= fullCheckBytes || version < latest;
    const tables = whole
      ? [null]
      : (
          probe
            .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
            .pluck()
            .all() as string[]
        ).filter((t) => !RUN_SIZED_TABLES.has(t));
    for (const table of tables) {
      const check = probe.pragma(table === null ? 'quick_check' : `quick_check("${table}")`, {
        simple: true,
      }) as string;
      if (check !== 'ok') throw notValid(file, `damaged: ${check}`, 'corrupt');
    }
    checkRows(file, probe, whole);
    if (version === 1) checkV1Conversion(file, probe);
    return version;
  } catch (err) {
    if (err instanceof SessionError) throw err;
    throw notValid(file, `damaged: ${(err as Error).message}`, 'corrupt');
  } finally {
    if (probe.inTransaction) probe.exec('ROLLBACK');
  }
}

/**
 * Converting version-1 rows (migrations/0002) costs, for each call naming a device, a walk to its
 * return and a scan of the device calls for each event: events x device calls row visits. A file
 * can make that any size; past this budget (seconds of work) it is refused instead of converted.
 */
export const V1_CONVERSION_BUDGET = 5e8;

function checkV1Conversion(file: string, db: Database.Database): void {
  const events = db.prepare(`SELECT count(*) FROM events`).pluck().get() as number;
  const calls = db
    .prepare(
      `SELECT count(*) FROM events e
         JOIN symbols s ON s.run_id = e.id >> 40 AND s.id = e.fn
         JOIN json_each(s.args) a
           ON a.value ->> 'name' = 'dev' AND a.value ->> 'type' = 'str' AND a.key < 4
        WHERE e.kind = 1`,
    )
    .pluck()
    .get() as number;
  if (events * (calls + 1) > V1_CONVERSION_BUDGET)
    throw notValid(
      file,
      `a schema version 1 file too big to convert (${events} events, ${calls} device calls)`,
    );
}

/** The bytes of a read-only connection's database as a rollback-journal file, for deserializing. */
function imageOf(db: Database.Database): Buffer {
  const image = db.serialize();
  // A WAL-mode header (file format versions 2) makes an in-memory copy look for a WAL file it
  // cannot have: its writes fail with "unable to open database file". Say "rollback journal".
  if (image.length >= 20) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/**
 * An SQLite error while irqlab reads its own tables of a checked file: the file is at fault
 * (a page that reads wrong, a value of the wrong type), except when SQLite is busy or out of
 * memory or disk, which says nothing about the file.
 */
function isFileFault(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    typeof code === 'string' &&
    code.startsWith('SQLITE_') &&
    !/^SQLITE_(BUSY|LOCKED|NOMEM|FULL|INTERRUPT|READONLY)/.test(code)
  );
}

export class Session {
  private blocks: BlockReader | null = null;
  private tableReader: { db: Database.Database; blocks: BlockReader } | null = null;
  private readonly runStrings = new Map<number, Map<number, string>>();
  private readonly runSymbols = new Map<
    number,
    Map<number, { name: string; args: { name: string; type: string }[] }>
  >();
  private readonly deviceIds = new Map<string, number>();

  private constructor(
    readonly file: string,
    readonly db: Database.Database,
    readonly readonly: boolean,
    /** A read-only connection to the same content (the events table's own). */
    private readonly reopen: () => Database.Database,
    private readonly release: () => void,
    /** Held when this session writes the file. */
    private readonly lock: WriterLock | null,
  ) {
    registerEventsTable(db, () => this.tableBlocks());
    // Names instead of interned ids, for SQL (sql-schema.ts says why TEMP: never in the file).
    for (const v of SQL_VIEWS) db.exec(`CREATE TEMP VIEW IF NOT EXISTS ${v.name} AS ${v.sql}`);
  }

  static open(file: string, options: OpenOptions = {}): Session {
    const migrations = options.migrations ?? loadMigrations();
    const latest = latestVersion(migrations);
    const readonly = options.readonly ?? false;
    const fresh = !existsSync(file) || statSync(file).size === 0;
    if (fresh && (!options.create || readonly)) {
      throw existsSync(file)
        ? notValid(file, 'an empty file', 'not-found')
        : new SessionError('not-found', file, 'no such file');
    }
    if (!fresh && !statSync(file).isFile()) throw notValid(file, 'not a file');

    // A writer takes the lock first: a second writer is refused while the first one lives.
    const lock = readonly ? null : acquireWriterLock(file);
    let source: ReadSource | null = null;
    try {
      let version = 0;
      let image: Buffer | null = null;
      if (!fresh) {
        inspectHeader(file);
        try {
          source = readSource(file);
        } catch (err) {
          throw new SessionError(
            'not-found',
            file,
            `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          );
        }
        let probe: Database.Database;
        try {
          probe = source.open();
        } catch (err) {
          throw notValid(file, `cannot be opened: ${(err as Error).message}`, 'corrupt');
        }
        try {
          version = inspectDatabase(
            file,
            migrations,
            probe,
            options.fullCheckBytes ?? FULL_CHECK_BYTES,
          );
          // Read-only and older: migrate a copy in memory (serialize() includes the WAL's pages).
          if (readonly && version < latest) image = imageOf(probe);
        } finally {
          probe.close();
        }
      }

      if (image) {
        source?.dispose();
        source = null;
        const db = harden(openDatabase(image));
        try {
          migrate(db, migrations);
        } catch (err) {
          db.close();
          throw notValid(
            file,
            `cannot be migrated from schema version ${version}: ${(err as Error).message}`,
            'corrupt',
          );
        }
        try {
          // What the conversion made is what will be read: checked as a file would be.
          checkRows(file, db, true);
        } catch (err) {
          db.close();
          throw err;
        }
        // The events table's own connection reads a copy (serialized now: not while a query runs).
        const migrated = db.serialize();
        return new Session(
          file,
          db,
          true,
          () => harden(openDatabase(migrated)),
          () => {},
          null,
        );
      }

      if (readonly) {
        const src = source!;
        source = null;
        return new Session(file, src.open(), true, src.open, src.dispose, null);
      }

      source?.dispose();
      source = null;
      const db = harden(openDatabase(file));
      try {
        // Before the first page is written (a WAL file's page size is fixed from then on).
        if (fresh) db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        if (fresh) db.pragma(`application_id = ${IRQLAB_APPLICATION_ID}`);
        migrate(db, migrations);
        // A run still 'running' was cut off (crash, kill) in a process that is gone: this one
        // holds the lock now. (Another thread of this process may be writing one: left alone.)
        if (lock!.owned)
          db.prepare(`UPDATE runs SET status = 'incomplete' WHERE status = 'running'`).run();
      } catch (err) {
        db.close();
        if (isCorruption(err))
          throw notValid(file, `damaged: ${(err as Error).message}`, 'corrupt');
        throw err;
      }
      return new Session(
        file,
        db,
        false,
        () => harden(openDatabase(file, { readonly: true, fileMustExist: true })),
        () => {},
        lock,
      );
    } catch (err) {
      source?.dispose();
      lock?.release();
      throw err;
    }
  }

  close(): void {
    this.tableReader?.db.close();
    this.tableReader = null;
    this.db.close();
    this.release();
    this.lock?.release();
  }

  /**
   * Whether another opener holds this file's writer lock (a thread of this process, or the app's
   * process that lent it to this one: writer-lock.ts): its connection stays open after this one
   * closes, so this one's close is not the last (which folds in the WAL and removes it).
   */
  get writerLockHeldElsewhere(): boolean {
    return this.lock !== null && !this.lock.owned;
  }

  /**
   * Whether the process that writes this file is alive: this one when it opened the file for
   * writing, else whoever holds its writer lock (writer-lock.ts).
   */
  writerAlive(): boolean {
    return !this.readonly || liveWriter(this.file) !== null;
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
    const row = this.guard('machine', () =>
      this.db.prepare(`SELECT name, json FROM machine WHERE id = 1`).get(),
    ) as { name: unknown; json: unknown } | undefined;
    if (!row) return null;
    if (typeof row.name !== 'string' || typeof row.json !== 'string')
      throw notValid(this.file, 'the machine is not text', 'corrupt');
    return { name: row.name, json: row.json };
  }

  /**
   * Keeps the real /proc/interrupts an imported machine came with (one per session: a new
   * import replaces it), and what the import assumed for lack of a fact.
   */
  saveRealInterrupts(real: { fileName: string; text: string; missing: string[] }): void {
    this.db
      .prepare(
        `INSERT INTO real_interrupts (id, file_name, text, missing_json, imported_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET file_name = excluded.file_name, text = excluded.text,
           missing_json = excluded.missing_json, imported_at = excluded.imported_at`,
      )
      .run(real.fileName, real.text, JSON.stringify(real.missing), new Date().toISOString());
  }

  /** The real /proc/interrupts kept by an import, or null (none imported, or an older file). */
  realInterrupts(): { fileName: string; text: string; missing: string[] } | null {
    if (this.schemaVersion < 3) return null;
    const row = this.guard('real /proc/interrupts', () =>
      this.db
        .prepare(`SELECT file_name, text, missing_json FROM real_interrupts WHERE id = 1`)
        .get(),
    ) as { file_name: unknown; text: unknown; missing_json: unknown } | undefined;
    if (!row) return null;
    let missing: unknown = null;
    try {
      missing = typeof row.missing_json === 'string' ? JSON.parse(row.missing_json) : null;
    } catch {
      missing = null;
    }
    if (
      typeof row.file_name !== 'string' ||
      typeof row.text !== 'string' ||
      !Array.isArray(missing) ||
      !missing.every((m) => typeof m === 'string')
    )
      throw notValid(this.file, 'the real /proc/interrupts is not text', 'corrupt');
    return { fileName: row.file_name, text: row.text, missing };
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
    return this.liveness(
      this.guard('runs', () =>
        this.db
          .prepare(
            `SELECT id, created_at AS createdAt, finished_at AS finishedAt, profile, scenario, status,
                event_count AS eventCount, error FROM runs ORDER BY id`,
          )
          .all(),
      ) as RunSummary[],
    );
  }

  /** A run stored as 'running' whose writer is gone is reported 'incomplete' (writerGone). */
  private liveness<T extends RunSummary>(rows: T[]): T[] {
    if (!rows.some((r) => r.status === 'running') || this.writerAlive()) return rows;
    return rows.map((r) =>
      r.status === 'running' ? { ...r, status: 'incomplete', writerGone: true } : r,
    );
  }

  run(id: number): (RunSummary & { outputsJson: string | null; machineJson: string }) | null {
    const row = this.guard(`run ${id}`, () =>
      this.db
        .prepare(
          `SELECT id, created_at AS createdAt, finished_at AS finishedAt, profile, scenario, status,
                event_count AS eventCount, error, outputs_json AS outputsJson, machine_json AS machineJson
           FROM runs WHERE id = ?`,
        )
        .get(id),
    );
    const found = row as
      (RunSummary & { outputsJson: string | null; machineJson: string }) | undefined;
    return found ? this.liveness([found])[0]! : null;
  }

  /** A run's summary alone (not its machine and outputs, which are megabytes on a big machine). */
  runInfo(id: number): RunSummary | null {
    const row = this.guard(`run ${id}`, () =>
      this.db
        .prepare(
          `SELECT id, created_at AS createdAt, finished_at AS finishedAt, profile, scenario, status,
                event_count AS eventCount, error FROM runs WHERE id = ?`,
        )
        .get(id),
    ) as RunSummary | undefined;
    return row ? this.liveness([row])[0]! : null;
  }

  /** The lengths of arrays among a run's stored outputs' top-level fields (runs without counts). */
  runOutputLengths(id: number, fields: readonly string[]): Record<string, number> {
    const row = this.guard(`run ${id}`, () =>
      this.db
        .prepare(
          `SELECT ${fields.map(() => 'json_array_length(o, ?)').join(', ')}
             FROM (SELECT outputs_json AS o FROM runs WHERE id = ?)`,
        )
        .raw(true)
        .get(...fields.map((f) => `$.${JSON.stringify(f)}`), id),
    ) as unknown[] | undefined;
    return Object.fromEntries(fields.map((f, i) => [f, Number(row?.[i] ?? 0)]));
  }

  /** The machine a run booted (its JSON text), or null when there is no such run. */
  runMachineJson(id: number): string | null {
    const json = this.guard(`run ${id}`, () =>
      this.db.prepare(`SELECT machine_json FROM runs WHERE id = ?`).pluck().get(id),
    ) as unknown;
    if (json === undefined) return null;
    if (typeof json !== 'string')
      throw notValid(this.file, `run ${id}: its machine is not text`, 'corrupt');
    return json;
  }

  /**
   * Top-level fields of a run's stored outputs, each parsed on its own (SQLite reads the JSON
   * text; only the fields asked for reach JavaScript): absent fields are undefined. Null when the
   * run stored no outputs.
   */
  runOutputFields(id: number, fields: readonly string[]): Record<string, unknown> | null {
    const row = this.guard(`run ${id}`, () => {
      // Each field's path is bound, never spliced into the SQL; one row, one parse of the text.
      const columns = fields.map(() => 'o -> ?').join(', ');
      return this.db
        .prepare(
          `SELECT o IS NULL AS none${columns ? `, ${columns}` : ''}
             FROM (SELECT outputs_json AS o FROM runs WHERE id = ?)`,
        )
        .raw(true)
        .get(...fields.map((f) => `$.${JSON.stringify(f)}`), id);
    }) as unknown[] | undefined;
    if (row === undefined) throw new SessionError('not-found', this.file, `no run ${id}`);
    if (row[0]) return null;
    const out: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      const json = row[i + 1];
      if (json === null || json === undefined) return;
      try {
        out[field] = JSON.parse(String(json));
      } catch (err) {
        throw notValid(
          this.file,
          `run ${id}: stored outputs are not valid JSON (${(err as Error).message})`,
          'corrupt',
        );
      }
    });
    return out;
  }

  /** A run's stored outputs (what the simulation returned), parsed; null when none were stored. */
  runOutputs(id: number): unknown {
    const json = this.guard(`run ${id}`, () =>
      this.db.prepare(`SELECT outputs_json FROM runs WHERE id = ?`).pluck().get(id),
    ) as string | null | undefined;
    if (json === undefined) throw new SessionError('not-found', this.file, `no run ${id}`);
    if (json === null) return null;
    try {
      return JSON.parse(json);
    } catch (err) {
      throw notValid(
        this.file,
        `run ${id}: stored outputs are not valid JSON (${(err as Error).message})`,
        'corrupt',
      );
    }
  }

  /** Event blocks decoded by this session's reads so far (each block once while it is cached). */
  get blocksDecoded(): number {
    return this.blocks?.decoded ?? 0;
  }

  private damaged = (runId: number, message: string) =>
    notValid(this.file, `damaged: run ${runId}: ${message}`, 'corrupt');

  private blockReader(): BlockReader {
    return (this.blocks ??= new BlockReader(this.db, this.damaged));
  }

  /** The `events` virtual table's reader, on a connection of its own (see events-table.ts). */
  private tableBlocks(): BlockReader {
    if (!this.tableReader) {
      const db = this.reopen();
      this.tableReader = { db, blocks: new BlockReader(db, this.damaged) };
    }
    return this.tableReader.blocks;
  }

  /** Runs a read, turning SQLite's corruption errors into a SessionError naming the file. */
  private guard<T>(what: string, read: () => T, fault = isFileFault): T {
    try {
      return read();
    } catch (err) {
      if (fault(err))
        throw notValid(this.file, `damaged: ${what}: ${(err as Error).message}`, 'corrupt');
      throw err;
    }
  }

  /**
   * A page of a run's events from step `fromSeq` on, optionally filtered. Reads only the blocks
   * that can hold the page's events (from the block holding `fromSeq`; with a filter, only the
   * blocks the posting lists name), never the whole run.
   */
  events(
    runId: number,
    fromSeq: number,
    limit: number,
    filter: EventFilter = {},
  ): StoredEventRow[] {
    const max = Math.max(0, Math.min(limit, 100_000));
    const from = Math.max(0, fromSeq);
    const to = filter.toSeq ?? Infinity;
    const out: StoredEventRow[] = [];
    if (max === 0 || to <= from) return out;
    const conditions: [PostingKey, number][] = [];
    for (const key of ['kind', 'fn', 'irq', 'cpu', 'dev'] as const) {
      const value = filter[key];
      if (value !== undefined) conditions.push([key, value]);
    }
    if (filter.fault) conditions.push(['kind', EventKind.fault]);
    if (filter.device !== undefined) {
      const id = this.deviceId(runId, filter.device);
      if (id === null) return out;
      conditions.push(['dev', id]);
    }
    return this.guard(`run ${runId}`, () => {
      const reader = this.blockReader();
      const blocks =
        conditions.length === 0
          ? reader.sequential(runId, from, to)
          : reader.matching(runId, conditions, from, to);
      const keys = conditions.map(([key]) => key);
      const values = conditions.map(([, value]) => value);
      for (const block of blocks) {
        const c = block.columns;
        const tested = keys.map((key) => c[key]);
        const start = Math.max(0, from - block.firstSeq);
        const end = Math.min(block.count, to - block.firstSeq);
        rows: for (let i = start; i < end; i++) {
          for (let k = 0; k < tested.length; k++) if (tested[k]![i] !== values[k]) continue rows;
          out.push({
            seq: block.firstSeq + i,
            kind: c.kind[i]!,
            depth: c.depth[i]!,
            fn: c.fn[i]!,
            irq: c.irq[i]!,
            cpu: c.cpu[i]!,
            a0: c.a0[i]!,
            a1: c.a1[i]!,
            a2: c.a2[i]!,
            a3: c.a3[i]!,
            text: c.text[i]!,
            dev: c.dev[i]!,
          });
          if (out.length === max) return out;
        }
      }
      return out;
    });
  }

  /** The string id of a device's BDF in a run's trace, or null when the trace never names it. */
  private deviceId(runId: number, bdf: string): number | null {
    const key = `${runId}\0${bdf}`;
    let id = this.deviceIds.get(key);
    if (id === undefined) {
      id =
        (this.guard(`run ${runId}: strings`, () =>
          this.db
            .prepare(`SELECT id FROM strings WHERE run_id = ? AND value = ? LIMIT 1`)
            .pluck()
            .get(runId, bdf),
        ) as number | undefined) ?? -1;
      this.deviceIds.set(key, id);
    }
    return id < 0 ? null : id;
  }

  /** Every interned string of a run (small runs, tests); pages resolve theirs with `stringsOf`. */
  strings(runId: number): Map<number, string> {
    const rows = this.guard(`run ${runId}: strings`, () =>
      this.db.prepare(`SELECT id, value FROM strings WHERE run_id = ?`).all(runId),
    ) as { id: number; value: string }[];
    return new Map(rows.map((r) => [r.id, r.value]));
  }

  /** The strings with these ids (cached per run), fetched in one query for those not yet known. */
  stringsOf(runId: number, ids: Iterable<number>): Map<number, string> {
    let known = this.runStrings.get(runId);
    if (!known) this.runStrings.set(runId, (known = new Map([[0, '']])));
    const missing = new Set<number>();
    for (const id of ids) if (!known.has(id)) missing.add(id);
    if (missing.size > 0) {
      const rows = this.guard(`run ${runId}: strings`, () =>
        this.db
          .prepare(
            // CROSS JOIN: walk the ids and look each up, never scan the run's strings.
            `SELECT s.id, s.value FROM json_each(?) j CROSS JOIN strings s ON s.run_id = ? AND s.id = j.value`,
          )
          .all(JSON.stringify([...missing]), runId),
      ) as { id: number; value: string }[];
      for (const r of rows) {
        if (typeof r.value !== 'string')
          throw notValid(this.file, `run ${runId}: interned string ${r.id} is not text`, 'corrupt');
        known.set(r.id, r.value);
      }
    }
    return known;
  }

  symbols(runId: number): Map<number, { name: string; args: { name: string; type: string }[] }> {
    let symbols = this.runSymbols.get(runId);
    if (!symbols) {
      const rows = this.guard(`run ${runId}: symbols`, () =>
        this.db.prepare(`SELECT id, name, args FROM symbols WHERE run_id = ?`).all(runId),
      ) as { id: number; name: unknown; args: unknown }[];
      // Checked at open for every file; again here, as what is read is what is used.
      symbols = new Map(
        rows.map((r) => [
          r.id,
          { name: String(r.name), args: symbolArgs(this.file, runId, r.id, r.args) },
        ]),
      );
      this.runSymbols.set(runId, symbols);
    }
    return symbols;
  }

  /** A stored run as reports read it: pages of events, names resolved through its tables. */
  traceSource(runId: number): TraceSource {
    const symbols = this.symbols(runId);
    let strings = this.stringsOf(runId, []);
    return {
      page: (fromSeq, limit) => {
        const page = this.events(runId, fromSeq, limit);
        strings = this.stringsOf(runId, stringIdsOf(page, symbols));
        return page;
      },
      string: (id) => strings.get(id) ?? '',
      symbol: (id) => symbols.get(id),
    };
  }

  /** A page of events with every name resolved (function, arguments, text, device). */
  namedEvents(
    runId: number,
    fromSeq: number,
    limit: number,
    filter: EventFilter = {},
  ): NamedEvent[] {
    const page = this.events(runId, fromSeq, limit, filter);
    const symbols = this.symbols(runId);
    const strings = this.stringsOf(runId, stringIdsOf(page, symbols));
    const source: TraceSource = {
      page: () => [],
      string: (id) => strings.get(id) ?? '',
      symbol: (id) => symbols.get(id),
    };
    return page.map((e) => ({
      seq: e.seq,
      kind: EVENT_KIND_NAMES[e.kind as Kind] ?? String(e.kind),
      depth: e.depth,
      name: symbols.get(e.fn)?.name ?? '',
      irq: e.irq,
      cpu: e.cpu,
      // A return's one value is the function's result, not an argument of the call.
      args: e.kind === EventKind.ret ? { ret: e.a0 } : namedArgs(source, e),
      text: e.text ? (strings.get(e.text) ?? '') : '',
      device: e.dev ? (strings.get(e.dev) ?? '') : '',
    }));
  }

  /**
   * A read-only SQL query for power users. SQLite itself decides whether the statement writes
   * (better-sqlite3's `readonly` flag comes from sqlite3_stmt_readonly), so no parsing tricks can
   * smuggle a write through; PRAGMAs and ATTACH/DETACH are refused too (a PRAGMA can be "read-only"
   * and still change the connection). Trace events are the `events` virtual table
   * (events-table.ts), with names in the views of sql-schema.ts. A statement SQLite cannot
   * prepare fails with SQLite's own message (`no such column: name`), as a QueryError.
   */
  query(sql: string, limit = 10_000): { columns: string[]; rows: unknown[][] } {
    const kind = statementKind(sql);
    const refuse = () =>
      new QueryError(
        'read-only',
        `${kind || 'this'} statement refused: queries are read-only (SELECT, WITH ... SELECT, EXPLAIN)`,
      );
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      // A write SQLite would not even prepare (`DELETE FROM events`: a virtual table) is still a
      // write; anything else is the statement's own mistake, in SQLite's words.
      if (WRITE_KINDS.has(kind)) throw refuse();
      throw new QueryError('sql', (err as Error).message);
    }
    if (!stmt.readonly || !stmt.reader || REFUSED_KINDS.has(kind)) throw refuse();
    const columns = stmt.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    // The user's SQL may fail on its own (a bad function call): only corruption is the file's.
    try {
      this.guard(
        'query',
        () => {
          for (const row of stmt.raw(true).iterate() as IterableIterator<unknown[]>) {
            rows.push(row);
            if (rows.length >= limit) break;
          }
        },
        isCorruption,
      );
    } catch (err) {
      if (err instanceof SessionError) throw err;
      throw new QueryError('sql', (err as Error).message);
    }
    return { columns, rows };
  }
}

/** Statements refused even when SQLite calls them read-only: they change the connection. */
const REFUSED_KINDS = new Set(['PRAGMA', 'ATTACH', 'DETACH', 'VACUUM']);
/** Statements that write or change the connection, by their first keyword. */
const WRITE_KINDS = new Set([
  ...REFUSED_KINDS,
  'INSERT',
  'UPDATE',
  'DELETE',
  'REPLACE',
  'CREATE',
  'DROP',
  'ALTER',
  'REINDEX',
  'ANALYZE',
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
]);

/**
 * The statement's kind as its first keyword (comments skipped): `DELETE`, `PRAGMA`; for a WITH,
 * the statement after its common table expressions when it writes.
 */
export function statementKind(sql: string): string {
  const bare = sql.replace(/--[^\n]*|\/\*[\s\S]*?(\*\/|$)/g, ' ').trim();
  const first = /^[A-Za-z]+/.exec(bare)?.[0]?.toUpperCase() ?? '';
  if (first !== 'WITH') return first;
  const writes = /\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.exec(bare.replace(/'(?:[^']|'')*'/g, "''"));
  return writes ? writes[1]!.toUpperCase() : 'WITH';
}

/** The string ids a page refers to: texts, devices and string-typed arguments. */
function stringIdsOf(
  page: readonly StoredEventRow[],
  symbols: Map<number, { args: { type: string }[] }>,
): Set<number> {
  const ids = new Set<number>();
  for (const e of page) {
    if (e.text) ids.add(e.text);
    if (e.dev) ids.add(e.dev);
    const args = e.kind === EventKind.ret ? undefined : symbols.get(e.fn)?.args;
    if (args) {
      const values = [e.a0, e.a1, e.a2, e.a3];
      args.forEach((a, i) => {
        if (a.type === 'str' && i < 4) ids.add(values[i]!);
      });
    }
  }
  return ids;
}
