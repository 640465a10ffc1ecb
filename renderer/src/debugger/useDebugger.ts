// The debugger's state in the page: which run it steps, where it is stopped, the command under
// way. Commands go one at a time; one pressed while another runs is taken next (a key held down
// does not pile up commands: a newer one replaces the waiting one). Step latency (keypress to
// repaint) is recorded for the bench.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DebugCommand, StepStateView } from '../../../electron/api/channels';
import { invoke } from '../api/client';

declare global {
  interface Window {
    /** Keypress-to-repaint of each debugger command (ms), for bench/ui-step.ts. */
    __irqlabStepLatencies?: { op: string; ms: number; seq: number }[];
  }
}

/** When the key behind the next command went down (event.timeStamp). */
let keyDownAt: number | null = null;
export function noteCommandKey(timeStamp: number): void {
  keyDownAt = timeStamp;
}

export interface DebuggerApi {
  debugId: string | null;
  runId: number | null;
  eventCount: number;
  state: StepStateView | null;
  /** What is under way ("starting", "continue", ...), or null. */
  busy: string | null;
  error: string | null;
  start(runId: number, seq?: number): Promise<void>;
  command(command: DebugCommand): Promise<void>;
  close(): void;
  /** Called by the view once a new state is on screen. */
  painted(seq: number): void;
}

export function useDebugger(sessionId: string | null): DebuggerApi {
  const [debugId, setDebugId] = useState<string | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [eventCount, setEventCount] = useState(0);
  const [state, setState] = useState<StepStateView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useRef<{ debugId: string | null; busy: boolean }>({ debugId: null, busy: false });
  const pending = useRef<{ op: string; at: number } | null>(null);

  const close = useCallback(() => {
    const id = live.current.debugId;
    live.current.debugId = null;
    setDebugId(null);
    setState(null);
    setRunId(null);
    if (id) void invoke('debug.close', { debugId: id }).catch(() => {});
  }, []);

  // A new session: the old one's debugger goes.
  useEffect(() => close, [sessionId, close]);

  const start = useCallback(
    async (run: number, seq?: number) => {
      if (!sessionId) return;
      const old = live.current.debugId;
      live.current.busy = true;
      setBusy(seq !== undefined ? `opening step ${seq}` : 'starting');
      setError(null);
      try {
        const r = await invoke('debug.start', { sessionId, runId: run, seq });
        live.current.debugId = r.debugId;
        setDebugId(r.debugId);
        setRunId(r.runId);
        setEventCount(r.eventCount);
        setState(r.state);
        if (old && old !== r.debugId) void invoke('debug.close', { debugId: old }).catch(() => {});
      } catch (err) {
        setError((err as Error).message);
      } finally {
        live.current.busy = false;
        setBusy(null);
      }
    },
    [sessionId],
  );

  /** A command asked for while another runs: taken next (a third replaces it). */
  const queued = useRef<{ cmd: DebugCommand; at: number } | null>(null);
  const command = useCallback(async (cmd: DebugCommand) => {
    const id = live.current.debugId;
    const at = keyDownAt ?? performance.now();
    keyDownAt = null;
    if (!id) return;
    if (live.current.busy) {
      queued.current = { cmd, at };
      return;
    }
    live.current.busy = true;
    setError(null);
    let next: { cmd: DebugCommand; at: number } | null = { cmd, at };
    try {
      while (next) {
        const { cmd: c, at: t } = next;
        setBusy(c.op);
        const s = await invoke('debug.command', { debugId: id, command: c });
        if (live.current.debugId !== id) return;
        pending.current = { op: c.op, at: t };
        setState(s);
        next = queued.current;
        queued.current = null;
      }
    } catch (err) {
      queued.current = null;
      setError((err as Error).message);
    } finally {
      live.current.busy = false;
      setBusy(null);
    }
  }, []);

  const painted = useCallback((seq: number) => {
    const p = pending.current;
    if (!p) return;
    pending.current = null;
    // The frame with the new state: requestAnimationFrame runs before it is painted, the task
    // after it once it has been.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const list = (window.__irqlabStepLatencies ??= []);
        list.push({ op: p.op, ms: performance.now() - p.at, seq });
        if (list.length > 2000) list.splice(0, list.length - 2000);
      }, 0),
    );
  }, []);

  return { debugId, runId, eventCount, state, busy, error, start, command, close, painted };
}
