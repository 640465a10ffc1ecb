// Runs each job (runs, exports, comparisons, one-shot simulations) in its own worker thread;
// `cancel()` terminates the ones under way.
import { Worker } from 'node:worker_threads';
import type { JobExecutor } from '../api/jobs';
import type { JobOutcome, JobProgress } from '../api/job-work';

type JobMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'done'; outcome: JobOutcome }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

/** How long a cancelled job may take to stop by itself before its worker is terminated. */
const CANCEL_GRACE_MS = 5_000;

export class SimulationRunner {
  private readonly running = new Set<Worker>();

  /** `entry`: the worker script (simulation-worker.mjs from source, the built .cjs in the app). */
  constructor(private readonly entry: URL | string) {}

  /** A job in a worker: progress as it goes; `cancel` asks it to stop between trace chunks. */
  readonly execute: JobExecutor = (job, onProgress) => {
    const worker = new Worker(this.entry);
    this.running.add(worker);
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    let settleOutside: ((outcome: JobOutcome | 'cancelled' | Error) => void) | null = null;
    const outcome = new Promise<JobOutcome | 'cancelled'>((resolve, reject) => {
      let settled = false;
      const settle = (value: JobOutcome | 'cancelled' | Error) => {
        if (settled) return;
        settled = true;
        this.running.delete(worker);
        void worker.terminate();
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      settleOutside = settle;
      worker.on('message', (m: JobMessage) => {
        if (m.type === 'progress') onProgress(m.progress);
        else if (m.type === 'done') settle(m.outcome);
        else if (m.type === 'cancelled') settle('cancelled');
        else settle(new Error(m.message));
      });
      worker.once('error', (err) => settle(err));
      worker.once('exit', (code) =>
        settle(Atomics.load(flag, 0) ? 'cancelled' : new Error(`job worker exited (${code})`)),
      );
      worker.postMessage({ job, cancel, entry: String(this.entry) });
    });
    return {
      outcome,
      cancel: () => {
        Atomics.store(flag, 0, 1);
        // A one-shot simulation stores nothing: its thread is ended at once. A job stuck
        // between chunks for too long is stopped the hard way too.
        if (job.kind === 'simulate') settleOutside?.('cancelled');
        else setTimeout(() => settleOutside?.('cancelled'), CANCEL_GRACE_MS).unref();
      },
    };
  };

  cancel(): void {
    for (const worker of this.running) void worker.terminate();
  }
}
