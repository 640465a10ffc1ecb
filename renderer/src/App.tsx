// The shell: the start page, or the workspace of one session. Each part owns its state and
// contributes its commands (the session file, the runs, each mode in modes/); the command table
// routes the menu bar, the palette, the keys and the desktop menu to them.
import { useEffect, useState } from 'react';
import type { ResponseOf, SessionState } from '../../electron/api/channels';
import { invoke } from './api/client';
import { useMachineSchema } from './editor/monaco';
import { useMachineDocument } from './model/document';
import { AnalysisMode, useAnalysisMode } from './modes/AnalysisMode';
import { CompareMode } from './modes/CompareMode';
import { DebuggerMode, useDebuggerMode } from './modes/DebuggerMode';
import {
  MachineMode,
  MachinePaneToggles,
  MachineStatusBar,
  useMachineMode,
} from './modes/MachineMode';
import { ModeArea, MODES, type Mode } from './modes/ModeArea';
import { TraceMode, useTraceMode } from './modes/TraceMode';
import { RunShownSelect, RunToolbar, useRunControl } from './runs/useRunControl';
import {
  commandRouter,
  type CommandTable,
  type Contribution,
  type DialogId,
} from './shell/contributions';
import { About, UserGuide } from './help/Help';
import { CommandPalette, MenuBar, ShortcutsHelp } from './shell/MenuBar';
import { useCommandKeys } from './shell/useCommandKeys';
import { useSessionFile } from './shell/useSessionFile';
import { StartPage } from './start/StartPage';
import { usePrefersDark } from './ui/usePrefersDark';

type Info = ResponseOf<'app.info'>;
type Profile = ResponseOf<'profiles.list'>[number];

export function App() {
  const dark = usePrefersDark();
  const [info, setInfo] = useState<Info | null>(null);
  const [schema, setSchema] = useState<Record<string, unknown> | null>(null);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [session, setSession] = useState<SessionState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const doc = useMachineDocument();
  const [dialog, setDialog] = useState<DialogId | null>(null);
  const dialogs = { open: dialog, show: setDialog };
  const [mode, setMode] = useState<Mode>('machine');
  /** The modes visited in this session (kept mounted, hidden, once opened). */
  const [visited, setVisited] = useState<Set<Mode>>(new Set(['machine']));

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

  const show = (m: Mode) => {
    setMode(m);
    setVisited((v) => (v.has(m) ? v : new Set([...v, m])));
  };

  const machine = useMachineMode({ session, doc, dialogs });
  const runs = useRunControl({
    session,
    setSession,
    doc,
    setError,
    dialogs,
    onStart: () => machine.setShowResults(true),
  });
  const debug = useDebuggerMode({ session, mode, show });
  const trace = useTraceMode();
  const analysis = useAnalysisMode();
  const file = useSessionFile({
    info,
    session,
    setSession,
    doc,
    setError,
    dialogs,
    onAdopt: (s, startIn) => {
      setMode(startIn);
      setVisited(new Set(['machine', startIn]));
      debug.adopt(s);
      machine.adopt(s);
      runs.adopt(s);
    },
    onClose: runs.forgetJob,
    onJob: runs.watchJob,
  });

  const open = session !== null;
  const shell: Contribution<'view.palette' | 'help.shortcuts' | 'help.guide' | 'help.about'> = {
    'view.palette': { enabled: true, run: () => setDialog('palette') },
    'help.shortcuts': { enabled: true, run: () => setDialog('shortcuts') },
    'help.guide': { enabled: true, run: () => setDialog('guide') },
    'help.about': { enabled: true, run: () => setDialog('about') },
  };
  const modes = Object.fromEntries(
    MODES.map((m) => [m.command, { enabled: open, run: () => show(m.mode) }]),
  ) as Contribution<
    'view.machine' | 'view.debugger' | 'view.trace' | 'view.analysis' | 'view.compare'
  >;
  const table: CommandTable = {
    ...file.commands,
    ...machine.commands,
    ...runs.commands,
    ...debug.commands,
    ...modes,
    ...shell,
  };
  const { enabled, run } = commandRouter(table);
  useCommandKeys(run, info !== null);

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
  return (
    <div
      className={`app ${dark ? 'dark' : 'light'}`}
      onDragOver={(e) => session && e.preventDefault()}
      onDrop={(e) => {
        if (!session) return;
        e.preventDefault();
        const f = e.dataTransfer.files[0];
        if (f) file.guard('open another session', () => file.uploadFile(f));
      }}
    >
      <header className="titlebar">
        <span className="logo">irqlab</span>
        <MenuBar enabled={enabled} run={run} />
        {session && (
          <span className="session-title" title={session.location}>
            <span data-testid="session-title">{session.title}</span>
            {file.needsSave && (
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
      {file.hiddenOpenInput}
      {!session ? (
        <StartPage
          info={info}
          error={error}
          onNew={(name, text, real) => void file.newSession(name, text, real)}
          onGenerate={file.generateSession}
          onOpenRecent={(recentId) =>
            void file.openWith(() => invoke('session.openRecent', { recentId }))
          }
          onOpenDialog={() => void file.openWith(() => invoke('session.openDialog', {}))}
          onUpload={file.uploadFile}
          onOpenExample={(name) => void file.openExample(name)}
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
            <button onClick={() => void file.save()} title="Save (Ctrl+S)">
              Save
            </button>
            <span className="sep" />
            <RunToolbar
              runs={runs}
              profiles={profiles}
              dialogs={dialogs}
              showProgress={!machine.showResults}
            />
            <span className="spacer" />
            <MachinePaneToggles machine={machine} />
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
            {mode !== 'machine' && <RunShownSelect runs={runs} session={session} />}
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
          <MachineMode
            machine={machine}
            shown={mode === 'machine'}
            session={session}
            doc={doc}
            schema={schema}
            dark={dark}
            info={info}
            runs={runs}
          />
          <ModeArea mode="debugger" shown={mode} visited={visited} what="debugger">
            <DebuggerMode
              debugger={debug}
              shown={mode === 'debugger'}
              session={session}
              selectedRun={runs.selectedRun}
              booting={runs.running}
              machine={doc.shown}
              dark={dark}
              onDecode={(address, data) => {
                analysis.decode(address, data);
                show('analysis');
              }}
              onOpenTrace={(at) => {
                trace.jumpTo(at);
                show('trace');
              }}
            />
          </ModeArea>
          <ModeArea mode="trace" shown={mode} visited={visited} what="trace explorer">
            <TraceMode
              trace={trace}
              debugger={debug}
              shown={mode === 'trace'}
              session={session}
              selectedRun={runs.selectedRun}
              dark={dark}
            />
          </ModeArea>
          <ModeArea mode="analysis" shown={mode} visited={visited} what="analysis view">
            <AnalysisMode analysis={analysis} session={session} selectedRun={runs.selectedRun} />
          </ModeArea>
          <ModeArea mode="compare" shown={mode} visited={visited} what="comparison">
            <CompareMode session={session} profiles={profiles} runs={runs} machineText={doc.text} />
          </ModeArea>
          <MachineStatusBar machine={machine} doc={doc} session={session} />
        </>
      )}
      {file.dialogs}
      {dialog === 'palette' && (
        <CommandPalette enabled={enabled} run={run} onClose={() => setDialog(null)} />
      )}
      {dialog === 'shortcuts' && <ShortcutsHelp onClose={() => setDialog(null)} />}
      {dialog === 'guide' && <UserGuide onClose={() => setDialog(null)} />}
      {dialog === 'about' && <About info={info} onClose={() => setDialog(null)} />}
      {runs.dialogs}
      {machine.dialogs}
    </div>
  );
}
