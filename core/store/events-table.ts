// The `events` virtual table: a run's stored blocks presented to SQL as one row per event, so
// power users query events as before (`SELECT kind, count(*) FROM events WHERE run_id = 2 GROUP
// BY kind`). Hidden arguments restrict the scan (events(run), events(run, from_seq),
// events(run, from_seq, to_seq) or `WHERE run = 2 AND from_seq = 1000`); without them every
// block of every run is decoded.
//
// The table reads through its own read-only connection: while SQLite runs the user's statement
// on the session's connection, that connection cannot run another one.
import type Database from 'better-sqlite3';
import { BLOCK_COLUMNS } from './event-blocks';
import type { BlockReader } from './block-reader';

export const EVENTS_TABLE_COLUMNS = ['run_id', 'seq', ...BLOCK_COLUMNS] as const;

export function registerEventsTable(db: Database.Database, reader: () => BlockReader): void {
  db.table('events', {
    columns: [...EVENTS_TABLE_COLUMNS],
    parameters: ['run', 'from_seq', 'to_seq'],
    *rows(run?: unknown, fromSeq?: unknown, toSeq?: unknown) {
      const blocks = reader();
      const known = blocks.runIds();
      // Only runs the file has: blocks under another run id are not a run's events.
      const runs = run === undefined ? known : known.filter((id) => id === Number(run));
      const from = fromSeq === undefined ? 0 : Math.max(0, Number(fromSeq));
      const to = toSeq === undefined ? Infinity : Number(toSeq);
      const row = new Array<number>(EVENTS_TABLE_COLUMNS.length);
      for (const runId of runs) {
        row[0] = runId;
        for (const block of blocks.sequential(runId, from, to)) {
          const c = block.columns;
          const start = Math.max(0, from - block.firstSeq);
          const end = Math.min(block.count, to - block.firstSeq);
          for (let i = start; i < end; i++) {
            row[1] = block.firstSeq + i;
            row[2] = c.kind[i]!;
            row[3] = c.depth[i]!;
            row[4] = c.fn[i]!;
            row[5] = c.irq[i]!;
            row[6] = c.cpu[i]!;
            row[7] = c.a0[i]!;
            row[8] = c.a1[i]!;
            row[9] = c.a2[i]!;
            row[10] = c.a3[i]!;
            row[11] = c.text[i]!;
            row[12] = c.dev[i]!;
            yield row;
          }
        }
      }
    },
  });
}
