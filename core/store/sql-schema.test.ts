// The SQL a user runs over a session (trace explorer's SQL box, `irqlab query`): SQLite's own
// errors, refusals that say what was refused, the views that resolve interned ids, and the schema
// table held to the real columns and to docs/sql.md.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceEmitter } from '../trace/emitter';
import { QueryError } from './errors';
import { Session, statementKind } from './session';
import { SQL_SCHEMA, SQL_VIEWS, sqlSchemaMarkdown } from './sql-schema';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'irqlab-sql-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A run with a device call, a return, a log line and a DMAR fault: every interned kind. */
function recordRun(session: Session): number {
  const writer = session.beginRun({ profile: 'mainline', machineJson: '{"name":"m"}' });
  const emitter = new TraceEmitter(1000);
  emitter.addSink(writer);
  const alloc = emitter.symbol({
    name: 'pci_alloc_irq_vectors_affinity',
    args: [
      { name: 'dev', type: 'str' },
      { name: 'min_vecs', type: 'int' },
      { name: 'max_vecs', type: 'int' },
    ],
  });
  const fault = emitter.symbol({ name: 'dmar_fault', args: [{ name: 'index', type: 'hex' }] });
  emitter.call(alloc, -1, -1, emitter.intern('0000:3b:00.0'), 1, 64);
  emitter.log(6, 'mlx5_core 0000:3b:00.0: enabling device');
  emitter.fault(
    fault,
    'DMAR: [INTR-REMAP] Request device [3b:00.0] fault index 0x834 [fault reason 0x25]',
    40,
    0,
    0x834,
  );
  emitter.ret(alloc, 64, -1, -1);
  emitter.flush();
  writer.finish({});
  return writer.runId;
}

function queryError(session: Session, sql: string): QueryError {
  try {
    session.query(sql);
  } catch (err) {
    expect(err, sql).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error(`not refused: ${sql}`);
}

describe('SQL over a session', () => {
  it("passes SQLite's own error through, without the file's path", () => {
    const file = path.join(dir, 'scratch-untitled-1.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session);
    const typo = queryError(session, 'SELECT name FROM runs');
    expect(typo.message).toBe('no such column: name');
    expect(typo.code).toBe('sql');
    expect(queryError(session, 'SELECT * FROM evnts').message).toBe('no such table: evnts');
    // A runtime error of the user's statement is theirs too.
    expect(queryError(session, "SELECT json('{')").message).toMatch(/malformed JSON/);
    for (const sql of ['SELECT name FROM runs', 'DELETE FROM runs', 'SELECT * FROM evnts'])
      expect(queryError(session, sql).message).not.toContain(dir);
    session.close();
  });

  it('refuses writes, ATTACH and PRAGMA, naming the statement refused', () => {
    const session = Session.open(path.join(dir, 'w.irqlab'), { create: true });
    const runId = recordRun(session);
    const refused: [string, string][] = [
      ['DELETE FROM runs', 'DELETE'],
      // SQLite does not prepare a write to the virtual table: a write all the same.
      ['DELETE FROM events', 'DELETE'],
      ['INSERT INTO nowhere VALUES (1)', 'INSERT'],
      ['UPDATE runs SET status = 1', 'UPDATE'],
      ['DROP TABLE runs', 'DROP'],
      ['CREATE TEMP TABLE t (x)', 'CREATE'],
      ["ATTACH DATABASE '/tmp/x' AS x", 'ATTACH'],
      ['PRAGMA user_version = 99', 'PRAGMA'],
      // Read-only to SQLite, but it changes the connection: refused all the same.
      ['-- look first\nPRAGMA user_version', 'PRAGMA'],
      ['WITH r AS (SELECT 1) DELETE FROM runs WHERE id IN r', 'DELETE'],
    ];
    for (const [sql, kind] of refused) {
      const err = queryError(session, sql);
      expect(err.code, sql).toBe('read-only');
      expect(err.message, sql).toMatch(new RegExp(`^${kind} statement refused: .*read-only`));
    }
    expect(session.run(runId)?.status).toBe('complete');
    expect(session.query('SELECT count(*) FROM runs').rows).toEqual([[1]]);
    session.close();
  });

  it('names statements by their first keyword, past comments and CTEs', () => {
    expect(statementKind('  /* x */ select 1')).toBe('SELECT');
    expect(statementKind("WITH a AS (SELECT 'delete') SELECT * FROM a")).toBe('WITH');
    expect(statementKind('WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a')).toBe('INSERT');
  });

  it('resolves interned ids in its views: names, arguments, lines, devices', () => {
    const file = path.join(dir, 'v.irqlab');
    const writer = Session.open(file, { create: true });
    recordRun(writer);
    const runId = recordRun(writer);
    writer.close();
    // Read-only, as the app's query worker opens it: the views are the connection's own.
    const session = Session.open(file, { readonly: true });
    const named = session.query(
      `SELECT seq, kind, name, args, text, device FROM events_named WHERE run = ${runId} ORDER BY seq`,
    );
    expect(named.columns).toEqual(['seq', 'kind', 'name', 'args', 'text', 'device']);
    expect(named.rows).toEqual([
      [
        0,
        'call',
        'pci_alloc_irq_vectors_affinity',
        '{"dev":"0000:3b:00.0","min_vecs":1,"max_vecs":64}',
        null,
        '0000:3b:00.0',
      ],
      [1, 'log', null, '{}', 'mlx5_core 0000:3b:00.0: enabling device', '0000:3b:00.0'],
      [
        2,
        'fault',
        'dmar_fault',
        '{"index":2100}',
        'DMAR: [INTR-REMAP] Request device [3b:00.0] fault index 0x834 [fault reason 0x25]',
        '0000:3b:00.0',
      ],
      [3, 'ret', 'pci_alloc_irq_vectors_affinity', '{"ret":64}', null, '0000:3b:00.0'],
    ]);
    // `run` limits the rows to that run, as `events(run)` does.
    expect(session.query(`SELECT count(*) FROM events_named WHERE run = ${runId}`).rows).toEqual([
      [4],
    ]);
    expect(session.query('SELECT count(*) FROM events_named').rows).toEqual([[8]]);
    expect(session.query(`SELECT level, line FROM log_lines WHERE run = ${runId}`).rows).toEqual([
      [6, 'mlx5_core 0000:3b:00.0: enabling device'],
    ]);
    expect(session.query(`SELECT name, irq, device FROM faults WHERE run = ${runId}`).rows).toEqual(
      [['dmar_fault', 40, '0000:3b:00.0']],
    );
    session.close();
  });

  it('keeps its views out of the file: its schema stays what the migrations build', () => {
    const file = path.join(dir, 'f.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session);
    session.close();
    const again = Session.open(file);
    expect(
      again.db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'view'`).pluck().get(),
    ).toBe(0);
    again.close();
  });

  it('documents every table, view and column there is, and only those', () => {
    const session = Session.open(path.join(dir, 's.irqlab'), { create: true });
    const tables = session.db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    const documented = (type: string) =>
      SQL_SCHEMA.filter((r) => r.type === type)
        .map((r) => r.name)
        .sort();
    expect(documented('table')).toEqual(tables);
    expect(documented('view')).toEqual(SQL_VIEWS.map((v) => v.name).sort());
    expect(documented('virtual table')).toEqual(['events']);
    for (const r of SQL_SCHEMA) {
      const columns = session.db
        .prepare(`SELECT name FROM pragma_table_info(?)`)
        .pluck()
        .all(r.name) as string[];
      expect(
        r.columns.map((c) => c.name),
        r.name,
      ).toEqual(columns.filter((c) => c !== 'run'));
      for (const c of r.columns) expect(c.meaning, `${r.name}.${c.name}`).not.toBe('');
    }
    session.close();
  });

  it('is the table docs/sql.md is made from (npx tsx scripts/sql-doc.ts)', () => {
    const doc = readFileSync(path.join(here, '..', '..', 'docs', 'sql.md'), 'utf8');
    expect(doc).toBe(sqlSchemaMarkdown());
  });
});
