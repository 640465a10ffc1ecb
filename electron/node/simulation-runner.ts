// Runs each job (runs, exports, comparisons, one-shot simulations) in its own worker thread;
// `cancel()` terminates the ones under way.
//
// With `processes` (browser mode) the job's thread lives in a process of its own
// (simulation-worker.ts's process mode), so that a large run's memory can be given back whole: its
// boot and store threads malloc hundreds of MB that glibc keeps in their thread arenas once they
// are freed, and a host that ran them in its own process stayed that much larger after every
// session closed (issue #17). A process whose job is done is kept for the next job (warm: its
// JIT has compiled the engine, its heap has grown), and ended when a session closes, after
// WARM_IDLE_MS without a job, or at once when it has grown past WARM_MAX_RSS_BYTES; its memory
// then goes back to the system with it.
import { withJobMalloc } from './host-malloc.mjs';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { JobExecutor } from '../api/jobs';
import type { JobOutcome, JobProgress } from '../api/job-work';
import { JOB_PROCESS_FLAG } from './job-process';

export type JobMessage =
  | { type: 'progress'; progress: JobProgress }
  /** `rssBytes`: the job process's size once done (process mode). */
  | { type: 'done'; outcome: JobOutcome; rssBytes?: number }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string };

/** How long a cancelled job may take to stop by itself before its worker is terminated. */
const CANCEL_GRACE_MS = 5_000;

/** How long after a job ends the next job's process is started (browser mode). */
const SPARE_DELAY_MS = 1_000;

/** How long a job's process that is let go may take to exit by itself. */
const EXIT_GRACE_MS = 5_000;

/**
 * A job's process kept after its job (warm) ends after this long without another: kept while the
 * user edits and runs again, idle it gives its memory back. Its JIT has compiled the engine and
 * its heap has grown (on this VM a fresh page costs 12-16 us, bench/machine.ts): in the app,
 * large preset, Runs 4 s apart, four pages each way, the second Run took 2.27-2.97 s to its
 * results against 2.76-3.03 s in a fresh process, the third 2.02-2.30 s against 3.00-3.15 s.
 */
const WARM_IDLE_MS = 120_000;
/** A job's process larger than this after its job is not kept (after a large run: 0.48-0.73 GB). */
const WARM_MAX_RSS_BYTES = 1024 * 1024 * 1024;

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
  /** The job has ended: `done`, with its answer (a process may then serve the next job). */
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
  /** Jobs in processes of their own, kept warm between jobs (see above); else a thread here. */
  processes?: boolean;
  /** A process larger than this after its job is not kept (WARM_MAX_RSS_BYTES when absent). */
  warmMaxRssBytes?: number;
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
      end: (done) => {
        if (!done) return void worker.terminate();
        // Its run's store may still be folding the run into the file (run-store.ts): the thread
        // ends once it has, or is ended a moment later.
        worker.unref();
        worker.postMessage({ end: true });
        setTimeout(() => void worker.terminate(), EXIT_GRACE_MS).unref();
      },
      cancelled: () => Atomics.load(flag, 0) !== 0,
      on: (l) => {
        worker.on('message', l.message);
        worker.once('error', l.error);
        worker.once('exit', l.exit);
      },
    };
  }

  /**
   * A job process waiting for the next job: started ahead (spareLater), its engine loaded, or
   * kept after its job (`warm`).
   */
  private spare: ChildProcess | null = null;
  private spareTimer: NodeJS.Timeout | null = null;
  /** The spare when it is a process kept after its job (keepWarm), and when it is let go. */
  private warm: ChildProcess | null = null;
  private warmTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private forkJobProcess(): ChildProcess {
    const script = typeof this.entry === 'string' ? this.entry : fileURLToPath(this.entry as URL);
    // The script sets up what it needs (tsx from source): none of the host's flags, only the
    // heap's (JOB_PROCESS_V8_FLAGS).
    const child = fork(script, [JOB_PROCESS_FLAG, String(this.entry)], {
      execArgv: [...JOB_PROCESS_V8_FLAGS],
      serialization: 'advanced',
      // It writes the session this host holds open: under the host's writer lock. With a job's
      // malloc policy, not the host's (host-malloc.mjs), which would cost each boot its pages
      // again.
      env: { ...withJobMalloc(process.env), IRQLAB_WRITER_LOCK_OF: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('exit', () => {
      if (this.spare === child) this.spare = null;
      if (this.warm === child) this.letGoOfWarm();
    });
    return child;
  }

  /** Neither the spare's process nor its channel keeps the host alive. */
  private static idle(child: ChildProcess): void {
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /** A process running a job, and its channel, keep the host alive until it answers. */
  private static busy(child: ChildProcess): void {
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  /** Ends a job's process now, unless it has ended. */
  private static kill(child: ChildProcess): void {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /**
   * Lets a job's process go that has answered: it exits when its channel closes
   * (job-process.ts), and is killed if it has not a moment later.
   */
  private static letGo(child: ChildProcess): void {
    if (child.connected) child.disconnect();
    setTimeout(() => SimulationRunner.kill(child), EXIT_GRACE_MS).unref();
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
      SimulationRunner.idle(child);
    }, delayMs);
    this.spareTimer.unref();
  }

  /**
   * Keeps a process whose job is done as the spare (warm), unless one is there already or it has
   * grown too large (`rssBytes`, what it said with its answer); false: it is to end.
   */
  private keepWarm(child: ChildProcess, rssBytes: number | null): boolean {
    if (this.closed || this.spare || !child.connected || child.exitCode !== null) return false;
    if (rssBytes === null || rssBytes > (this.options.warmMaxRssBytes ?? WARM_MAX_RSS_BYTES))
      return false;
    if (this.spareTimer) clearTimeout(this.spareTimer);
    this.spareTimer = null;
    this.spare = child;
    this.warm = child;
    SimulationRunner.idle(child);
    this.warmTimer = setTimeout(() => {
      // Idle, with a session maybe still open: a fresh spare (small) for its next Run.
      this.releaseWarm();
      this.spareLater(SPARE_DELAY_MS);
    }, WARM_IDLE_MS);
    this.warmTimer.unref();
    return true;
  }

  private letGoOfWarm(): ChildProcess | null {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
    const warm = this.warm;
    this.warm = null;
    return warm;
  }

  /**
   * Ends the process kept after its job, if one waits (a session closed, or it idled): its memory
   * goes back to the system. No spare takes its place until one is asked for (spareLater).
   */
  releaseWarm(): void {
    const warm = this.letGoOfWarm();
    if (!warm || this.spare !== warm) return;
    this.spare = null;
    SimulationRunner.letGo(warm);
  }

  /** Whether the spare is a process kept after its job (for tests). */
  get spareIsWarm(): boolean {
    return this.warm !== null && this.spare === this.warm;
  }

  private processHost(): JobHost {
    const spare = this.spare;
    this.spare = null;
    if (spare && spare === this.warm) this.letGoOfWarm();
    const child =
      spare && spare.connected && spare.exitCode === null ? spare : this.forkJobProcess();
    if (spare && child !== spare) SimulationRunner.kill(spare);
    SimulationRunner.busy(child);
    let cancelled = false;
    let ended = false;
    /** The process's size, from its answer (job-process.ts). */
    let rssBytes: number | null = null;
    let detach = () => {};
    const send = (m: unknown) => {
      if (child.connected) child.send(m as object, () => undefined);
    };
    return {
      start: (job) => send({ job, entry: String(this.entry) }),
      cancel: () => {
        // Once ended, the process may be serving the next job: a late cancel is not for it.
        if (ended) return;
        cancelled = true;
        send({ cancel: true });
      },
      end: (done) => {
        ended = true;
        detach();
        if (!done) SimulationRunner.kill(child);
        else if (!this.keepWarm(child, rssBytes)) SimulationRunner.letGo(child);
      },
      cancelled: () => cancelled,
      on: (l) => {
        const message = (m: unknown) => {
          const msg = m as JobMessage;
          if (msg.type === 'done') rssBytes = msg.rssBytes ?? null;
          l.message(msg);
        };
        child.on('message', message);
        child.once('error', l.error);
        child.once('exit', l.exit);
        detach = () => {
          child.off('message', message);
          child.off('error', l.error);
          child.off('exit', l.exit);
        };
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
    this.letGoOfWarm();
    if (this.spareTimer) clearTimeout(this.spareTimer);
    if (this.spare) SimulationRunner.kill(this.spare);
    this.spare = null;
    this.cancel();
  }
}
