// Session files altered the way an attacker would alter one before mailing it (tests, the session
// fuzz target and scripts/fuzz-session.ts). Each alteration is plain SQL on a valid session; the
// file is left as one file (journal_mode DELETE), as a mailed file is.
import { openDatabase } from './native-binding';
import { TraceEmitter } from '../trace/emitter';
import { Session } from './session';

/** Events in the base session's run (the attacks that hide events are seen by this count). */
export const BASE_EVENTS = 1053;

/** A valid session with one run of BASE_EVENTS events (a device call among them), as one file. */
export function makeBaseSession(file: string): void {
  const session = Session.open(file, { create: true });
  session.saveMachine('base', '{"name":"base"}');
  const writer = session.beginRun({ profile: 'mainline', machineJson: '{"name":"base"}' });
  const emitter = new TraceEmitter(500);
  emitter.addSink(writer);
  const alloc = emitter.symbol({
    name: 'irq_matrix_alloc',
    args: [
      { name: 'cpu', type: 'int' },
      { name: 'dev', type: 'str' },
    ],
  });
  const dev = emitter.intern('0000:3b:00.0');
  for (let i = 0; emitter.seq < BASE_EVENTS - 1; i++) {
    emitter.call(alloc, 24 + (i % 8), i % 4, i % 4, dev);
    emitter.ret(alloc, 0, 24 + (i % 8), i % 4);
  }
  emitter.log(3, 'Interrupt reservation exceeds available resources');
  emitter.flush();
  writer.finish({ procInterrupts: '' });
  session.close();
  const db = openDatabase(file);
  db.pragma('journal_mode = DELETE');
  db.close();
}

export interface Alteration {
  name: string;
  /** What the refusal says after `not a valid irqlab session: `. */
  says: RegExp;
  sql: string;
}

const ENDLESS = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c`;

/** The hostile files of issue 16 (and a few more of each kind). */
export const ALTERATIONS: Alteration[] = [
  {
    name: 'an endless AFTER UPDATE trigger on runs',
    says: /trigger "hang"/,
    sql: `CREATE TRIGGER hang AFTER UPDATE ON runs BEGIN ${ENDLESS}; END`,
  },
  {
    name: 'a trigger that wipes the events and the machine',
    says: /trigger "wipe"/,
    sql: `CREATE TRIGGER wipe AFTER UPDATE ON runs BEGIN DELETE FROM event_blocks; DELETE FROM machine; END`,
  },
  {
    name: 'an insert trigger on event_blocks',
    says: /trigger "grow"/,
    sql: `CREATE TRIGGER grow AFTER INSERT ON event_blocks BEGIN INSERT INTO notes (body, created_at) VALUES ('x', 'y'); END`,
  },
  {
    name: 'runs replaced by a view over an endless recursive CTE',
    says: /view "runs"|table "runs_real"|is not defined as irqlab defines it/,
    sql: `ALTER TABLE runs RENAME TO runs_real;
          CREATE VIEW runs AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
            SELECT x AS id, '' AS created_at, NULL AS finished_at, 'p' AS profile, 'boot' AS scenario,
                   'complete' AS status, 0 AS event_count, '{}' AS machine_json, NULL AS outputs_json,
                   NULL AS error FROM c`,
  },
  {
    name: 'a table named events shadowing the virtual table',
    says: /table "events"/,
    sql: `CREATE TABLE events (run_id, seq, kind, depth, fn, irq, cpu, a0, a1, a2, a3, text, dev);
          INSERT INTO events VALUES (1,0,0,0,0,0,0,0,0,0,0,0,0), (1,1,0,0,0,0,0,0,0,0,0,0,0), (1,2,0,0,0,0,0,0,0,0,0,0,0)`,
  },
  {
    name: 'a view named events',
    says: /view "events"/,
    sql: `CREATE VIEW events AS SELECT 1 AS run_id`,
  },
  { name: 'runs dropped', says: /table "runs" is missing/, sql: `DROP TABLE runs` },
  {
    name: 'event_blocks dropped',
    says: /table "event_blocks" is missing/,
    sql: `DROP TABLE event_blocks`,
  },
  {
    name: 'event_postings dropped',
    says: /table "event_postings" is missing/,
    sql: `DROP TABLE event_postings`,
  },
  { name: 'symbols dropped', says: /table "symbols" is missing/, sql: `DROP TABLE symbols` },
  { name: 'strings dropped', says: /table "strings" is missing/, sql: `DROP TABLE strings` },
  {
    name: 'strings renamed',
    says: /table "(strings|strings_old)"/,
    sql: `ALTER TABLE strings RENAME TO strings_old`,
  },
  {
    name: 'a column added to runs',
    says: /table "runs" is not defined as irqlab defines it/,
    sql: `ALTER TABLE runs ADD COLUMN owner TEXT`,
  },
  {
    name: "another application's database with irqlab's application id",
    says: /table "photos"|is missing/,
    sql: `DROP TABLE event_blocks; DROP TABLE event_postings; DROP TABLE strings; DROP TABLE symbols;
          DROP TABLE notes; DROP TABLE breakpoints; DROP TABLE runs; DROP TABLE machine; DROP TABLE meta;
          CREATE TABLE photos (id INTEGER PRIMARY KEY, jpeg BLOB)`,
  },
  {
    name: 'a block count of 2^31',
    says: /event count 2147483648 is not 1\.\.4096/,
    sql: `UPDATE event_blocks SET count = 2147483648 WHERE id = (SELECT min(id) FROM event_blocks)`,
  },
  {
    name: 'a block count of -5',
    says: /event count -5 is not 1\.\.4096/,
    sql: `PRAGMA ignore_check_constraints = ON;
          UPDATE event_blocks SET count = -5 WHERE id = (SELECT min(id) FROM event_blocks)`,
  },
  {
    name: 'a block count one less than its blob holds',
    says: /run 1: event block at step \d+ (overlaps|leaves a gap)|bytes, but \d+ events of its widths take/,
    sql: `UPDATE event_blocks SET count = count - 1 WHERE id = (SELECT min(id) FROM event_blocks)`,
  },
  {
    name: 'a run that claims more events than its blocks hold',
    says: /run 1: its blocks hold 1053 events, but it claims 5000/,
    sql: `UPDATE runs SET event_count = 5000`,
  },
  {
    name: 'blocks under a run id that is not in the file',
    says: /belongs to run 99, which is not in the file/,
    sql: `INSERT INTO event_blocks (id, run_id, count, data)
            SELECT id - (run_id << 40) + (99 << 40), 99, count, data FROM event_blocks`,
  },
  {
    name: "a block whose run_id is not its rowid's",
    says: /outside the run's steps/,
    sql: `INSERT INTO runs (id, created_at, profile, scenario, status, machine_json)
            VALUES (2, 'now', 'mainline', 'boot', 'complete', '{}');
          UPDATE event_blocks SET run_id = 2 WHERE id = (SELECT max(id) FROM event_blocks)`,
  },
  {
    name: 'symbol arguments that are an object',
    says: /symbol 1: its arguments are not a list of \{name, type\}/,
    sql: `UPDATE symbols SET args = '{"name": "cpu"}' WHERE id = 1`,
  },
  {
    name: 'symbol arguments that are not JSON',
    says: /symbol 1: its arguments are not JSON/,
    sql: `UPDATE symbols SET args = '[{"name": ' WHERE id = 1`,
  },
  {
    name: 'a run status irqlab never writes',
    says: /unknown status "pwned"/,
    sql: `PRAGMA ignore_check_constraints = ON; UPDATE runs SET status = 'pwned'`,
  },
  {
    name: 'a posting list claiming 2^32-1 blocks',
    says: /posting list of \w+ claims 4294967295 blocks/,
    sql: `UPDATE event_postings SET blocks = unhex('ffffffff' || hex(substr(blocks, 5)))
            WHERE (run_id, key, bucket, first_seq) =
                  (SELECT run_id, key, bucket, first_seq FROM event_postings LIMIT 1)`,
  },
];

/** Applies an alteration to a copy of a valid session (one file, journal_mode DELETE). */
export function alter(file: string, sql: string): void {
  const db = openDatabase(file);
  try {
    db.unsafeMode(true); // writable schema tricks need it, as an attacker's sqlite3 shell has
    db.exec(sql);
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}
