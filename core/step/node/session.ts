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

/** A run kept stopped behind the current one, with the promise of its last command. */
interface Standby {
  run: StepWorker;
  ready: Promise<StepState>;
  /** Where it is (known once `ready` resolved) or is going. */
  target: number;
  settled: StepState | null;
}

export class StepSession {
  private current: StepWorker;
  /** Standby runs behind the current step (a step back takes one and moves it forward). */
  private standbys: Standby[] = [];
  private breakpoints: Breakpoint[];

  private constructor(
    private readonly machine: Machine,
    private readonly options: Options,
    breakpoints: Breakpoint[],
    private readonly entry: URL | string,
    private readonly standbyCount: number,
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
    standbys = 3,
  ): Promise<{ session: StepSession; state: StepState }> {
    const session = new StepSession(machine, options, breakpoints, entry, standbys);
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
    this.keepStandbys();
    return state;
  }

  /** Back `n` steps: the state exactly as it was there. */
  back(n = 1): Promise<StepState> {
    return this.goto(Math.max(0, this.state.seq - n));
  }

  /** Any step, earlier or later. */
  async goto(seq: number): Promise<StepState> {
    if (seq >= this.state.seq) return this.do({ op: 'run-to', seq });
    // The standby nearest below the step: one already there, else the one that will be.
    const usable = this.standbys
      .filter((s) => s.target <= seq)
      .sort((x, y) => Number(!!y.settled) - Number(!!x.settled) || y.target - x.target);
    let run: StepWorker;
    let at: StepState;
    const pick = usable[0];
    if (pick) {
      this.standbys.splice(this.standbys.indexOf(pick), 1);
      run = pick.run;
      at = await pick.ready;
    } else {
      run = this.spawn({ op: 'run-to', seq }, []);
      at = await run.next();
    }
    // Arrive at the step without stopping at breakpoints on the way, then arm them.
    if (at.seq < seq) await run.send({ op: 'run-to', seq });
    const state = await run.send({ op: 'breakpoints', breakpoints: this.breakpoints });
    this.current.close();
    this.current = run;
    // Standbys now ahead of the current step are of no use.
    for (const s of this.standbys.filter((x) => x.target > seq)) {
      s.run.close();
      this.standbys.splice(this.standbys.indexOf(s), 1);
    }
    this.keepStandbys();
    return { ...state, reason: `back to step ${seq}` };
  }

  /**
   * Standby runs at about 1, 2, ... lags behind the current step: started in the background when
   * missing, moved forward when the current run went far ahead.
   */
  private keepStandbys(): void {
    const cur = this.state.seq;
    if (this.current.ended) return;
    for (let i = 1; i <= this.standbyCount; i++) {
      const target = cur - i * SHADOW_LAG;
      if (target <= 0) break;
      const near = this.standbys.find(
        (s) => s.target <= target && s.target > target - SHADOW_LAG && !this.claimed(s, i),
      );
      if (near) continue;
      const behind = this.standbys.find(
        (s) => s.target <= target - SHADOW_LAG && !this.claimed(s, i),
      );
      if (behind) {
        // Move it up (its commands are chained, one at a time).
        behind.target = target;
        behind.settled = null;
        behind.ready = behind.ready.then((at) =>
          at.seq < target ? behind.run.send({ op: 'run-to', seq: target }) : at,
        );
        void behind.ready.then((st) => (behind.settled = st));
        continue;
      }
      if (this.standbys.length >= this.standbyCount) continue;
      const run = this.spawn({ op: 'run-to', seq: target }, []);
      const s: Standby = { run, ready: run.next(), target, settled: null };
      void s.ready.then((st) => (s.settled = st));
      this.standbys.push(s);
    }
  }

  /** Whether standby `s` is the one serving a nearer slot than `slot`. */
  private claimed(s: Standby, slot: number): boolean {
    const cur = this.state.seq;
    for (let i = 1; i < slot; i++) {
      const t = cur - i * SHADOW_LAG;
      if (s.target <= t && s.target > t - SHADOW_LAG) return true;
    }
    return false;
  }

  close(): void {
    this.current.close();
    for (const s of this.standbys) s.run.close();
  }
}
