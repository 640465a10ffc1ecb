// A run's trace stored by a thread of its own while the boot goes on (electron/api/job-work.ts
// RunStore): the boot's thread copies each trace chunk (a few MB) and posts it with the strings
// and symbols that are new since the last one; the store thread (the same worker script, started
// with `workerData.runStore`) writes it with the session's RunWriter. So the boot never waits for
// SQLite, unless the store falls more than MAX_PENDING chunks behind (memory stays bounded).
//
// The boot's thread is synchronous (the boot is ordinary code on its stack), so it talks to the
// store through shared memory: a counter of chunks stored and a state word it can Atomics.wait
// on, and replies read with receiveMessageOnPort. The store thread opens the session, begins the
// run, writes, finishes and closes it, then ends: nothing of the run stays in memory.
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import type { OpenRunStore, RunStore } from '../api/job-work';
import { Session } from '../../core/store/session';
import type { RunWriter } from '../../core/store/run-writer';
import type { SymbolSpec, TraceChunk } from '../../core/trace/events';
import { ReceivedStrings, type StringTable } from '../../core/trace/strings';

/** Chunks (of DEFAULT_CHUNK_EVENTS events, ~3 MB each) posted and not yet stored, at most. */
export const MAX_PENDING = 48;

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

type ToStore =
  | { chunk: TraceChunk; strings: string[]; symbols: SymbolSpec[] }
  | { finish: string }
  | { fail: string };

type FromStore = { runId: number } | { error: string };

const COLUMNS = ['kind', 'depth', 'fn', 'irq', 'cpu', 'a0', 'a1', 'a2', 'a3', 'text'] as const;

/** What a store thread started ahead (standbyRunStore) waits for: the run it stores. */
type StandbyMessage = { runStore: RunStoreData };

/**
 * A store thread started ahead of its run, its modules loaded while nobody waits (a job's
 * process does this as it starts: loading the engine's bundle in a new thread took 0.15-0.4 s
 * of each Run, the first chunks waiting for it). It waits for remoteRunStore to give it a run.
 */
export function standbyRunStore(entry: URL | string): Worker {
  const worker = new Worker(entry, { workerData: { runStore: 'standby' } });
  worker.unref();
  // Gone before its run (an error while loading): remoteRunStore starts another.
  worker.once('exit', () => standbyGone.add(worker));
  worker.once('error', () => standbyGone.add(worker));
  return worker;
}
const standbyGone = new WeakSet<Worker>();

/** The store thread's start: its run, now (workerData) or later (a standby's message). */
export function serveRunStoreThread(runStore: RunStoreData | 'standby', port: MessagePort): void {
  if (runStore !== 'standby') serveRunStore(runStore);
  else port.once('message', (m: StandbyMessage) => serveRunStore(m.runStore));
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
    } else worker = new Worker(entry, { workerData: { runStore: data }, transferList: [port2] });
    standby = null;
    // The store ends itself; this thread need not wait for it to exit.
    worker.unref();
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
    const storedEvents = () => ends[Math.min(Atomics.load(words, CHUNKS_STORED), posted)]!;
    /** Waits until `until()` holds, telling `waiting` how far the store is every 100 ms. */
    const wait = (until: () => boolean, waiting?: (stored: number) => void) => {
      while (!until()) {
        failed();
        waiting?.(storedEvents());
        const seen = Atomics.load(words, CHUNKS_STORED);
        if (!until()) Atomics.wait(words, CHUNKS_STORED, seen, 100);
      }
    };
    const store: RunStore = {
      sink: {
        write(chunk, table: StringTable, specs: readonly SymbolSpec[]) {
          failed();
          const copy = { base: chunk.base, length: chunk.length } as TraceChunk;
          const transfer: ArrayBuffer[] = [];
          for (const c of COLUMNS) {
            const column = chunk[c].slice(0, chunk.length);
            (copy as unknown as Record<string, unknown>)[c] = column;
            transfer.push(column.buffer as ArrayBuffer);
          }
          const message: ToStore = {
            chunk: copy,
            strings: table.since(strings) as string[],
            symbols: specs.slice(symbols),
          };
          strings = table.size;
          symbols = specs.length;
          port1.postMessage(message, transfer);
          posted++;
          ends.push(chunk.base + chunk.length);
          // Bounded: the boot waits when the store is this far behind.
          wait(() => posted - Atomics.load(words, CHUNKS_STORED) <= MAX_PENDING);
        },
      },
      stored: storedEvents,
      finish(outputsJson, waiting) {
        port1.postMessage({ finish: outputsJson } satisfies ToStore);
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

/** The store's side, in its own thread. */
export function serveRunStore({ file, run, shared, port }: RunStoreData): void {
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
    session?.close();
    port.postMessage({ error: (err as Error).message } satisfies FromStore);
    end(State.failed);
    return;
  }
  const strings = new ReceivedStrings();
  const symbols: SymbolSpec[] = [{ name: '', args: [] }];
  port.on('message', (m: ToStore) => {
    try {
      if ('chunk' in m) {
        // In the order the boot's table has them: the same ids.
        strings.add(m.strings);
        symbols.push(...m.symbols);
        writer.write(m.chunk, strings, symbols);
        Atomics.add(words, CHUNKS_STORED, 1);
        Atomics.notify(words, CHUNKS_STORED);
        return;
      }
      if ('finish' in m) writer.finishJson(m.finish);
      else writer.fail(m.fail);
      // The job ends when this says done: the file closed, its WAL folded in and removed, so a
      // reader that opens it then (the CLI, a test) never meets a WAL being checkpointed and
      // deleted under it (session.ts readSource decides how to read by what files it sees).
      session!.close();
      end(State.done);
    } catch (err) {
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
