// A stepping session on Node: the run lives in a worker thread stopped at a step; forward
// commands wake it; going back is a replay. To make a step back cheap, a second run (the shadow)
// is kept stopped a little behind the current step: a step back moves the shadow forward to the
// target (a few hundred events) and it becomes the current run; a new shadow is started behind it
// in the background.
import { Worker } from 'node:worker_threads';
import type { SimulateOptions } from '../../kernel/boot';
import type { Machine } from '../../model/schema';
import type { Breakpoint } from '../breakpoints';
import type { StepCommand, StepState } from '../engine';

const DEFAULT_ENTRY = new URL('./worker.mjs', import.meta.url);
/** How far behind the current step the shadow run waits. */
export const SHADOW_LAG = 512;

type Options = Omit<SimulateOptions, 'trace' | 'onKernel'>;

class StepWorker {
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly bytes: Uint8Array;
  private waiting: { resolve: (s: StepState) => void; reject: (e: Error) => void } | null = null;
  private queued: StepState | null = null;
  private failure: Error | null = null;
  state: StepState | null = null;
  ended = false;

  constructor(
    entry: URL | string,
    machine: Machine,
    options: Options,
    initial: StepCommand,
    breakpoints: Breakpoint[],
  ) {
    const shared = new SharedArrayBuffer(8 + 256 * 1024);
    this.flag = new Int32Array(shared, 0, 2);
    this.bytes = new Uint8Array(shared, 8);
    this.worker = new Worker(entry, {
      workerData: { machine, options, initial, breakpoints, shared },
    });
    this.worker.on('message', (m: { type: string; state?: StepState; message?: string }) => {
      if (m.type === 'error') return this.fail(new Error(m.message));
      const state = m.state!;
      if (m.type === 'end') this.ended = true;
      this.state = state;
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(state);
      } else this.queued = state;
    });
    this.worker.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    this.failure = err;
    this.waiting?.reject(err);
    this.waiting = null;
  }

  /** The next state the run reports (it stopped, or it ended). */
  next(): Promise<StepState> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued) {
      const s = this.queued;
      this.queued = null;
      return Promise.resolve(s);
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  send(command: StepCommand): Promise<StepState> {
    if (this.ended) return Promise.resolve(this.state!);
    const text = new TextEncoder().encode(JSON.stringify(command));
    if (text.length > this.bytes.length) return Promise.reject(new Error('command too large'));
    this.bytes.set(text);
    Atomics.store(this.flag, 1, text.length);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
    return this.next();
  }

  close(): void {
    void this.worker.terminate();
  }
}

export class StepSession {
  private current: StepWorker;
  private shadow: StepWorker | null = null;
  private shadowReady: Promise<StepState> | null = null;
  private breakpoints: Breakpoint[];

  private constructor(
    private readonly machine: Machine,
    private readonly options: Options,
    breakpoints: Breakpoint[],
    private readonly entry: URL | string,
  ) {
    this.breakpoints = breakpoints;
    this.current = this.spawn({ op: 'step' }, breakpoints);
  }

  /** A session stopped at the first event of the boot (step 0). */
  static async start(
    machine: Machine,
    options: Options = {},
    breakpoints: Breakpoint[] = [],
    entry: URL | string = DEFAULT_ENTRY,
  ): Promise<{ session: StepSession; state: StepState }> {
    const session = new StepSession(machine, options, breakpoints, entry);
    const state = await session.current.next();
    return { session, state };
  }

  get state(): StepState {
    return this.current.state!;
  }

  private spawn(initial: StepCommand, breakpoints: Breakpoint[]): StepWorker {
    return new StepWorker(this.entry, this.machine, this.options, initial, breakpoints);
  }

  /** step, into, over, out, continue, run-to (forward), breakpoints. */
  async do(command: StepCommand): Promise<StepState> {
    if (command.op === 'breakpoints') this.breakpoints = command.breakpoints;
    if (command.op === 'run-to' && command.seq < this.state.seq) return this.goto(command.seq);
    const state = await this.current.send(command);
    this.keepShadow();
    return state;
  }

  /** Back `n` steps: the state exactly as it was there. */
  back(n = 1): Promise<StepState> {
    return this.goto(Math.max(0, this.state.seq - n));
  }

  /** Any step, earlier or later. */
  async goto(seq: number): Promise<StepState> {
    if (seq >= this.state.seq) return this.do({ op: 'run-to', seq });
    let run: StepWorker | null = null;
    let at: StepState | null = null;
    if (this.shadow && this.shadowReady) {
      // The shadow's commands are chained on shadowReady: wait for the last one.
      let shadowAt: StepState;
      for (;;) {
        const pending: Promise<StepState> = this.shadowReady!;
        shadowAt = await pending;
        if (pending === this.shadowReady) break;
      }
      if (shadowAt.seq <= seq) {
        run = this.shadow;
        at = shadowAt;
        this.shadow = null;
        this.shadowReady = null;
      }
    }
    if (!run) {
      run = this.fresh(seq);
      at = await run.next();
    }
    // Arrive at the step without stopping at breakpoints on the way, then arm them.
    if (at!.seq < seq) await run.send({ op: 'run-to', seq });
    const state = await run.send({ op: 'breakpoints', breakpoints: this.breakpoints });
    this.current.close();
    this.current = run;
    this.keepShadow();
    return { ...state, reason: `back to step ${seq}` };
  }

  private fresh(seq: number): StepWorker {
    return this.spawn({ op: 'run-to', seq }, []);
  }

  /** A shadow run stopped up to SHADOW_LAG steps behind the current one (started in the background). */
  private keepShadow(): void {
    const target = this.state.seq - SHADOW_LAG;
    if (target <= 0 || this.current.ended) return;
    const ready = this.shadowReady;
    const shadow = this.shadow;
    if (shadow && ready) {
      // Keep it within two lags: move it forward when the current run went far ahead.
      this.shadowReady = ready.then((at) =>
        this.shadow === shadow && at.seq < target - SHADOW_LAG
          ? shadow.send({ op: 'run-to', seq: target })
          : at,
      );
      return;
    }
    this.shadow = this.spawn({ op: 'run-to', seq: target }, []);
    this.shadowReady = this.shadow.next();
  }

  close(): void {
    this.current.close();
    this.shadow?.close();
  }
}
