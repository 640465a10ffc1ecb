// What the app opens on: start a session (the example machine, a preset, or a generated large
// machine), open a saved session (dialog, file picker, drag and drop), the recent sessions, and
// import a machine from artefacts dropped together.
import { useEffect, useRef, useState } from 'react';
import type { ImportResult, LargeMachineKnobs, ResponseOf } from '../../../electron/api/channels';
import { LargeMachineKnobsSchema } from '../../../electron/api/channels';
import { checkFileSize, fileAsBase64, invoke } from '../api/client';
import { formatBytes } from '../runs/ExportDialog';
import { Modal } from '../ui/Modal';
import { plural } from '../../../core/model/format';
import { SessionFileInput } from '../ui/SessionFileInput';

type Info = ResponseOf<'app.info'>;
type Preset = ResponseOf<'presets.list'>[number];
type Recent = ResponseOf<'session.recent'>[number];
type Example = ResponseOf<'examples.list'>[number];

interface Props {
  info: Info;
  onNew(
    machineName: string,
    machineText: string,
    realInterrupts?: { fileName: string; text: string; missing: string[] },
  ): void;
  /** A new session on the generator's machine for `knobs`; rejects with what went wrong. */
  onGenerate(knobs: LargeMachineKnobs): Promise<void>;
  onOpenRecent(recentId: string): void;
  onOpenDialog(): void;
  onUpload(file: File): void;
  /** Opens an example session (a seed failure, booted, its breakpoints set). */
  onOpenExample(name: string): void;
  error: string | null;
}

const DEFAULT_KNOBS: LargeMachineKnobs = {
  name: 'generated',
  sockets: 2,
  coresPerSocket: 16,
  threadsPerCore: 2,
  ioapics: 4,
  rootComplexes: 8,
  nicsPerRootComplex: 2,
  nicMsixTableSize: 64,
  nvmePerRootComplex: 2,
};

const KNOB_LABELS: [keyof LargeMachineKnobs, string][] = [
  ['sockets', 'Sockets'],
  ['coresPerSocket', 'Cores per socket'],
  ['threadsPerCore', 'Threads per core'],
  ['ioapics', 'IOAPICs'],
  ['rootComplexes', 'PCIe root complexes'],
  ['nicsPerRootComplex', 'NICs per root complex'],
  ['nicMsixTableSize', 'NIC MSI-X table size'],
  ['nvmePerRootComplex', 'NVMe per root complex'],
];

export function StartPage({
  info,
  onNew,
  onGenerate,
  onOpenRecent,
  onOpenDialog,
  onUpload,
  onOpenExample,
  error,
}: Props) {
  const [presets, setPresets] = useState<Preset[]>([]);
  const [examples, setExamples] = useState<Example[]>([]);
  const [recent, setRecent] = useState<Recent[] | null>(null);
  const [knobs, setKnobs] = useState<Record<string, string>>(
    Object.fromEntries(Object.entries(DEFAULT_KNOBS).map(([k, v]) => [k, String(v)])),
  );
  const [knobProblems, setKnobProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [dragging, setDragging] = useState<'open' | 'import' | null>(null);
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [realInterrupts, setRealInterrupts] = useState<{ fileName: string; text: string } | null>(
    null,
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const importInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void invoke('presets.list', {}).then(setPresets);
    void invoke('examples.list', {}).then(setExamples, () => setExamples([]));
    void invoke('session.recent', {}).then(setRecent, () => setRecent([]));
  }, []);

  const fromPreset = async (name: string) => {
    setBusy(name);
    try {
      const m = await invoke('machine.fromPreset', { name });
      onNew(m.name, m.text);
    } catch (err) {
      setLocalError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const generate = async () => {
    const raw = Object.fromEntries(
      Object.entries(knobs).map(([k, v]) => [k, k === 'name' ? v : Number(v)]),
    );
    const checked = LargeMachineKnobsSchema.safeParse(raw);
    if (!checked.success) {
      setKnobProblems(
        Object.fromEntries(checked.error.issues.map((i) => [String(i.path[0]), i.message])),
      );
      return;
    }
    setKnobProblems({});
    setBusy('generate');
    try {
      await onGenerate(checked.data);
    } catch (err) {
      setLocalError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const importFiles = async (files: FileList | File[]) => {
    setLocalError(null);
    if (!info.features.importers) {
      setLocalError(
        'Importing artefacts is not available yet: the importers (core/import) are still being written.',
      );
      return;
    }
    try {
      const list = await Promise.all([...files].map(readArtefact));
      // A /proc/interrupts among them (its header row names the CPUs) is kept with the session.
      const real = list.find((f) => f.text !== undefined && /^\s+CPU0\b/.test(f.text));
      setRealInterrupts(real ? { fileName: real.name, text: real.text! } : null);
      setImported(await invoke('import.artefacts', { files: list }));
    } catch (err) {
      setLocalError((err as Error).message);
    }
  };

  const onDrop = (kind: 'open' | 'import') => (e: React.DragEvent) => {
    e.preventDefault();
    setDragging(null);
    const files = [...e.dataTransfer.files];
    if (files.length === 0) return;
    if (kind === 'open') onUpload(files[0]!);
    else void importFiles(files);
  };
  const dragProps = (kind: 'open' | 'import') => ({
    onDragOver: (e: React.DragEvent) => {
      e.preventDefault();
      setDragging(kind);
    },
    onDragLeave: () => setDragging(null),
    onDrop: onDrop(kind),
  });

  const shownError = error ?? localError;
  return (
    <div className="start" data-testid="start-page">
      <div className="start-inner">
        <header className="start-header">
          <h1>irqlab</h1>
          <p>
            Model a machine's interrupt topology and run what the Linux kernel does to allocate and
            route every interrupt.
          </p>
        </header>
        {shownError && (
          <div className="error" role="alert" data-testid="start-error">
            {shownError}
          </div>
        )}
        {examples.length > 0 && (
          <section
            className="card examples"
            aria-labelledby="examples-title"
            data-testid="examples"
          >
            <h2 id="examples-title">Examples: the failures of the seed thread</h2>
            <p className="hint">
              Each opens as a new session, booted under the kernel that had the bug, with
              breakpoints that stop at the failure; compare it with {examples[0]!.fixedProfile} to
              see the fix.
            </p>
            <div className="example-list">
              {examples.map((e) => (
                <button
                  key={e.name}
                  className="example"
                  onClick={() => onOpenExample(e.name)}
                  data-testid={`example-${e.name}`}
                >
                  <span className="example-title">{e.title}</span>
                  <span className="example-story">{e.story}</span>
                  <span className="example-meta mono">
                    {e.name} · {e.profile} → fixed in {e.fixedProfile}
                  </span>
                </button>
              ))}
            </div>
          </section>
        )}
        <div className="start-grid">
          <section className="card" aria-labelledby="new-title">
            <h2 id="new-title">New session</h2>
            <button
              className="primary big"
              onClick={() => void fromPreset('example')}
              disabled={busy !== null}
            >
              Example machine
              <span className="sub">
                {presets.find((p) => p.name === 'example')?.description ?? 'the built-in example'}
              </span>
            </button>
            <h3>Presets</h3>
            <ul className="preset-list">
              {presets
                .filter((p) => p.name !== 'example')
                .map((p) => (
                  <li key={p.name}>
                    <button onClick={() => void fromPreset(p.name)} disabled={busy !== null}>
                      <span className="preset-name">{p.name}</span>
                      <span className="preset-description">{p.description}</span>
                    </button>
                  </li>
                ))}
            </ul>
            <details className="generator">
              <summary>Generate a large machine…</summary>
              <div className="knobs">
                <label className="knob">
                  <span>Name</span>
                  <input
                    value={knobs.name}
                    onChange={(e) => setKnobs({ ...knobs, name: e.target.value })}
                    aria-label="Name"
                  />
                  {knobProblems.name && <em className="field-error">{knobProblems.name}</em>}
                </label>
                {KNOB_LABELS.map(([key, label]) => (
                  <label className="knob" key={key}>
                    <span>{label}</span>
                    {key === 'threadsPerCore' ? (
                      <select
                        value={knobs[key]}
                        onChange={(e) => setKnobs({ ...knobs, [key]: e.target.value })}
                        aria-label={label}
                      >
                        <option value="1">1</option>
                        <option value="2">2</option>
                      </select>
                    ) : (
                      <input
                        type="number"
                        value={knobs[key]}
                        onChange={(e) => setKnobs({ ...knobs, [key]: e.target.value })}
                        aria-label={label}
                      />
                    )}
                    {knobProblems[key] && <em className="field-error">{knobProblems[key]}</em>}
                  </label>
                ))}
              </div>
              <GeneratorSummary knobs={knobs} />
              <button className="primary" onClick={() => void generate()} disabled={busy !== null}>
                {busy === 'generate' ? 'Generating…' : 'Generate and open'}
              </button>
            </details>
          </section>

          <section className="card" aria-labelledby="open-title">
            <h2 id="open-title">Open a session</h2>
            <div
              className={`drop-zone${dragging === 'open' ? ' over' : ''}`}
              data-testid="open-drop-zone"
              {...dragProps('open')}
            >
              <p>
                Drop a <code>.irqlab</code> file here
              </p>
              <button
                onClick={() =>
                  info.mode === 'electron' ? onOpenDialog() : fileInput.current?.click()
                }
              >
                Open file…
              </button>
              <SessionFileInput inputRef={fileInput} testId="open-file-input" onFile={onUpload} />
              {info.mode === 'browser' && info.sessionsDir && (
                <p className="hint">
                  Browser mode keeps sessions in <code>{info.sessionsDir}</code>; an uploaded file
                  is copied there.
                </p>
              )}
            </div>
            <h3>Recent sessions</h3>
            {recent === null ? (
              <p className="hint">Loading…</p>
            ) : recent.length === 0 ? (
              <p className="hint">None yet: sessions you save appear here.</p>
            ) : (
              <ul className="recent-list" data-testid="recent-sessions">
                {recent.map((r) => (
                  <li key={r.recentId}>
                    <button onClick={() => onOpenRecent(r.recentId)} title={r.location}>
                      <span className="recent-title">{r.title}</span>
                      <span className="recent-meta">
                        {new Date(r.modifiedAt).toLocaleString()} · {formatBytes(r.bytes)}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="card" aria-labelledby="import-title">
            <h2 id="import-title">Import from artefacts</h2>
            <div
              className={`drop-zone${dragging === 'import' ? ' over' : ''}${info.features.importers ? '' : ' unavailable'}`}
              data-testid="import-drop-zone"
              {...dragProps('import')}
            >
              <p>
                Drop together what you have from the machine: <code>dmesg</code>, ACPI tables (
                <code>acpidump</code>), <code>lspci -vvv</code>, <code>/proc/interrupts</code>.
              </p>
              <button
                onClick={() => importInput.current?.click()}
                disabled={!info.features.importers}
              >
                Choose files…
              </button>
              <input
                ref={importInput}
                type="file"
                multiple
                hidden
                data-testid="import-file-input"
                onChange={(e) => e.target.files && void importFiles(e.target.files)}
              />
              {!info.features.importers && (
                <p className="hint">
                  Not available yet: the importers (core/import) are still being written.
                </p>
              )}
            </div>
          </section>
        </div>
      </div>
      {imported && (
        <Modal
          title="Import: check before accepting"
          onClose={() => setImported(null)}
          testId="import-review"
          wide
          footer={
            <>
              <button onClick={() => setImported(null)}>Discard</button>
              <button
                className="primary"
                disabled={imported.machineText === null}
                onClick={() => {
                  onNew(
                    imported.machineName ?? 'imported',
                    imported.machineText!,
                    realInterrupts ? { ...realInterrupts, missing: imported.missing } : undefined,
                  );
                  setImported(null);
                }}
              >
                Accept and open
              </button>
            </>
          }
        >
          <h3>What was found</h3>
          <ul className="import-summary" data-testid="import-summary">
            {imported.summary.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
          <h3>Conflicts between the artefacts ({imported.conflicts.length})</h3>
          {imported.conflicts.length === 0 ? (
            <p className="hint">The artefacts agree on every fact they share.</p>
          ) : (
            <table className="grid" data-testid="import-conflicts">
              <thead>
                <tr>
                  <th>Fact</th>
                  <th>Values (the first is used)</th>
                </tr>
              </thead>
              <tbody>
                {imported.conflicts.map((c, i) => (
                  <tr key={i}>
                    <td>
                      {c.what}
                      <div className="hint">
                        <code>{c.path}</code>
                      </div>
                    </td>
                    <td>
                      {c.values.map((v, k) => (
                        <div key={k}>
                          <code>{v.value}</code>{' '}
                          <span className="hint">from {v.from.join('; ')}</span>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {imported.missing.length > 0 && (
            <>
              <h3>Not in the artefacts (assumed)</h3>
              <ul>
                {imported.missing.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </>
          )}
          {imported.notes.length > 0 && (
            <details>
              <summary>Notes ({imported.notes.length})</summary>
              <ul>
                {imported.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </details>
          )}
          {imported.problems.length > 0 && (
            <div className="error">
              The merged facts are not a valid machine:
              {imported.problems.map((p, i) => (
                <div key={i}>
                  <code>{p.path}</code> {p.message}
                </div>
              ))}
            </div>
          )}
        </Modal>
      )}
    </div>
  );
}

function GeneratorSummary({ knobs }: { knobs: Record<string, string> }) {
  const n = (k: string) => Number(knobs[k]) || 0;
  const cpus = n('sockets') * n('coresPerSocket') * n('threadsPerCore');
  const endpoints = n('rootComplexes') * (n('nicsPerRootComplex') + n('nvmePerRootComplex'));
  const functions =
    n('rootComplexes') * (1 + 2 * (n('nicsPerRootComplex') + n('nvmePerRootComplex')));
  return (
    <p className="hint" data-testid="generator-summary">
      {plural(cpus, 'CPU')} · {plural(endpoints, 'endpoint')} · {plural(functions, 'PCI function')}
    </p>
  );
}

/**
 * Binary ACPI tables and irqlab collect's bundles (gzip) go as base64 (raw bytes ahead in browser
 * mode), everything else as text.
 */
async function readArtefact(file: File) {
  checkFileSize(file);
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip && !head.includes(0)) return { name: file.name, text: await file.text() };
  return { name: file.name, base64: await fileAsBase64(file) };
}
