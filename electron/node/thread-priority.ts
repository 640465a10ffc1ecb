// The threads that store a run (run-store.ts, checkpoint-thread.ts) work beside the boot the user
// waits for, on a machine that may have two cores for it all. At the boot's priority they took a
// share of the CPU from it whenever more threads were ready than cores (theirs, V8's GC helpers,
// the host's, the browser's); at a lower one they yield it, and catch up while the boot's thread
// builds the outputs or waits. On the 2-core VM the stored large run took ~6% less time in all
// (bench/ui-run.ts boot_large_stored_ratio, alternated runs).
export { lowerThisThreadPriority } from '../../core/step/node/thread-priority';

/** The niceness the storing threads run at (the boot's is the process's, usually 0). */
export const STORING_THREAD_NICENESS = 10;
