// A run's trace stored by a thread of its own while the boot goes on (electron/api/job-work.ts
// RunStore): the boot's emitter writes each trace chunk (a few MB) straight into a slot of shared
// memory (`chunks`, reused once stored) and the sink posts its slot with the strings and symbols
// that are new since the last one; the store thread (the same worker script, started with `workerData.runStore`) writes
// the chunks with the session's RunWriter, two (a full posting group) or all that wait per
// transaction. So the boot never waits for SQLite, unless the store falls more than MAX_PENDING
// chunks behind (memory stays bounded). When the boot is over (traceEnded) the store commits what
// it holds while the outputs are built, so finishing has only the outputs left. Checkpoints are
// made by a thread of the store's own (checkpoint-thread.ts), so that the store never waits for
// their fsyncs: with no other connection to the session, one every ~16 MiB and one when the trace
// ends; when the app's window holds it, one once the run is stored (HELD_RUN_WAL_CHECKPOINT_BYTES).
// The outputs come in two messages, their buffers moved rather than copied: the irq table as soon
// as it is built (the store makes its text, base64 and all, while the boot's thread builds the
// rest), then the rest's JSON as UTF-8 bytes, written after the table in one buffer (job-work.ts
// StoredOutputs); SQLite takes the whole as bytes, stored as the same text. (As one string, a
// large run's 27 MB of outputs cost ~0.1 s to post and another encoding.)
//
// The boot's thread is synchronous (the boot is ordinary code on its stack), so it talks to the
// store through shared memory: a counter of chunks stored and a state word it can Atomics.wait
// on, and replies read with receiveMessageOnPort. The store thread opens the session, begins the
// run, writes, finishes and closes it, then ends (once its checkpoint thread has): nothing of the
// run stays in memory.
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import { StoredOutputs, type OpenRunStore, type RunStore } from '../api/job-work';
import { Session } from '../../core/store/session';
import { RUN_WAL_CHECKPOINT_BYTES, type RunWriter } from '../../core/store/run-writer';
import { CheckpointThread } from './checkpoint-thread';
import { lowerThisThreadPriority, STORING_THREAD_NICENESS } from './thread-priority';
import { workerEntry } from './worker-entry';
import { BLOCK_EVENTS, GROUP_BLOCKS } from '../../core/store/event-blocks';
import { DEFAULT_CHUNK_EVENTS } from '../../core/trace/emitter';
import type { SymbolSpec, TraceChunk } from '../../core/trace/events';
import { ReceivedStrings, type StringTable } from '../../core/trace/strings';
import {
  irqTableNamesText,
  irqTableParts,
  type IrqTableColumns,
} from '../../core/scenario/irq-table';

/**
 * WAL bytes between checkpoints while a run is written and the app's window holds its session:
 * the run is folded into the file once it is stored (checkpoint-thread.ts foldAndEnd), and this
 * bounds the WAL of a run larger than a 1536-CPU boot (whose WAL reaches 137 MB, its file 112).
 */
const HELD_RUN_WAL_CHECKPOINT_BYTES = 512 * 2 ** 20;

/** Chunks (of DEFAULT_CHUNK_EVENTS events, ~3 MB each) posted and not yet stored, at most. */
export const MAX_PENDING = 48;
/**
 * The store commits when the chunks it holds make a full posting group (GROUP_BLOCKS blocks: two
 * of DEFAULT_CHUNK_EVENTS), or this many chunks of smaller ones, or the run ends; when it is
 * behind, all that is waiting up to MAX_BATCH_BLOCKS. Fewer transactions, and each posting list
 * row covers a whole group: the posting rows land all over their table's pages, which every
 * commit writes to the WAL again.
 */
const HOLD_CHUNKS = 8;
const MAX_BATCH_BLOCKS = 4 * GROUP_BLOCKS;

const STATE = 0;
const CHUNKS_STORED = 1;
const enum State {
  running = 0,
  done = 1,
  failed = 2,
}

export interface RunStoreData {
  file: string;
  run: { profile: string; scenario: string; machineJson: string };
  shared: SharedArrayBuffer;
  port: MessagePort;
}

/**
 * A chunk is written into a slot of shared memory (the slot's buffer goes with its first use):
 * a slot is reused once the store has stored the chunk in it, so no buffer is allocated per chunk
 * (3 MB of new ArrayBuffers per chunk cost the boot's thread its copies and major GCs).
 */
type ToStore =
  | {
      slot: number;
      buffer?: SharedArrayBuffer;
      base: number;
      length: number;
      strings: string[];
      symbols: SymbolSpec[];
    }
  | { traceEnded: true }
  | { irqTable: IrqTableColumns; names: string }
  | { finish: Uint8Array }
  | { fail: string };

type FromStore = { runId: number } | { error: string };

/** The chunk's columns in a slot's buffer: widest first, so each is aligned. */
const LAYOUT = [
  ['a0', Float64Array],
  ['a1', Float64Array],
  ['a2', Float64Array],
  ['a3', Float64Array],
  ['fn', Uint32Array],
  ['irq', Int32Array],
  ['cpu', Int32Array],
  ['text', Uint32Array],
  ['depth', Uint16Array],
  ['kind', Uint8Array],
] as const;
const BYTES_PER_EVENT = LAYOUT.reduce((sum, [, type]) => sum + type.BYTES_PER_ELEMENT, 0);

/** A chunk whose columns are views of a slot's buffer. */
function slotChunk(buffer: SharedArrayBuffer): TraceChunk {
  const capacity = buffer.byteLength / BYTES_PER_EVENT;
  const chunk = { base: 0, length: 0 } as Record<string, unknown>;
  let offset = 0;
  for (const [name, type] of LAYOUT) {
    const View = type as new (b: ArrayBufferLike, offset: number, length: number) => unknown;
    chunk[name] = new View(buffer, offset, capacity);
    offset += capacity * type.BYTES_PER_ELEMENT;
  }
  return chunk as unknown as TraceChunk;
}

/**
 * The flags the store's thread takes from this process: profiling ones (--cpu-prof, its -dir,
 * -name and -interval; --heap-prof likewise) and source maps. Not its module loaders (tsx's
 * --require/--import when it runs from source): `entry` is a bundle, or a bootstrap that registers
 * its own loader, and an inherited loader cost the store's start ~0.15 s of resolving through its
 * hooks thread while the boot's chunks piled up. (A Worker refuses per-process flags such as
 * --expose-gc when they are passed explicitly, hence a list of what is kept.)
 */
function workerExecArgv(): string[] {
  const kept: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!/^--((cpu|heap)-prof|enable-source-maps)/.test(arg)) continue;
    kept.push(arg);
    if (/^--(cpu|heap)-prof-(dir|name|interval)$/.test(arg) && i + 1 < args.length)
      kept.push(args[++i]!);
  }
  return kept;
}

/** What a store thread started ahead (standbyRunStore) waits for: the run it stores. */
type StandbyMessage = { runStore: RunStoreData };
/** What it says once its modules are loaded. */
export const STANDBY_READY = 'run store ready';

/**
 * A store thread started ahead of its run, its modules loaded while nobody waits (a job's
 * process does this as it starts: loading the engine's bundle in a new thread took 0.15-0.4 s
 * of each Run, the first chunks waiting for it). It waits for remoteRunStore to give it a run.
 */
export function standbyRunStore(entry: URL | string): Worker {
  const worker = new Worker(entry, {
    workerData: { runStore: 'standby', storeEntry: String(entry) } satisfies StoreWorkerData,
    execArgv: workerExecArgv(),
  });
  worker.unref();
  // Gone before its run (an error while loading): remoteRunStore starts another.
  worker.once('exit', () => standbyGone.add(worker));
  worker.once('error', () => standbyGone.add(worker));
  return worker;
}
const standbyGone = new WeakSet<Worker>();

/**
 * A store thread's workerData: its run (or 'standby': one to come), and `storeEntry`, the worker
 * script (a URL's href, or a path) for its checkpoint thread.
 */
export interface StoreWorkerData {
  runStore: RunStoreData | 'standby';
  storeEntry: string;
}

/**
 * The store thread's start: its run, now (workerData) or later (a standby's message). Its
 * checkpoint thread starts at once; a standby says it is ready once that one is loaded too.
 */
export function serveRunStoreThread({ runStore, storeEntry }: StoreWorkerData, port: MessagePort) {
  // The boot beside it comes first (thread-priority.ts).
  lowerThisThreadPriority(STORING_THREAD_NICENESS);
  const checkpoints = new CheckpointThread(workerEntry(storeEntry), workerExecArgv());
  if (runStore !== 'standby') serveRunStore(runStore, checkpoints);
  else {
    port.once('message', (m: StandbyMessage) => serveRunStore(m.runStore, checkpoints));
    void checkpoints.ready.then(() => port.postMessage(STANDBY_READY));
  }
}

/** Store threads given a run by this thread that have not ended yet. */
const storesUnderWay = new Set<Worker>();

/**
 * Resolves once every store thread this thread gave a run to has ended: one ends once its run is
 * stored and, when the window holds the session, folded into the file (serveRunStore). A thread
 * that ends ends the threads it started, so a job's thread waits for this before it ends
 * (simulation-worker.ts), or the fold would be cut off and the run left in the WAL until the
 * window closes the session.
 */
export function storeThreadsEnded(): Promise<void> {
  return Promise.all(
    [...storesUnderWay].map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve()))),
  ).then(() => undefined);
}

/**
 * The boot's side: `entry` is the worker script (simulation-worker.mjs, or the app's bundle);
 * `standby`, a store thread started ahead for this run (used once).
 */
export function remoteRunStore(entry: URL | string, standby: Worker | null = null): OpenRunStore {
  return (file, run) => {
    const shared = new SharedArrayBuffer(8);
    const words = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    const data: RunStoreData = { file, run, shared, port: port2 };
    let worker: Worker;
    if (standby && !standbyGone.has(standby)) {
      worker = standby;
      worker.postMessage({ runStore: data } satisfies StandbyMessage, [port2]);
    } else
      worker = new Worker(entry, {
        workerData: { runStore: data, storeEntry: String(entry) } satisfies StoreWorkerData,
        transferList: [port2],
        execArgv: workerExecArgv(),
      });
    standby = null;
    // The store ends itself; this thread need not wait for it to exit, unless it is about to end
    // (storeThreadsEnded).
    worker.unref();
    storesUnderWay.add(worker);
    worker.once('exit', () => storesUnderWay.delete(worker));
    let runId: number | null = null;
    let error: string | null = null;
    /** Replies so far (the run's id, or why the store failed). */
    const drain = () => {
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
        const reply = m.message as FromStore;
        if ('runId' in reply) runId = reply.runId;
        else error = reply.error;
      }
    };
    const failed = () => {
      if (Atomics.load(words, STATE) !== State.failed) return;
      drain();
      throw new Error(`storing the run failed: ${error ?? 'the store thread ended'}`);
    };
    worker.once('error', () => Atomics.store(words, STATE, State.failed));
    let strings = 1; // id 0 ("") is implicit
    let symbols = 1; // id 0 is the empty symbol
    let posted = 0;
    /** Events in the chunks posted, by chunk: how many are stored once `n` chunks are. */
    const ends: number[] = [0];
    const storedChunks = () => Atomics.load(words, CHUNKS_STORED);
    const storedEvents = () => ends[Math.min(storedChunks(), posted)]!;
    /** Waits until `until()` holds, telling `waiting` how far the store is every 100 ms. */
    const wait = (until: () => boolean, waiting?: (stored: number) => void) => {
      while (!until()) {
        failed();
        waiting?.(storedEvents());
        const seen = storedChunks();
        if (!until()) Atomics.wait(words, CHUNKS_STORED, seen, 100);
      }
    };
    /** Each of DEFAULT_CHUNK_EVENTS events, the emitter's chunk size. */
    const slots: {
      buffer: SharedArrayBuffer;
      chunk: TraceChunk;
      /** Whether the store has this buffer (it comes with the slot's first chunk). */
      sent: boolean;
    }[] = [];
    /** Slots holding chunks not yet stored: [chunk number, slot], in posting order. */
    const busy: [number, number][] = [];
    const free: number[] = [];
    /** A slot to write into: a free one, a new one, or the next one the store frees. */
    const freeSlot = (): number => {
      for (;;) {
        const stored = storedChunks();
        while (busy.length > 0 && busy[0]![0] < stored) free.push(busy.shift()![1]);
        if (free.length > 0) return free.shift()!;
        if (slots.length < MAX_PENDING) {
          const buffer = new SharedArrayBuffer(DEFAULT_CHUNK_EVENTS * BYTES_PER_EVENT);
          slots.push({ buffer, chunk: slotChunk(buffer), sent: false });
          return slots.length - 1;
        }
        // Bounded: the boot waits when the store is this far behind.
        wait(() => storedChunks() > busy[0]![0]);
      }
    };
    const store: RunStore = {
      sink: {
        write(chunk, table: StringTable, specs: readonly SymbolSpec[]) {
          failed();
          const length = chunk.length;
          // Written by the emitter into one of the slots (`chunks`): posted as it is.
          const slot = slots.findIndex((s) => s.chunk === chunk);
          if (slot < 0)
            throw new Error('the run store takes only chunks from its own slots (useChunks)');
          const into = slots[slot]!;
          const message: ToStore = {
            slot,
            base: chunk.base,
            length,
            strings: table.since(strings) as string[],
            symbols: specs.slice(symbols),
          };
          if (!into.sent) {
            message.buffer = into.buffer;
            into.sent = true;
          }
          strings = table.size;
          symbols = specs.length;
          port1.postMessage(message);
          busy.push([posted, slot]);
          posted++;
          ends.push(chunk.base + length);
        },
      },
      // The emitter writes each chunk straight into a free slot (no copy on the boot's thread).
      chunks: { next: () => slots[freeSlot()]!.chunk },
      stored: storedEvents,
      traceEnded() {
        port1.postMessage({ traceEnded: true } satisfies ToStore);
      },
      irqTable({ strings, actionNames, ...columns }) {
        // Its columns' buffers moved (no bytes copied on this thread); its 100,000 names as one
        // JSON text (irqTableNamesText), which the store receives at the cost of a copy.
        const names = irqTableNamesText({ strings, actionNames });
        const transfer = new Set<ArrayBuffer>();
        for (const column of Object.values(columns))
          if (column.buffer instanceof ArrayBuffer) transfer.add(column.buffer);
        port1.postMessage({ irqTable: columns, names } satisfies ToStore, [...transfer]);
      },
      finish(outputsJson, waiting) {
        // As bytes, moved: a string is copied on both threads, then encoded again for SQLite.
        const json = new TextEncoder().encode(outputsJson);
        port1.postMessage({ finish: json } satisfies ToStore, [json.buffer]);
        wait(() => Atomics.load(words, STATE) !== State.running, waiting);
        failed();
        drain();
        port1.close();
        if (runId === null) throw new Error('the store thread ended without the run');
        return runId;
      },
      fail(message) {
        port1.postMessage({ fail: message } satisfies ToStore);
        // What was posted is stored first (a cancelled run keeps its trace readable).
        wait(() => Atomics.load(words, STATE) !== State.running);
        drain();
        port1.close();
      },
    };
    return store;
  };
}

/**
 * The store's side, in its own thread. `checkpoints`: the thread that checkpoints the WAL while
 * the run is written, asked every RUN_WAL_CHECKPOINT_BYTES and when the trace ends.
 */
export function serveRunStore(
  { file, run, shared, port }: RunStoreData,
  checkpoints: CheckpointThread,
): void {
  const words = new Int32Array(shared);
  // However this thread ends (an uncaught error, out of memory), the boot must not wait on.
  process.once('exit', () => {
    if (Atomics.load(words, STATE) !== State.running) return;
    Atomics.store(words, STATE, State.failed);
    Atomics.notify(words, CHUNKS_STORED);
  });
  const end = (state: State) => {
    Atomics.store(words, STATE, state);
    Atomics.notify(words, CHUNKS_STORED);
    Atomics.notify(words, STATE);
    port.close();
  };
  let session: Session | null = null;
  let writer: RunWriter;
  try {
    session = Session.open(file);
    writer = session.beginRun(run);
    port.postMessage({ runId: writer.runId } satisfies FromStore);
  } catch (err) {
    checkpoints.stop();
    session?.close();
    port.postMessage({ error: (err as Error).message } satisfies FromStore);
    end(State.failed);
    return;
  }
  // When the app's window holds the session open, the run goes into the WAL while the user waits
  // for it, and the WAL into the file once it is stored (checkpoint-thread.ts foldAndEnd).
  const heldElsewhere = session.writerLockHeldElsewhere;
  writer.checkpointElsewhere(heldElsewhere);
  const checkpointEvery = heldElsewhere ? HELD_RUN_WAL_CHECKPOINT_BYTES : RUN_WAL_CHECKPOINT_BYTES;
  checkpoints.begin(file);
  /** What the run had stored when the last checkpoint was asked for. */
  let checkpointedAt = 0;
  const strings = new ReceivedStrings();
  const symbols: SymbolSpec[] = [{ name: '', args: [] }];
  /** The outputs, their irq table's text in them once it came. */
  let outputs = new StoredOutputs(null);
  const slots: TraceChunk[] = [];
  /** Chunks received and not yet stored (each a view of its slot). */
  let held: TraceChunk[] = [];
  let heldBlocks = 0;
  const storeHeld = () => {
    if (held.length === 0) return;
    writer.writeMany(held, strings, symbols);
    Atomics.add(words, CHUNKS_STORED, held.length);
    Atomics.notify(words, CHUNKS_STORED);
    held = [];
    heldBlocks = 0;
    if (writer.storedBytes - checkpointedAt >= checkpointEvery) {
      checkpointedAt = writer.storedBytes;
      checkpoints.request();
    }
  };
  const take = (m: ToStore) => {
    if (!('slot' in m)) return false;
    if (m.buffer) slots[m.slot] = slotChunk(m.buffer);
    const chunk = slots[m.slot]!;
    chunk.base = m.base;
    chunk.length = m.length;
    // In the order the boot's table has them: the same ids.
    strings.add(m.strings);
    for (const s of m.symbols) symbols.push(s);
    const blocks = Math.ceil(m.length / BLOCK_EVENTS);
    if (heldBlocks + blocks > MAX_BATCH_BLOCKS) storeHeld();
    held.push(chunk);
    heldBlocks += blocks;
    return true;
  };
  port.on('message', (first: ToStore) => {
    try {
      // Whatever else is waiting is taken too: one transaction for all of it when behind.
      let m: ToStore | undefined = first;
      while (m && take(m)) m = receiveMessageOnPort(port)?.message as ToStore | undefined;
      if (m === undefined) {
        if (heldBlocks >= GROUP_BLOCKS || held.length >= HOLD_CHUNKS) storeHeld();
        return;
      }
      storeHeld();
      if ('traceEnded' in m) {
        // The outputs are being built: the trace goes from the WAL into the file meanwhile, if
        // this connection folds in the rest when it finishes.
        if (!heldElsewhere) checkpoints.request();
        return;
      }
      if ('irqTable' in m) {
        // Made while the boot's thread builds the rest of the outputs.
        outputs = new StoredOutputs(irqTableParts(m.irqTable, m.names));
        return;
      }
      // Its connection closed first: a checkpoint that finishing makes folds in all that is
      // left, and this thread's connection may be the last. (Held elsewhere, this connection is
      // not the last, and the checkpoint thread folds the WAL in once the run is stored.)
      if (!heldElsewhere) checkpoints.stop();
      if ('finish' in m) writer.finishJson(outputs.join(m.finish));
      else if ('fail' in m) writer.fail(m.fail);
      // The job ends when this says done: the file closed. If this connection was the last,
      // its WAL is folded in and removed by then, so a reader that opens it then (the CLI, a
      // test) never meets a WAL being checkpointed and deleted under it (session.ts readSource
      // decides how to read by what files it sees). If the window holds the session, the WAL is
      // folded in after that, by the checkpoint thread, which this thread outlives.
      session!.close();
      end(State.done);
      if (heldElsewhere) void checkpoints.foldAndEnd();
    } catch (err) {
      checkpoints.stop();
      try {
        writer.fail((err as Error).message);
      } catch {
        // the file itself failed: nothing more to record in it
      }
      session!.close();
      port.postMessage({ error: (err as Error).message } satisfies FromStore);
      end(State.failed);
    }
  });
}
