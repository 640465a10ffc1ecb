// Long work the UI starts and then watches: each job has an id, a status the page polls
// (`job.status`), and can be cancelled (`job.cancel`). The work itself runs wherever the host's
// executor puts it (a worker thread in the app; in-process in unit tests).
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
  cancel(): void;
}

/** Finished jobs kept for their status; older ones are forgotten. */
const KEEP_FINISHED = 64;

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private next = 1;

  constructor(private readonly execute: JobExecutor) {}

  start(
    kind: JobStatus['kind'],
    request: JobRequest,
    onDone: (outcome: JobOutcome, status: JobStatus) => void,
  ): string {
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
    const started = performance.now();
    const { outcome, cancel } = this.execute(request, (p) => {
      if (status.state !== 'running') return;
      status.phase = p.phase;
      status.done = p.done;
      status.total = p.total;
      status.unit = p.unit;
    });
    this.jobs.set(jobId, { status, started, cancel });
    const finish = () => {
      status.elapsedMs = Math.round(performance.now() - started);
      this.forgetOld();
    };
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
    return jobId;
  }

  status(jobId: string): JobStatus {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    if (job.status.state === 'running')
      job.status.elapsedMs = Math.round(performance.now() - job.started);
    return { ...job.status };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.status.state !== 'running') return false;
    job.status.phase = 'cancelling';
    job.cancel();
    return true;
  }

  /** Is any job still running on this session file? */
  busy(file: string, requests: Map<string, string>): boolean {
    for (const [jobId, jobFile] of requests)
      if (jobFile === file && this.jobs.get(jobId)?.status.state === 'running') return true;
    return false;
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.status.state === 'running') job.cancel();
  }

  private forgetOld(): void {
    const finished = [...this.jobs].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(id);
  }
}
