// Worker bootstrap when running from source (browser mode, tests): tsx's loader, then the worker.
// Started as a job's process (simulation-runner.ts), only the relay is loaded: the engine is
// loaded by the job's thread.
import { isMainThread } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
if (isMainThread && process.argv.includes('--job-process'))
  (await import('./job-process.ts')).jobProcess();
else await import('./simulation-worker.ts');
