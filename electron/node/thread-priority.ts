// The threads that store a run (run-store.ts, checkpoint-thread.ts) work beside the boot the user
// waits for, on a machine that may have two cores for it all. Left at the same priority they took
// a share of the CPU from the boot whenever more threads were ready than cores (theirs, V8's GC
// helpers, the host's, the browser's); at a lower one they yield it: on the 2-core VM the stored
// large run took ~6% less time in all (bench/ui-run.ts boot_large_stored_ratio, alternated
// runs), the store catching up while the boot's thread waits or builds less.

import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** The niceness the storing threads run at (the boot's is the process's, usually 0). */
export const STORING_THREAD_NICENESS = 10;

/**
 * Lowers the scheduling priority of the calling thread alone, to `niceness`. On Linux a thread is
 * a task with an id of its own, and setpriority() on that id changes it and nothing else; elsewhere
 * (or where it is not allowed) the thread keeps the priority it has.
 */
export function lowerThisThreadPriority(niceness: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
