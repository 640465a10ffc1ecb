// Runs each job (runs, exports, comparisons, one-shot simulations) in its own worker thread;
// `cancel()` terminates the ones under way.
//
// With `processes` (browser mode) the job's thread lives in a process of its own
// (simulation-worker.ts's process mode), which ends with the job: a large run's boot and store
// threads malloc hundreds of MB that glibc keeps in their thread arenas once they are freed, so a
// host that ran them in its own process stayed that much larger after every session closed
// (issue #17). The process's memory goes back to the system when it exits.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { JobExecutor } from '../api/jobs';
import type { JobOutcome, JobProgress } from '../api/job-work';
import { JOB_PROCESS_FLAG } from './job-process';

export type JobMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'done'; outcome: JobOutcome }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

/** How long a cancelled job may take to stop by itself before its worker is terminated. */
const CANCEL_GRACE_MS = 5_000;

/** How long after a job ends the next job's process is started (browser mode). */
const SPARE_DELAY_MS = 1_000;

/** How long a job's process may take to exit once it has answered. */
const EXIT_GRACE_MS = 5_000;

/**
 * A job's heap starts large: a large machine's boot allocates ~165 MB as it goes, and V8's
 * defaults (a young generation of a few MB, an old one grown step by step) spend a tenth of a
 * cold boot in scavenges and in mark-compacts while the heap grows. With these, the `large`
 * preset's Run in the app took 1.91-2.41 s against 2.18-2.88 s (bench/ui-run.ts, seven runs
 * each). A job's process ends with its job, so the heap it grew goes with it; a small machine's
 * boot never grows the young generation that far.
 */
export const JOB_PROCESS_V8_FLAGS = ['--max-semi-space-size=64', '--initial-heap-size=512'];
/** The same young generation for a job's thread (the desktop app): three semi-spaces. */
const JOB_THREAD_YOUNG_GENERATION_MB = 3 * 64;

/** Where a job runs: a worker thread here, or a process of its own. */
interface JobHost {
  start(job: unknown): void;
  /** Asks the job to stop between trace chunks. */
  cancel(): void;
  /** Ends it now; `done`: it has answered, a process then ends by itself. */
  end(done: boolean): void;
  /** Whether the job was asked to stop (an exit after that is a cancel, not a failure). */
  cancelled(): boolean;
  on(listener: {
    message(m: JobMessage): void;
    error(err: Error): void;
    exit(code: number | null): void;
  }): void;
}

export interface SimulationRunnerOptions {
  /** Each job in a process of its own that ends with it (see above); else a thread here. */
  processes?: boolean;
}

export class SimulationRunner {
  private readonly running = new Set<JobHost>();

  /** `entry`: the worker script (simulation-worker.mjs from source, the built .cjs in the app). */
  constructor(
    private readonly entry: URL | string,
    private readonly options: SimulationRunnerOptions = {},
  ) {}

  private threadHost(): JobHost {
    const worker = new Worker(this.entry, {
      resourceLimits: { maxYoungGenerationSizeMb: JOB_THREAD_YOUNG_GENERATION_MB },
    });
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    return {
      start: (job) => worker.postMessage({ job, cancel, entry: String(this.entry) }),
      cancel: () => Atomics.store(flag, 0, 1),
      end: () => void worker.terminate(),
      cancelled: () => Atomics.load(flag, 0) !== 0,
      on: (l) => {
        worker.on('message', l.message);
        worker.once('error', l.error);
        worker.once('exit', l.exit);
      },
    };
  }

  /** A job process started ahead, its engine loaded, waiting for the next job (see spareLater). */
  private spare: ChildProcess | null = null;
  private spareTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private forkJobProcess(): ChildProcess {
    const script = typeof this.entry === 'string' ? this.entry : fileURLToPath(this.entry as URL);
    // The script sets up what it needs (tsx from source): none of the host's flags, only the
    // heap's (JOB_PROCESS_V8_FLAGS).
    return fork(script, [JOB_PROCESS_FLAG, String(this.entry)], {
      execArgv: [...JOB_PROCESS_V8_FLAGS],
      serialization: 'advanced',
      // It writes the session this host holds open: under the host's writer lock.
      env: { ...process.env, IRQLAB_WRITER_LOCK_OF: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  /**
   * Starts the next job's process `delayMs` from now (browser mode): starting a process and
   * loading the engine in its thread takes most of a second on a busy machine, which the user
   * would otherwise wait for at each Run. Started after a pause, not at once, so that it does not
   * compete with the page drawing the results of the job that just ended. The spare does not keep
   * the host alive, and ends when the host does.
   */
  spareLater(delayMs: number): void {
    if (!this.options.processes || this.closed || this.spare || this.spareTimer) return;
    this.spareTimer = setTimeout(() => {
      this.spareTimer = null;
      if (this.closed || this.spare) return;
      const child = this.forkJobProcess();
      this.spare = child;
      child.once('exit', () => {
        if (this.spare === child) this.spare = null;
      });
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
    }, delayMs);
    this.spareTimer.unref();
  }

  private processHost(): JobHost {
    const spare = this.spare;
    this.spare = null;
    const child =
      spare && spare.connected && spare.exitCode === null ? spare : this.forkJobProcess();
    if (child !== spare) spare?.kill('SIGKILL');
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    let cancelled = false;
    const send = (m: unknown) => {
      if (child.connected) child.send(m as object, () => undefined);
    };
    return {
      start: (job) => send({ job, entry: String(this.entry) }),
      cancel: () => {
        cancelled = true;
        send({ cancel: true });
      },
      end: (done) => {
        const kill = () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        };
        if (done) setTimeout(kill, EXIT_GRACE_MS).unref();
        else kill();
      },
      cancelled: () => cancelled,
      on: (l) => {
        child.on('message', (m) => l.message(m as JobMessage));
        child.once('error', l.error);
        child.once('exit', l.exit);
      },
    };
  }

  /** A job in a worker: progress as it goes; `cancel` asks it to stop between trace chunks. */
  readonly execute: JobExecutor = (job, onProgress) => {
    const host = this.options.processes ? this.processHost() : this.threadHost();
    this.running.add(host);
    let settleOutside: ((outcome: JobOutcome | 'cancelled' | Error) => void) | null = null;
    const outcome = new Promise<JobOutcome | 'cancelled'>((resolve, reject) => {
      let settled = false;
      const settle = (value: JobOutcome | 'cancelled' | Error) => {
        if (settled) return;
        settled = true;
        this.running.delete(host);
        host.end(typeof value === 'object' && !(value instanceof Error));
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      settleOutside = settle;
      host.on({
        message: (m) => {
          if (m.type === 'progress') onProgress(m.progress);
          else if (m.type === 'done') settle(m.outcome);
          else if (m.type === 'cancelled') settle('cancelled');
          else settle(new Error(m.message));
        },
        error: (err) => settle(err),
        exit: (code) =>
          settle(host.cancelled() ? 'cancelled' : new Error(`job worker exited (${code})`)),
      });
      host.start(job);
    });
    // The next job's process, ready by the time it is asked for.
    const next = () => this.spareLater(SPARE_DELAY_MS);
    outcome.then(next, next);
    return {
      outcome,
      cancel: () => {
        host.cancel();
        // A one-shot simulation stores nothing: its thread is ended at once. A job stuck
        // between chunks for too long is stopped the hard way too.
        if (job.kind === 'simulate') settleOutside?.('cancelled');
        else setTimeout(() => settleOutside?.('cancelled'), CANCEL_GRACE_MS).unref();
      },
    };
  };

  cancel(): void {
    for (const host of this.running) host.end(false);
  }

  /** The spare job process waiting for the next job, if one is started (for tests). */
  get spareProcess(): ChildProcess | null {
    return this.spare;
  }

  /** Ends the jobs under way and the spare process; no spare is started after this. */
  close(): void {
    this.closed = true;
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spare?.kill('SIGKILL');
    this.spare = null;
    this.cancel();
  }
}
