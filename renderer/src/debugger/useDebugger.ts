// The debugger's state in the page: which run it steps, where it is stopped, the commands under
// way. It lives in a small store outside React's tree so that a step re-renders the debugger's
// own view only, not the whole app (the machine's graph and editors stay as they are).
// Starting and every command go through one CommandQueue (command-queue.ts): each key is a
// command sent once the answer to the one before it is on screen, none dropped or merged, and
// each answer is shown whole (position, stack and state from the same answer, in one update).
// Once a stop is on screen the engine is asked what each step command would answer there
// (`debug.peek`); a key whose answer is known shows it the moment it goes down, and the command
// still goes to the engine, whose own answer replaces it if it ever says otherwise.
// Step latency (keypress to repaint) is recorded for the bench (bench/ui-step.ts).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { DebugCommand, ResponseOf, StepStateView } from '../../../electron/api/channels';
import { PEEK_OPS, type PeekOp } from '../../../core/step/peek';
import { invoke } from '../api/client';
import { CommandQueue } from './command-queue';
import { sameAnswer, sharedWith } from './shared-state';

declare global {
  interface Window {
    /** Keypress-to-repaint of each debugger command (ms), for bench/ui-step.ts. */
    __irqlabStepLatencies?: {
      op: string;
      ms: number;
      apiMs: number;
      readyMs: number;
      seq: number;
      /** Shown from the answer given ahead (debug.peek), before the engine answered. */
      ahead: boolean;
    }[];
  }
}

/** When the key behind the next command went down (event.timeStamp). */
let keyDownAt: number | null = null;
export function noteCommandKey(timeStamp: number): void {
  keyDownAt = timeStamp;
}

export interface DebuggerSnapshot {
  debugId: string | null;
  runId: number | null;
  eventCount: number;
  /** The last answer: its step, stack and kernel state are shown together. */
  state: StepStateView | null;
  /** What is under way ("starting", "continue", ...), or null. */
  busy: string | null;
  error: string | null;
  /** The commands whose answer at this stop is known ahead (shown the moment a key goes down). */
  ahead: readonly PeekOp[];
}

const EMPTY: DebuggerSnapshot = {
  debugId: null,
  runId: null,
  eventCount: 0,
  state: null,
  busy: null,
  error: null,
  ahead: [],
};

type Item =
  | { kind: 'start'; runId: number; seq?: number }
  | {
      kind: 'command';
      command: DebugCommand;
      at: number;
      /** Its answer given ahead, shown at the key, and the stop shown before it. */
      shown?: { state: StepStateView; before: StepStateView };
    };
type Answer =
  | { kind: 'start'; started: ResponseOf<'debug.start'> }
  | { kind: 'command'; state: StepStateView; apiMs: number };

/** "Busy" is said only for a command that takes a while (a continue through millions of events). */
const BUSY_AFTER_MS = 150;
/**
 * The stop line says "Running" once a command has been unanswered this long, or at once when
 * another is queued behind it. A quick step (most are answered in well under this) goes from
 * one stop to the next in one frame: a "Running" frame painted in between put the answer's own
 * frame a whole display refresh (16.7 ms) later.
 */
const RUNNING_AFTER_MS = 100;

export class DebuggerStore {
  private snap = EMPTY;
  /** Commands queued or in flight (the stop shown is not where the engine will be). */
  private pendingCount = 0;
  /** Whether the stop line says so (see RUNNING_AFTER_MS), and the timer that will make it. */
  private runningShown = false;
  private runningTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  private pending: { op: string; at: number; apiMs: number; ahead: boolean } | null = null;
  /** The answers given ahead for the stop shown (`state`), by command. */
  private ahead: { state: StepStateView; answers: Map<PeekOp, StepStateView> } | null = null;
  /** Bumped whenever the stop or the breakpoints may change: a peek of before then is dropped. */
  private aheadEpoch = 0;
  private busyTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly queue: CommandQueue<Item, Answer>;

  constructor(private readonly sessionId: string | null) {
    this.queue = new CommandQueue<Item, Answer>({
      send: (item) => this.send(item),
      answered: (item, answer, left) => this.answered(item, answer, left),
      failed: (item, error, unsent) => {
        const more = unsent.filter((u) => u.kind === 'command').length;
        const note = more
          ? ` (${more} command${more === 1 ? '' : 's'} given after it ${more === 1 ? 'was' : 'were'} not sent)`
          : '';
        this.pendingCount = 0;
        this.stopRunning();
        // An answer shown ahead for a command the engine did not take: the stop it is still at.
        const back =
          item.kind === 'command' && item.shown && this.snap.state === item.shown.state
            ? { state: item.shown.before }
            : {};
        this.set({ ...back, error: error.message + note, busy: null });
      },
      queued: (item, pending) => {
        this.pendingCount = pending;
        // Its answer is on screen already: nothing to say while the engine takes it.
        if (item.kind === 'command' && item.shown) return;
        if (pending === 1 && !this.runningShown) {
          // One command: said only if its answer is slow (RUNNING_AFTER_MS).
          this.runningTimer ??= setTimeout(() => {
            this.runningTimer = null;
            if (this.pendingCount === 0) return;
            this.runningShown = true;
            this.emit();
          }, RUNNING_AFTER_MS);
          return;
        }
        this.runningShown = true;
        // The line that says commands are running renders in this task (before any frame), but
        // a microtask later: the command queued is on its way to the host first.
        queueMicrotask(() => this.emit());
      },
    });
  }

  get = (): DebuggerSnapshot => this.snap;

  /**
   * How many commands are queued or in flight, as the stop line says it: 0 while a single
   * command is younger than RUNNING_AFTER_MS (the stop shown stays until its answer).
   */
  getPending = (): number => (this.runningShown ? this.pendingCount : 0);

  /** The breakpoints are being set: the answers given ahead may not hold (one may end a step). */
  breakpointsChanging = (): void => this.dropAhead();

  /** Forgets the answers given ahead (and any on their way); the stop line says so. */
  private dropAhead(): void {
    this.forgetAhead();
    if (this.snap.ahead.length) this.set({ ahead: [] });
  }

  /** Forgets the answers given ahead (and any on their way), for an update that follows. */
  private forgetAhead(): void {
    this.aheadEpoch++;
    this.ahead = null;
  }

  /** The breakpoints were set: the answers at the stop shown are asked for again. */
  breakpointsChanged = (): void => this.peekSoon();

  /** Asks the engine for the answers at the stop shown, once it is painted and nothing waits. */
  private peekSoon(): void {
    this.dropAhead();
    const epoch = this.aheadEpoch;
    // After the frame that shows the stop: the engine's work for it is not in that frame.
    void afterPaint().then(() => this.peek(epoch));
  }

  private async peek(epoch: number): Promise<void> {
    const { debugId, state, error } = this.snap;
    if (epoch !== this.aheadEpoch || !debugId || !state || error || this.queue.pending) return;
    let got: ResponseOf<'debug.peek'>;
    try {
      got = await invoke('debug.peek', { debugId, ops: [...PEEK_OPS] });
    } catch {
      return; // the keys go the usual way: to the engine, then shown
    }
    if (epoch !== this.aheadEpoch || this.snap.state !== state || got.seq !== state.seq) return;
    const answers = new Map<PeekOp, StepStateView>();
    PEEK_OPS.forEach((op, i) => {
      const answer = got.answers[i];
      if (answer) answers.set(op, answer);
    });
    this.ahead = { state, answers };
    this.set({ ahead: [...answers.keys()] });
  }

  /** The answer given ahead to `command` at the stop shown, when nothing else is under way. */
  private answerAhead(command: DebugCommand): StepStateView | null {
    const a = this.ahead;
    if (!a || a.state !== this.snap.state || this.queue.pending || this.snap.error) return null;
    if (command.op === 'back' && (command.n ?? 1) !== 1) return null;
    // Commands not answered ahead (continue, goto, run-to-call) are not in the map.
    return a.answers.get(command.op as PeekOp) ?? null;
  }

  private stopRunning(): void {
    this.runningShown = false;
    if (this.runningTimer) clearTimeout(this.runningTimer);
    this.runningTimer = null;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const l of this.listeners) l();
  }

  private set(patch: Partial<DebuggerSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    this.emit();
  }

  /** Starts (or moves) the debugger to a run, at step `seq` (0 if not given), behind any command. */
  start = (runId: number, seq?: number): void => {
    if (!this.sessionId) return;
    this.dropAhead();
    this.queue.push({ kind: 'start', runId, seq });
  };

  /** Whether starting on `runId` is queued or under way. */
  starting = (runId: number): boolean =>
    [this.queue.current, ...this.queue.queuedCommands].some(
      (i) => i?.kind === 'start' && i.runId === runId,
    );

  /** Queues a command behind the ones under way; it acts on the stop their last answer shows. */
  command = (command: DebugCommand): void => {
    const at = keyDownAt ?? performance.now();
    keyDownAt = null;
    // Nothing to step until a debugger is open or opening.
    if (!this.snap.debugId && !this.anyStart()) return;
    if (this.snap.error && this.queue.pending === 0) this.snap = { ...this.snap, error: null };
    const early = this.answerAhead(command);
    const before = this.snap.state;
    if (!early || !before) {
      this.dropAhead();
      return this.queue.push({ kind: 'command', command, at });
    }
    // Shown now, in the key's own task; the engine is told next and its answer checked.
    this.forgetAhead();
    const state = sharedWith(before, early);
    this.queue.push({ kind: 'command', command, at, shown: { state, before } });
    this.pending = { op: command.op, at, apiMs: 0, ahead: true };
    this.set({ state, busy: null, ahead: [] });
  };

  private anyStart(): boolean {
    return [this.queue.current, ...this.queue.queuedCommands].some((i) => i?.kind === 'start');
  }

  private async send(item: Item): Promise<Answer> {
    if (item.kind === 'start') {
      const busy = item.seq !== undefined ? `opening step ${item.seq}` : 'starting';
      this.set({ busy, error: null });
      const started = await invoke('debug.start', {
        sessionId: this.sessionId!,
        runId: item.runId,
        seq: item.seq,
      });
      return { kind: 'start', started };
    }
    // The debugger as of the previous answer (a start queued before this command included).
    const debugId = this.snap.debugId;
    if (!debugId) throw new Error('the debugger is not started');
    const op = item.command.op;
    // Shown ahead: the engine is told once that frame is painted (on two cores its work, and its
    // answer arriving, slowed the frame by a third), and nothing on screen waits for it.
    if (item.shown) await afterPaint();
    else this.busyTimer = setTimeout(() => this.set({ busy: op }), BUSY_AFTER_MS);
    const sent = performance.now();
    try {
      const state = await invoke('debug.command', { debugId, command: item.command });
      return { kind: 'command', state, apiMs: performance.now() - sent };
    } finally {
      if (this.busyTimer) clearTimeout(this.busyTimer);
      this.busyTimer = null;
    }
  }

  /** One answer, shown whole in one update: its step, stack and state, nothing else's. */
  private answered(item: Item, answer: Answer, left: number): void {
    this.pendingCount = left;
    // Commands still queued: said with this answer (no frame of its own); none: stopped.
    if (left > 0) this.runningShown = true;
    else this.stopRunning();
    if (answer.kind === 'start') {
      const old = this.snap.debugId;
      const r = answer.started;
      this.set({
        debugId: r.debugId,
        runId: r.runId,
        eventCount: r.eventCount,
        state: r.state,
        busy: null,
        error: null,
      });
      if (old && old !== r.debugId) void invoke('debug.close', { debugId: old }).catch(() => {});
      if (left === 0) this.peekSoon();
      return;
    }
    if (left === 0) this.peekSoon();
    if (item.kind === 'command' && item.shown) {
      // Shown at the key: the engine agreeing changes nothing on screen.
      if (this.snap.state === item.shown.state && sameAnswer(item.shown.state, answer.state)) {
        if (left > 0) this.emit(); // the stop line says the commands still queued
        return;
      }
      // Never seen: the engine's own answer is the truth, and shown now.
      if (this.snap.state === item.shown.state)
        console.warn(`debugger: the engine answered ${item.command.op} otherwise than ahead`);
    } else if (item.kind === 'command')
      this.pending = { op: item.command.op, at: item.at, apiMs: answer.apiMs, ahead: false };
    this.set({ state: sharedWith(this.snap.state, answer.state), busy: null });
  }

  close = (): void => {
    this.forgetAhead();
    this.queue.reset();
    if (this.busyTimer) clearTimeout(this.busyTimer);
    this.busyTimer = null;
    this.pendingCount = 0;
    this.stopRunning();
    const id = this.snap.debugId;
    this.set({ ...EMPTY });
    if (id) void invoke('debug.close', { debugId: id }).catch(() => {});
  };

  /** Called by the view once a new state is on screen. */
  painted = (seq: number): void => {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    // The new state is in the DOM (the view's layout effect): what is left is the frame's.
    const readyMs = performance.now() - p.at;
    // The frame with the new state: requestAnimationFrame runs before it is painted, the task
    // after it once it has been.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const list = (window.__irqlabStepLatencies ??= []);
        list.push({
          op: p.op,
          ms: performance.now() - p.at,
          apiMs: p.apiMs,
          readyMs,
          seq,
          ahead: p.ahead,
        });
        if (list.length > 2000) list.splice(0, list.length - 2000);
      }, 0),
    );
  };
}

/**
 * Resolves in the first task after the next frame is painted, or after AFTER_PAINT_LATEST_MS
 * when no frame comes (a hidden window draws none, and a command shown ahead must still reach the
 * engine).
 */
const AFTER_PAINT_LATEST_MS = 100;
const afterPaint = (): Promise<void> =>
  new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, AFTER_PAINT_LATEST_MS);
  });

/** One store per open session; the old session's debugger is closed. */
export function useDebuggerStore(sessionId: string | null): DebuggerStore {
  const store = useMemo(() => new DebuggerStore(sessionId), [sessionId]);
  useEffect(() => () => store.close(), [store]);
  return store;
}

/** A part of the debugger's state, re-rendering only when that part changes. */
export function useDebuggerSnapshot<T>(
  store: DebuggerStore,
  select: (s: DebuggerSnapshot) => T,
): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}

/** How many commands are queued or in flight (re-renders only the part that shows it). */
export function useDebuggerPending(store: DebuggerStore): number {
  return useSyncExternalStore(store.subscribe, store.getPending);
}
