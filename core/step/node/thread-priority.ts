// A thread's own scheduling priority. On Linux a thread is a task with an id of its own
// (/proc/thread-self), and setpriority() on that id changes that thread and nothing else: the
// stepping's background runs (worker.ts) and the app's storing threads (electron/node/run-store.ts)
// yield the CPU to the work someone waits for. Elsewhere, or where it is not allowed, a thread
// keeps the priority it has.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** This thread's id (Linux: /proc/thread-self), which takes a priority of its own; else null. */
function threadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's priority alone to `niceness` (0 the usual, 19 the lowest). Returns
 * its id (to give the priority back later, where the system lets a process), or null when it
 * keeps its priority.
 */
export function lowerThisThreadPriority(niceness: number): number | null {
  const tid = threadId();
  if (tid === null) return null;
  try {
    setPriority(tid, niceness);
    return tid;
  } catch {
    return null;
  }
}
