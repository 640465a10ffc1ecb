// Watches a job on the host until it ends: its progress a few times a second, and its end as soon
// as it comes (each poll waits on the host for the end, up to the next poll's time).
//
// The status is kept in a store of its own (JobWatch), not in the state of the component that
// started the job: only what shows the progress renders again at each poll. (The run control
// lives in App: holding the status there rendered the whole session view again at every poll of
// a run, 3-8 ms of the page's thread each, 6-7 times a second, on two cores shared with the boot.)
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { JobStatus } from '../../../electron/api/channels';
import { invoke } from '../api/client';

const POLL_MS = 150;

/** One job's status, polled from the host while it runs; start() and stop() from an effect. */
export class JobWatch {
  private status: JobStatus | null = null;
  private readonly listeners = new Set<() => void>();
  /** Bumped by start() and stop(): a poll of an older start never goes on. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly jobId: string,
    private readonly onEnd: (status: JobStatus) => void,
  ) {}

  /** The last status polled (null before the first answer). */
  get = (): JobStatus | null => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    const generation = ++this.generation;
    void this.poll(generation);
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
  }

  private async poll(generation: number): Promise<void> {
    try {
      const s = await invoke('job.status', { jobId: this.jobId, waitMs: POLL_MS });
      if (generation !== this.generation) return;
      this.status = s;
      for (const l of this.listeners) l();
      if (s.state === 'running') this.timer = setTimeout(() => void this.poll(generation), 0);
      else this.onEnd(s);
    } catch {
      if (generation === this.generation)
        this.timer = setTimeout(() => void this.poll(generation), POLL_MS * 4);
    }
  }
}

/** A watch of `jobId` while the component shows it (null for none); `onEnd` when it ends. */
export function useJobWatch(
  jobId: string | null,
  onEnd?: (status: JobStatus) => void,
): JobWatch | null {
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;
  const watch = useMemo(
    () => (jobId ? new JobWatch(jobId, (s) => onEndRef.current?.(s)) : null),
    [jobId],
  );
  useEffect(() => {
    if (!watch) return;
    watch.start();
    return () => watch.stop();
  }, [watch]);
  return watch;
}

const noSubscription = () => () => undefined;

/** The watched job's status: the component renders again at each poll. */
export function useJobStatus(watch: JobWatch | null): JobStatus | null {
  return useSyncExternalStore(watch?.subscribe ?? noSubscription, () => watch?.get() ?? null);
}

/**
 * Whether the watched job is still going (from its start until its end is polled): the component
 * renders again only when that changes.
 */
export function useJobRunning(watch: JobWatch | null): boolean {
  return useSyncExternalStore(watch?.subscribe ?? noSubscription, () => {
    const s = watch?.get();
    return watch !== null && (s === null || s?.state === 'running');
  });
}

/** A job's status, polled while it runs (a watch and its status in one component). */
export function useJob(
  jobId: string | null,
  onEnd?: (status: JobStatus) => void,
): JobStatus | null {
  return useJobStatus(useJobWatch(jobId, onEnd));
}
