// A stepping session on Node: the run lives in a worker thread stopped at a step (the live run);
// forward commands wake it. Going back is served from the trail: a second run (the follower)
// trails the live one and records the exact state at each of the last TRAIL steps before it, so
// a step back, and the steps forward again up to the live step, read a state a real run computed
// there. Further back is a replay: standby runs wait at about 1, 2, 3 x SHADOW_LAG steps behind
// the live step, and the nearest one is moved forward to the step and becomes the live run.
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SimulateOptions } from '../../scenario';
import type { Machine } from '../../model/schema';
import type { Breakpoint } from '../breakpoints';
import { goalReached, type StepCommand, type StepState } from '../engine';
import type { PeekOp } from '../peek';
import type { WorkerCommand } from './worker';

const DEFAULT_ENTRY = new URL('./worker.mjs', import.meta.url);
/** How far behind the live step the standby runs wait (1, 2, 3 lags). */
export const SHADOW_LAG = 512;
/** How many steps up to the live one have their state recorded by the follower. */
export const TRAIL = 512;
/**
 * How long after a step the follower waits before it records (unless a step back needs it
 * sooner): the page draws the step meanwhile, and on two cores the follower's work and the
 * states it sends competed with that frame.
 */
export const FOLLOW_DELAY_MS = 50;
/**
 * The niceness of a background run's thread (a standby, the follower; 0 is the usual priority,
 * 19 the lowest): booting a machine to its step takes seconds of CPU, which on two cores it took
 * from the live run, the host and the page drawing the step.
 */
export const BACKGROUND_NICE = 10;
/** Recorded states kept (the oldest recorded goes first). */
const CACHE_LIMIT = 4 * TRAIL;
/**
 * How far `peek` lets the live run go ahead of the step shown, recording each state on the way,
 * so that the answers to the next commands are known before they are given (the page shows one
 * the moment its key goes down). A command whose answer lies further is not answered ahead.
 */
export const LOOKAHEAD = 64;

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
  /** The thread of a background run that lowered its priority (see worker.ts), else null. */
  niced: number | null = null;
  /** Receives the states a `run-to` with `record` passed, before the stop they came with. */
  onTrail: ((states: StepState[]) => void) | null;

  constructor(
    entry: URL | string,
    machine: Machine,
    options: Options,
    initial: StepCommand,
    breakpoints: Breakpoint[],
    onTrail: ((states: StepState[]) => void) | null = null,
    /** A standby or the follower: its thread runs at a lower priority. */
    background = false,
  ) {
    this.onTrail = onTrail;
    const shared = new SharedArrayBuffer(8 + 256 * 1024);
    this.flag = new Int32Array(shared, 0, 2);
    this.bytes = new Uint8Array(shared, 8);
    this.worker = new Worker(entry, {
      workerData: {
        machine,
        options,
        initial,
        breakpoints,
        shared,
        nice: background ? BACKGROUND_NICE : 0,
      },
    });
    type Message = {
      type: string;
      state?: StepState;
      trail?: StepState[];
      message?: string;
      tid?: number;
    };
    this.worker.on('message', (m: Message) => {
      if (m.type === 'thread') return void (this.niced = m.tid!);
      if (m.type === 'error') return this.fail(new Error(m.message));
      if (m.trail?.length) this.onTrail?.(m.trail);
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

  /**
   * The live run now (a standby replaced it): its thread gets the usual priority back, where the
   * system lets a process raise a thread's priority again (root, or RLIMIT_NICE; else it keeps the
   * lower one, and only waits longer for a core when the machine is busy).
   */
  foreground(): void {
    if (this.niced === null) return;
    try {
      setPriority(this.niced, 0);
      this.niced = null;
    } catch {
      // not allowed: it stays niced
    }
  }

  /** The run boots again from the start, in the same thread, and stops at step `seq`. */
  restart(seq: number): Promise<StepState> {
    return this.send({ op: 'restart', seq });
  }

  send(command: WorkerCommand): Promise<StepState> {
    if (this.ended) return Promise.resolve(this.state!);
    const text = new TextEncoder().encode(JSON.stringify(command));
    if (text.length > this.bytes.length) return Promise.reject(new Error('command too large'));
    this.bytes.set(text);
    Atomics.store(this.flag, 1, text.length);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
    return this.next();
  }

  /** Ends the run; a command still waiting for it fails (it is never left hanging). */
  close(): void {
    this.fail(new Error('the stepping run was closed'));
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

/** A background run closed before it arrived: nobody waits for it any more. */
const ignoreClosed = (): void => {};

type TrailAnswer = { state: StepState } | { live: StepCommand } | null;

/** What `peek` answers: the step the answers are for, and each command's answer or null. */
export interface Peeked {
  seq: number;
  answers: (StepState | null)[];
}

export class StepSession {
  /** The live run: a worker stopped at the furthest step reached since the last replay. */
  private current: StepWorker;
  /** The step shown: the live run's, or an earlier one read from the trail. */
  private position!: StepState;
  /** Exact states by step: what the follower recorded and where the live run stopped. */
  private readonly recorded = new Map<number, StepState>();
  private follower: StepWorker | null = null;
  /** Where the follower is stopped (-1: not started), the step it is heading to. */
  private followerAt = -1;
  private followTarget = -1;
  private following: Promise<void> = Promise.resolve();
  /** Ends the follower's wait (FOLLOW_DELAY_MS) now, when one is waiting. */
  private hurry: (() => void) | null = null;
  /** Standby runs behind the live step (a replay takes one and moves it forward). */
  private standbys: Standby[] = [];
  /** Bumped when the follower is stopped: its chained work of before then does nothing. */
  private followerEpoch = 0;
  private breakpoints: Breakpoint[];
  private closed = false;
  /** How many times the live run was replaced by a replay (steps back the trail did not hold). */
  replays = 0;
  /** How many of those the live run did itself, booting again in its own thread. */
  restarts = 0;

  private constructor(
    private readonly machine: Machine,
    private readonly options: Options,
    breakpoints: Breakpoint[],
    private readonly entry: URL | string,
    private readonly standbyCount: number,
    private readonly trail: boolean,
  ) {
    this.breakpoints = breakpoints;
    this.current = this.spawn({ op: 'step' }, breakpoints);
  }

  /**
   * A session stopped at the first event of the boot (step 0). `standbys`: replay runs kept
   * behind the live step; `trail`: whether a follower records the states behind it.
   */
  static async start(
    machine: Machine,
    options: Options = {},
    breakpoints: Breakpoint[] = [],
    entry: URL | string = DEFAULT_ENTRY,
    standbys = 3,
    trail = true,
  ): Promise<{ session: StepSession; state: StepState }> {
    const session = new StepSession(machine, options, breakpoints, entry, standbys, trail);
    const state = session.arrive(await session.current.next());
    return { session, state };
  }

  get state(): StepState {
    return this.position;
  }

  /** Whether the live run's thread runs at a lowered priority (a standby that kept it). */
  get liveNiced(): boolean {
    return this.current.niced !== null;
  }

  /** How many standby runs have arrived at their step. */
  get standbysReady(): number {
    return this.standbys.filter((s) => s.settled).length;
  }

  private get live(): StepState {
    return this.current.state!;
  }

  private spawn(
    initial: StepCommand,
    breakpoints: Breakpoint[],
    onTrail: ((states: StepState[]) => void) | null = null,
    background = false,
  ): StepWorker {
    return new StepWorker(
      this.entry,
      this.machine,
      this.options,
      initial,
      breakpoints,
      onTrail,
      background,
    );
  }

  /** step, into, over, out, continue, run-to (forward), breakpoints. */
  async do(command: StepCommand): Promise<StepState> {
    if (command.op === 'breakpoints') {
      this.breakpoints = command.breakpoints;
      const live = await this.current.send(command);
      if (this.position.seq === live.seq) return (this.position = live);
      return (this.position = { ...this.position, reason: live.reason });
    }
    if (command.op === 'run-to' && command.seq < this.position.seq) return this.goto(command.seq);
    let send: StepCommand = command;
    if (this.position.seq < this.live.seq) {
      // The steps up to the live one: recorded ahead (peek) or by the follower, waited for only
      // when one is missing.
      let answer = this.fromTrail(command);
      if (answer === null) {
        this.hurry?.();
        await this.following;
        answer = this.fromTrail(command);
      }
      if (answer && 'state' in answer) return (this.position = answer.state);
      if (answer) send = answer.live;
      else await this.replayTo(this.position.seq);
    }
    return this.arrive(await this.current.send(send));
  }

  /** Back `n` steps: the state exactly as it was there. */
  back(n = 1): Promise<StepState> {
    return this.goto(Math.max(0, this.position.seq - n));
  }

  /** Any step, earlier or later. */
  async goto(seq: number): Promise<StepState> {
    if (seq === this.position.seq) return this.position;
    if (seq > this.position.seq) return this.do({ op: 'run-to', seq });
    const hit = await this.recordedAt(seq);
    if (hit) return (this.position = { ...hit, reason: `back to step ${seq}` });
    await this.replayTo(seq);
    return (this.position = { ...this.position, reason: `back to step ${seq}` });
  }

  /**
   * What each of `ops` would answer at the step shown, without moving it (null: not known without
   * a replay, or further than LOOKAHEAD steps ahead). The live run goes on up to LOOKAHEAD steps
   * past the step shown, recording each state, and the answers are read from those states as a
   * command given there reads them. With breakpoints armed only 'back' is answered: one could
   * end the others first, and the live run is not moved ahead of the step shown then (a command
   * given behind it with breakpoints armed replays).
   */
  async peek(ops: readonly PeekOp[]): Promise<Peeked> {
    return (await this.beginPeek(ops))();
  }

  /**
   * `peek` in two parts: this one moves the live run ahead, in turn with commands; the one it
   * returns answers, waiting first, when a step back needs it, for the follower to record the
   * step before (after a jump) — not in turn: a command given meanwhile does not wait for that.
   */
  async beginPeek(ops: readonly PeekOp[]): Promise<() => Promise<Peeked>> {
    if (!this.armed() && this.trail) await this.runAhead(this.position.seq + LOOKAHEAD);
    const at = this.position;
    return async () => {
      const before = at.seq - 1;
      const back = ops.includes('back') && before >= 0 ? await this.recordedAt(before) : undefined;
      const armed = this.armed();
      const answers = ops.map((op): StepState | null => {
        if (op === 'back') return back ? { ...back, reason: `back to step ${before}` } : null;
        if (armed) return null;
        const found = this.fromTrail({ op }, at);
        return found && 'state' in found ? found.state : null;
      });
      return { seq: at.seq, answers };
    };
  }

  /** The recorded state at `seq`, once the follower has recorded it if it is recording it now. */
  private async recordedAt(seq: number): Promise<StepState | undefined> {
    const hit = this.recorded.get(seq);
    if (hit || seq > this.followTarget || seq <= this.followTarget - TRAIL) return hit;
    this.hurry?.();
    await this.following;
    return this.recorded.get(seq);
  }

  private armed(): boolean {
    return this.breakpoints.some((b) => b.enabled !== false);
  }

  /** Moves the live run on to `target` (no further than the run goes), recording every step. */
  private async runAhead(target: number): Promise<void> {
    const run = this.current;
    if (run.ended || this.live.seq >= target) return;
    run.onTrail = this.keepRecorded;
    let state: StepState;
    try {
      state = await run.send({ op: 'run-to', seq: target, record: true });
    } finally {
      run.onTrail = null;
    }
    this.liveMoved(state);
  }

  /**
   * A command given at an earlier step than the live one, answered from the recorded states
   * when it ends before the live step; else, when every step up to the live one is recorded
   * (none ended it), the command for the live run to carry on with; null: replay first.
   */
  private fromTrail(command: StepCommand, from = this.position): TrailAnswer {
    const armed = this.armed();
    // A breakpoint could hit on the steps in between: only "step" is sure to end first.
    if (armed && command.op !== 'step') return null;
    if (command.op === 'continue') return { live: command };
    const depth = from.stack.length;
    const atCall = from.event.kind === 'call';
    let before = depth;
    for (let seq = from.seq + 1; seq <= this.live.seq; seq++) {
      const s = this.recorded.get(seq);
      if (!s) return null;
      const sp = s.stack.length;
      const event = {
        seq,
        call: s.event.kind === 'call',
        ret: s.event.kind === 'ret',
        fn: s.event.fn,
        fault: s.event.kind === 'fault',
      };
      const reason = goalReached(command, event, sp, before, depth, atCall);
      if (reason !== null) return { state: { ...s, reason } };
      before = sp;
    }
    if (command.op === 'over') return { live: { op: 'over', depth, atCall } };
    if (command.op === 'out') return { live: { op: 'out', depth } };
    return { live: command };
  }

  /** The live run has stopped at a new step: show it, record it, let the others follow. */
  private arrive(state: StepState): StepState {
    this.position = state;
    this.liveMoved(state);
    return state;
  }

  /** The live run stopped at `state` (shown or ahead): record it, let the others follow. */
  private liveMoved(state: StepState): void {
    this.remember(state);
    this.follow();
    this.keepStandbys();
  }

  private remember(state: StepState): void {
    this.recorded.delete(state.seq);
    this.recorded.set(state.seq, state);
    if (this.recorded.size > CACHE_LIMIT) this.recorded.delete(this.recorded.keys().next().value!);
  }

  /** What the follower recorded (the live run's own state at its step stays: it may be the end). */
  private readonly keepRecorded = (states: StepState[]) => {
    for (const s of states) if (this.current.state?.seq !== s.seq) this.remember(s);
  };

  /** Moves the follower up to the live step, recording the last TRAIL steps on the way. */
  private follow(): void {
    if (!this.trail || this.closed) return;
    const target = this.live.seq;
    if (target <= this.followTarget) return;
    this.followTarget = target;
    const from = Math.max(0, target - TRAIL + 1);
    const epoch = this.followerEpoch;
    this.following = this.following
      .then(
        () =>
          new Promise<void>((resolve) => {
            const go = () => {
              clearTimeout(timer);
              if (this.hurry === go) this.hurry = null;
              resolve();
            };
            const timer = setTimeout(go, FOLLOW_DELAY_MS);
            this.hurry = go;
          }),
      )
      .then(async () => {
        if (this.closed || epoch !== this.followerEpoch) return;
        if (!this.follower) {
          this.follower = this.spawn({ op: 'run-to', seq: from }, [], this.keepRecorded, true);
          const first = await this.follower.next();
          this.keepRecorded([first]);
          this.followerAt = first.seq;
        }
        if (this.followerAt >= target) return;
        if (this.followerAt < from - 1)
          this.followerAt = (await this.follower.send({ op: 'run-to', seq: from - 1 })).seq;
        const at = await this.follower.send({ op: 'run-to', seq: target, record: true });
        this.followerAt = at.seq;
      })
      // Backs then replay, as without a trail (a follower stopped on purpose is already gone).
      .catch(() => {
        if (epoch === this.followerEpoch) this.dropFollower();
      });
  }

  private dropFollower(): void {
    this.followerEpoch++;
    this.follower?.close();
    this.follower = null;
    this.followerAt = -1;
    this.followTarget = -1;
  }

  /** Makes the live run one stopped exactly at `seq` (earlier than the live step): a replay. */
  private async replayTo(seq: number): Promise<void> {
    this.replays++;
    // The standby nearest below the step: one already there, else the one that will be.
    const usable = this.standbys
      .filter((s) => s.target <= seq)
      .sort((x, y) => Number(!!y.settled) - Number(!!x.settled) || y.target - x.target);
    let run: StepWorker;
    let at: StepState;
    const pick = usable[0];
    if (pick && (pick.settled || this.current.ended)) {
      this.standbys.splice(this.standbys.indexOf(pick), 1);
      run = pick.run;
      // The live run from here: at its usual priority while it is awaited (once more after it
      // arrived, in case its 'thread' message, which comes before any state, was not in yet).
      run.foreground();
      at = await pick.ready;
      run.foreground();
    } else if (!this.current.ended) {
      // No standby there yet: the live run boots again to the step in its own thread, rather
      // than waiting for a new worker to load (seconds on a busy machine: a restart, then F5).
      run = this.current;
      this.restarts++;
      at = await run.restart(seq);
    } else {
      run = this.spawn({ op: 'run-to', seq }, []);
      at = await run.next();
    }
    // Arrive at the step without stopping at breakpoints on the way, then arm them.
    if (at.seq < seq) await run.send({ op: 'run-to', seq });
    const state = await run.send({ op: 'breakpoints', breakpoints: this.breakpoints });
    if (run !== this.current) this.current.close();
    this.current = run;
    // Standbys now ahead of the live step are of no use, nor is a follower ahead of it.
    for (const s of this.standbys.filter((x) => x.target > seq)) {
      s.run.close();
      this.standbys.splice(this.standbys.indexOf(s), 1);
    }
    // A follower ahead is stopped now (its pending command fails and its chain ends), not
    // waited for: it may be recording hundreds of steps of a boot that is no longer the live one.
    if (this.followTarget > seq) this.dropFollower();
    this.arrive(state);
  }

  /**
   * Standby runs at about 1, 2, ... lags behind the live step: started in the background when
   * missing, moved forward when the live run went far ahead.
   */
  private keepStandbys(): void {
    const cur = this.live.seq;
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
        void behind.ready.then((st) => (behind.settled = st), ignoreClosed);
        continue;
      }
      if (this.standbys.length >= this.standbyCount) continue;
      this.standbys.push(this.standby(target));
    }
  }

  /** A run started in the background and stopped at `target`. */
  private standby(target: number): Standby {
    const run = this.spawn({ op: 'run-to', seq: target }, [], null, true);
    const s: Standby = { run, ready: run.next(), target, settled: null };
    void s.ready.then((st) => (s.settled = st), ignoreClosed);
    return s;
  }

  /** Whether standby `s` is the one serving a nearer slot than `slot`. */
  private claimed(s: Standby, slot: number): boolean {
    const cur = this.live.seq;
    for (let i = 1; i < slot; i++) {
      const t = cur - i * SHADOW_LAG;
      if (s.target <= t && s.target > t - SHADOW_LAG) return true;
    }
    return false;
  }

  close(): void {
    this.closed = true;
    this.current.close();
    this.follower?.close();
    for (const s of this.standbys) s.run.close();
  }
}
