// The session reader's fuzz target (core/store/session.fuzz.test.ts runs it a bounded number of
// times in `npm test`; scripts/fuzz-session.ts runs it for minutes): a valid session, altered by
// byte flips, truncation or SQL (triggers, views, dropped or renamed tables, wrong counts, foreign
// run ids, bad JSON), is read the way the CLI and the app read one. Every outcome must be a
// SessionError naming the file (`<file>: not a valid irqlab session: <what>`, or a newer schema)
// or a read that is whole and consistent; and the file's bytes and its folder's listing must be
// exactly as before.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { NOT_VALID, SessionError } from './errors';
import { alter, ALTERATIONS, makeBaseSession } from './hostile-sessions';
import { Session } from './session';

export type Mutation =
  | { kind: 'flips'; flips: [number, number][] }
  | { kind: 'truncate'; at: number }
  | { kind: 'sql'; sql: string; name: string };

const TABLES = [
  'meta',
  'machine',
  'runs',
  'strings',
  'symbols',
  'notes',
  'breakpoints',
  'event_blocks',
  'event_postings',
];

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL alterations: the catalogue of known attacks and random ones of the same kinds. */
const sqlMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...ALTERATIONS).map((a) => ({ kind: 'sql' as const, sql: a.sql, name: a.name })),
  fc
    .tuple(fc.constantFrom(...TABLES), fc.constantFrom('INSERT', 'UPDATE', 'DELETE'))
    .map(([t, op]) => ({
      kind: 'sql' as const,
      name: `trigger on ${t}`,
      sql: `CREATE TRIGGER t_${t} AFTER ${op} ON ${t} BEGIN SELECT 1; END`,
    })),
  fc.constantFrom(...TABLES).map((t) => ({
    kind: 'sql' as const,
    name: `drop ${t}`,
    sql: `DROP TABLE ${t}`,
  })),
  fc.constantFrom(...TABLES).map((t) => ({
    kind: 'sql' as const,
    name: `rename ${t}`,
    sql: `ALTER TABLE ${t} RENAME TO ${t}_x`,
  })),
  fc.constantFrom(...TABLES, 'events', 'runs_view').map((t) => ({
    kind: 'sql' as const,
    name: `view ${t}`,
    sql: `CREATE VIEW IF NOT EXISTS ${t} AS SELECT 1 AS id`,
  })),
  fc
    .oneof(fc.integer(), fc.constantFrom(0, -1, 4095, 4097, 2 ** 31, 2 ** 32, 2 ** 53))
    .map((n) => ({
      kind: 'sql' as const,
      name: `block count ${n}`,
      sql: `PRAGMA ignore_check_constraints = ON;
          UPDATE event_blocks SET count = ${n} WHERE id = (SELECT min(id) FROM event_blocks)`,
    })),
  fc.integer({ min: -5, max: 2 ** 31 }).map((n) => ({
    kind: 'sql' as const,
    name: `event_count ${n}`,
    sql: `UPDATE runs SET event_count = ${n}`,
  })),
  fc.integer({ min: -3, max: 10_000 }).map((n) => ({
    kind: 'sql' as const,
    name: `foreign run id ${n}`,
    sql: `UPDATE event_blocks SET run_id = ${n} WHERE id = (SELECT max(id) FROM event_blocks)`,
  })),
  fc.integer({ min: 2, max: 10_000 }).map((n) => ({
    kind: 'sql' as const,
    name: `symbols of run ${n}`,
    sql: `UPDATE symbols SET run_id = ${n}`,
  })),
  fc
    .oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom('{"name":"cpu"}', '[1,2]', 'null', '[{"name":1,"type":"int"}]'),
    )
    .map((j) => ({
      kind: 'sql' as const,
      name: `symbol args ${j}`,
      sql: `UPDATE symbols SET args = ${sqlText(j)}`,
    })),
  fc.uint8Array({ minLength: 0, maxLength: 64 }).map((bytes) => ({
    kind: 'sql' as const,
    name: 'block data replaced',
    sql: `UPDATE event_blocks SET data = X'${Buffer.from(bytes).toString('hex')}' WHERE id = (SELECT min(id) FROM event_blocks)`,
  })),
  fc.constantFrom('1', "X'00'", 'NULL', '3.5').map((v) => ({
    kind: 'sql' as const,
    name: `string value ${v}`,
    sql: `UPDATE strings SET value = ${v} WHERE id = (SELECT min(id) FROM strings)`,
  })),
);

export const mutationArb: fc.Arbitrary<{
  base: 'v2' | 'v1-wal';
  mutation: Mutation;
  /** Read as a small file (checked whole at open) or as a big one (checked as read). */
  whole: boolean;
}> = fc.record({
  whole: fc.boolean(),
  base: fc.constantFrom('v2' as const, 'v2' as const, 'v1-wal' as const),
  mutation: fc.oneof(
    fc
      .array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 8 })
      .map((flips) => ({ kind: 'flips' as const, flips })),
    fc.nat().map((at) => ({ kind: 'truncate' as const, at })),
    sqlMutation,
  ),
});

/** The valid files the mutations start from (made once per process). */
export class FuzzBases {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'irqlab-fuzz-'));
  private n = 0;
  readonly v2 = path.join(this.dir, 'base-v2.irqlab');
  readonly v1 = path.join(this.dir, 'base-v1-wal.irqlab');

  constructor(v1Fixture: string) {
    makeBaseSession(this.v2);
    copyFileSync(v1Fixture, this.v1);
  }

  /** A mutated copy in a folder of its own. */
  make(base: 'v2' | 'v1-wal', m: Mutation): string {
    const folder = path.join(this.dir, `case-${++this.n}`);
    mkdirSync(folder);
    const file = path.join(folder, 'session.irqlab');
    copyFileSync(base === 'v2' ? this.v2 : this.v1, file);
    if (m.kind === 'flips') {
      const bytes = readFileSync(file);
      for (const [at, bit] of m.flips) bytes[at % bytes.length]! ^= 1 << bit;
      writeFileSync(file, bytes);
    } else if (m.kind === 'truncate') {
      truncateSync(file, m.at % readFileSync(file).length);
    } else {
      try {
        alter(file, m.sql);
      } catch {
        // SQL that does not apply to this base (a table of the other version): the file as is
      }
    }
    return file;
  }

  /** Removes a case's folder once it was checked. */
  drop(file: string): void {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function snapshot(file: string) {
  return {
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    listing: readdirSync(path.dirname(file)).sort(),
  };
}

/** Why a read was not whole and consistent, or null. */
function readWhole(session: Session): string | null {
  let total = 0;
  for (const run of session.runs()) {
    session.run(run.id);
    session.runOutputs(run.id);
    session.machine();
    let seq = 0;
    for (;;) {
      const page = session.namedEvents(run.id, seq, 1000);
      if (page.length === 0) break;
      for (const e of page)
        if (e.seq !== seq++) return `run ${run.id}: step ${e.seq} after ${seq - 2}`;
    }
    if (seq !== run.eventCount)
      return `run ${run.id}: ${seq} events read, ${run.eventCount} claimed`;
    session.events(run.id, 0, 50, { irq: 24 });
    session.events(run.id, 0, 50, { device: '0000:3b:00.0' });
    total += seq;
  }
  const counted = session.query('SELECT count(*) FROM events').rows[0]![0];
  if (counted !== total) return `events table counts ${String(counted)}, pages ${total}`;
  return null;
}

/** Checks one mutated file; throws (an Error saying what went wrong) when the reader misbehaved. */
export function checkFile(file: string, what: string, whole = true): 'read' | 'refused' {
  const before = snapshot(file);
  let outcome: 'read' | 'refused';
  try {
    const session = Session.open(file, { readonly: true, ...(whole ? {} : { fullCheckBytes: 0 }) });
    try {
      const problem = readWhole(session);
      if (problem) throw new Error(`${what}: read but not consistent: ${problem}`);
    } finally {
      session.close();
    }
    outcome = 'read';
  } catch (err) {
    if (!(err instanceof SessionError))
      throw new Error(`${what}: not a SessionError: ${(err as Error)?.stack ?? String(err)}`);
    const clear =
      err.message.startsWith(`${file}: ${NOT_VALID}: `) ||
      (err.code === 'newer' && err.message.startsWith(`${file}: written by a newer irqlab`));
    if (!clear) throw new Error(`${what}: unclear refusal: ${err.message}`);
    outcome = 'refused';
  }
  const after = snapshot(file);
  if (after.sha256 !== before.sha256) throw new Error(`${what}: the file changed`);
  if (after.listing.join('\n') !== before.listing.join('\n'))
    throw new Error(`${what}: files appeared beside it: ${after.listing.join(', ')}`);
  return outcome;
}

export const describeMutation = (base: string, m: Mutation) =>
  `${base}: ${m.kind === 'flips' ? `flips ${JSON.stringify(m.flips)}` : m.kind === 'truncate' ? `truncated at ${m.at}` : m.name}`;
