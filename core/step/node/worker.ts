// The stepping worker thread: one SteppingRun, blocked on a shared flag while it is stopped.
// Commands arrive as JSON in the shared buffer (the main thread writes, sets the flag and
// notifies); states go back with postMessage. `restart` abandons the run where it is stopped and
// boots the machine again in this thread, up to a step (a replay without loading a new worker).
import { parentPort, workerData } from 'node:worker_threads';
import { SteppingRun, type StepCommand, type StepState } from '../engine';
import type { Breakpoint } from '../breakpoints';
import type { Machine } from '../../model/schema';
import type { SimulateOptions } from '../../scenario';
import { lowerThisThreadPriority } from './thread-priority';

/** What the session sends: a step command, or a restart to a step (breakpoints off). */
export type WorkerCommand = StepCommand | { op: 'restart'; seq: number };

interface Data {
  machine: Machine;
  options: Omit<SimulateOptions, 'trace' | 'onKernel'>;
  initial: StepCommand;
  breakpoints: Breakpoint[];
  shared: SharedArrayBuffer;
  /**
   * A run nobody waits for now (a standby, the follower): the niceness its thread takes, so that
   * it yields the CPU to the live one (session.ts BACKGROUND_NICE); 0 for the live run.
   */
  nice?: number;
}

const data = workerData as Data;
const flag = new Int32Array(data.shared, 0, 2);
const bytes = new Uint8Array(data.shared, 8);
const decoder = new TextDecoder();

// A background run boots a machine to its step (seconds of CPU): on two cores it took them from
// the live run, the host and the page drawing the step. Niced, it runs when they do not. The
// session is told the thread (`thread`) to give it its priority back if it becomes the live run.
if (data.nice) {
  // (Not allowed here: it runs at the usual priority.)
  const tid = lowerThisThreadPriority(data.nice);
  if (tid !== null) parentPort!.postMessage({ type: 'thread', tid });
}

function nextCommand(): WorkerCommand {
  // flag[0]: 0 = waiting for a command, 1 = a command is in the buffer (flag[1] bytes long).
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
  const text = decoder.decode(bytes.slice(0, flag[1]!));
  Atomics.store(flag, 0, 0);
  return JSON.parse(text) as WorkerCommand;
}

// States recorded on the way to this stop (run-to with `record`), sent with it.
const trail: StepState[] = [];
let initial: StepCommand = data.initial;
let breakpoints: Breakpoint[] = data.breakpoints;
try {
  for (;;) {
    const restart: { at: number | null } = { at: null };
    const run = new SteppingRun(
      data.machine,
      data.options,
      (state) => {
        parentPort!.postMessage({ type: 'state', state, trail: trail.splice(0) });
        const command = nextCommand();
        if (command.op !== 'restart') return command;
        restart.at = command.seq;
        return { op: 'stop' };
      },
      initial,
      breakpoints,
      (state) => trail.push(state),
    );
    const last = run.run();
    if (restart.at === null) {
      parentPort!.postMessage({ type: 'end', state: last });
      break;
    }
    trail.length = 0;
    initial = { op: 'run-to', seq: restart.at };
    breakpoints = [];
  }
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: (err as Error).message });
}
