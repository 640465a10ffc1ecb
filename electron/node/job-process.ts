// A job's process (simulation-runner.ts, `processes`): the simulation worker's script started as
// a process with --job-process. It runs one job in a thread (simulation-worker.ts) and relays its
// messages; it imports nothing else, so that from source it starts in a moment (only the job's
// thread loads the engine).
import { Worker } from 'node:worker_threads';

export const JOB_PROCESS_FLAG = '--job-process';

export const isJobProcess = () => process.argv.includes(JOB_PROCESS_FLAG);

/**
 * Process mode (simulation-runner.ts, `processes`): one job, in a thread of this process so that
 * a cancel (a message here) can set the flag the job reads between trace chunks; the process
 * ends with the job, and the memory its threads used goes with it.
 */
export function jobProcess(): void {
  // The host is gone (or the job answered): nobody is left to tell, so nothing goes on. A run
  // cut off here is found 'running' under a dead writer, and marked incomplete, as after a crash.
  process.once('disconnect', () => process.exit(0));
  // The job's thread starts now, before any job: a process started ahead (the runner's spare)
  // has the engine loaded by the time the user presses Run.
  const entryArg = process.argv[process.argv.indexOf(JOB_PROCESS_FLAG) + 1] ?? '';
  const entry = entryArg.startsWith('file:') ? new URL(entryArg) : entryArg;
  // Its run's store thread is started ahead by it too (run-store.ts standbyRunStore).
  const worker = new Worker(entry, { workerData: { standbyStore: entryArg } });
  const cancel = new SharedArrayBuffer(4);
  let answered = false;
  const answer = (reply: object) => {
    if (answered) return;
    answered = true;
    // Sent, then gone: the worker ended, the channel closed, nothing keeps the process.
    if (!process.connected) process.exit(0);
    process.send!(reply, () => {
      void worker.terminate();
      process.disconnect();
    });
  };
  worker.on('message', (reply: { type: string }) => {
    if (reply.type === 'progress') {
      if (process.connected) process.send!(reply);
    } else answer(reply);
  });
  worker.once('error', (err) => answer({ type: 'failed', message: err.message }));
  worker.once('exit', (code) => answer({ type: 'failed', message: `job worker exited (${code})` }));
  process.once('message', (m: { job: unknown }) => {
    process.on('message', (c: { cancel?: boolean }) => {
      if (c.cancel) Atomics.store(new Int32Array(cancel), 0, 1);
    });
    worker.postMessage({ job: m.job, cancel, entry: entryArg });
  });
}
