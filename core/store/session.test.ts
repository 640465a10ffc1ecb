import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
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
import { openDatabase } from './native-binding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventKind } from '../trace/events';
import { TraceEmitter } from '../trace/emitter';
import { QueryError, SessionError } from './errors';
import { BLOCK_EVENTS } from './event-blocks';
import { loadMigrations, migrate } from './migrate';
import { IRQLAB_APPLICATION_ID, RUN_ROWID_BASE, Session } from './session';

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

  it('stores interned strings exactly as the trace had them, in one batch or row by row', () => {
    const session = Session.open(path.join(dir, 'strings.irqlab'), { create: true });
    const writer = session.beginRun({ profile: 'mainline', machineJson: '{}' });
    const emitter = new TraceEmitter(64);
    emitter.addSink(writer);
    const plain = ['IR-PCI-MSIX-0000:3b:00.0 0-edge mlx5_comp0', 'ünïcödé ✓ 🐧', 'say "hi"', ''];
    const odd = ['tab\there', 'nul\u0000byte', 'back\\slash u', '\u001b[1m'];
    const values = [...plain, ...odd];
    // One chunk of plain strings only (stored as one JSON batch), then one with escapes.
    for (const value of plain) emitter.log(6, value);
    emitter.flush();
    for (const value of odd) emitter.log(6, value);
    emitter.flush();
    writer.finish({});
    // "" is id 0, never stored.
    const expected = values.filter((v) => v !== '');
    expect([...session.strings(writer.runId).values()].sort()).toEqual(expected.sort());
    session.close();
  });

  it("stores a run's outputs given as UTF-8 bytes as the same text in a UTF-16 session", () => {
    // irqlab makes every session UTF-8; a file another SQLite tool made may be UTF-16, where
    // bytes cast to text would be read as UTF-16: RunWriter decodes them first.
    const file = path.join(dir, 'utf16.irqlab');
    const made = openDatabase(file);
    made.pragma("encoding = 'UTF-16le'");
    made.pragma('journal_mode = WAL');
    made.pragma(`application_id = ${IRQLAB_APPLICATION_ID}`);
    migrate(made, loadMigrations());
    made.close();
    const session = Session.open(file);
    const writer = session.beginRun({ profile: 'mainline', machineJson: '{}' });
    const outputs = JSON.stringify({ dmesg: ['ünïcödé ✓ 🐧', 'µs — café'], irqCount: 3 });
    writer.finishJson(new TextEncoder().encode(outputs));
    expect(session.run(writer.runId)!.outputsJson).toBe(outputs);
    expect(session.runOutputFields(writer.runId, ['dmesg'])).toEqual({
      dmesg: ['ünïcödé ✓ 🐧', 'µs — café'],
    });
    session.close();
  });

  it("reads a run's summary, machine and chosen output fields without its whole outputs", () => {
    const session = Session.open(path.join(dir, 'fields.irqlab'), { create: true });
    const writer = session.beginRun({ profile: 'mainline', machineJson: '{"name":"m"}' });
    writer.finishJson(
      JSON.stringify({
        format: 'irqlab-app-run/1',
        dmesg: ['a', 'b'],
        oops: null,
        "it's": { nested: [1, 2] },
        irqs: [{ irq: 1 }, { irq: 2 }, { irq: 3 }],
      }),
    );
    const failed = session.beginRun({ profile: 'mainline', machineJson: '{}' });
    failed.fail('cancelled by the user');
    expect(session.runInfo(writer.runId)).toMatchObject({ status: 'complete', eventCount: 0 });
    expect(session.runInfo(writer.runId)).not.toHaveProperty('outputsJson');
    expect(session.runInfo(99)).toBeNull();
    expect(session.runMachineJson(writer.runId)).toBe('{"name":"m"}');
    expect(session.runMachineJson(99)).toBeNull();
    // Only the fields asked for; a missing one is left out, JSON null kept; names are bound as
    // paths, never SQL (a quote in a name is a name).
    expect(
      session.runOutputFields(writer.runId, ['dmesg', 'oops', 'absent', "it's", 'format']),
    ).toEqual({
      dmesg: ['a', 'b'],
      oops: null,
      "it's": { nested: [1, 2] },
      format: 'irqlab-app-run/1',
    });
    expect(session.runOutputLengths(writer.runId, ['irqs', 'dmesg'])).toEqual({
      irqs: 3,
      dmesg: 2,
    });
    expect(session.runOutputFields(failed.runId, ['dmesg'])).toBeNull();
    expect(() => session.runOutputFields(99, ['dmesg'])).toThrow(SessionError);
    session.close();
  });

  it('pages a filtered slice without reading the rest of the run', () => {
    const session = Session.open(path.join(dir, 'p.irqlab'), { create: true });
    const runId = recordRun(session, 20_000);
    const onCpu3 = session.events(runId, 100, 50, { cpu: 3 });
    expect(onCpu3).toHaveLength(50);
    expect(onCpu3.every((e) => e.cpu === 3 && e.seq >= 100)).toBe(true);
    expect(session.events(runId, 100, 50, { cpu: 3, toSeq: 120 }).map((e) => e.seq)).toEqual(
      onCpu3.filter((e) => e.seq < 120).map((e) => e.seq),
    );

    // A run of 50 blocks in which irq 77 and one device occur in block 30 only.
    const writer = session.beginRun({ profile: 'mainline', machineJson: '{}' });
    const t = new TraceEmitter(BLOCK_EVENTS);
    t.addSink(writer);
    const alloc = t.symbol({ name: 'irq_matrix_alloc', args: [{ name: 'cpu', type: 'int' }] });
    const enable = t.symbol({
      name: 'pci_alloc_irq_vectors_affinity',
      args: [{ name: 'dev', type: 'str' }],
    });
    while (t.seq < 50 * BLOCK_EVENTS) {
      if (t.seq === 30 * BLOCK_EVENTS + 10) {
        t.call(enable, -1, -1, t.intern('0000:3b:00.0'));
        t.call(alloc, 77, 1, 1);
        t.ret(alloc, 0, 77, 1);
        t.ret(enable, 0);
      } else t.state(alloc, 24, t.seq % 4);
    }
    t.flush();
    writer.finish({});
    const before = session.blocksDecoded;
    const irq77 = session.events(writer.runId, 0, 100, { irq: 77 });
    expect(irq77.map((e) => e.seq)).toEqual([30 * BLOCK_EVENTS + 11, 30 * BLOCK_EVENTS + 12]);
    expect(session.blocksDecoded - before).toBe(1);
    const device = session.namedEvents(writer.runId, 0, 100, { device: '0000:3b:00.0' });
    expect(device.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'call pci_alloc_irq_vectors_affinity',
      'call irq_matrix_alloc',
      'ret irq_matrix_alloc',
      'ret pci_alloc_irq_vectors_affinity',
    ]);
    expect(device[0]).toMatchObject({ device: '0000:3b:00.0', args: { dev: '0000:3b:00.0' } });
    expect(session.blocksDecoded - before).toBe(1); // the same block, from the cache
    const late = session.events(writer.runId, 45 * BLOCK_EVENTS + 5, 3);
    expect(late.map((e) => e.seq)).toEqual([0, 1, 2].map((i) => 45 * BLOCK_EVENTS + 5 + i));
    expect(session.blocksDecoded - before).toBe(2);
    expect(session.events(writer.runId, 0, 10, { irq: 78 })).toEqual([]);
    expect(session.events(writer.runId, 0, 10, { device: '0000:00:00.0' })).toEqual([]);
    session.close();
  });

  it('answers read-only SQL and rejects anything that writes', () => {
    const session = Session.open(path.join(dir, 'q.irqlab'), { create: true });
    const runId = recordRun(session, 100);
    const result = session.query(`SELECT count(*) AS n FROM events WHERE run_id = ${runId}`);
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
      expect(() => session.query(sql), sql).toThrow(QueryError);
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

  it('migrates the version-1 fixture to event blocks: every event reads back as it was stored', () => {
    const file = path.join(dir, 'v1-events.irqlab');
    copyFileSync(path.join(here, 'fixtures', 'session-v1.irqlab'), file);
    const raw = openDatabase(file, { readonly: true });
    const v1 = raw
      .prepare('SELECT id, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text FROM events ORDER BY id')
      .all() as { id: number; irq: number; [column: string]: number }[];
    raw.close();
    expect(v1.length).toBeGreaterThan(0);

    const session = Session.open(file);
    expect(
      session.db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'events'`).pluck().get(),
    ).toBe(0);
    const runId = session.runs()[0]!.id;
    const expected = v1.map(({ id, ...columns }) => ({
      seq: id - runId * RUN_ROWID_BASE,
      ...columns,
      dev: 0,
    }));
    expect(session.events(runId, 0, 10_000)).toEqual(expected);
    const sql = session.query(
      `SELECT seq, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text, dev FROM events(${runId}) ORDER BY seq`,
    );
    expect(sql.rows).toEqual(expected.map((e) => Object.values(e)));
    const byIrq = expected.filter((e) => e.irq === expected[0]!.irq);
    expect(session.events(runId, 0, 10_000, { irq: expected[0]!.irq })).toEqual(byIrq);
    session.close();
  });

  it('derives the device context of version-1 events when migrating', () => {
    const file = path.join(dir, 'v1-devices.irqlab');
    const [v1] = loadMigrations();
    const db = openDatabase(file);
    db.pragma(`application_id = ${IRQLAB_APPLICATION_ID}`);
    db.exec(v1!.sql);
    db.pragma('user_version = 1');
    db.exec(`INSERT INTO runs (id, created_at, profile, status, machine_json, event_count)
             VALUES (1, 'then', 'mainline', 'complete', '{}', 6)`);
    db.exec(`INSERT INTO strings VALUES (1, 1, '0000:3b:00.0'), (1, 2, 'nvme0q1')`);
    db.exec(`INSERT INTO symbols VALUES
      (1, 1, 'pci_alloc_irq_vectors_affinity', '[{"name":"dev","type":"str"},{"name":"min_vecs","type":"int"}]'),
      (1, 2, 'irq_matrix_alloc', '[{"name":"reserved","type":"int"}]'),
      (1, 3, 'request_irq', '[{"name":"irq","type":"int"},{"name":"name","type":"str"}]')`);
    const base = RUN_ROWID_BASE;
    const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    // id, kind, depth, fn, irq, cpu, a0..a3, text
    insert.run(base + 0, 1, 0, 1, -1, -1, 1, 1, 0, 0, 0); // call pci_alloc_irq_vectors_affinity(dev=...)
    insert.run(base + 1, 1, 1, 2, 40, 3, 0, 0, 0, 0, 0); //   call irq_matrix_alloc
    insert.run(base + 2, 2, 1, 2, 40, 3, 0, 0, 0, 0, 0); //   ret
    insert.run(base + 3, 2, 0, 1, -1, -1, 1, 0, 0, 0, 0); // ret
    insert.run(base + 4, 1, 0, 3, 40, -1, 40, 2, 0, 0, 0); // call request_irq: no device
    insert.run(base + 5, 2, 0, 3, 40, -1, 0, 0, 0, 0, 0);
    db.close();

    const session = Session.open(file);
    expect(session.events(1, 0, 10).map((e) => e.dev)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(session.namedEvents(1, 0, 10, { device: '0000:3b:00.0' }).map((e) => e.seq)).toEqual([
      0, 1, 2, 3,
    ]);
    expect(session.events(1, 0, 10, { irq: 40, cpu: 3 }).map((e) => e.seq)).toEqual([1, 2]);
    session.close();
  });

  it('opens an older file read-only by migrating it in memory, leaving the file as it was', () => {
    const file = path.join(dir, 'v1-readonly.irqlab');
    copyFileSync(path.join(here, 'fixtures', 'session-v1.irqlab'), file);
    const before = readFileSync(file);
    const session = Session.open(file, { readonly: true });
    expect(session.schemaVersion).toBe(loadMigrations().length);
    const runId = session.runs()[0]!.id;
    expect(session.events(runId, 0, 5)).toHaveLength(5);
    expect(session.query(`SELECT count(*) FROM events`).rows[0]).toEqual([201]);
    session.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(() => session.events(runId, 0, 1)).toThrow();
  });

  it('presents blocks to SQL as an events table with run and step-range arguments', () => {
    const session = Session.open(path.join(dir, 'sql.irqlab'), { create: true });
    const first = recordRun(session, 3000);
    const second = recordRun(session, 500);
    expect(session.query(`SELECT run_id, count(*) FROM events GROUP BY run_id`).rows).toEqual([
      [first, 3001],
      [second, 501],
    ]);
    expect(session.query(`SELECT seq FROM events(${first}, 1000, 1003)`).rows).toEqual([
      [1000],
      [1001],
      [1002],
    ]);
    expect(
      session.query(`SELECT count(*) FROM events WHERE run = ${second} AND from_seq = 499`).rows,
    ).toEqual([[2]]);
    // Two scans at once (a self-join) and names through the symbol table.
    const joined = session.query(
      `SELECT s.name, count(*) FROM events(${second}) c
         JOIN events(${second}) r ON r.seq = c.seq + 1 AND r.kind = 2
         JOIN symbols s ON s.run_id = c.run_id AND s.id = c.fn
        WHERE c.kind = 1 GROUP BY s.name`,
    );
    expect(joined.rows).toEqual([['irq_matrix_alloc', 250]]);
    session.close();
  });

  it('refuses a file written by a newer irqlab, and leaves it untouched', () => {
    const file = path.join(dir, 'newer.irqlab');
    Session.open(file, { create: true }).close();
    const db = openDatabase(file);
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 999');
    db.close();
    const before = readFileSync(file);
    expectSessionError(file, 'newer', /newer irqlab \(schema version 999/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a foreign SQLite database', () => {
    const file = path.join(dir, 'foreign.db');
    const db = openDatabase(file);
    db.exec('CREATE TABLE photos (id INTEGER)');
    db.close();
    const before = readFileSync(file);
    expectSessionError(
      file,
      'foreign',
      /not a valid irqlab session: an SQLite database of another application/,
    );
    expect(() => Session.open(file, { readonly: true })).toThrow(
      /not a valid irqlab session: an SQLite database of another application/,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite at all', () => {
    const file = path.join(dir, 'text.irqlab');
    writeFileSync(file, 'this is a machine.json, not a session\n');
    expectSessionError(file, 'not-sqlite', /not an SQLite database/);
    expect(readFileSync(file, 'utf8')).toBe('this is a machine.json, not a session\n');
  });

  it('refuses a truncated session, saying how short it is', () => {
    const file = path.join(dir, 'cut.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session, 20_000);
    session.db.pragma('wal_checkpoint(TRUNCATE)');
    session.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = readFileSync(file);
    expectSessionError(file, 'truncated', /truncated: \d+ bytes, but its header says/);
    expect(() => Session.open(file, { readonly: true })).toThrow(/truncated/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a damaged session', () => {
    const file = path.join(dir, 'bad.irqlab');
    const session = Session.open(file, { create: true });
    recordRun(session, 20_000);
    session.db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = session.db.pragma('page_size', { simple: true }) as number;
    session.close();
    const bytes = readFileSync(file);
    // Scribble over the middle of the file (pages 3-5), leaving the header (and its page count)
    // intact.
    for (let i = 2 * pageSize; i < 5 * pageSize; i++) bytes[i] = 0x5a;
    writeFileSync(file, bytes);
    expectSessionError(file, 'corrupt', /damaged|cannot be opened/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('opens a big session without reading its events, and names the file when a damaged block is read', () => {
    const file = path.join(dir, 'big-damaged.irqlab');
    const session = Session.open(file, { create: true });
    const runId = recordRun(session, 40_000);
    session.db.pragma('wal_checkpoint(TRUNCATE)');
    // A page of block data past the first blocks, scribbled over: an overflow page (small pages)
    // whole; a leaf (large pages: a block fits one) in its second half, where its cells are.
    const { pageno: page, pagetype } = session.db
      .prepare(
        `SELECT pageno, pagetype FROM dbstat WHERE name = 'event_blocks' AND pagetype IN ('leaf', 'overflow')
          ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) * 2 / 3 FROM dbstat
            WHERE name = 'event_blocks' AND pagetype IN ('leaf', 'overflow'))`,
      )
      .get() as { pageno: number; pagetype: string };
    const pageSize = session.db.pragma('page_size', { simple: true }) as number;
    session.close();
    const bytes = readFileSync(file);
    const from = pagetype === 'overflow' ? 0 : pageSize / 2;
    bytes.fill(0x5a, (page - 1) * pageSize + from, page * pageSize);
    writeFileSync(file, bytes);

    expectSessionError(file, 'corrupt', /damaged/); // small enough to be checked whole at open
    const big = Session.open(file, { fullCheckBytes: 0 }); // as if it were over the limit
    expect(big.runs()[0]?.status).toBe('complete');
    expect(big.events(runId, 0, 10)).toHaveLength(10);
    let caught: unknown;
    try {
      for (let from = 0; from <= 40_000; from += 1000) big.events(runId, from, 1000);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SessionError);
    expect((caught as SessionError).code).toBe('corrupt');
    expect((caught as SessionError).message).toContain(file);
    expect((caught as SessionError).message).toMatch(/run 1/);
    big.close();
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
    const stored = session.query(`SELECT count(*) FROM events WHERE run_id = ${second!.id}`)
      .rows[0]![0] as number;
    expect(stored).toBeGreaterThanOrEqual(committed);
    expect(session.machine()?.name).toBe('kill-test');
    session.close();
  });
});
