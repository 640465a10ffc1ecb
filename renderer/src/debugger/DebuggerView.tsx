// The allocation debugger: a stored run stepped again, stopped at a step. Controls (step into /
// over / out / back, next event, continue, run to the cursor line, go to a step), the call stack
// with the arguments of every frame, the current kernel function as pseudo-source with the
// current line, the kernel's state there, the allocations to start from and the breakpoints.
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type MutableRefObject,
} from 'react';
import type { ResponseOf, StepStateView, StoredBreakpoint } from '../../../electron/api/channels';
import type { Breakpoint } from '../../../core/step/breakpoints';
import type { Machine } from '../../../core/model/schema';
import { AllocationPicker } from './AllocationPicker';
import { BreakpointsPanel } from './BreakpointsPanel';
import { errnoName, stopReason } from './diagnosis';
import { formatCount } from '../../../core/model/format';
import { allSourceTexts, placeOf, sourceOf, type Place } from './source';
import { prepareListings, SourceView } from './SourceView';
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
  // A step re-renders this view; each part below is memoized on what it shows, so a step
  // renders again only the parts its answer changed (the store keeps the identity of the parts
  // an answer did not change: useDebugger.ts sharedWith).
  const snapshot = useDebuggerSnapshot(store, (d) => d);
  const complete = useMemo(() => runs.filter((r) => r.status === 'complete'), [runs]);
  const run = complete.find((r) => r.id === runId) ?? null;
  const s = snapshot.state;
  // The frame picked in the call stack, for the stop it was picked at only: a new answer shows
  // its own innermost frame from its first paint (never a frame index of the previous stop).
  const [picked, setPicked] = useState<{ state: StepStateView; frame: number } | null>(null);
  const frame = picked && picked.state === s ? picked.frame : null;
  const shown = useRef(s);
  shown.current = s;
  const setFrame = useCallback((i: number) => {
    const at = shown.current;
    if (at) setPicked({ state: at, frame: i });
  }, []);
  // The source's cursor line: read by Run to cursor and F9 only, so kept out of the render (a
  // step moves it to the step's line; re-rendering the view for that would be a second render).
  const cursor = useRef(1);
  const setCursor = useCallback((line: number) => {
    cursor.current = line;
  }, []);
  const [notice, setNotice] = useState<string | null>(null);

  // Opening the view on a run starts (or moves) the debugger to it.
  useEffect(() => {
    if (run && snapshot.runId !== run.id && !store.starting(run.id)) store.start(run.id);
  }, [run?.id]);

  useLayoutEffect(() => {
    if (s) store.painted(s.seq);
  });

  // Every function's listing built in idle time once the view is open: a step swaps one in.
  useEffect(() => prepareListings(allSourceTexts()), []);

  const shownFrame = s ? (frame ?? s.stack.length - 1) : -1;
  const place = useMemo(() => (s ? placeOf(s, shownFrame) : null), [s, shownFrame]);
  const functionBps = useMemo(
    () => new Set(breakpoints.filter((b) => b.kind === 'function' && b.enabled).map((b) => b.spec)),
    [breakpoints],
  );
  const breakpointLines = useMemo(() => {
    const src = place?.source;
    if (!src) return NO_LINES;
    const lines = new Set<number>();
    if (functionBps.has(src.fn)) lines.add(src.entry);
    for (const [key, l] of src.marks) if (functionBps.has(key)) lines.add(l);
    return lines.size ? [...lines] : NO_LINES;
  }, [place?.source, functionBps]);

  // What the callbacks below read, as of this render (they stay the same functions across steps).
  const latest = useRef({ place, breakpoints, onSetBreakpoints });
  latest.current = { place, breakpoints, onSetBreakpoints };

  const toggleFunctionBreakpoint = useCallback((fn: string) => {
    const { breakpoints: list, onSetBreakpoints: save } = latest.current;
    const plain = list.map((b) => ({ kind: b.kind, spec: b.spec, enabled: b.enabled }));
    const at = plain.findIndex((b) => b.kind === 'function' && b.spec === fn);
    void save(
      at >= 0
        ? plain.filter((_, i) => i !== at)
        : [...plain, { kind: 'function', spec: fn, enabled: true }],
    );
  }, []);

  controller.current = {
    runToCursor: () => {
      if (!place) return;
      const fn = calleeAt(place.fn, cursor.current);
      if (!fn) {
        setNotice(
          `Line ${cursor.current} of ${place.fn} makes no traced call: put the cursor on a call.`,
        );
        return;
      }
      setNotice(null);
      void store.command({ op: 'run-to-call', fn });
    },
    toggleBreakpoint: () => {
      if (!place) return;
      const fn = calleeAt(place.fn, cursor.current) ?? place.fn;
      toggleFunctionBreakpoint(fn);
    },
  };

  const onGutterClick = useCallback(
    (line: number) => {
      const at = latest.current.place;
      if (!at) return;
      const fn = calleeAt(at.fn, line);
      if (fn) toggleFunctionBreakpoint(fn);
    },
    [toggleFunctionBreakpoint],
  );
  const pickAllocation = useCallback((seq: number) => store.command({ op: 'goto', seq }), [store]);

  const isVf = useCallback(
    (bdf: string) =>
      !!machine &&
      !machine.pci.some((f) => f.bdf === bdf) &&
      machine.pci.some((f) => (f.sriov?.num_vfs ?? 0) > 0),
    [machine],
  );

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

  const busy = snapshot.busy !== null;
  return (
    <div className="debugger" data-testid="debugger">
      <Toolbar
        store={store}
        controller={controller}
        busy={snapshot.busy}
        stopped={!!s}
        done={!!s?.done}
        seq={s?.seq ?? null}
        eventCount={snapshot.eventCount}
      />
      {(snapshot.error || notice) && (
        <div className={`${snapshot.error ? 'error' : 'warning'} banner`} role="alert">
          {snapshot.error ?? notice}
        </div>
      )}
      {s && <StopLine store={store} state={s} onOpenTrace={onOpenTrace} />}
      <div className="dbg-body">
        <aside className="dbg-left">
          <AllocationPicker
            sessionId={sessionId}
            runId={run?.id ?? complete[complete.length - 1]!.id}
            currentSeq={s?.seq ?? null}
            onPick={pickAllocation}
          />
          <BreakpointsPanel breakpoints={breakpoints} onChange={onSetBreakpoints} />
        </aside>
        <main className="dbg-center">
          <CallStack
            stack={s?.stack ?? null}
            shownFrame={shownFrame}
            busy={busy}
            onPick={setFrame}
          />
          <SourceHead place={place} />
          <SourceView
            text={place?.source?.text ?? ''}
            line={place?.line ?? 0}
            dark={dark}
            breakpointLines={breakpointLines}
            onGutterClick={onGutterClick}
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

const NO_LINES: number[] = [];

/** The buttons, "Go to step" and where the debugger is: re-rendered when one of those changes. */
const Toolbar = memo(function Toolbar({
  store,
  controller,
  busy: busyWith,
  stopped,
  done,
  seq,
  eventCount,
}: {
  store: DebuggerStore;
  controller: MutableRefObject<DebuggerController | null>;
  busy: string | null;
  stopped: boolean;
  done: boolean;
  seq: number | null;
  eventCount: number;
}) {
  const busy = busyWith !== null;
  const button = (label: string, title: string, op: () => void, disabled = false) => (
    <button onClick={op} disabled={busy || !stopped || disabled} title={title}>
      {label}
    </button>
  );
  return (
    <div className="dbg-toolbar" role="toolbar" aria-label="Debugger">
      {button(
        '▶ Continue',
        'Continue to the next breakpoint (F5)',
        () => void store.command({ op: 'continue' }),
        done,
      )}
      {button(
        'Step over',
        'Step over the call (F10)',
        () => void store.command({ op: 'over' }),
        done,
      )}
      {button(
        'Step into',
        'Step into the next call (F11)',
        () => void store.command({ op: 'into' }),
        done,
      )}
      {button(
        'Step out',
        'Run to the return of this function (Shift+F11)',
        () => void store.command({ op: 'out' }),
        done,
      )}
      {button(
        'Next event',
        'The next trace event (F7)',
        () => void store.command({ op: 'step' }),
        done,
      )}
      {button(
        '◀ Back',
        'One step back (Shift+F7)',
        () => void store.command({ op: 'back', n: 1 }),
        seq === 0,
      )}
      {button('Run to cursor', 'Run to the call on the cursor line (Ctrl+F10)', () =>
        controller.current?.runToCursor(),
      )}
      <span className="sep" />
      <GotoStep store={store} disabled={busy || !stopped} />
      <span className="spacer" />
      {seq !== null && (
        <span className="dbg-position" data-testid="dbg-position">
          <span className="dbg-position-text">
            step <strong>{formatCount(seq)}</strong> of {formatCount(eventCount)}
          </span>
        </span>
      )}
      {busy && (
        <span className="dbg-busy" role="status">
          {busyWith}…
        </span>
      )}
    </div>
  );
});

/** "Go to step": its own part, so a step (a new position in the toolbar) leaves the field as it is. */
const GotoStep = memo(function GotoStep({
  store,
  disabled,
}: {
  store: DebuggerStore;
  disabled: boolean;
}) {
  const [gotoText, setGotoText] = useState('');
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(gotoText.replace(/[,_\s]/g, ''));
        if (Number.isInteger(n) && n >= 0) void store.command({ op: 'goto', seq: n });
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
      <button type="submit" disabled={disabled}>
        Go
      </button>
    </form>
  );
});

/** The call stack, innermost frame first; a frame picked shows its function and line. */
const CallStack = memo(function CallStack({
  stack,
  shownFrame,
  busy,
  onPick,
}: {
  stack: StepStateView['stack'] | null;
  shownFrame: number;
  busy: boolean;
  onPick(frame: number): void;
}) {
  return (
    <div className="dbg-stack" data-testid="call-stack">
      <h4>Call stack</h4>
      {!stack ? (
        <p className="hint">{busy ? 'Booting the run in the debugger…' : 'Not started.'}</p>
      ) : stack.length === 0 ? (
        <p className="hint">Outside any function (between the boot's steps).</p>
      ) : (
        <ol reversed>
          {stack.map((_, k) => {
            const i = stack.length - 1 - k;
            const f = stack[i]!;
            return (
              <StackFrame
                key={`${i}:${f.seq}`}
                frame={f}
                index={i}
                selected={i === shownFrame}
                onPick={onPick}
              />
            );
          })}
        </ol>
      )}
    </div>
  );
});

const StackFrame = memo(function StackFrame({
  frame: f,
  index,
  selected,
  onPick,
}: {
  frame: StepStateView['stack'][number];
  index: number;
  selected: boolean;
  onPick(frame: number): void;
}) {
  return (
    <li>
      <button
        className={selected ? 'selected' : ''}
        onClick={() => onPick(index)}
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
});

/** The file, function and line shown, and what happens on that line at this step. */
const SourceHead = memo(function SourceHead({ place }: { place: Place | null }) {
  return (
    <>
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
    </>
  );
});

/**
 * Why the debugger stopped. While commands given after this stop are unanswered, the engine is on
 * its way elsewhere, and the line says so (what is shown below stays the last answer, whole):
 * at once when a command waits behind another, else once the one command has been unanswered
 * for 100 ms (useDebugger.ts RUNNING_AFTER_MS: a quick step is one frame, its answer). Its own
 * component: saying so repaints this line only.
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
  const ahead = useDebuggerSnapshot(store, (d) => d.ahead.join(' '));
  if (pending > 0)
    return (
      <div className="dbg-reason running" data-testid="dbg-reason" data-pending={pending}>
        <div className="dbg-reason-line">
          Running: <strong>{pending === 1 ? 'a command' : `${pending} commands`}</strong> given, not
          answered yet…
        </div>
      </div>
    );
  const ret = s.event.kind === 'ret' ? Number(s.event.args[0]?.value) : null;
  return (
    // data-ahead: the keys whose answer here is known, shown as they go down (useDebugger.ts).
    <div className="dbg-reason" data-testid="dbg-reason" data-pending={0} data-ahead={ahead}>
      <div className="dbg-reason-line">
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
    </div>
  );
}
