import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type {
  JobStatus,
  ResponseOf,
  SessionState,
  StoredBreakpoint,
} from '../../electron/api/channels';
import type { Injection } from '../../core/kernel/injections';
import type { KernelProfile } from '../../core/kernel/profiles';
import type { Breakpoint } from '../../core/step/breakpoints';
import { AnalysisView, type AnalysisTarget } from './analysis/AnalysisView';
import { CompareView } from './compare/CompareView';
import { DebuggerView, type DebuggerController } from './debugger/DebuggerView';
import { noteCommandKey, useDebuggerSnapshot, useDebuggerStore } from './debugger/useDebugger';
import { injectionLabel, InjectionsDialog, ProfileEditor } from './runs/RunOptions';
import { TraceView } from './trace/TraceView';
import { fileAsBase64, invoke } from './api/client';
import { MachineEditor } from './editor/MachineEditor';
import { useMachineSchema } from './editor/monaco';
import { addDevice, duplicateDevice, removeDevice, setVfs } from './model/devices';
import { useMachineDocument, type Problem } from './model/document';
import { parseJsonPath, type PathKey } from './model/json-locate';
import { ExportDialog } from './runs/ExportDialog';
import { RunProgress, RunsPanel } from './runs/RunsPanel';
import { useJob } from './runs/useJob';
import { COMMANDS, isFunctionKey, matches, type CommandId } from './shell/commands';
import { CommandPalette, MenuBar, ShortcutsHelp } from './shell/MenuBar';
import { StartPage } from './start/StartPage';
import { nodeIdOfPci, type GraphNode } from './topology/graph';
import { PropertyPanel } from './topology/PropertyPanel';
import { TopologyView } from './topology/TopologyView';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { Modal } from './ui/Modal';

type Info = ResponseOf<'app.info'>;
type Profile = ResponseOf<'profiles.list'>[number];

function usePrefersDark(): boolean {
  const query = useMemo(() => window.matchMedia('(prefers-color-scheme: dark)'), []);
  const [dark, setDark] = useState(query.matches);
  useEffect(() => {
    const listener = (event: MediaQueryListEvent) => setDark(event.matches);
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }, [query]);
  return dark;
}

function isEditable(target: EventTarget | null): 'monaco' | 'field' | null {
  const el = target as HTMLElement | null;
  if (!el || !el.closest) return null;
  if (el.closest('.monaco-editor')) return 'monaco';
  if (el.closest('input, textarea, select, [contenteditable="true"]')) return 'field';
  return null;
}

type Pending = { action: () => void; verb: string } | null;

/** The views of a session: the machine (graph, JSON, runs), the debugger, the trace, ... */
export type Mode = 'machine' | 'debugger' | 'trace' | 'analysis' | 'compare';
const MODES: { mode: Mode; label: string; command: CommandId }[] = [
  { mode: 'machine', label: 'Machine', command: 'view.machine' },
  { mode: 'debugger', label: 'Debugger', command: 'view.debugger' },
  { mode: 'trace', label: 'Trace', command: 'view.trace' },
  { mode: 'analysis', label: 'Analysis', command: 'view.analysis' },
  { mode: 'compare', label: 'Compare', command: 'view.compare' },
];

/** The value of the profile select that stands for the edited profile. */
const CUSTOM_PROFILE = '\u0000custom';

export function App() {
  const dark = usePrefersDark();
  const [info, setInfo] = useState<Info | null>(null);
  const [schema, setSchema] = useState<Record<string, unknown> | null>(null);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [profile, setProfile] = useState<string>('');
  const [session, setSession] = useState<SessionState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const doc = useMachineDocument();
  const [selected, setSelected] = useState<GraphNode | null>(null);
  const [reveal, setReveal] = useState<{ path: PathKey[]; seq: number } | null>(null);
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const [formatSeq, setFormatSeq] = useState(0);
  const [showJson, setShowJson] = useState(true);
  const [showResults, setShowResults] = useState(false);
  const [selectedRun, setSelectedRun] = useState<number | null>(null);
  const [runJobId, setRunJobId] = useState<string | null>(null);
  const [exportRun, setExportRun] = useState<number | null>(null);
  const [modal, setModal] = useState<
    'palette' | 'shortcuts' | 'find' | 'saveAs' | 'injections' | 'profile' | null
  >(null);
  const [mode, setMode] = useState<Mode>('machine');
  /** The modes visited in this session (kept mounted, hidden, once opened). */
  const [visited, setVisited] = useState<Set<Mode>>(new Set(['machine']));
  const [injections, setInjections] = useState<Injection[]>([]);
  const [customProfile, setCustomProfile] = useState<KernelProfile | null>(null);
  const [breakpoints, setBreakpoints] = useState<StoredBreakpoint[]>([]);
  const [traceJump, setTraceJump] = useState<{ seq: number; nonce: number } | null>(null);
  const [analysisTarget, setAnalysisTarget] = useState<AnalysisTarget | null>(null);
  // The debugger's state lives in its own store: a step re-renders its views, not the app.
  const dbg = useDebuggerStore(session?.sessionId ?? null);
  const dbgRunId = useDebuggerSnapshot(dbg, (d) => d.runId);
  const debugController = useRef<DebuggerController | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [editProblems, setEditProblems] = useState<Problem[]>([]);
  const openInput = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    void (async () => {
      try {
        const [appInfo, s, p] = await Promise.all([
          invoke('app.info', {}),
          invoke('machine.jsonSchema', {}),
          invoke('profiles.list', {}),
        ]);
        useMachineSchema(s.schema);
        setSchema(s.schema);
        setInfo(appInfo);
        setProfiles(p);
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, []);

  const machineName =
    doc.analysis.machine?.name ?? doc.shown?.name ?? session?.machine?.name ?? 'machine';
  const needsSave = session !== null && (doc.dirty || (!session.titled && session.runs.length > 0));

  useEffect(() => {
    document.title = session ? `${needsSave ? '• ' : ''}${session.title} — irqlab` : 'irqlab';
  }, [session, needsSave]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (needsSave) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [needsSave]);

  const show = useCallback((m: Mode) => {
    setMode(m);
    setVisited((v) => (v.has(m) ? v : new Set([...v, m])));
  }, []);

  const adopt = useCallback(
    (s: SessionState, startIn: Mode = 'machine') => {
      setSession(s);
      setMode(startIn);
      setVisited(new Set(['machine', startIn]));
      setBreakpoints([]);
      void invoke('breakpoints.list', { sessionId: s.sessionId }).then(setBreakpoints, () => {});
      doc.reset(s.machine?.text ?? '');
      setSelected(null);
      setEditProblems([]);
      const last = s.runs[s.runs.length - 1];
      setSelectedRun(last?.id ?? null);
      setShowResults(s.runs.length > 0);
      setError(null);
    },
    [doc],
  );

  const saveBreakpoints = async (list: Breakpoint[]): Promise<string | null> => {
    if (!session) return 'no session';
    try {
      setBreakpoints(
        await invoke('breakpoints.set', { sessionId: session.sessionId, breakpoints: list }),
      );
      return null;
    } catch (err) {
      return (err as Error).message.replace(/^breakpoints\.set failed: /, '');
    }
  };

  /** Runs `action` once the current session is saved or the user chose not to. */
  const guard = (verb: string, action: () => void) => {
    if (needsSave) setPending({ action, verb });
    else action();
  };

  const closeSession = async () => {
    if (session) await invoke('session.close', { sessionId: session.sessionId }).catch(() => {});
    setSession(null);
    setRunJobId(null);
  };

  const newSession = async (
    name: string,
    text: string,
    realInterrupts?: { fileName: string; text: string; missing: string[] },
  ) => {
    try {
      await closeSession();
      adopt(await invoke('session.new', { machineName: name, machineText: text, realInterrupts }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  /** An example of the start page: a new session booted under the kernel that had the bug. */
  const openExample = async (name: string) => {
    try {
      await closeSession();
      const { session: s, jobId } = await invoke('examples.open', { name });
      adopt(s, 'debugger');
      setRunJobId(jobId);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const openWith = async (open: () => Promise<SessionState | null>) => {
    try {
      const s = await open();
      if (!s) return;
      if (session && s.sessionId !== session.sessionId) await closeSession();
      adopt(s);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const uploadFile = (file: File) =>
    void openWith(async () => {
      if (!file.name.toLowerCase().endsWith('.irqlab'))
        throw new Error(`${file.name}: not an irqlab session (a .irqlab file)`);
      return invoke('session.upload', { fileName: file.name, base64: await fileAsBase64(file) });
    });

  const save = async (): Promise<boolean> => {
    if (!session) return false;
    if (!session.titled) {
      if (info?.mode === 'electron') return saveAs();
      setModal('saveAs');
      return false;
    }
    try {
      const s = await invoke('session.save', {
        sessionId: session.sessionId,
        machineName,
        machineText: doc.text,
      });
      setSession(s);
      doc.markSaved(doc.text);
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };

  const saveAs = async (name?: string, overwrite = false): Promise<boolean> => {
    if (!session) return false;
    const s = await invoke('session.saveAs', {
      sessionId: session.sessionId,
      machineName,
      machineText: doc.text,
      name,
      overwrite,
    });
    if (!s) return false;
    setSession(s);
    doc.markSaved(doc.text);
    return true;
  };

  const onRunEnd = useCallback(
    async (status: JobStatus) => {
      if (!session) return;
      const runs = await invoke('runs.list', { sessionId: session.sessionId }).catch(() => null);
      if (runs) setSession((s) => (s ? { ...s, runs } : s));
      if (status.runId !== null) setSelectedRun(status.runId);
      else if (runs?.length) setSelectedRun(runs[runs.length - 1]!.id);
      if (status.state === 'failed') setError(`The run failed: ${status.error}`);
    },
    [session],
  );
  const runJob = useJob(runJobId, (s) => void onRunEnd(s));
  const running = runJob?.state === 'running' || (runJobId !== null && runJob === null);

  const runBoot = async () => {
    if (!session || running) return;
    if (!doc.analysis.machine) {
      setError(
        `The machine is not valid (${doc.analysis.problems.length} problem${doc.analysis.problems.length === 1 ? '' : 's'}): fix it before running.`,
      );
      return;
    }
    try {
      setError(null);
      setShowResults(true);
      const { jobId } = await invoke('run.start', {
        sessionId: session.sessionId,
        machineText: doc.text,
        profile: profile && profile !== CUSTOM_PROFILE ? profile : undefined,
        customProfile: profile === CUSTOM_PROFILE && customProfile ? customProfile : undefined,
        injections,
      });
      setRunJobId(jobId);
      // The new run shows in the list while it goes.
      const runs = await invoke('runs.list', { sessionId: session.sessionId });
      setSession((s) => (s ? { ...s, runs } : s));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  // While a run goes, its row in the runs list shows (and its event count grows).
  useEffect(() => {
    if (!running || !session) return;
    const id = session.sessionId;
    const timer = setInterval(() => {
      void invoke('runs.list', { sessionId: id }).then(
        (runs) => setSession((s) => (s && s.sessionId === id ? { ...s, runs } : s)),
        () => {},
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [running, session?.sessionId]);

  const cancelRun = () => {
    if (runJob?.state === 'running') void invoke('job.cancel', { jobId: runJob.jobId });
  };

  const selectedFn = useMemo(() => {
    if (!selected?.path || selected.path[0] !== 'pci' || !doc.shown) return null;
    return doc.shown.pci[selected.path[1] as number] ?? null;
  }, [selected, doc.shown]);

  const editable = doc.shownIsCurrent;
  const structural = (make: () => { problems: Problem[]; select?: string }) => {
    let result: { problems: Problem[]; select?: string };
    try {
      result = make();
    } catch (err) {
      result = { problems: [{ path: '$', message: (err as Error).message }] };
    }
    setEditProblems(result.problems);
    if (result.problems.length === 0 && result.select)
      setFocus({ id: result.select, seq: ++seq.current });
    return result.problems;
  };
  const actions = {
    addChild: (parent: Parameters<typeof addDevice>[1]) =>
      structural(() => {
        const { edit, bdf } = addDevice(doc.shown!, parent);
        const problems = doc.tryEdit(edit);
        if (!problems.length) setSelected(null);
        return { problems, select: nodeIdOfPci(bdf) };
      }),
    remove: (fn: Parameters<typeof removeDevice>[1]) =>
      structural(() => {
        const problems = doc.tryEdit(removeDevice(doc.shown!, fn));
        if (!problems.length) setSelected(null);
        return { problems };
      }),
    duplicate: (fn: Parameters<typeof duplicateDevice>[1]) =>
      structural(() => {
        const { edit, bdf } = duplicateDevice(doc.shown!, fn);
        return { problems: doc.tryEdit(edit), select: nodeIdOfPci(bdf) };
      }),
    setVfs: (fn: Parameters<typeof setVfs>[0], n: number) =>
      structural(() => ({ problems: doc.tryEdit(setVfs(fn, n)) })),
  };

  const selectedNode = selected;

  const enabled = (id: CommandId): boolean => {
    const open = session !== null;
    switch (id) {
      case 'file.new':
      case 'file.open':
      case 'view.palette':
      case 'help.shortcuts':
        return true;
      case 'file.save':
      case 'file.saveAs':
      case 'file.close':
      case 'view.toggleJson':
      case 'view.formatJson':
      case 'view.toggleResults':
      case 'view.find':
      case 'view.fit':
        return open;
      case 'file.export':
        return (
          open &&
          selectedRun !== null &&
          session!.runs.some((r) => r.id === selectedRun && r.status === 'complete')
        );
      case 'edit.undo':
        return open && doc.canUndo;
      case 'edit.redo':
        return open && doc.canRedo;
      case 'edit.addDevice':
        return open && editable;
      case 'edit.duplicate':
      case 'edit.delete':
        return open && editable && selectedFn !== null;
      case 'run.boot':
        return open && !running;
      case 'run.cancel':
        return running;
      case 'run.injections':
      case 'run.editProfile':
      case 'view.machine':
      case 'view.debugger':
      case 'view.trace':
      case 'view.analysis':
      case 'view.compare':
        return open;
      case 'debug.continue':
      case 'debug.over':
      case 'debug.into':
      case 'debug.out':
      case 'debug.step':
      case 'debug.back':
      case 'debug.runToCursor':
      case 'debug.toggleBreakpoint':
      case 'debug.restart':
        return open && session!.runs.some((r) => r.status === 'complete');
    }
  };

  /** A debugger command: from anywhere, it brings the debugger up first. */
  const debugCommand = (id: CommandId) => {
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
        return debugController.current?.runToCursor();
      case 'debug.toggleBreakpoint':
        return debugController.current?.toggleBreakpoint();
    }
  };

  const runCommand = (id: CommandId) => {
    if (!enabled(id)) return;
    switch (id) {
      case 'file.new':
        return guard('start a new session', () => void closeSession());
      case 'file.open':
        return guard('open another session', () => {
          if (info?.mode === 'electron') void openWith(() => invoke('session.openDialog', {}));
          else openInput.current?.click();
        });
      case 'file.save':
        return void save();
      case 'file.saveAs':
        if (info?.mode === 'electron')
          return void saveAs().catch((e: Error) => setError(e.message));
        return setModal('saveAs');
      case 'file.export':
        return setExportRun(selectedRun);
      case 'file.close':
        return guard('close it', () => void closeSession());
      case 'edit.undo':
        return doc.undo();
      case 'edit.redo':
        return doc.redo();
      case 'edit.addDevice':
        return void actions.addChild(
          selectedFn && selectedFn.kind !== 'endpoint' ? selectedFn : null,
        );
      case 'edit.duplicate':
        return void (selectedFn && actions.duplicate(selectedFn));
      case 'edit.delete':
        return void (selectedFn && actions.remove(selectedFn));
      case 'view.find':
        return setModal('find');
      case 'view.fit':
        return setFocus({ id: '', seq: ++seq.current });
      case 'view.toggleJson':
        return setShowJson((v) => !v);
      case 'view.formatJson':
        setShowJson(true);
        return setFormatSeq((n) => n + 1);
      case 'view.toggleResults':
        return setShowResults((v) => !v);
      case 'view.palette':
        return setModal('palette');
      case 'run.boot':
        return void runBoot();
      case 'run.cancel':
        return cancelRun();
      case 'run.injections':
        return setModal('injections');
      case 'run.editProfile':
        return setModal('profile');
      case 'view.machine':
      case 'view.debugger':
      case 'view.trace':
      case 'view.analysis':
      case 'view.compare':
        return show(MODES.find((m) => m.command === id)!.mode);
      case 'debug.continue':
      case 'debug.over':
      case 'debug.into':
      case 'debug.out':
      case 'debug.step':
      case 'debug.back':
      case 'debug.runToCursor':
      case 'debug.toggleBreakpoint':
      case 'debug.restart':
        return debugCommand(id);
      case 'help.shortcuts':
        return setModal('shortcuts');
    }
  };
  const runRef = useRef(runCommand);
  runRef.current = runCommand;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('.modal-backdrop')) return;
      const where = isEditable(e.target);
      for (const c of COMMANDS) {
        if (!c.shortcut || !matches(c.shortcut, e)) continue;
        // Typing keys stay with the field being typed in; undo in a plain field is the field's.
        // Function keys are never typing (F10 steps from the source view too).
        if (where && !c.shortcut.includes('Ctrl') && !isFunctionKey(c.shortcut)) return;
        if (where === 'field' && (c.id === 'edit.undo' || c.id === 'edit.redo')) return;
        // An editor that runs its own text on a key (the SQL box: Ctrl+Enter) keeps it.
        const own = (e.target as HTMLElement | null)?.closest?.('[data-own-keys]');
        if (own?.getAttribute('data-own-keys')?.split(' ').includes(c.shortcut)) return;
        e.preventDefault();
        e.stopPropagation();
        if (c.id.startsWith('debug.')) noteCommandKey(e.timeStamp);
        runRef.current(c.id);
        return;
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y' && where !== 'field') {
        e.preventDefault();
        runRef.current('edit.redo');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // The desktop app's native menu sends the same commands.
  // Menu commands once the app's mode is known (a file the OS opened at start-up waits for it).
  const ready = info !== null;
  useEffect(
    () =>
      ready ? window.irqlab?.onMenuCommand?.((id) => runRef.current(id as CommandId)) : undefined,
    [ready],
  );

  if (!info) {
    return (
      <div className={`app ${dark ? 'dark' : 'light'}`}>
        {error ? (
          <div className="loading" role="alert" data-testid="app-error">
            {error}
          </div>
        ) : (
          <div className="loading">Loading…</div>
        )}
      </div>
    );
  }

  const problems = doc.analysis.problems;
  const hiddenOpenInput = (
    <input
      ref={openInput}
      type="file"
      accept=".irqlab"
      hidden
      data-testid="app-open-input"
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) uploadFile(f);
        e.target.value = '';
      }}
    />
  );

  return (
    <div
      className={`app ${dark ? 'dark' : 'light'}`}
      onDragOver={(e) => session && e.preventDefault()}
      onDrop={(e) => {
        if (!session) return;
        e.preventDefault();
        const f = e.dataTransfer.files[0];
        if (f) guard('open another session', () => uploadFile(f));
      }}
    >
      <header className="titlebar">
        <span className="logo">irqlab</span>
        <MenuBar enabled={enabled} run={runCommand} />
        {session && (
          <span className="session-title" title={session.location}>
            <span data-testid="session-title">{session.title}</span>
            {needsSave && (
              <span className="dirty" data-testid="dirty" title="Unsaved changes">
                {' '}
                •
              </span>
            )}
          </span>
        )}
        <span className="spacer" />
        <span className="mode" title={`irqlab ${info.version} on ${info.platform}`}>
          {info.mode === 'browser' ? 'browser mode' : 'desktop'} · v{info.version}
        </span>
      </header>
      {hiddenOpenInput}
      {!session ? (
        <StartPage
          info={info}
          error={error}
          onNew={(name, text, real) => void newSession(name, text, real)}
          onOpenRecent={(recentId) =>
            void openWith(() => invoke('session.openRecent', { recentId }))
          }
          onOpenDialog={() => void openWith(() => invoke('session.openDialog', {}))}
          onUpload={uploadFile}
          onOpenExample={(name) => void openExample(name)}
        />
      ) : (
        <>
          <div className="toolbar" role="toolbar" aria-label="Session">
            <button onClick={() => doc.undo()} disabled={!doc.canUndo} title="Undo (Ctrl+Z)">
              ↶ Undo
            </button>
            <button onClick={() => doc.redo()} disabled={!doc.canRedo} title="Redo (Ctrl+Shift+Z)">
              ↷ Redo
            </button>
            <button onClick={() => void save()} title="Save (Ctrl+S)">
              Save
            </button>
            <span className="sep" />
            <label className="inline">
              Profile
              <select
                value={profile}
                onChange={(e) => setProfile(e.target.value)}
                aria-label="Kernel profile"
                title={
                  profiles.find((p) => p.name === profile)?.description ??
                  'The profile the machine’s kernel version picks'
                }
              >
                <option value="">auto (from kernel.version)</option>
                {profiles.map((p) => (
                  <option key={p.name} value={p.name} title={p.description}>
                    {p.name}
                  </option>
                ))}
                {customProfile && (
                  <option value={CUSTOM_PROFILE} title={customProfile.description}>
                    {customProfile.name} (edited)
                  </option>
                )}
              </select>
            </label>
            <button
              onClick={() => setModal('profile')}
              title="Clone a profile and change its behaviour flags"
            >
              Edit profile…
            </button>
            <button
              className={injections.length ? 'toggle on' : ''}
              onClick={() => setModal('injections')}
              title={
                injections.length
                  ? `The next run injects: ${injections.map(injectionLabel).join('; ')}`
                  : 'Fault injections for the next run'
              }
              data-testid="injections-button"
            >
              Injections{injections.length ? ` (${injections.length})` : '…'}
            </button>
            <button
              className="primary"
              onClick={() => void runBoot()}
              disabled={running}
              title="Run the kernel's boot on this machine (Ctrl+Enter)"
            >
              {running ? 'Running…' : '▶ Run boot'}
            </button>
            {running && runJob && !showResults && <RunProgress job={runJob} onCancel={cancelRun} />}
            <span className="spacer" />
            <button
              className={showJson ? 'toggle on' : 'toggle'}
              onClick={() => setShowJson((v) => !v)}
              title="Show/hide the JSON (Ctrl+J)"
            >
              JSON
            </button>
            <button
              className={showResults ? 'toggle on' : 'toggle'}
              onClick={() => setShowResults((v) => !v)}
              title="Show/hide the results (Ctrl+R)"
            >
              Results
            </button>
          </div>
          <nav className="modebar" role="tablist" aria-label="Views">
            {MODES.map((m) => (
              <button
                key={m.mode}
                role="tab"
                aria-selected={mode === m.mode}
                className={mode === m.mode ? 'active' : ''}
                onClick={() => show(m.mode)}
                data-testid={`mode-${m.mode}`}
              >
                {m.label}
              </button>
            ))}
            <span className="spacer" />
            {mode !== 'machine' && (
              <label className="inline">
                Run
                <select
                  value={selectedRun ?? ''}
                  onChange={(e) => setSelectedRun(Number(e.target.value))}
                  aria-label="Run shown"
                >
                  {session.runs.length === 0 && <option value="">no runs yet</option>}
                  {[...session.runs].reverse().map((r) => (
                    <option key={r.id} value={r.id} disabled={r.status !== 'complete'}>
                      Run {r.id} · {r.profile}
                      {r.status !== 'complete' ? ` (${r.status})` : ''}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </nav>
          {error && (
            <div className="error banner" role="alert" data-testid="app-error">
              {error}
              <button className="icon" onClick={() => setError(null)} aria-label="Dismiss">
                ×
              </button>
            </div>
          )}
          {!doc.shownIsCurrent && doc.shown && (
            <div className="warning banner" data-testid="stale-graph">
              The JSON has {problems.length} problem{problems.length === 1 ? '' : 's'}: the graph
              shows the last valid machine and cannot be edited until the JSON is fixed.
            </div>
          )}
          <div
            className={`workspace${showResults ? ' with-results' : ''}${mode === 'machine' ? '' : ' hidden'}`}
          >
            <div className="editors">
              <div className="graph-pane">
                <TopologyView
                  machine={doc.shown}
                  selected={selectedNode?.id ?? null}
                  onSelect={(id, node) => {
                    setSelected(id ? node : null);
                    setEditProblems([]);
                    if (node?.path) setReveal({ path: node.path, seq: ++seq.current });
                  }}
                  onSelectedChanged={setSelected}
                  focus={focus}
                />
                <PropertyPanel
                  node={selectedNode}
                  machine={doc.shown}
                  value={doc.analysis.value}
                  schema={schema as never}
                  editable={editable}
                  tryEdit={doc.tryEdit}
                  onReveal={(path) => {
                    setShowJson(true);
                    setReveal({ path, seq: ++seq.current });
                  }}
                  actions={actions}
                />
              </div>
              <div className={`json-pane${showJson ? '' : ' hidden'}`}>
                <MachineEditor
                  text={doc.text}
                  dark={dark}
                  problems={problems}
                  reveal={reveal}
                  onChange={doc.setTextFromEditor}
                  onUndo={doc.undo}
                  onRedo={doc.redo}
                  formatSeq={formatSeq}
                />
              </div>
            </div>
            {showResults && (
              <RunsPanel
                sessionId={session.sessionId}
                runs={session.runs}
                selectedRun={selectedRun}
                onSelectRun={setSelectedRun}
                job={runJob}
                onCancel={cancelRun}
                onExport={(id) => setExportRun(id)}
                explainAvailable={info.features.explain}
                onClose={() => setShowResults(false)}
              />
            )}
          </div>
          <ModeArea mode="debugger" shown={mode} visited={visited} what="debugger">
            <DebuggerView
              sessionId={session.sessionId}
              runs={session.runs}
              runId={mode === 'debugger' ? selectedRun : dbgRunId}
              store={dbg}
              dark={dark}
              machine={doc.shown}
              breakpoints={breakpoints}
              onSetBreakpoints={saveBreakpoints}
              controller={debugController}
              booting={running}
              onDecode={(address, data) => {
                setAnalysisTarget({ tab: 'decoder', address, data, nonce: ++seq.current });
                show('analysis');
              }}
              onOpenTrace={(at) => {
                setTraceJump({ seq: at, nonce: ++seq.current });
                show('trace');
              }}
            />
          </ModeArea>
          <ModeArea mode="trace" shown={mode} visited={visited} what="trace explorer">
            <TraceView
              sessionId={session.sessionId}
              runs={session.runs}
              runId={selectedRun}
              dark={dark}
              jump={traceJump}
              debugger={dbg}
              active={mode === 'trace'}
              onOpenInDebugger={(at) => {
                show('debugger');
                if (selectedRun === null) return;
                if (dbg.get().runId === selectedRun && dbg.get().debugId)
                  void dbg.command({ op: 'goto', seq: at });
                else void dbg.start(selectedRun, at);
              }}
            />
          </ModeArea>
          <ModeArea mode="analysis" shown={mode} visited={visited} what="analysis view">
            <AnalysisView
              sessionId={session.sessionId}
              runs={session.runs}
              runId={selectedRun}
              target={analysisTarget}
            />
          </ModeArea>
          <ModeArea mode="compare" shown={mode} visited={visited} what="comparison">
            <CompareView
              sessionId={session.sessionId}
              runs={session.runs}
              profiles={profiles}
              runId={selectedRun}
              machineText={doc.text}
              onRunsChanged={async (select) => {
                const runs = await invoke('runs.list', { sessionId: session.sessionId });
                setSession((x) => (x ? { ...x, runs } : x));
                if (select !== undefined) setSelectedRun(select);
              }}
            />
          </ModeArea>
          <footer className="statusbar" data-testid="status">
            {problems.length === 0 ? (
              <span className="ok">✓ valid machine</span>
            ) : (
              <details>
                <summary className="bad">
                  {problems.length} problem{problems.length === 1 ? '' : 's'} in the machine
                </summary>
                <ul className="problems">
                  {problems.slice(0, 50).map((p, i) => (
                    <li key={i}>
                      <button
                        className="link"
                        onClick={() => {
                          const k = parseJsonPath(p.path);
                          if (k) {
                            setShowJson(true);
                            setReveal({ path: k, seq: ++seq.current });
                          }
                        }}
                      >
                        <code>{p.path}</code>
                      </button>{' '}
                      {p.message}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {editProblems.length > 0 && (
              <span className="bad" data-testid="last-edit-refused">
                Last edit refused: {editProblems[0]!.path} {editProblems[0]!.message}
              </span>
            )}
            <span className="spacer" />
            <span className="dim">
              {doc.shown
                ? `${doc.shown.cpus.list.length} CPUs · ${doc.shown.ioapics.length} IOAPICs · ${doc.shown.pci.length} PCI functions`
                : ''}
            </span>
            <span className="dim">{session.location}</span>
          </footer>
        </>
      )}
      {pending && session && (
        <Modal
          title="Unsaved changes"
          onClose={() => setPending(null)}
          testId="unsaved-prompt"
          footer={
            <>
              <button onClick={() => setPending(null)}>Cancel</button>
              <button
                onClick={() => {
                  const p = pending;
                  setPending(null);
                  p.action();
                }}
              >
                Don’t save
              </button>
              <button
                className="primary"
                onClick={async () => {
                  const p = pending;
                  setPending(null);
                  if (await save()) p.action();
                }}
              >
                Save
              </button>
            </>
          }
        >
          <p>
            {session.titled ? (
              <>
                <strong>{session.title}</strong> has changes that are not saved.
              </>
            ) : (
              <>
                This session has never been saved
                {session.runs.length > 0
                  ? ` (it has ${session.runs.length} run${session.runs.length === 1 ? '' : 's'})`
                  : ''}
                .
              </>
            )}{' '}
            Save before you {pending.verb}?
          </p>
        </Modal>
      )}
      {modal === 'saveAs' && session && (
        <SaveAsDialog
          suggested={session.titled ? session.title : `${machineName}.irqlab`}
          onCancel={() => setModal(null)}
          onSave={async (name, overwrite) => {
            await saveAs(name, overwrite);
            setModal(null);
          }}
        />
      )}
      {modal === 'palette' && (
        <CommandPalette enabled={enabled} run={runCommand} onClose={() => setModal(null)} />
      )}
      {modal === 'shortcuts' && <ShortcutsHelp onClose={() => setModal(null)} />}
      {modal === 'injections' && (
        <InjectionsDialog
          injections={injections}
          onChange={setInjections}
          onClose={() => setModal(null)}
        />
      )}
      {modal === 'profile' && (
        <ProfileEditor
          current={customProfile}
          onClose={() => setModal(null)}
          onSave={(p) => {
            setCustomProfile(p);
            setProfile(CUSTOM_PROFILE);
            setModal(null);
          }}
        />
      )}
      {modal === 'find' && doc.shown && (
        <FindDevice
          machine={doc.shown}
          onClose={() => setModal(null)}
          onPick={(id) => {
            setModal(null);
            setFocus({ id, seq: ++seq.current });
          }}
        />
      )}
      {exportRun !== null && session && (
        <ExportDialog
          sessionId={session.sessionId}
          runId={exportRun}
          onClose={() => setExportRun(null)}
        />
      )}
    </div>
  );
}

/** A mode's area: mounted on its first visit, then kept (hidden) so its state survives. */
function ModeArea({
  mode,
  shown,
  visited,
  what,
  children,
}: {
  mode: Mode;
  shown: Mode;
  visited: ReadonlySet<Mode>;
  what: string;
  children: ReactNode;
}) {
  if (!visited.has(mode)) return null;
  return (
    <div className={`mode-area${mode === shown ? '' : ' hidden'}`}>
      <ErrorBoundary what={what}>{children}</ErrorBoundary>
    </div>
  );
}

function SaveAsDialog({
  suggested,
  onCancel,
  onSave,
}: {
  suggested: string;
  onCancel(): void;
  onSave(name: string, overwrite: boolean): Promise<void>;
}) {
  const [name, setName] = useState(suggested.replace(/[^A-Za-z0-9 ._()+-]/g, '_'));
  const [error, setError] = useState<string | null>(null);
  const [exists, setExists] = useState(false);
  const fileName = name.endsWith('.irqlab') ? name : `${name}.irqlab`;
  const submit = async (overwrite: boolean) => {
    try {
      await onSave(fileName, overwrite);
    } catch (err) {
      const message = (err as Error).message;
      setExists(/exists already/.test(message));
      setError(message.replace(/^session\.saveAs failed: /, ''));
    }
  };
  return (
    <Modal
      title="Save session as"
      onClose={onCancel}
      testId="save-as-dialog"
      footer={
        <>
          <button onClick={onCancel}>Cancel</button>
          {exists ? (
            <button className="primary danger" onClick={() => void submit(true)}>
              Replace it
            </button>
          ) : (
            <button className="primary" onClick={() => void submit(false)}>
              Save
            </button>
          )}
        </>
      }
    >
      <label className="stacked">
        File name (in the sessions folder)
        <input
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setExists(false);
            setError(null);
          }}
          onKeyDown={(e) => e.key === 'Enter' && void submit(exists)}
          aria-label="Session file name"
          spellCheck={false}
        />
      </label>
      {error && (
        <div className="error" role="alert">
          {error}
          {exists ? ' — replace it?' : ''}
        </div>
      )}
    </Modal>
  );
}

function FindDevice({
  machine,
  onClose,
  onPick,
}: {
  machine: NonNullable<ReturnType<typeof useMachineDocument>['shown']>;
  onClose(): void;
  onPick(id: string): void;
}) {
  const [q, setQ] = useState('');
  // Everything the graph has a node for, by the words a user would search with.
  const all = useMemo(() => {
    const items: { id: string; code: string; text: string }[] = [];
    const sockets = [...new Set(machine.cpus.list.map((c) => c.package))].sort((a, b) => a - b);
    for (const pkg of sockets)
      items.push({ id: `socket:${pkg}`, code: `socket ${pkg}`, text: `Socket ${pkg}` });
    machine.ioapics.forEach((io, i) =>
      items.push({ id: `ioapic:${i}`, code: io.address, text: `IOAPIC ${io.id}` }),
    );
    if (machine.hpet) items.push({ id: 'hpet', code: machine.hpet.address, text: 'HPET' });
    machine.iommus.forEach((u, i) =>
      items.push({ id: `iommu:${i}`, code: u.register_base, text: `IOMMU ${i} (${u.kind})` }),
    );
    for (const f of machine.pci)
      items.push({
        id: nodeIdOfPci(f.bdf),
        code: f.bdf,
        text: `${f.name ?? f.kind} ${f.vendor_device}${f.driver ? ` ${f.driver}` : ''}`,
      });
    return items;
  }, [machine]);
  const hits = useMemo(() => {
    const needle = q.toLowerCase();
    return all
      .filter((h) => !needle || `${h.code} ${h.text}`.toLowerCase().includes(needle))
      .slice(0, 50);
  }, [all, q]);
  return (
    <Modal title="Find in the machine" onClose={onClose} testId="find-device">
      <input
        className="palette-input"
        placeholder="BDF, name, vendor:device, socket, IOAPIC…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && hits[0] && onPick(hits[0].id)}
        aria-label="Find"
      />
      <ul className="palette-list">
        {hits.map((h) => (
          <li key={h.id} onMouseDown={() => onPick(h.id)}>
            <code>{h.code}</code> {h.text}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
