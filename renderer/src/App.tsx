import { useCallback, useEffect, useMemo, useState } from 'react';
import { invoke } from './api/client';
import type { ResponseOf } from '../../electron/api/channels';
import { MachineEditor } from './editor/MachineEditor';
import { useMachineSchema } from './editor/monaco';
import { RunPanel } from './RunPanel';

type Problem = { path: string; message: string };
type Preset = ResponseOf<'presets.list'>[number];

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

export function App() {
  const dark = usePrefersDark();
  const [info, setInfo] = useState<ResponseOf<'app.info'> | null>(null);
  const [presets, setPresets] = useState<Preset[]>([]);
  const [machineName, setMachineName] = useState('example');
  const [text, setText] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<ResponseOf<'machine.simulate'> | null>(null);
  const [running, setRunning] = useState(false);

  const simulateBoot = useCallback(async () => {
    if (text === null) return;
    setRunning(true);
    try {
      setRun(await invoke('machine.simulate', { text }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  }, [text]);

  const loadPreset = useCallback(async (name: string) => {
    try {
      const machine = await invoke('machine.fromPreset', { name });
      setMachineName(machine.name);
      setText(machine.text);
      setRun(null);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void (async () => {
      try {
        const [appInfo, list, schema] = await Promise.all([
          invoke('app.info', {}),
          invoke('presets.list', {}),
          invoke('machine.jsonSchema', {}),
        ]);
        useMachineSchema(schema.schema);
        setInfo(appInfo);
        setPresets(list);
        await loadPreset('example');
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, [loadPreset]);

  // Validate on the main side (the one source of truth), debounced while typing.
  useEffect(() => {
    if (text === null) return;
    const timer = setTimeout(() => {
      invoke('machine.validate', { text })
        .then((result) => setProblems(result.problems))
        .catch((err: Error) => setError(err.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        void simulateBoot();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [simulateBoot]);

  return (
    <div className={`app ${dark ? 'dark' : 'light'}`}>
      <header className="titlebar">
        <span className="logo">irqlab</span>
        <span className="machine-name" data-testid="machine-name">
          {machineName}.json
        </span>
        <button
          className="primary"
          onClick={() => void simulateBoot()}
          disabled={running || text === null}
          title="Run the kernel's boot on this machine (Ctrl+Enter)"
        >
          {running ? 'Simulating…' : 'Simulate boot'}
        </button>
        <span className="spacer" />
        {info && (
          <span className="mode" title={`irqlab ${info.version} on ${info.platform}`}>
            {info.mode === 'browser' ? 'browser mode' : 'desktop'} · v{info.version}
          </span>
        )}
      </header>
      <div className="body">
        <nav className="sidebar" aria-label="Machines">
          <h2>Machines</h2>
          <ul>
            {presets.map((preset) => (
              <li key={preset.name}>
                <button
                  className={preset.name === machineName ? 'selected' : ''}
                  onClick={() => void loadPreset(preset.name)}
                  title={preset.description}
                >
                  <span className="preset-name">{preset.name}</span>
                  <span className="preset-description">{preset.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main">
          {error && (
            <div className="error" role="alert">
              {error}
            </div>
          )}
          {text !== null && <MachineEditor text={text} dark={dark} onChange={setText} />}
          <RunPanel result={run} running={running} />
        </main>
      </div>
      <footer className="statusbar" data-testid="status">
        {text === null ? (
          'Loading…'
        ) : problems.length === 0 ? (
          <span className="ok">✓ valid machine</span>
        ) : (
          <details>
            <summary className="bad">
              {problems.length} problem{problems.length === 1 ? '' : 's'} in the machine
            </summary>
            <ul className="problems">
              {problems.slice(0, 50).map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code> {p.message}
                </li>
              ))}
            </ul>
          </details>
        )}
      </footer>
    </div>
  );
}
