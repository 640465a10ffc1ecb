// Stores a run's trace while the simulation produces it: a TraceSink that writes each chunk of
// events in one transaction with multi-row INSERTs (ROWS_PER_STATEMENT rows per statement, the
// parameter array reused), new interned strings and symbols alongside. Secondary indexes are
// built once, when the run finishes (bulk load first, index after).
import type Database from 'better-sqlite3';
import type { SymbolSpec, TraceChunk } from '../trace/events';
import type { TraceSink } from '../trace/emitter';
import type { StringTable } from '../trace/strings';

const COLUMNS = 11; // id, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text
export const ROWS_PER_STATEMENT = 256;
const RUN_ROWID_BASE = 2 ** 40;

function insertSql(rows: number): string {
  const tuple = `(${new Array(COLUMNS).fill('?').join(',')})`;
  return `INSERT INTO events (id, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text) VALUES ${new Array(
    rows,
  )
    .fill(tuple)
    .join(',')}`;
}

/** Indexes that serve the UI's questions (by irq, cpu, function, kind); created after the load. */
export const EVENT_INDEXES = [
  'CREATE INDEX IF NOT EXISTS events_irq ON events (irq, id) WHERE irq >= 0',
  'CREATE INDEX IF NOT EXISTS events_cpu ON events (cpu, id) WHERE cpu >= 0',
  'CREATE INDEX IF NOT EXISTS events_fn ON events (fn, id)',
  'CREATE INDEX IF NOT EXISTS events_fault ON events (kind, id) WHERE kind >= 4',
];

export class RunWriter implements TraceSink {
  private readonly insertMany: Database.Statement;
  private readonly insertOne: Database.Statement;
  private readonly insertString: Database.Statement;
  private readonly insertSymbol: Database.Statement;
  private readonly params = new Array<number>(ROWS_PER_STATEMENT * COLUMNS);
  private readonly writeChunk: (
    chunk: TraceChunk,
    strings: StringTable,
    symbols: readonly SymbolSpec[],
  ) => void;
  private stringsStored = 1; // id 0 ("") is implicit
  private symbolsStored = 1; // id 0 is the empty symbol
  private events = 0;
  private done = false;

  constructor(
    private readonly db: Database.Database,
    readonly runId: number,
  ) {
    this.insertMany = db.prepare(insertSql(ROWS_PER_STATEMENT));
    this.insertOne = db.prepare(insertSql(1));
    this.insertString = db.prepare('INSERT INTO strings (run_id, id, value) VALUES (?, ?, ?)');
    this.insertSymbol = db.prepare(
      'INSERT INTO symbols (run_id, id, name, args) VALUES (?, ?, ?, ?)',
    );
    this.writeChunk = db.transaction((chunk, strings, symbols) =>
      this.store(chunk, strings, symbols),
    );
  }

  get eventCount(): number {
    return this.events;
  }

  write(chunk: TraceChunk, strings: StringTable, symbols: readonly SymbolSpec[]): void {
    if (this.done) throw new Error(`run ${this.runId} is already finished`);
    this.writeChunk(chunk, strings, symbols);
  }

  /** Marks the run complete with its outputs and builds the event indexes. */
  finish(outputs: unknown): void {
    this.close('complete', JSON.stringify(outputs), null);
  }

  fail(error: string): void {
    this.close('failed', null, error);
  }

  private close(
    status: 'complete' | 'failed',
    outputsJson: string | null,
    error: string | null,
  ): void {
    if (this.done) return;
    this.done = true;
    this.db.transaction(() => {
      for (const sql of EVENT_INDEXES) this.db.exec(sql);
      this.db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, event_count = ?, outputs_json = ?, error = ? WHERE id = ?`,
        )
        .run(status, new Date().toISOString(), this.events, outputsJson, error, this.runId);
    })();
  }

  private store(chunk: TraceChunk, strings: StringTable, symbols: readonly SymbolSpec[]): void {
    for (let id = this.stringsStored; id < strings.size; id++) {
      this.insertString.run(this.runId, id, strings.get(id));
    }
    this.stringsStored = strings.size;
    for (let id = this.symbolsStored; id < symbols.length; id++) {
      const sym = symbols[id]!;
      this.insertSymbol.run(this.runId, id, sym.name, JSON.stringify(sym.args));
    }
    this.symbolsStored = symbols.length;

    const base = this.runId * RUN_ROWID_BASE + chunk.base;
    const p = this.params;
    const n = chunk.length;
    let i = 0;
    for (; i + ROWS_PER_STATEMENT <= n; i += ROWS_PER_STATEMENT) {
      let k = 0;
      for (let r = i; r < i + ROWS_PER_STATEMENT; r++) {
        p[k++] = base + r;
        p[k++] = chunk.kind[r]!;
        p[k++] = chunk.depth[r]!;
        p[k++] = chunk.fn[r]!;
        p[k++] = chunk.irq[r]!;
        p[k++] = chunk.cpu[r]!;
        p[k++] = chunk.a0[r]!;
        p[k++] = chunk.a1[r]!;
        p[k++] = chunk.a2[r]!;
        p[k++] = chunk.a3[r]!;
        p[k++] = chunk.text[r]!;
      }
      this.insertMany.run(p);
    }
    for (; i < n; i++) {
      this.insertOne.run(
        base + i,
        chunk.kind[i],
        chunk.depth[i],
        chunk.fn[i],
        chunk.irq[i],
        chunk.cpu[i],
        chunk.a0[i],
        chunk.a1[i],
        chunk.a2[i],
        chunk.a3[i],
        chunk.text[i],
      );
    }
    this.events += n;
    this.db.prepare('UPDATE runs SET event_count = ? WHERE id = ?').run(this.events, this.runId);
  }
}
