// Watches a job on the host until it ends: its progress a few times a second, and its end as soon
// as it comes (each poll waits on the host for the end, up to the next poll's time).
import { useEffect, useRef, useState } from 'react';
import type { JobStatus } from '../../../electron/api/channels';
import { invoke } from '../api/client';

const POLL_MS = 150;

export function useJob(
  jobId: string | null,
  onEnd?: (status: JobStatus) => void,
): JobStatus | null {
  const [status, setStatus] = useState<JobStatus | null>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;
  useEffect(() => {
    setStatus(null);
    if (!jobId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const s = await invoke('job.status', { jobId, waitMs: POLL_MS });
        if (!live) return;
        setStatus(s);
        if (s.state === 'running') timer = setTimeout(() => void poll(), 0);
        else onEndRef.current?.(s);
      } catch {
        if (live) timer = setTimeout(() => void poll(), POLL_MS * 4);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId]);
  return status;
}
