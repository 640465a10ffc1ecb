import { spawn } from 'node:child_process';
import {
  copyFileSync,
  rmSync,
  mkdtempSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventKind } from '../trace/events';
import { TraceEmitter } from '../trace/emitter';
import { SessionError } from './errors';
import { loadMigrations } from './migrate';
import { Session } from './session';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'irqlab-session-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function recordRun(session: Session, events: number) {
  const writer = session.beginRun({ profile: 'mainline', machineJson: '{"name":"m"}' });
  const emitter = new TraceEmitter(1000);
  emitter.addSink(writer);
  const alloc = emitter.symbol({ name: 'irq_matrix_alloc', args: [{ name: 'cpu', type: 'int' }] });
  for (let i = 0; emitter.seq < events; i++) {
    emitter.call(alloc, 24 + (i % 8), i % 4, i % 4);
    emitter.ret(alloc, i % 10 === 9 ? -28 : 0, 24 + (i % 8), i % 4);
  }
  emitter.log(3, 'Interrupt reservation exceeds available resources');
  emitter.flush();
  writer.finish({ procInterrupts: '...' });
  return writer.runId;
}

function expectSessionError(file: string, code: string, message: RegExp) {
  let caught: unknown;
  try {
    Session.open(file);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SessionError);
  expect((caught as SessionError).code).toBe(code);
  expect((caught as SessionError).message).toContain(file);
  expect((caught as SessionError).message).toMatch(message);
}

describe('a session file', () => {
  it('round-trips the machine, a run, its trace, strings and symbols', () => {
    const file = path.join(dir, 'a.irqlab');
    const session = Session.open(file, { create: true });
    session.saveMachine('example', '{"cpus":[]}');
    const runId = recordRun(session, 4000);
    session.close();

    const again = Session.open(file);
    expect(again.machine()).toEqual({ name: 'example', json: '{"cpus":[]}' });
    const [run] = again.runs();
    expect(run).toMatchObject({
      id: runId,
      status: 'complete',
      profile: 'mainline',
      eventCount: 4001,
    });
    const page = again.events(runId, 0, 4);
    expect(page.map((e) => e.kind)).toEqual([
      EventKind.call,
      EventKind.ret,
      EventKind.call,
      EventKind.ret,
    ]);
    expect(page[0]).toMatchObject({ seq: 0, depth: 0, irq: 24, cpu: 0, a0: 0 });
    const symbols = again.symbols(runId);
    expect(symbols.get(page[0]!.fn)?.name).toBe('irq_matrix_alloc');
    const last = again.events(runId, 4000, 10);
    expect(last).toHaveLength(1);
    expect(again.strings(runId).get(last[0]!.text)).toBe(
      'Interrupt reservation exceeds available resources',
    );
    again.close();
  });

  it('pages a filtered slice without reading the rest of the run', () => {
    const session = Session.open(path.join(dir, 'p.irqlab'), { create: true });
    const runId = recordRun(session, 20_000);
    const onCpu3 = session.events(runId, 100, 50, { cpu: 3 });
    expect(onCpu3).toHaveLength(50);
    expect(onCpu3.every((e) => e.cpu === 3 && e.seq >= 100)).toBe(true);
    const plan = session.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM events WHERE cpu = 3 AND id >= 0 ORDER BY id LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX events_cpu|PRIMARY KEY/);
    session.close();
  });

  it('answers read-only SQL and rejects anything that writes', () => {
    const session = Session.open(path.join(dir, 'q.irqlab'), { create: true });
    const runId = recordRun(session, 100);
    const result = session.query(`SELECT count(*) AS n FROM events WHERE id >> 40 = ${runId}`);
    expect(result).toEqual({ columns: ['n'], rows: [[100 + 1]] });
    for (const sql of [
      'DELETE FROM events',
      'UPDATE runs SET status = 1',
      'DROP TABLE events',
      "ATTACH DATABASE '/tmp/x' AS x",
      'PRAGMA user_version = 99',
      'CREATE TABLE t (x)',
      'SELECT 1; DELETE FROM events',
    ]) {
      expect(() => session.query(sql), sql).toThrow(SessionError);
    }
    expect(session.query('SELECT count(*) FROM events').rows[0]).toEqual([101]);
    session.close();
  });

  it('opens a file made by schema version 1 (kept as a fixture) and keeps its data', () => {
    const file = path.join(dir, 'v1.irqlab');
    copyFileSync(path.join(here, 'fixtures', 'session-v1.irqlab'), file);
    const session = Session.open(file);
    expect(session.schemaVersion).toBe(loadMigrations().length);
    expect(session.machine()?.name).toBe('fixture-v1');
    expect(session.runs()[0]).toMatchObject({ status: 'complete', eventCount: 201 });
    session.close();
  });

  it('refuses a file written by a newer irqlab, and leaves it untouched', () => {
    const file = path.join(dir, 'newer.irqlab');
    Session.open(file, { create: true }).close();
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 999');
    db.close();
    const before = readFileSync(file);
    expectSessionError(file, 'newer', /newer irqlab \(schema version 999/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a foreign SQLite database', () => {
    const file = path.join(dir, 'foreign.db');
    const db = new Database(file);
    db.exec('CREATE TABLE photos (id INTEGER)');
    db.close();
    const before = readFileSync(file);
    expectSessionError(file, 'foreign', /not an irqlab session/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = path.join(dir, 'text.irqlab');
    writeFileSync(file, 'this is a machine.json, not a session\n');
    expectSessionError(file, 'not-sqlite', /not an SQLite database/);
  });

  it('refuses a truncated session, saying how short it is', () => {
    const file = path.join(dir, 'cut.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session, 20_000);
    session.db.pragma('wal_checkpoint(TRUNCATE)');
    session.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expectSessionError(file, 'truncated', /truncated: \d+ bytes, but its header says/);
  });

  it('refuses a damaged session', () => {
    const file = path.join(dir, 'bad.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session, 20_000);
    session.db.pragma('wal_checkpoint(TRUNCATE)');
    session.close();
    const bytes = readFileSync(file);
    // Scribble over the middle of the file, leaving the header (and its page count) intact.
    for (let i = 8192; i < 8192 + 4096 * 3; i++) bytes[i] = 0x5a;
    writeFileSync(file, bytes);
    expectSessionError(file, 'corrupt', /damaged|cannot be opened/);
  });

  it('survives a process killed during a run: committed runs intact, the cut run incomplete', async () => {
    const file = path.join(dir, 'killed.irqlab');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'kill-writer.child.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        for (const m of data.toString().matchAll(/COMMITTED (\d+)/g)) committed = Number(m[1]);
        if (committed >= 20_000) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) =>
        committed >= 20_000 ? resolve() : reject(new Error(`child exited ${code}`)),
      );
    });
    await new Promise((r) => child.on('close', r));

    const session = Session.open(file);
    const [first, second] = session.runs();
    expect(first).toMatchObject({ status: 'complete', eventCount: 5000 });
    expect(second?.status).toBe('incomplete');
    const stored = session.query(`SELECT count(*) FROM events WHERE id >> 40 = ${second!.id}`)
      .rows[0]![0] as number;
    expect(stored).toBeGreaterThanOrEqual(committed);
    expect(session.machine()?.name).toBe('kill-test');
    session.close();
  });
});
