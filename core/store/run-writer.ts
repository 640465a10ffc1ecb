// Stores a run's trace while the simulation produces it: a TraceSink that writes each chunk of
// events in one transaction (`write`; `writeMany`: several consecutive chunks in one), as blocks
// of up to BLOCK_EVENTS events (event-blocks.ts) with their posting lists (which blocks hold irq
// n, CPU n, function n, kind n, device n), new interned strings and symbols alongside. Everything
// a filter needs is committed with the blocks it indexes, so an interrupted run is as readable as
// a finished one, up to its last commit, and finishing a run costs nothing extra.
//
// Crash safety is per transaction: the app's store thread (electron/node/run-store.ts) commits
// every two of the emitter's chunks, or all the chunks waiting when it is behind, rather than
// every chunk, so a crash loses at most those not yet committed (a few MB of trace). Why: each
// commit writes again to the WAL every page it touched, and a group's posting rows land on
// pages all over event_postings (one row per key and bucket); a posting group of GROUP_BLOCKS
// blocks spanning two chunks halves those rows and the commits, and the pages written again with
// them (a 1536-CPU boot, 4 KiB pages: 146 MB of WAL for 95 MB of trace with a commit per chunk,
// 118 MB with one per two).
//
// The device column: events inside a call that names a device (a `dev` string argument, e.g.
// pci_alloc_irq_vectors_affinity(dev=0000:3b:00.0, ...)) carry that device's string id, from the
// call to its return, so "everything the kernel did for this device" is one filter.
import type Database from 'better-sqlite3';
import { EventKind, type SymbolSpec, type TraceChunk } from '../trace/events';
import type { TraceSink } from '../trace/emitter';
import type { StringList } from '../trace/strings';
import {
  BLOCK_EVENTS,
  BlockEncoder,
  GROUP_BLOCKS,
  POSTING_BUCKET_BITS,
  type PostingKey,
} from './event-blocks';

export const RUN_ROWID_BASE = 2 ** 40;
/** Posting-list rows and string rows go in multi-row INSERTs of this many rows. */
const ROWS_PER_STATEMENT = 128;
/**
 * WAL bytes between checkpoints while a run is written (PRAGMA wal_autocheckpoint, in pages;
 * SQLite's default is 1000 pages). Every transaction commits on its own for crash safety;
 * checkpointing after each would fsync the database each time, so it is done every ~16 MiB and
 * once when the run ends. The app's store thread leaves those made during the run (and one when
 * the trace is complete, while the outputs are built) to a connection of another thread
 * (checkpointElsewhere): the end of a run then has little more than its outputs to fold in.
 */
export const RUN_WAL_CHECKPOINT_BYTES = 16 * 2 ** 20;

/** A prepared multi-row INSERT with a reused parameter array; `flush` sends what is pending. */
class BatchInsert {
  private readonly full: Database.Statement;
  private readonly params: unknown[];
  private pending = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly head: string,
    private readonly width: number,
  ) {
    this.full = db.prepare(this.sql(ROWS_PER_STATEMENT));
    this.params = new Array<unknown>(ROWS_PER_STATEMENT * width);
  }

  private sql(rows: number): string {
    const tuple = `(${new Array(this.width).fill('?').join(',')})`;
    return `${this.head} VALUES ${new Array(rows).fill(tuple).join(',')}`;
  }

  add(...values: unknown[]): void {
    const at = this.pending * this.width;
    for (let i = 0; i < this.width; i++) this.params[at + i] = values[i];
    if (++this.pending === ROWS_PER_STATEMENT) {
      this.full.run(this.params);
      this.pending = 0;
    }
  }

  flush(): void {
    if (this.pending === 0) return;
    this.db.prepare(this.sql(this.pending)).run(this.params.slice(0, this.pending * this.width));
    this.pending = 0;
  }
}

/** For one posting key (irq, cpu, ...): which blocks of the current group hold each value. */
class PostingCollector {
  /** group[value] = ordinal of the last group the value was seen in; mask[value] its blocks. */
  private group = new Int32Array(1024).fill(-1);
  private mask = new Int32Array(1024);
  private readonly big = new Map<number, { group: number; mask: number }>(); // beyond `group`
  /** Values seen in the current group (touched[0 .. touchedCount)). */
  private touched = new Float64Array(1024);
  private touchedCount = 0;

  constructor(
    readonly key: PostingKey,
    /** Smallest value with a posting ("no irq" is -1, "no device" 0). */
    private readonly min: number,
  ) {}

  /** Forgets the values of a group that was never drained (its transaction failed). */
  reset(): void {
    this.touchedCount = 0;
  }

  /**
   * Notes the values of column[0, n), block `slot` of group `group`. One column type (Int32Array)
   * for every key keeps this loop's element accesses monomorphic.
   */
  collect(column: Int32Array, n: number, group: number, slot: number): void {
    let groups = this.group;
    let masks = this.mask;
    const bit = 1 << slot;
    const min = this.min;
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      if (v < min) continue;
      if (v >= groups.length) {
        this.collectBig(v, group, bit);
        groups = this.group;
        masks = this.mask;
        continue;
      }
      if (groups[v] !== group) {
        groups[v] = group;
        masks[v] = bit;
        this.touch(v);
      } else masks[v]! |= bit;
    }
  }

  private touch(v: number): void {
    if (this.touchedCount === this.touched.length) {
      const grown = new Float64Array(this.touched.length * 2);
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.touchedCount++] = v;
  }

  private collectBig(v: number, group: number, bit: number): void {
    if (v < 1 << 22) {
      let size = this.group.length;
      while (size <= v) size *= 2;
      const groups = new Int32Array(size).fill(-1);
      groups.set(this.group);
      const masks = new Int32Array(size);
      masks.set(this.mask);
      this.group = groups;
      this.mask = masks;
      groups[v] = group;
      masks[v] = bit;
      this.touch(v);
      return;
    }
    const entry = this.big.get(v);
    if (entry?.group === group) entry.mask |= bit;
    else {
      this.big.set(v, { group, mask: bit });
      this.touch(v);
    }
  }

  /**
   * The group's posting rows, one per bucket (layout: event-blocks.ts), handed to `row`. Starts
   * a new group.
   */
  drain(firstSeqs: readonly number[], row: (bucket: number, data: Uint8Array) => void): void {
    const values = this.touched.subarray(0, this.touchedCount).sort();
    this.touchedCount = 0;
    const shift = 2 ** POSTING_BUCKET_BITS[this.key];
    const n = firstSeqs.length;
    for (let i = 0; i < values.length;) {
      const bucket = Math.floor(values[i]! / shift);
      let j = i + 1;
      while (j < values.length && Math.floor(values[j]! / shift) === bucket) j++;
      const words = new Uint32Array(1 + n + 2 * (j - i));
      words[0] = n;
      for (let k = 0; k < n; k++) words[1 + k] = firstSeqs[k]!;
      for (let at = 1 + n; i < j; i++, at += 2) {
        const v = values[i]!;
        words[at] = v;
        words[at + 1] = v < this.mask.length ? this.mask[v]! : this.big.get(v)!.mask;
      }
      row(bucket, new Uint8Array(words.buffer));
    }
  }
}

export class RunWriter implements TraceSink {
  private readonly insertBlock: Database.Statement;
  private readonly strings: BatchInsert;
  private readonly stringsJson: Database.Statement;
  private readonly symbols: BatchInsert;
  private readonly postings: BatchInsert;
  private readonly updateCount: Database.Statement;
  private readonly writeChunks: (
    chunks: readonly TraceChunk[],
    strings: StringList,
    symbols: readonly SymbolSpec[],
  ) => void;
  private readonly encoder = new BlockEncoder();
  private readonly irqs = new PostingCollector('irq', 0);
  private readonly cpus = new PostingCollector('cpu', 0);
  private readonly fns = new PostingCollector('fn', 0);
  private readonly kinds = new PostingCollector('kind', 0);
  private readonly devs = new PostingCollector('dev', 1);
  private readonly collectors = [this.irqs, this.cpus, this.fns, this.kinds, this.devs];
  private stringsStored = 1; // id 0 ("") is implicit
  private symbolsStored = 1; // id 0 is the empty symbol
  /** Per symbol: index of its `dev` string argument, or -1. */
  private devArg = new Int8Array(64).fill(-1);
  /** Calls that named a device and have not returned: their depth and device string id. */
  private readonly devDepth: number[] = [];
  private readonly devId: number[] = [];
  private readonly devColumn = new Int32Array(BLOCK_EVENTS);
  /** A block's fn or kind column as Int32Array, for the posting collectors. */
  private readonly scratch = new Int32Array(BLOCK_EVENTS);
  /** First steps of the blocks of the group being collected (it ends with its transaction). */
  private firstSeqs: number[] = [];
  private groups = 0;
  private events = 0;
  private blockBytes = 0;
  private foldAtFinish = true;
  private done = false;
  private readonly autocheckpoint: number;

  constructor(
    private readonly db: Database.Database,
    readonly runId: number,
  ) {
    this.insertBlock = db.prepare(
      'INSERT INTO event_blocks (id, run_id, count, data) VALUES (?, ?, ?, ?)',
    );
    this.strings = new BatchInsert(db, 'INSERT INTO strings (run_id, id, value)', 3);
    this.stringsJson = db.prepare(
      'INSERT INTO strings (run_id, id, value) SELECT ?, ? + key, value FROM json_each(?)',
    );
    this.symbols = new BatchInsert(db, 'INSERT INTO symbols (run_id, id, name, args)', 4);
    this.postings = new BatchInsert(
      db,
      'INSERT INTO event_postings (run_id, key, bucket, first_seq, blocks)',
      5,
    );
    this.updateCount = db.prepare('UPDATE runs SET event_count = ? WHERE id = ?');
    this.autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(
      `wal_autocheckpoint = ${Math.max(this.autocheckpoint, Math.ceil(RUN_WAL_CHECKPOINT_BYTES / pageSize))}`,
    );
    this.writeChunks = db.transaction((chunks, strings, symbols) =>
      this.store(chunks, strings, symbols),
    );
  }

  get eventCount(): number {
    return this.events;
  }

  /** Bytes of trace blocks stored so far: near enough what the run has added to the WAL. */
  get storedBytes(): number {
    return this.blockBytes;
  }

  /**
   * Leaves the checkpoints made while the run is written to another connection, in a thread of
   * its own (electron/node/checkpoint-thread.ts): this one's commits make none, so the writer
   * never waits for a checkpoint's two fsyncs (~9 ms each on the 2-core VM: a tenth of a large
   * run's storing). Finishing the run still folds in what is left, unless `alsoAtFinish`: when
   * a connection that stays open holds the session (the app's window), the run's last pages (its
   * outputs, tens of MB) wait in the WAL for the next checkpoint (the next run's, or that
   * connection's close, the last), and the run is done ~50 ms sooner.
   */
  checkpointElsewhere(alsoAtFinish: boolean): void {
    this.db.pragma('wal_autocheckpoint = 0');
    this.foldAtFinish = !alsoAtFinish;
  }

  /** Stores one chunk in one transaction. */
  write(chunk: TraceChunk, strings: StringList, symbols: readonly SymbolSpec[]): void {
    this.writeMany([chunk], strings, symbols);
  }

  /**
   * Stores consecutive chunks in one transaction; their blocks make groups of up to GROUP_BLOCKS
   * across the chunks' ends (fewer, fuller posting rows). `strings` and `symbols` are the run's
   * tables as they stand after the last of them.
   */
  writeMany(
    chunks: readonly TraceChunk[],
    strings: StringList,
    symbols: readonly SymbolSpec[],
  ): void {
    if (this.done) throw new Error(`run ${this.runId} is already finished`);
    const last = chunks.at(-1);
    if (last && last.base + last.length > 2 ** 32)
      throw new Error(`run ${this.runId}: more than 2^32 trace events in one run`);
    this.writeChunks(chunks, strings, symbols);
  }

  /** Marks the run complete with its outputs. */
  finish(outputs: unknown): void {
    this.close('complete', JSON.stringify(outputs), null);
  }

  /**
   * The same with the outputs already serialized (by the thread that made them), as text or as
   * its UTF-8 bytes (stored as the same text: a string of tens of MB costs a copy and an encoding
   * on its way here and into SQLite, bytes none).
   */
  finishJson(outputsJson: string | Uint8Array): void {
    this.close('complete', outputsJson, null);
  }

  fail(error: string): void {
    this.close('failed', null, error);
  }

  private close(
    status: 'complete' | 'failed',
    outputsJson: string | Uint8Array | null,
    error: string | null,
  ): void {
    if (this.done) return;
    this.done = true;
    // Bytes are bound as a blob: CAST stores them as the text they encode if the database's text
    // is UTF-8 (irqlab makes every session so; a stranger's file may be UTF-16: decoded first).
    if (
      outputsJson instanceof Uint8Array &&
      this.db.pragma('encoding', { simple: true }) !== 'UTF-8'
    )
      outputsJson = new TextDecoder().decode(outputsJson);
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, event_count = ?, outputs_json = CAST(? AS TEXT), error = ? WHERE id = ?`,
      )
      .run(status, new Date().toISOString(), this.events, outputsJson, error, this.runId);
    this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
    if (this.foldAtFinish) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  private store(
    chunks: readonly TraceChunk[],
    strings: StringList,
    symbols: readonly SymbolSpec[],
  ): void {
    if (strings.size > this.stringsStored) {
      // The new strings as one JSON array, rowed by SQLite: a large boot interns ~100,000 of
      // them, and binding three parameters a row cost more than the rows. Any escape (\u: a
      // control character, a lone surrogate, a backslash) goes row by row instead, so every
      // string is stored exactly as binding it stores it.
      const json = JSON.stringify(strings.since(this.stringsStored));
      if (!json.includes('\\u')) this.stringsJson.run(this.runId, this.stringsStored, json);
      else {
        for (let id = this.stringsStored; id < strings.size; id++)
          this.strings.add(this.runId, id, strings.get(id));
        this.strings.flush();
      }
      this.stringsStored = strings.size;
    }
    for (let id = this.symbolsStored; id < symbols.length; id++) {
      const sym = symbols[id]!;
      this.symbols.add(this.runId, id, sym.name, JSON.stringify(sym.args));
      if (id >= this.devArg.length) {
        const grown = new Int8Array(this.devArg.length * 2 + id).fill(-1);
        grown.set(this.devArg);
        this.devArg = grown;
      }
      this.devArg[id] = sym.args.slice(0, 4).findIndex((a) => a.name === 'dev' && a.type === 'str');
    }
    this.symbolsStored = symbols.length;
    this.symbols.flush();

    // A group left by a transaction that failed is not continued.
    if (this.firstSeqs.length > 0) {
      this.firstSeqs = [];
      this.groups++;
      for (const collector of this.collectors) collector.reset();
    }
    const base = this.runId * RUN_ROWID_BASE;
    const scratch = this.scratch;
    let events = this.events;
    for (const chunk of chunks) {
      for (let from = 0; from < chunk.length; from += BLOCK_EVENTS) {
        const to = Math.min(chunk.length, from + BLOCK_EVENTS);
        const n = to - from;
        const firstSeq = chunk.base + from;
        const slot = this.firstSeqs.length;
        this.firstSeqs.push(firstSeq);
        const inDevice = this.deviceColumn(chunk, from, to);
        const group = this.groups;
        this.irqs.collect(chunk.irq.subarray(from, to), n, group, slot);
        this.cpus.collect(chunk.cpu.subarray(from, to), n, group, slot);
        scratch.set(chunk.fn.subarray(from, to));
        this.fns.collect(scratch, n, group, slot);
        scratch.set(chunk.kind.subarray(from, to));
        this.kinds.collect(scratch, n, group, slot);
        if (inDevice) this.devs.collect(this.devColumn, n, group, slot);
        const blob = this.encoder.encode(chunk, inDevice ? this.devColumn : null, from, to);
        this.insertBlock.run(base + firstSeq, this.runId, n, blob);
        this.blockBytes += blob.length;
        if (this.firstSeqs.length === GROUP_BLOCKS) this.endGroup();
      }
      events += chunk.length;
    }
    if (this.firstSeqs.length > 0) this.endGroup();
    this.postings.flush();
    this.updateCount.run(events, this.runId);
    this.events = events;
  }

  /** Writes the posting rows of the group collected so far and starts the next. */
  private endGroup(): void {
    const firstSeqs = this.firstSeqs;
    for (const collector of this.collectors)
      collector.drain(firstSeqs, (bucket, data) =>
        this.postings.add(this.runId, collector.key, bucket, firstSeqs[0], data),
      );
    this.firstSeqs = [];
    this.groups++;
  }

  /**
   * Fills devColumn[0 .. to-from) with the device context of each event; whether any has one
   * (on a machine whose calls name no device, none: the column is stored as zeros, unscanned).
   */
  private deviceColumn(chunk: TraceChunk, from: number, to: number): boolean {
    const { kind, fn, depth } = chunk;
    const stackDepth = this.devDepth;
    const stackId = this.devId;
    const out = this.devColumn;
    const devArg = this.devArg;
    let any = stackId.length > 0;
    for (let i = from; i < to; i++) {
      const k = kind[i]!;
      if (k === EventKind.call) {
        const arg = devArg[fn[i]!] ?? -1;
        if (arg >= 0) {
          any = true;
          stackDepth.push(depth[i]!);
          stackId.push(
            (arg === 0 ? chunk.a0 : arg === 1 ? chunk.a1 : arg === 2 ? chunk.a2 : chunk.a3)[i]!,
          );
        }
      }
      const top = stackId.length - 1;
      out[i - from] = top >= 0 ? stackId[top]! : 0;
      if (k === EventKind.ret && top >= 0 && stackDepth[top] === depth[i]) {
        stackDepth.pop();
        stackId.pop();
      }
    }
    return any;
  }
}
