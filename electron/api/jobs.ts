// Long work the UI starts and then watches: each job has an id, a status the page polls
// (`job.status`, which can wait for the job's end), and can be cancelled (`job.cancel`). The work itself runs wherever the host's
// executor puts it (a worker thread in the app; in-process in unit tests).
import { availableParallelism } from 'node:os';
import type { JobStatus } from './channels';
import { runJob, type JobOutcome, type JobProgress, type JobRequest } from './job-work';

export type JobExecutor = (
  job: JobRequest,
  onProgress: (progress: JobProgress) => void,
) => { outcome: Promise<JobOutcome | 'cancelled'>; cancel(): void };

/** Runs the job on the calling thread (unit tests; a host without workers). */
export const inProcessExecutor: JobExecutor = (job, onProgress) => {
  let cancelled = false;
  const outcome = new Promise<JobOutcome | 'cancelled'>((resolve, reject) => {
    // Started on the next turn so the caller gets its job id first.
    setImmediate(() => {
      try {
        resolve(runJob(job, { report: onProgress, cancelled: () => cancelled }));
      } catch (err) {
        if ((err as Error).name === 'JobCancelled') resolve('cancelled');
        else reject(err as Error);
      }
    });
  });
  return { outcome, cancel: () => (cancelled = true) };
};

interface Job {
  status: JobStatus;
  started: number;
  /** Waiting for a free slot: how to start it. */
  begin: (() => void) | null;
  onEnd?: (status: JobStatus) => void;
  cancel(): void;
  /** `job.status` calls waiting for it to end (statusAfter). */
  waiters: (() => void)[];
}

/** Finished jobs kept for their status; older ones are forgotten. */
const KEEP_FINISHED = 64;

/**
 * Jobs running at once: each boots a machine in a thread of its own (a large one takes a core
 * and gigabytes), so more than the cores can carry only makes all of them slower and starves
 * the host. The rest wait in order, say so in their phase, and can be cancelled while waiting.
 */
export const DEFAULT_MAX_RUNNING = Math.max(1, Math.min(2, availableParallelism() - 1));

/** Jobs waiting at most; one more is refused with a clear error. */
export const MAX_WAITING = 32;

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: string[] = [];
  private running = 0;
  private next = 1;

  constructor(
    private readonly execute: JobExecutor,
    private readonly maxRunning = DEFAULT_MAX_RUNNING,
  ) {}

  start(
    kind: JobStatus['kind'],
    request: JobRequest,
    onDone: (outcome: JobOutcome, status: JobStatus) => void,
    /** Called once the job has ended, however (done, failed, cancelled, even while waiting). */
    onEnd?: (status: JobStatus) => void,
  ): string {
    if (this.waiting.length >= MAX_WAITING)
      throw new Error(
        `${this.running} jobs are running and ${this.waiting.length} waiting: wait for some to finish or cancel them`,
      );
    const jobId = `j${this.next++}`;
    const status: JobStatus = {
      jobId,
      kind,
      state: 'running',
      phase: 'starting',
      done: 0,
      total: null,
      unit: '',
      elapsedMs: 0,
      error: null,
      runId: null,
      output: null,
    };
    const job: Job = {
      status,
      started: performance.now(),
      begin: null,
      onEnd,
      cancel: () => undefined,
      waiters: [],
    };
    const finish = () => {
      status.elapsedMs = Math.round(performance.now() - job.started);
      this.running--;
      this.forgetOld();
      this.pump();
      job.onEnd?.({ ...status });
      this.wake(job);
    };
    job.begin = () => {
      job.begin = null;
      this.running++;
      job.started = performance.now();
      status.phase = 'starting';
      const { outcome, cancel } = this.execute(request, (p) => {
        if (status.state !== 'running' || status.phase === 'cancelling') return;
        status.phase = p.phase;
        status.done = p.done;
        status.total = p.total;
        status.unit = p.unit;
      });
      job.cancel = cancel;
      outcome.then(
        (result) => {
          if (result === 'cancelled') {
            status.state = 'cancelled';
            status.phase = 'cancelled';
          } else {
            try {
              onDone(result, status);
              status.state = 'done';
              status.phase = 'done';
            } catch (err) {
              status.state = 'failed';
              status.error = (err as Error).message;
            }
          }
          finish();
        },
        (err: Error) => {
          status.state = 'failed';
          status.phase = 'failed';
          status.error = err.message;
          finish();
        },
      );
    };
    this.jobs.set(jobId, job);
    this.waiting.push(jobId);
    this.pump();
    return jobId;
  }

  /** Starts waiting jobs while there is room; the others learn their place in the queue. */
  private pump(): void {
    while (this.running < this.maxRunning && this.waiting.length > 0)
      this.jobs.get(this.waiting.shift()!)?.begin?.();
    this.waiting.forEach((id, i) => {
      const s = this.jobs.get(id)!.status;
      s.phase = `waiting: ${i === 0 ? 'next' : `${i} job${i === 1 ? '' : 's'} ahead`} (${this.maxRunning} at a time)`;
    });
  }

  status(jobId: string): JobStatus {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    if (job.status.state === 'running' && !job.begin)
      job.status.elapsedMs = Math.round(performance.now() - job.started);
    return { ...job.status };
  }

  /**
   * The status once the job has ended, or after `waitMs` if it is still running then. The page
   * asks this way between its progress updates, so it learns of the end at once rather than at
   * its next poll.
   */
  statusAfter(jobId: string, waitMs: number): Promise<JobStatus> {
    const job = this.jobs.get(jobId);
    if (!job || job.status.state !== 'running' || waitMs <= 0)
      return Promise.resolve(this.status(jobId));
    return new Promise((resolve) => {
      const answer = () => {
        clearTimeout(timer);
        const at = job.waiters.indexOf(answer);
        if (at >= 0) job.waiters.splice(at, 1);
        // Forgotten meanwhile (KEEP_FINISHED): the status it ended with.
        resolve(this.jobs.has(jobId) ? this.status(jobId) : { ...job.status });
      };
      const timer = setTimeout(answer, waitMs);
      job.waiters.push(answer);
    });
  }

  private wake(job: Job): void {
    for (const answer of job.waiters.splice(0)) answer();
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.status.state !== 'running') return false;
    if (job.begin) {
      // Never started: it leaves the queue, nothing to undo.
      job.begin = null;
      this.waiting.splice(this.waiting.indexOf(jobId), 1);
      job.status.state = 'cancelled';
      job.status.phase = 'cancelled';
      this.pump();
      this.forgetOld();
      job.onEnd?.({ ...job.status });
      this.wake(job);
      return true;
    }
    job.status.phase = 'cancelling';
    job.cancel();
    return true;
  }

  /** Is this job still running (or waiting)? An unknown (long forgotten) one is not. */
  isRunning(jobId: string): boolean {
    return this.jobs.get(jobId)?.status.state === 'running';
  }

  /** Is any job still running (or waiting) on this session file? */
  busy(file: string, requests: Map<string, string>): boolean {
    for (const [jobId, jobFile] of requests)
      if (jobFile === file && this.isRunning(jobId)) return true;
    return false;
  }

  cancelAll(): void {
    for (const id of [...this.waiting]) this.cancel(id);
    for (const job of this.jobs.values()) if (job.status.state === 'running') job.cancel();
  }

  private forgetOld(): void {
    const finished = [...this.jobs].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(id);
  }
}
