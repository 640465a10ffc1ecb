// The allocation debugger's runs: a stored run booted again in a stepping session (core/step's
// StepSession: a worker thread stopped at a step, standby runs behind it for steps back). The
// simulation is deterministic, so step N here is event N of the run's stored trace. One
// debugger per session file; commands to it are taken one at a time.
import type { SimulateOptions } from '../../core/scenario';
import type { Machine } from '../../core/model/schema';
import type { Breakpoint } from '../../core/step/breakpoints';
import type { StepState } from '../../core/step/engine';
import type { PeekOp } from '../../core/step/peek';
import { StepSession, type Peeked } from '../../core/step/node/session';
import type { DebugCommand } from './channels';

interface Debugger {
  id: string;
  file: string;
  runId: number;
  session: StepSession;
  breakpoints: Breakpoint[];
  /** The command under way (the next waits for it). */
  queue: Promise<unknown>;
}

/** Runs `work` once the debugger's work before it has ended (failed or not), the next after it. */
function inTurn<T>(d: Debugger, work: () => Promise<T>): Promise<T> {
  const result = d.queue.then(work, work);
  d.queue = result.catch(() => undefined);
  return result;
}

export class Debuggers {
  private readonly open = new Map<string, Debugger>();
  private next = 1;

  /** `entry`: the stepping worker (core/step/node/worker.mjs from source; a bundle in the app). */
  constructor(private readonly entry?: URL | string) {}

  async start(
    file: string,
    runId: number,
    machine: Machine,
    options: Omit<SimulateOptions, 'trace' | 'onKernel'>,
    breakpoints: Breakpoint[],
    seq?: number,
  ): Promise<{ debugId: string; state: StepState }> {
    // One debugger per session file: a new one replaces it.
    for (const d of [...this.open.values()]) if (d.file === file) this.close(d.id);
    const { session, state } = await StepSession.start(machine, options, breakpoints, this.entry);
    const id = `d${this.next++}`;
    this.open.set(id, {
      id,
      file,
      runId,
      session,
      breakpoints,
      queue: Promise.resolve(),
    });
    if (seq === undefined || seq === 0) return { debugId: id, state };
    return { debugId: id, state: await this.command(id, { op: 'goto', seq }) };
  }

  command(debugId: string, command: DebugCommand): Promise<StepState> {
    const d = this.get(debugId);
    const run = async (): Promise<StepState> => {
      const s = d.session;
      switch (command.op) {
        case 'back':
          return s.back(command.n ?? 1);
        case 'goto': {
          // Exactly there: breakpoints on the way forward do not stop it.
          if (command.seq < s.state.seq) return s.goto(command.seq);
          if (d.breakpoints.length) await s.do({ op: 'breakpoints', breakpoints: [] });
          const at = await s.do({ op: 'run-to', seq: command.seq });
          if (d.breakpoints.length) await s.do({ op: 'breakpoints', breakpoints: d.breakpoints });
          return { ...at, reason: `step ${command.seq}` };
        }
        case 'run-to-call': {
          // A one-off breakpoint on the function, then the session's own breakpoints again.
          await s.do({
            op: 'breakpoints',
            breakpoints: [...d.breakpoints, { kind: 'function', spec: command.fn }],
          });
          const at = await s.do({ op: 'continue' });
          await s.do({ op: 'breakpoints', breakpoints: d.breakpoints });
          return at.reason === `breakpoint function ${command.fn}`
            ? { ...at, reason: `run to ${command.fn}` }
            : at;
        }
        default:
          return s.do({ op: command.op });
      }
    };
    return inTurn(d, run);
  }

  /**
   * What each of `ops` would answer at the stop shown (StepSession.peek). Only its first part,
   * which moves the live run ahead, waits in turn with commands: a command given meanwhile is not
   * held while it waits for the follower.
   */
  async peek(debugId: string, ops: readonly PeekOp[]): Promise<Peeked> {
    const d = this.get(debugId);
    const answer = await inTurn(d, () => d.session.beginPeek(ops));
    return answer();
  }

  /** New breakpoints for every debugger of this session file. */
  async setBreakpoints(file: string, breakpoints: Breakpoint[]): Promise<void> {
    for (const d of this.open.values()) {
      if (d.file !== file) continue;
      d.breakpoints = breakpoints;
      await inTurn(d, () => d.session.do({ op: 'breakpoints', breakpoints }));
    }
  }

  close(debugId: string): void {
    const d = this.open.get(debugId);
    if (!d) return;
    this.open.delete(debugId);
    d.session.close();
  }

  closeFile(file: string): void {
    for (const d of [...this.open.values()]) if (d.file === file) this.close(d.id);
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private get(debugId: string): Debugger {
    const d = this.open.get(debugId);
    if (!d) throw new Error(`no debugger ${debugId} (it was closed: start it again)`);
    return d;
  }
}
