// The debugger's state in the page: which run it steps, where it is stopped, the commands under
// way. It lives in a small store outside React's tree so that a step re-renders the debugger's
// own view only, not the whole app (the machine's graph and editors stay as they are).
// Starting and every command go through one CommandQueue (command-queue.ts): each key is a
// command sent once the answer to the one before it is on screen, none dropped or merged, and
// each answer is shown whole (position, stack and state from the same answer, in one update).
// Step latency (keypress to repaint) is recorded for the bench (bench/ui-step.ts).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { DebugCommand, ResponseOf, StepStateView } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import { CommandQueue } from './command-queue';
import { sharedWith } from './shared-state';

declare global {
  interface Window {
    /** Keypress-to-repaint of each debugger command (ms), for bench/ui-step.ts. */
    __irqlabStepLatencies?: {
      op: string;
      ms: number;
      apiMs: number;
      readyMs: number;
      seq: number;
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
}

const EMPTY: DebuggerSnapshot = {
  debugId: null,
  runId: null,
  eventCount: 0,
  state: null,
  busy: null,
  error: null,
};

type Item =
  | { kind: 'start'; runId: number; seq?: number }
  | { kind: 'command'; command: DebugCommand; at: number };
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
  private pending: { op: string; at: number; apiMs: number } | null = null;
  private busyTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly queue: CommandQueue<Item, Answer>;

  constructor(private readonly sessionId: string | null) {
    this.queue = new CommandQueue<Item, Answer>({
      send: (item) => this.send(item),
      answered: (item, answer, left) => this.answered(item, answer, left),
      failed: (_item, error, unsent) => {
        const more = unsent.filter((u) => u.kind === 'command').length;
        const note = more
          ? ` (${more} command${more === 1 ? '' : 's'} given after it ${more === 1 ? 'was' : 'were'} not sent)`
          : '';
        this.pendingCount = 0;
        this.stopRunning();
        this.set({ error: error.message + note, busy: null });
      },
      queued: (_item, pending) => {
        this.pendingCount = pending;
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
    this.queue.push({ kind: 'command', command, at });
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
    this.busyTimer = setTimeout(() => this.set({ busy: op }), BUSY_AFTER_MS);
    const sent = performance.now();
    try {
      const state = await invoke('debug.command', { debugId, command: item.command });
      return { kind: 'command', state, apiMs: performance.now() - sent };
    } finally {
      clearTimeout(this.busyTimer);
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
      return;
    }
    if (item.kind === 'command')
      this.pending = { op: item.command.op, at: item.at, apiMs: answer.apiMs };
    this.set({ state: sharedWith(this.snap.state, answer.state), busy: null });
  }

  close = (): void => {
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
        list.push({ op: p.op, ms: performance.now() - p.at, apiMs: p.apiMs, readyMs, seq });
        if (list.length > 2000) list.splice(0, list.length - 2000);
      }, 0),
    );
  };
}

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
