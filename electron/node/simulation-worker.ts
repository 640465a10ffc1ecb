// The worker thread simulations and reports run in, so that a long boot (the huge preset takes
// seconds) never blocks the host answering the UI.
//
// Two kinds of message: `{job, cancel}`: a job (electron/api/job-work.ts: a run, an export, a
// comparison, a one-shot `machine.simulate`) that reports progress as it goes and stops when the
// shared `cancel` flag is set (checked between trace chunks, so the session is left consistent);
// `{query}`: a read-only SQL query of a session (answered with its id: the query worker lives on).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isJobProcess, jobProcess } from './job-process';
import { JobCancelled, runJob, type JobProgress, type JobRequest } from '../api/job-work';
import {
  remoteRunStore,
  serveRunStoreThread,
  standbyRunStore,
  storeThreadsEnded,
  type StoreWorkerData,
} from './run-store';
import { serveCheckpointThread } from './checkpoint-thread';
import { workerEntry } from './worker-entry';
import { runQuery } from '../api/trace';
import { Session } from '../../core/store/session';

type Message =
  /** `entry`: this script, for the thread that stores a run (run-store.ts). */
  | { job: JobRequest; cancel: SharedArrayBuffer; entry: string }
  | { query: { id: number; file: string; sql: string; limit: number } }
  /** The runner is done with this thread: it ends once its runs' store threads have. */
  | { end: true };

/** At most this often a progress message (the UI polls a few times a second). */
const PROGRESS_INTERVAL_MS = 100;
/** How long after a run took its store thread the next one is started (job processes). */
const NEXT_STANDBY_DELAY_MS = 1_000;

const data = workerData as
  | (Partial<StoreWorkerData> & {
      /** A job process's thread: the entry to start each run's store thread ahead with. */
      standbyStore?: string;
      /** A store thread's checkpoint thread (checkpoint-thread.ts). */
      checkpointThread?: true;
    })
  | null;
// Started to store a run's trace beside its boot, or to checkpoint it: that is all this does.
if (data?.checkpointThread) serveCheckpointThread(parentPort!);
else if (data?.runStore && data.storeEntry)
  serveRunStoreThread({ runStore: data.runStore, storeEntry: data.storeEntry }, parentPort!);
else if (isMainThread && isJobProcess()) jobProcess();
else {
  // A job process's thread serves job after job (job-process.ts): each run takes the store
  // thread started ahead, and the next one is started a moment after the run has ended, not
  // while the page draws its results (a run that comes sooner starts its own).
  const standbyEntry = data?.standbyStore ? workerEntry(data.standbyStore) : null;
  let standby = standbyEntry ? standbyRunStore(standbyEntry) : null;
  const standbyLater = () => {
    if (!standbyEntry) return;
    setTimeout(() => (standby ??= standbyRunStore(standbyEntry)), NEXT_STANDBY_DELAY_MS).unref();
  };
  parentPort!.on('message', (message: Message) => {
    if ('end' in message) {
      void storeThreadsEnded().then(() => process.exit(0));
      return;
    }
    if ('query' in message) {
      // A read-only SQL query of the trace explorer, off the host's thread (a scan of a
      // 10-million-event run takes seconds). The host checked the file when it opened it.
      const { id, file, sql, limit } = message.query;
      try {
        const session = Session.open(file, { readonly: true, fullCheckBytes: 0 });
        try {
          parentPort!.postMessage({ queryId: id, ok: true, value: runQuery(session, sql, limit) });
        } finally {
          session.close();
        }
      } catch (err) {
        parentPort!.postMessage({ queryId: id, ok: false, message: (err as Error).message });
      }
      return;
    }
    if ('job' in message) {
      const flag = new Int32Array(message.cancel);
      let last = -Infinity;
      try {
        const outcome = runJob(message.job, {
          report: (progress: JobProgress) => {
            const now = performance.now();
            if (now - last < PROGRESS_INTERVAL_MS) return;
            last = now;
            parentPort!.postMessage({ type: 'progress', progress });
          },
          cancelled: () => Atomics.load(flag, 0) !== 0,
          openRunStore: (file, run) => {
            const taken = standby;
            standby = null;
            return remoteRunStore(workerEntry(message.entry), taken)(file, run);
          },
        });
        parentPort!.postMessage({ type: 'done', outcome });
      } catch (err) {
        parentPort!.postMessage(
          err instanceof JobCancelled
            ? { type: 'cancelled' }
            : { type: 'failed', message: (err as Error).message },
        );
      } finally {
        if (standby === null) standbyLater();
      }
    }
  });
}
