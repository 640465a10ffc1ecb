// The debugger mode: a stored run stepped again, its breakpoints kept in the session. Contributes
// the Debug menu: a debug command from any mode brings the debugger up first.
import { useRef, useState } from 'react';
import type { SessionState, StoredBreakpoint } from '../../../electron/api/channels';
import type { Breakpoint } from '../../../core/step/breakpoints';
import { invoke } from '../api/client';
import { DebuggerView, type DebuggerController } from '../debugger/DebuggerView';
import { useDebuggerSnapshot, useDebuggerStore } from '../debugger/useDebugger';
import type { MachineDocument } from '../model/document';
import type { CommandId } from '../shell/commands';
import type { Contribution } from '../shell/contributions';
import type { Mode } from './ModeArea';

/** Every debug.* command of the table: this mode owns them all. */
type DebugCommand = Extract<CommandId, `debug.${string}`>;

export type DebuggerModeState = ReturnType<typeof useDebuggerMode>;

export function useDebuggerMode({
  session,
  mode,
  show,
}: {
  session: SessionState | null;
  mode: Mode;
  show(mode: Mode): void;
}) {
  // The debugger's state lives in its own store: a step re-renders its views, not the app.
  const dbg = useDebuggerStore(session?.sessionId ?? null);
  const dbgRunId = useDebuggerSnapshot(dbg, (d) => d.runId);
  const controller = useRef<DebuggerController | null>(null);
  const [breakpoints, setBreakpoints] = useState<StoredBreakpoint[]>([]);

  const saveBreakpoints = async (list: Breakpoint[]): Promise<string | null> => {
    if (!session) return 'no session';
    // The engine's answers given ahead were for the breakpoints of before.
    dbg.breakpointsChanging();
    try {
      setBreakpoints(
        await invoke('breakpoints.set', { sessionId: session.sessionId, breakpoints: list }),
      );
      return null;
    } catch (err) {
      return (err as Error).message.replace(/^breakpoints\.set failed: /, '');
    } finally {
      dbg.breakpointsChanged();
    }
  };

  /** A debugger command: from anywhere, it brings the debugger up first. */
  const debugCommand = (id: DebugCommand) => {
    if (mode !== 'debugger') {
      show('debugger');
      // The first press opens the debugger (stopped at step 0); the next ones step.
      if (!dbg.get().debugId) return;
    }
    switch (id) {
      case 'debug.continue':
        return void dbg.command({ op: 'continue' });
      case 'debug.over':
        return void dbg.command({ op: 'over' });
      case 'debug.into':
        return void dbg.command({ op: 'into' });
      case 'debug.out':
        return void dbg.command({ op: 'out' });
      case 'debug.step':
        return void dbg.command({ op: 'step' });
      case 'debug.back':
        return void dbg.command({ op: 'back', n: 1 });
      case 'debug.restart':
        return void dbg.command({ op: 'goto', seq: 0 });
      case 'debug.runToCursor':
        return controller.current?.runToCursor();
      case 'debug.toggleBreakpoint':
        return controller.current?.toggleBreakpoint();
    }
  };

  const enabled = session !== null && session.runs.some((r) => r.status === 'complete');
  const ids: DebugCommand[] = [
    'debug.continue',
    'debug.over',
    'debug.into',
    'debug.out',
    'debug.step',
    'debug.back',
    'debug.runToCursor',
    'debug.toggleBreakpoint',
    'debug.restart',
  ];
  const commands = Object.fromEntries(
    ids.map((id) => [id, { enabled, run: () => debugCommand(id) }]),
  ) as Contribution<DebugCommand>;

  return {
    commands,
    dbg,
    dbgRunId,
    controller,
    breakpoints,
    saveBreakpoints,
    /** Shows step `at` of a run: the open debugger goes there, or one is started there. */
    openAt(runId: number | null, at: number) {
      show('debugger');
      if (runId === null) return;
      if (dbg.get().runId === runId && dbg.get().debugId) void dbg.command({ op: 'goto', seq: at });
      else void dbg.start(runId, at);
    },
    /** A session adopted: its breakpoints read from it. */
    adopt(s: SessionState) {
      setBreakpoints([]);
      void invoke('breakpoints.list', { sessionId: s.sessionId }).then(setBreakpoints, () => {});
    },
  };
}

export function DebuggerMode({
  debugger: d,
  shown,
  session,
  selectedRun,
  booting,
  machine,
  dark,
  onDecode,
  onOpenTrace,
}: {
  debugger: DebuggerModeState;
  shown: boolean;
  session: SessionState;
  selectedRun: number | null;
  booting: boolean;
  machine: MachineDocument['shown'];
  dark: boolean;
  onDecode(address: string, data: string): void;
  onOpenTrace(seq: number): void;
}) {
  return (
    <DebuggerView
      sessionId={session.sessionId}
      runs={session.runs}
      runId={shown ? selectedRun : d.dbgRunId}
      store={d.dbg}
      dark={dark}
      machine={machine}
      breakpoints={d.breakpoints}
      onSetBreakpoints={d.saveBreakpoints}
      controller={d.controller}
      booting={booting}
      onDecode={onDecode}
      onOpenTrace={onOpenTrace}
    />
  );
}
