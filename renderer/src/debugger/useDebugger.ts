// The debugger's state in the page: which run it steps, where it is stopped, the command under
// way. It lives in a small store outside React's tree so that a step re-renders the debugger's
// own view only, not the whole app (the machine's graph and editors stay as they are). Commands
// go one at a time; one pressed while another runs is taken next (a key held down does not pile
// up commands: a newer one replaces the waiting one). Step latency (keypress to repaint) is
// recorded for the bench (bench/ui-step.ts).
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { DebugCommand, StepStateView } from '../../../electron/api/channels';
import { invoke } from '../api/client';

declare global {
  interface Window {
    /** Keypress-to-repaint of each debugger command (ms), for bench/ui-step.ts. */
    __irqlabStepLatencies?: { op: string; ms: number; apiMs: number; seq: number }[];
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

export class DebuggerStore {
  private snap = EMPTY;
  private readonly listeners = new Set<() => void>();
  private running = false;
  private queued: { cmd: DebugCommand; at: number } | null = null;
  private pending: { op: string; at: number; apiMs: number } | null = null;

  constructor(private readonly sessionId: string | null) {}

  get = (): DebuggerSnapshot => this.snap;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<DebuggerSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  start = async (runId: number, seq?: number): Promise<void> => {
    if (!this.sessionId) return;
    const old = this.snap.debugId;
    this.running = true;
    this.set({ busy: seq !== undefined ? `opening step ${seq}` : 'starting', error: null });
    try {
      const r = await invoke('debug.start', { sessionId: this.sessionId, runId, seq });
      this.set({ debugId: r.debugId, runId: r.runId, eventCount: r.eventCount, state: r.state });
      if (old && old !== r.debugId) void invoke('debug.close', { debugId: old }).catch(() => {});
    } catch (err) {
      this.set({ error: (err as Error).message });
    } finally {
      this.running = false;
      this.set({ busy: null });
    }
  };

  command = async (cmd: DebugCommand): Promise<void> => {
    const id = this.snap.debugId;
    const at = keyDownAt ?? performance.now();
    keyDownAt = null;
    if (!id) return;
    if (this.running) {
      this.queued = { cmd, at };
      return;
    }
    this.running = true;
    let next: { cmd: DebugCommand; at: number } | null = { cmd, at };
    // "Busy" is said only for a command that takes a while (a continue through millions of
    // events): repainting it for every quick step would only slow the step down.
    let busyTimer: ReturnType<typeof setTimeout> | null = null;
    const sayBusy = (op: string) => {
      if (busyTimer) clearTimeout(busyTimer);
      busyTimer = setTimeout(() => this.set({ busy: op }), 150);
    };
    try {
      if (this.snap.error) this.set({ error: null });
      while (next) {
        const { cmd: c, at: t } = next;
        sayBusy(c.op);
        const sent = performance.now();
        const s = await invoke('debug.command', { debugId: id, command: c });
        if (this.snap.debugId !== id) return;
        this.pending = { op: c.op, at: t, apiMs: performance.now() - sent };
        next = this.queued;
        this.queued = null;
        if (busyTimer) clearTimeout(busyTimer);
        busyTimer = null;
        this.set({ state: s, busy: null });
      }
    } catch (err) {
      this.queued = null;
      this.set({ error: (err as Error).message });
    } finally {
      if (busyTimer) clearTimeout(busyTimer);
      this.running = false;
      if (this.snap.busy) this.set({ busy: null });
    }
  };

  close = (): void => {
    const id = this.snap.debugId;
    this.set({ ...EMPTY });
    if (id) void invoke('debug.close', { debugId: id }).catch(() => {});
  };

  /** Called by the view once a new state is on screen. */
  painted = (seq: number): void => {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    // The frame with the new state: requestAnimationFrame runs before it is painted, the task
    // after it once it has been.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const list = (window.__irqlabStepLatencies ??= []);
        list.push({ op: p.op, ms: performance.now() - p.at, apiMs: p.apiMs, seq });
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

export type DebuggerApi = DebuggerSnapshot &
  Pick<DebuggerStore, 'start' | 'command' | 'close' | 'painted'>;
