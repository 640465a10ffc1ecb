// The trace mode: the explorer of a run's events; other modes open it at a step.
import { useState } from 'react';
import type { SessionState } from '../../../electron/api/channels';
import { TraceView } from '../trace/TraceView';
import type { DebuggerModeState } from './DebuggerMode';

export type TraceModeState = ReturnType<typeof useTraceMode>;

export function useTraceMode() {
  const [jump, setJump] = useState<{ seq: number; nonce: number } | null>(null);
  return {
    jump,
    /** Scrolls the explorer to step `seq` (each call a new jump, even to the same step). */
    jumpTo: (seq: number) => setJump((j) => ({ seq, nonce: (j?.nonce ?? 0) + 1 })),
  };
}

export function TraceMode({
  trace,
  debugger: d,
  shown,
  session,
  selectedRun,
  dark,
}: {
  trace: TraceModeState;
  debugger: DebuggerModeState;
  shown: boolean;
  session: SessionState;
  selectedRun: number | null;
  dark: boolean;
}) {
  return (
    <TraceView
      sessionId={session.sessionId}
      runs={session.runs}
      runId={selectedRun}
      dark={dark}
      jump={trace.jump}
      debugger={d.dbg}
      active={shown}
      onOpenInDebugger={(at) => d.openAt(selectedRun, at)}
    />
  );
}
