// A run's WAL folded into its session file by a thread of its own while the run is written
// (run-store.ts). A checkpoint syncs the WAL, copies its pages into the file, and syncs the file:
// two fsyncs of ~9 ms each on the 2-core VM. Made by the store thread itself (SQLite's
// autocheckpoint, every ~16 MiB of a large run's ~120 MB of trace), they kept it waiting a tenth
// of a second in all, while the boot went on: at the boot's end it was that far behind, and the
// job waited for it. Here the store's connection makes none (RunWriter.checkpointElsewhere); it
// asks this thread, whose own connection does them while the store goes on writing (SQLite lets a
// PASSIVE checkpoint run beside a writer). When the run ends with no other connection to the
// session, the store stops this thread, which closes its connection first; the store then folds
// in what is left itself. When the app's window holds the session open, the store asks for no
// checkpoint while the user waits for the run: the trace and outputs stay in the WAL (committed:
// nothing is lost) until the run's results are back, then this thread folds them in (foldAndEnd),
// at the storing threads' low priority, and ends. On the 2-core VM the checkpoints made during a
// large boot (its 112 MB of pages copied and synced beside it) cost the run ~30 ms of its way to
// its results.
//
// The store's thread is synchronous while it writes (no event loop turns between chunks), so the
// two talk through shared memory: a state word and a count of checkpoints asked for and done.
import { Worker, type MessagePort } from 'node:worker_threads';
import { openWalCheckpointer, type WalCheckpointer } from '../../core/store/session';
import { lowerThisThreadPriority, STORING_THREAD_NICENESS } from './thread-priority';

const STATE = 0;
const ASKED = 1;
const DONE = 2;
const enum State {
  /** Waiting for its file (or still loading): it has opened nothing. */
  idle = 0,
  open = 1,
  /** The store asked it to close its connection and end. */
  stopping = 2,
  /** Its connection is closed (or was never opened): the store may close its own. */
  ended = 3,
  /** The store asked for one last checkpoint, after which it closes its connection and ends. */
  folding = 4,
}

/** What the thread says once its modules are loaded. */
export const CHECKPOINT_THREAD_READY = 'checkpoint thread ready';
/** How long the store waits for the thread to close its connection before going on without. */
const STOP_WAIT_MS = 10_000;

/** The store's side: starts the thread (the worker script `entry`, as the store's own). */
export class CheckpointThread {
  private readonly words = new Int32Array(new SharedArrayBuffer(3 * 4));
  private readonly worker: Worker;
  /** Resolves once the thread has loaded (or has ended: a store then goes on without it). */
  readonly ready: Promise<void>;

  constructor(entry: URL | string, execArgv: string[]) {
    this.worker = new Worker(entry, { workerData: { checkpointThread: true }, execArgv });
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
    });
    // An error ends the thread: its exit handler marks it ended, or it never opened the file.
    this.worker.on('error', () => undefined);
  }

  /** The file whose WAL it folds from now on, when asked (request). */
  begin(file: string): void {
    this.worker.postMessage({ file, shared: this.words.buffer });
  }

  /** Asks for a checkpoint; asks made while one is under way make one more, not one each. */
  request(): void {
    Atomics.add(this.words, ASKED, 1);
    Atomics.notify(this.words, ASKED);
  }

  /** Checkpoints done so far. */
  get done(): number {
    return Atomics.load(this.words, DONE);
  }

  /** Whether its connection is closed (or was never opened), for good. */
  get ended(): boolean {
    return Atomics.load(this.words, STATE) === State.ended;
  }

  /**
   * Ends the thread and returns once its connection is closed (or it never opened one): after
   * this the store's checkpoint folds in everything, and the store's connection may be the last.
   */
  stop(): void {
    const words = this.words;
    // Still waiting for its file (or loading): it will never open it, and has no more to do.
    if (Atomics.compareExchange(words, STATE, State.idle, State.ended) === State.idle) {
      void this.worker.terminate();
      return;
    }
    Atomics.compareExchange(words, STATE, State.open, State.stopping);
    // A new count, so that a thread about to wait for one does not sleep through the stop.
    this.request();
    const until = performance.now() + STOP_WAIT_MS;
    for (;;) {
      const state = Atomics.load(words, STATE);
      if (state === State.ended) return;
      const left = until - performance.now();
      // Hung (never seen so far): the store goes on; its own checkpoint folds what it can.
      if (left <= 0) return;
      Atomics.wait(words, STATE, state, left);
    }
  }

  /**
   * Folds everything committed so far into the file, then closes its connection and ends: for a
   * run already stored, so nothing waits for it. Resolves once the thread has ended; the calling
   * thread is kept alive until then (a thread that ends ends the threads it started).
   */
  foldAndEnd(): Promise<void> {
    if (this.ended) return Promise.resolve();
    const ended = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref();
    // Asked before the state says so: a thread that sees `folding` sees this ask too. A thread
    // still loading (a short run ends before it has) folds once it has opened the file.
    this.request();
    if (Atomics.compareExchange(this.words, STATE, State.idle, State.folding) !== State.idle)
      Atomics.compareExchange(this.words, STATE, State.open, State.folding);
    return ended;
  }
}

/** The thread's side: waits for its file, then checkpoints when asked until it is stopped. */
export function serveCheckpointThread(port: MessagePort): void {
  // The boot beside it comes first (thread-priority.ts).
  lowerThisThreadPriority(STORING_THREAD_NICENESS);
  port.once('message', ({ file, shared }: { file: string; shared: SharedArrayBuffer }) => {
    const words = new Int32Array(shared);
    const end = () => {
      Atomics.store(words, STATE, State.ended);
      Atomics.notify(words, STATE);
    };
    // However this thread ends, the store must not wait for it.
    process.once('exit', end);
    let wal: WalCheckpointer | null = null;
    try {
      // Stopped before it got here: it never opens the file. (Asked to fold: it does.)
      const before = Atomics.compareExchange(words, STATE, State.idle, State.open);
      if (before !== State.idle && before !== State.folding) return;
      wal = openWalCheckpointer(file);
      let done = 0;
      for (;;) {
        const state = Atomics.load(words, STATE);
        const asked = Atomics.load(words, ASKED);
        if (state !== State.open && state !== State.folding) break;
        if (asked === done) {
          // Folding, and the last checkpoint asked for is made.
          if (state === State.folding) break;
          Atomics.wait(words, ASKED, asked);
          continue;
        }
        wal.checkpoint();
        done = asked;
        Atomics.store(words, DONE, Atomics.load(words, DONE) + 1);
      }
    } catch {
      // Folding is only ahead of time: what is left in the WAL, the store folds in at the end.
    } finally {
      wal?.close();
      end();
      port.close();
    }
  });
  port.postMessage(CHECKPOINT_THREAD_READY);
}
