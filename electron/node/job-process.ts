// A job's process (simulation-runner.ts, `processes`): the simulation worker's script started as
// a process with --job-process. It runs jobs in a thread (simulation-worker.ts), one at a time,
// and relays their messages; it imports nothing of the engine, so that from source it starts in a
// moment (only the job's thread loads the engine).
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry';

export const JOB_PROCESS_FLAG = '--job-process';

export const isJobProcess = () => process.argv.includes(JOB_PROCESS_FLAG);

/** How long a process let go between jobs waits for its last run's store to end. */
const STORE_END_WAIT_MS = 4_000;

/** What the job's thread answers (progress, then one of the others) and this process relays. */
type Reply =
  | { type: 'progress' }
  | { type: 'done'; rssBytes?: number }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

/**
 * Process mode (simulation-runner.ts, `processes`): jobs in a thread of this process so that a
 * cancel (a message here) can set the flag the job reads between trace chunks. After a job that
 * is done the process waits for the next one, its thread's JIT and heap warm (the runner keeps
 * it, or ends it: its memory then goes with it); after a cancel or a failure it ends.
 */
export function jobProcess(): void {
  // The host is gone, or let this process go: nobody is left to tell, so nothing goes on. A run
  // cut off here is found 'running' under a dead writer, and marked incomplete, as after a crash.
  // Between jobs, the last run's store may still be folding it into the file (run-store.ts): the
  // thread ends once it has, and this process with it (its exit, below), or a moment later.
  process.once('disconnect', () => {
    if (cancel !== null) process.exit(0);
    worker.postMessage({ end: true });
    setTimeout(() => process.exit(0), STORE_END_WAIT_MS).unref();
  });
  // The job's thread starts now, before any job: a process started ahead (the runner's spare)
  // has the engine loaded by the time the user presses Run.
  const entryArg = process.argv[process.argv.indexOf(JOB_PROCESS_FLAG) + 1] ?? '';
  const entry = workerEntry(entryArg);
  // Its run's store thread is started ahead by it too (run-store.ts standbyRunStore).
  const worker = new Worker(entry, { workerData: { standbyStore: entryArg } });
  /** The job under way's cancel flag (null between jobs: a late cancel reaches nothing). */
  let cancel: Int32Array | null = null;
  let ending = false;
  /** The last answer: sent, then gone (the worker ended, the channel closed, nothing left). */
  const end = (reply: Reply) => {
    if (ending) return;
    ending = true;
    if (!process.connected) process.exit(0);
    process.send!(reply, () => {
      void worker.terminate();
      process.disconnect();
    });
  };
  worker.on('message', (reply: Reply) => {
    if (ending) return;
    if (reply.type === 'progress') {
      if (process.connected) process.send!(reply);
      return;
    }
    cancel = null;
    // Done: the thread is left as a finished job leaves it, ready for the next. This process's
    // size goes with the answer, for the runner to decide whether to keep it.
    if (reply.type === 'done') {
      if (process.connected) process.send!({ ...reply, rssBytes: process.memoryUsage().rss });
    } else end(reply);
  });
  worker.once('error', (err) => end({ type: 'failed', message: err.message }));
  worker.once('exit', (code) => end({ type: 'failed', message: `job worker exited (${code})` }));
  process.on('message', (m: { job?: unknown; cancel?: boolean }) => {
    if (m.cancel) {
      if (cancel) Atomics.store(cancel, 0, 1);
    } else if (m.job !== undefined && !ending) {
      const flag = new SharedArrayBuffer(4);
      cancel = new Int32Array(flag);
      worker.postMessage({ job: m.job, cancel: flag, entry: entryArg });
    }
  });
}
