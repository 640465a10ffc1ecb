// The allocation debugger: a stored run stepped again, stopped at a step. Controls (step into /
// over / out / back, next event, continue, run to the cursor line, go to a step), the call stack
// with the arguments of every frame, the current kernel function as pseudo-source with the
// current line, the kernel's state there, the allocations to start from and the breakpoints.
import { useEffect, useLayoutEffect, useMemo, useState, type MutableRefObject } from 'react';
import type { ResponseOf, StepStateView, StoredBreakpoint } from '../../../electron/api/channels';
import type { Breakpoint } from '../../../core/step/breakpoints';
import type { Machine } from '../../../core/model/schema';
import { AllocationPicker } from './AllocationPicker';
import { BreakpointsPanel } from './BreakpointsPanel';
import { errnoName, stopReason } from './diagnosis';
import { formatCount } from '../../../core/model/format';
import { placeOf, sourceOf } from './source';
import { SourceView } from './SourceView';
import { StatePanel } from './StatePanel';
import { useDebuggerPending, useDebuggerSnapshot, type DebuggerStore } from './useDebugger';

type RunSummary = ResponseOf<'runs.list'>[number];

/** What the shell's commands (F9, Ctrl+F10) ask of the view. */
export interface DebuggerController {
  runToCursor(): void;
  toggleBreakpoint(): void;
}

interface Props {
  sessionId: string;
  runs: RunSummary[];
  runId: number | null;
  store: DebuggerStore;
  dark: boolean;
  machine: Machine | null;
  breakpoints: StoredBreakpoint[];
  onSetBreakpoints(list: Breakpoint[]): Promise<string | null>;
  controller: MutableRefObject<DebuggerController | null>;
  onDecode(address: string, data: string): void;
  onOpenTrace(seq: number): void;
  /** A run is being booted and stored (it will be debuggable when it is). */
  booting: boolean;
}

/** The traced function called on a line of a function's pseudo-source, if any. */
function calleeAt(fn: string, line: number): string | null {
  const src = sourceOf(fn);
  if (!src) return null;
  if (line === src.entry) return fn;
  for (const [key, l] of src.marks)
    if (l === line && !key.includes(':') && key !== 'log') return key;
  return null;
}

export function DebuggerView({
  sessionId,
  runs,
  runId,
  store,
  dark,
  machine,
  breakpoints,
  onSetBreakpoints,
  controller,
  onDecode,
  onOpenTrace,
  booting,
}: Props) {
  const snapshot = useDebuggerSnapshot(store, (d) => d);
  const dbg = { ...snapshot, start: store.start, command: store.command, painted: store.painted };
  const complete = runs.filter((r) => r.status === 'complete');
  const run = complete.find((r) => r.id === runId) ?? null;
  const s = dbg.state;
  // The frame picked in the call stack, for the stop it was picked at only: a new answer shows
  // its own innermost frame from its first paint (never a frame index of the previous stop).
  const [picked, setPicked] = useState<{ state: StepStateView; frame: number } | null>(null);
  const frame = picked && picked.state === s ? picked.frame : null;
  const setFrame = (i: number) => s && setPicked({ state: s, frame: i });
  const [cursor, setCursor] = useState(1);
  const [gotoText, setGotoText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);

  // Opening the view on a run starts (or moves) the debugger to it.
  useEffect(() => {
    if (run && dbg.runId !== run.id && !store.starting(run.id)) dbg.start(run.id);
  }, [run?.id]);

  useLayoutEffect(() => {
    if (s) dbg.painted(s.seq);
  });

  const shownFrame = s ? (frame ?? s.stack.length - 1) : -1;
  const place = s ? placeOf(s, shownFrame) : null;
  const functionBps = useMemo(
    () => new Set(breakpoints.filter((b) => b.kind === 'function' && b.enabled).map((b) => b.spec)),
    [breakpoints],
  );
  const breakpointLines = useMemo(() => {
    const src = place?.source;
    if (!src) return [];
    const lines = new Set<number>();
    if (functionBps.has(src.fn)) lines.add(src.entry);
    for (const [key, l] of src.marks) if (functionBps.has(key)) lines.add(l);
    return [...lines];
  }, [place?.source, functionBps]);

  const toggleFunctionBreakpoint = (fn: string) => {
    const plain = breakpoints.map((b) => ({ kind: b.kind, spec: b.spec, enabled: b.enabled }));
    const at = plain.findIndex((b) => b.kind === 'function' && b.spec === fn);
    void onSetBreakpoints(
      at >= 0
        ? plain.filter((_, i) => i !== at)
        : [...plain, { kind: 'function', spec: fn, enabled: true }],
    );
  };

  controller.current = {
    runToCursor: () => {
      if (!place) return;
      const fn = calleeAt(place.fn, cursor);
      if (!fn) {
        setNotice(`Line ${cursor} of ${place.fn} makes no traced call: put the cursor on a call.`);
        return;
      }
      setNotice(null);
      void dbg.command({ op: 'run-to-call', fn });
    },
    toggleBreakpoint: () => {
      if (!place) return;
      const fn = calleeAt(place.fn, cursor) ?? place.fn;
      toggleFunctionBreakpoint(fn);
    },
  };

  const isVf = (bdf: string) =>
    !!machine &&
    !machine.pci.some((f) => f.bdf === bdf) &&
    machine.pci.some((f) => (f.sriov?.num_vfs ?? 0) > 0);

  if (complete.length === 0)
    return (
      <div className="mode-empty" data-testid="debugger">
        <h2>Allocation debugger</h2>
        {booting ? (
          <p role="status">Booting the machine and storing its trace… the debugger opens on it.</p>
        ) : (
          <p>
            The debugger steps through a stored run, so every step is also a row of the trace
            explorer. Run the boot first (<kbd>Ctrl+Enter</kbd>).
          </p>
        )}
      </div>
    );

  const busy = dbg.busy !== null;
  const button = (label: string, title: string, op: () => void, disabled = false) => (
    <button onClick={op} disabled={busy || !s || disabled} title={title}>
      {label}
    </button>
  );
  return (
    <div className="debugger" data-testid="debugger">
      <div className="dbg-toolbar" role="toolbar" aria-label="Debugger">
        {button(
          '▶ Continue',
          'Continue to the next breakpoint (F5)',
          () => void dbg.command({ op: 'continue' }),
          s?.done,
        )}
        {button(
          'Step over',
          'Step over the call (F10)',
          () => void dbg.command({ op: 'over' }),
          s?.done,
        )}
        {button(
          'Step into',
          'Step into the next call (F11)',
          () => void dbg.command({ op: 'into' }),
          s?.done,
        )}
        {button(
          'Step out',
          'Run to the return of this function (Shift+F11)',
          () => void dbg.command({ op: 'out' }),
          s?.done,
        )}
        {button(
          'Next event',
          'The next trace event (F7)',
          () => void dbg.command({ op: 'step' }),
          s?.done,
        )}
        {button(
          '◀ Back',
          'One step back (Shift+F7)',
          () => void dbg.command({ op: 'back', n: 1 }),
          s?.seq === 0,
        )}
        {button('Run to cursor', 'Run to the call on the cursor line (Ctrl+F10)', () =>
          controller.current?.runToCursor(),
        )}
        <span className="sep" />
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(gotoText.replace(/[,_\s]/g, ''));
            if (Number.isInteger(n) && n >= 0) void dbg.command({ op: 'goto', seq: n });
          }}
        >
          <input
            className="goto"
            value={gotoText}
            onChange={(e) => setGotoText(e.target.value)}
            placeholder="step #"
            aria-label="Go to step"
            inputMode="numeric"
          />
          <button type="submit" disabled={busy || !s}>
            Go
          </button>
        </form>
        <span className="spacer" />
        {s && (
          <span className="dbg-position" data-testid="dbg-position">
            step <strong>{formatCount(s.seq)}</strong> of {formatCount(dbg.eventCount)}
          </span>
        )}
        {busy && (
          <span className="dbg-busy" role="status">
            {dbg.busy}…
          </span>
        )}
      </div>
      {(dbg.error || notice) && (
        <div className={`${dbg.error ? 'error' : 'warning'} banner`} role="alert">
          {dbg.error ?? notice}
        </div>
      )}
      {s && <StopLine store={store} state={s} onOpenTrace={onOpenTrace} />}
      <div className="dbg-body">
        <aside className="dbg-left">
          <AllocationPicker
            sessionId={sessionId}
            runId={run?.id ?? complete[complete.length - 1]!.id}
            currentSeq={s?.seq ?? null}
            onPick={(seq) => void dbg.command({ op: 'goto', seq })}
          />
          <BreakpointsPanel breakpoints={breakpoints} onChange={onSetBreakpoints} />
        </aside>
        <main className="dbg-center">
          <div className="dbg-stack" data-testid="call-stack">
            <h4>Call stack</h4>
            {!s ? (
              <p className="hint">{busy ? 'Booting the run in the debugger…' : 'Not started.'}</p>
            ) : s.stack.length === 0 ? (
              <p className="hint">Outside any function (between the boot's steps).</p>
            ) : (
              <ol reversed>
                {[...s.stack].reverse().map((f, k) => {
                  const i = s.stack.length - 1 - k;
                  return (
                    <li key={`${i}:${f.seq}`}>
                      <button
                        className={i === shownFrame ? 'selected' : ''}
                        onClick={() => setFrame(i)}
                        title={`entered at step ${f.seq}`}
                      >
                        <span className="frame-fn mono">{f.fn}</span>
                        <span className="frame-args mono">
                          ({f.args.map((a) => `${a.name}=${a.value}`).join(', ')})
                        </span>
                        <span className="frame-seq mono">#{formatCount(f.seq)}</span>
                      </button>
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
          <div className="dbg-source-head" data-testid="source-head">
            {place ? (
              <>
                <span className="mono">{place.source?.file ?? '(no source)'}</span> ·{' '}
                <strong className="mono">{place.fn}</strong> · line {place.line}:{' '}
                <span className="dim">{place.note}</span>
              </>
            ) : (
              <span className="dim">No function at this step.</span>
            )}
          </div>
          {place && !place.source && <p className="hint">No pseudo-source for {place.fn}.</p>}
          <SourceView
            place={place}
            dark={dark}
            breakpointLines={breakpointLines}
            onGutterClick={(line) => {
              if (!place) return;
              const fn = calleeAt(place.fn, line);
              if (fn) toggleFunctionBreakpoint(fn);
            }}
            onCursor={setCursor}
          />
        </main>
        <aside className="dbg-right">
          {s ? (
            <StatePanel state={s} isVf={isVf} onDecode={onDecode} />
          ) : (
            <p className="hint">The kernel's state shows here once the debugger has stopped.</p>
          )}
        </aside>
      </div>
    </div>
  );
}

/**
 * Why the debugger stopped, said only when it is stopped there: while commands given after this
 * stop are unanswered, the engine is on its way elsewhere, and the line says so (what is shown
 * below stays the last answer, whole). Its own component: a key press repaints this line only.
 */
function StopLine({
  store,
  state: s,
  onOpenTrace,
}: {
  store: DebuggerStore;
  state: StepStateView;
  onOpenTrace(seq: number): void;
}) {
  const pending = useDebuggerPending(store);
  if (pending > 0)
    return (
      <div className="dbg-reason running" data-testid="dbg-reason" data-pending={pending}>
        Running: <strong>{pending === 1 ? 'a command' : `${pending} commands`}</strong> given, not
        answered yet…
      </div>
    );
  const ret = s.event.kind === 'ret' ? Number(s.event.args[0]?.value) : null;
  return (
    <div className="dbg-reason" data-testid="dbg-reason" data-pending={0}>
      Stopped: <strong>{stopReason(s)}</strong>
      {ret !== null && ret < 0 && <span className="bad-text"> · returned {errnoName(ret)}</span>}
      {s.done && <span className="dim"> · the run has ended (step back to look around)</span>}
      <button
        className="link"
        onClick={() => onOpenTrace(s.seq)}
        title="Show this step in the trace explorer"
      >
        show in trace
      </button>
    </div>
  );
}
