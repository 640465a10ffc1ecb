// Reads a run's event blocks from one connection: in step order from any step, or only the blocks
// that the posting lists name for a filter. Statements are run to completion a few blocks at a time
// (never left open across a yield), so a reader can serve several scans at once. Decoded blocks
// are kept in a small cache: paging forward or back through a run decodes each block once.
import type Database from 'better-sqlite3';
import {
  BlockFormatError,
  decodeBlock,
  type DecodedBlock,
  POSTING_BUCKET_BITS,
  postingsOf,
  type PostingKey,
} from './event-blocks';
import { RUN_ROWID_BASE } from './run-writer';

const BLOCKS_PER_QUERY = 4;

/** An event_blocks row as read (its columns are checked, not believed). */
interface BlockRow {
  id: number;
  run_id: unknown;
  count: unknown;
  data: unknown;
}
const CACHE_BLOCKS = 32;

export class BlockReader {
  private readonly containing: Database.Statement;
  private readonly range: Database.Statement;
  private readonly one: Database.Statement;
  private readonly postings: Database.Statement;
  private readonly runs: Database.Statement;
  private readonly cache = new Map<number, DecodedBlock>();
  /** Blocks decoded so far (cache misses): what a page cost. */
  decoded = 0;

  constructor(
    db: Database.Database,
    /** Turns a damaged block into the caller's error (the session names its file). */
    private readonly damaged: (runId: number, message: string) => Error,
  ) {
    this.containing = db
      .prepare('SELECT max(id) FROM event_blocks WHERE id >= ? AND id <= ?')
      .pluck();
    this.range = db.prepare(
      'SELECT id, run_id, count, data FROM event_blocks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
    );
    this.one = db.prepare('SELECT id, run_id, count, data FROM event_blocks WHERE id = ?');
    this.postings = db
      .prepare(
        'SELECT blocks FROM event_postings WHERE run_id = ? AND key = ? AND bucket = ? ORDER BY first_seq',
      )
      .pluck();
    this.runs = db.prepare('SELECT id FROM runs ORDER BY id').pluck();
  }

  runIds(): number[] {
    return this.runs.all() as number[];
  }

  /** First step of the block holding step `seq` (or of the first block after it). */
  private blockStart(runId: number, seq: number): number {
    const base = runId * RUN_ROWID_BASE;
    const id = this.containing.get(base, base + seq) as number | null;
    return id === null ? seq : id - base;
  }

  private decode(runId: number, row: BlockRow): DecodedBlock {
    const cached = this.cache.get(row.id);
    if (cached) return cached;
    // Nothing a row says is believed: its run, its type, its count (decodeBlock checks the count
    // against the blob's length).
    if (row.run_id !== runId)
      throw this.damaged(
        runId,
        `the block at rowid ${row.id} says it belongs to run ${String(row.run_id)}`,
      );
    if (!Buffer.isBuffer(row.data))
      throw this.damaged(runId, `the block at rowid ${row.id} is not a blob`);
    let block: DecodedBlock;
    try {
      block = decodeBlock(row.id - runId * RUN_ROWID_BASE, row.count as number, row.data);
    } catch (err) {
      if (err instanceof BlockFormatError) throw this.damaged(runId, err.message);
      throw err;
    }
    this.decoded++;
    if (this.cache.size >= CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(row.id, block);
    return block;
  }

  /** Blocks overlapping steps [fromSeq, toSeq), in step order. */
  *sequential(runId: number, fromSeq: number, toSeq = Infinity): Generator<DecodedBlock> {
    const base = runId * RUN_ROWID_BASE;
    const end = base + Math.min(toSeq, RUN_ROWID_BASE);
    let next = base + this.blockStart(runId, fromSeq);
    let expected = -1;
    while (next < end) {
      const rows = this.range.all(next, end, BLOCKS_PER_QUERY) as BlockRow[];
      for (const row of rows) {
        const block = this.decode(runId, row);
        // Blocks follow one another: one reaching into the next would repeat steps, a gap
        // would hide events a count said were there.
        // The first block must hold fromSeq: one starting after it would hide the steps before.
        if (expected < 0 && block.firstSeq > fromSeq)
          throw this.damaged(
            runId,
            `no block holds step ${fromSeq} (the next starts at step ${block.firstSeq})`,
          );
        if (expected >= 0 && block.firstSeq !== expected)
          throw this.damaged(
            runId,
            `the block at step ${block.firstSeq} ${block.firstSeq < expected ? 'overlaps the one before' : `leaves a gap after step ${expected}`}`,
          );
        expected = block.firstSeq + block.count;
        yield block;
      }
      if (rows.length < BLOCKS_PER_QUERY) return;
      next = rows[rows.length - 1]!.id + 1;
    }
  }

  /**
   * Blocks that may hold events matching every condition, from the block holding `fromSeq` up to
   * `toSeq`: the intersection of the conditions' posting lists, read block by block.
   */
  *matching(
    runId: number,
    conditions: readonly (readonly [PostingKey, number])[],
    fromSeq: number,
    toSeq = Infinity,
  ): Generator<DecodedBlock> {
    let candidates: Uint32Array | null = null;
    for (const [key, value] of conditions) {
      // "No irq", "no CPU", "no device" have no postings: such conditions are checked per event.
      if (value < (key === 'dev' ? 1 : 0) || !Number.isInteger(value)) continue;
      const list = this.postingList(runId, key, value);
      candidates = candidates === null ? list : intersect(candidates, list);
      if (candidates.length === 0) return;
    }
    if (candidates === null) {
      yield* this.sequential(runId, fromSeq, toSeq);
      return;
    }
    const start = this.blockStart(runId, fromSeq);
    const base = runId * RUN_ROWID_BASE;
    for (const firstSeq of candidates) {
      if (firstSeq < start) continue;
      if (firstSeq >= toSeq) return;
      const id = base + firstSeq;
      const cached = this.cache.get(id);
      const row = cached ? null : (this.one.get(id) as BlockRow | undefined);
      if (!cached && !row)
        throw this.damaged(runId, `posting list names a block at step ${firstSeq} that is missing`);
      yield cached ?? this.decode(runId, row!);
    }
  }

  private postingList(runId: number, key: PostingKey, value: number): Uint32Array {
    const bucket = Math.floor(value / 2 ** POSTING_BUCKET_BITS[key]);
    const firstSeqs: number[] = [];
    try {
      for (const segment of this.postings.all(runId, key, bucket) as unknown[]) {
        if (!Buffer.isBuffer(segment))
          throw new BlockFormatError(`a posting list of ${key} is not a blob`);
        postingsOf(segment, value, firstSeqs);
      }
    } catch (err) {
      if (err instanceof BlockFormatError) throw this.damaged(runId, err.message);
      throw err;
    }
    // The intersection walks ascending lists: a list out of order was not written by irqlab.
    for (let i = 1; i < firstSeqs.length; i++)
      if (firstSeqs[i]! <= firstSeqs[i - 1]!)
        throw this.damaged(runId, `the posting list of ${key} ${value} is out of step order`);
    return Uint32Array.from(firstSeqs);
  }
}

/** Intersection of two ascending lists. */
function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}
