// Runs of the session and the results of the selected one: the predicted /proc/interrupts, the
// kernel's log (lines logged at warning level or above highlighted, known lines with "explain"), per-device interrupts with their MSI
// address/data, and per-CPU vector usage. Results are read from the session file, page by page.
import { useEffect, useState } from 'react';
import type {
  JobStatus,
  RealVsPredictedView,
  ResponseOf,
  RunDevice,
  RunResult,
} from '../../../electron/api/channels';
import { KERN_ERR, loglevelName } from '../../../core/kernel/printk';
import { formatCount, plural } from '../../../core/model/format';
import { invoke } from '../api/client';
import { VirtualText } from '../ui/VirtualText';
import { type JobWatch, useJobStatus } from './useJob';

type RunSummary = ResponseOf<'runs.list'>[number];

/** The most severe level among the flagged lines (a run stored without levels counts as errors). */
function worstLevel(result: RunResult): number {
  if (!result.dmesgLevels) return 0;
  return Math.min(...result.faultLines.map((i) => result.dmesgLevels![i] ?? 0));
}

interface Props {
  sessionId: string;
  runs: RunSummary[];
  selectedRun: number | null;
  onSelectRun(id: number): void;
  /** The session's run job, its progress shown while it runs. */
  job: JobWatch | null;
  onCancel(): void;
  onExport(runId: number): void;
  explainAvailable: boolean;
  onClose(): void;
}

type Tab = 'interrupts' | 'dmesg' | 'devices' | 'real' | 'vectors';

export function RunsPanel({
  sessionId,
  runs,
  selectedRun,
  onSelectRun,
  job,
  onCancel,
  onExport,
  explainAvailable,
  onClose,
}: Props) {
  const [tab, setTab] = useState<Tab>('interrupts');
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selected = runs.find((r) => r.id === selectedRun) ?? null;

  useEffect(() => {
    setResult(null);
    setError(null);
    if (selectedRun === null || selected?.status !== 'complete') return;
    let live = true;
    invoke('run.result', { sessionId, runId: selectedRun }).then(
      (r) => live && setResult(r),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [sessionId, selectedRun, selected?.status]);

  return (
    <section className="runs-panel" data-testid="run-panel" aria-label="Runs and results">
      <div className="runs-header">
        <strong>Runs</strong>
        <div className="run-tabs" role="tablist">
          {(
            [
              ['interrupts', '/proc/interrupts'],
              ['dmesg', 'dmesg'],
              ['devices', 'Devices & MSI'],
              ['real', 'Real vs predicted'],
              ['vectors', 'Vectors per CPU'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              role="tab"
              aria-selected={tab === id}
              className={tab === id ? 'active' : ''}
              onClick={() => setTab(id)}
            >
              {label}
              {id === 'dmesg' && result && result.faultLines.length > 0 && (
                <span
                  className={`badge ${worstLevel(result) > KERN_ERR ? 'warn' : 'bad'}`}
                  data-testid="dmesg-badge"
                  title={`${plural(result.faultLines.length, 'line')} logged at warning level or above`}
                >
                  {formatCount(result.faultLines.length)}
                </span>
              )}
            </button>
          ))}
        </div>
        <span className="spacer" />
        {result && (
          <span className="run-summary" data-testid="run-summary">
            run {result.run.id} · profile {result.profile} · {formatCount(result.irqCount)} irqs ·{' '}
            {formatCount(result.run.eventCount)} trace events · {formatCount(result.milliseconds)}{' '}
            ms
          </span>
        )}
        {selected?.status === 'complete' && (
          <button onClick={() => onExport(selected.id)} title="Export this run's report (Ctrl+E)">
            Export…
          </button>
        )}
        <button
          className="icon"
          onClick={onClose}
          title="Hide the results"
          aria-label="Hide results"
        >
          ×
        </button>
      </div>
      {job && <WatchedRunProgress watch={job} onCancel={onCancel} />}
      <div className="runs-body">
        <nav className="runs-list" aria-label="Runs of this session">
          {runs.length === 0 && <p className="hint">No runs yet. Run the boot (Ctrl+Enter).</p>}
          <ul>
            {[...runs].reverse().map((r) => (
              <li key={r.id}>
                <button
                  className={r.id === selectedRun ? 'selected' : ''}
                  onClick={() => onSelectRun(r.id)}
                  data-testid={`run-${r.id}`}
                >
                  <span className={`run-status status-${r.status}`}>{statusWord(r)}</span>
                  <span className="run-title">
                    Run {r.id} · {r.profile}
                  </span>
                  <span className="run-meta">
                    {new Date(r.createdAt).toLocaleTimeString()} · {formatCount(r.eventCount)}{' '}
                    events
                  </span>
                  {r.error && <span className="run-error">{r.error}</span>}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="runs-result">
          {error && (
            <div className="error" role="alert">
              {error}
            </div>
          )}
          {selected && selected.status !== 'complete' && selected.status !== 'running' && (
            <div className="warning">
              {statusWord(selected) === 'cancelled'
                ? `Run ${selected.id} was cancelled before it finished`
                : `Run ${selected.id} ${selected.status}${selected.error ? `: ${selected.error}` : ''}`}{' '}
              — it has no results.
            </div>
          )}
          {!selected && runs.length > 0 && <p className="hint">Select a run.</p>}
          {result?.warnings.map((w) => (
            <div className="warning" key={w}>
              {w}
            </div>
          ))}
          {result?.oops && (
            <pre className="oops" data-testid="oops">
              {result.oops.text}
              {'\n'}
              {result.oops.callTrace.join('\n')}
            </pre>
          )}
          {result && tab === 'interrupts' && (
            <VirtualText
              text={result.procInterrupts}
              trailer={
                result.truncated ? '… (cut: the full table is larger than the preview)' : undefined
              }
              table
              testId="proc-interrupts"
              ariaLabel="Predicted /proc/interrupts"
            />
          )}
          {result && tab === 'dmesg' && (
            <Dmesg sessionId={sessionId} result={result} explainAvailable={explainAvailable} />
          )}
          {result && tab === 'devices' && <Devices sessionId={sessionId} runId={result.run.id} />}
          {result && tab === 'real' && (
            <RealVsPredicted sessionId={sessionId} runId={result.run.id} />
          )}
          {result && tab === 'vectors' && <Vectors result={result} />}
        </div>
      </div>
    </section>
  );
}

function statusWord(r: RunSummary): string {
  if (r.status === 'failed' && r.error === 'cancelled by the user') return 'cancelled';
  return r.status;
}

/** A watched job's progress while it runs (the only part that renders again at each poll). */
export function WatchedRunProgress({ watch, onCancel }: { watch: JobWatch; onCancel(): void }) {
  const job = useJobStatus(watch);
  return job?.state === 'running' ? <RunProgress job={job} onCancel={onCancel} /> : null;
}

export function RunProgress({ job, onCancel }: { job: JobStatus; onCancel(): void }) {
  const fraction = job.total ? Math.min(1, job.done / job.total) : null;
  const n = (x: number) => x.toLocaleString('en-US');
  // The phase, how far it is of what it has to do, and the share: "Booting · 1,200,000 of
  // 4,585,040 trace events (estimated) · 26%".
  const amount = job.unit
    ? ` · ${n(job.done)}${job.total ? ` of ${n(job.total)}` : ''} ${job.unit}`
    : '';
  return (
    <div className="progress-row" data-testid="run-progress" role="status">
      <span data-testid="run-progress-text">
        {job.phase.charAt(0).toUpperCase() + job.phase.slice(1)}
        {amount}
        {fraction !== null ? ` · ${Math.floor(fraction * 100)}%` : ''} ·{' '}
        {(job.elapsedMs / 1000).toFixed(1)} s
      </span>
      <div
        className={`progress${fraction === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.floor(fraction * 100)}
      >
        <div style={{ width: fraction === null ? '30%' : `${fraction * 100}%` }} />
      </div>
      <button onClick={onCancel} disabled={job.phase === 'cancelling'} title="Cancel (Ctrl+.)">
        {job.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

function Dmesg({
  sessionId,
  result,
  explainAvailable,
}: {
  sessionId: string;
  result: RunResult;
  explainAvailable: boolean;
}) {
  const faults = new Set(result.faultLines);
  const explainable = new Set([...result.faultLines, ...result.explainLines]);
  const levelOf = (i: number) => result.dmesgLevels?.[i];
  const [explained, setExplained] = useState<{
    line: number;
    e: ResponseOf<'fault.explain'> | null;
    error?: string;
  } | null>(null);
  const explain = async (i: number) => {
    if (explained?.line === i) return setExplained(null);
    try {
      const e = await invoke('fault.explain', {
        line: result.dmesg[i]!,
        sessionId,
        runId: result.run.id,
      });
      setExplained({ line: i, e });
    } catch (err) {
      setExplained({ line: i, e: null, error: (err as Error).message });
    }
  };
  return (
    <div className="run-output dmesg" data-testid="dmesg">
      {result.faultLines.length > 0 && (
        <div className="dmesg-summary">
          {plural(result.faultLines.length, 'line')}{' '}
          {result.dmesgLevels ? 'logged at warning level or above' : 'reporting a fault'}{' '}
          highlighted: "Explain" says what a line means on this machine
        </div>
      )}
      {result.dmesg.map((line, i) => {
        const level = levelOf(i);
        // The kernel's level decides: errors red, warnings amber, the rest plain.
        const cls = !faults.has(i)
          ? ''
          : level !== undefined && level > KERN_ERR
            ? ' log-warn'
            : ' log-bad';
        return (
          <div
            key={i}
            className={`log-line${cls}`}
            data-level={level === undefined ? undefined : loglevelName(level)}
            title={
              level === undefined
                ? undefined
                : `printk level ${level} (KERN_${loglevelName(level).toUpperCase()})`
            }
          >
            <span className="log-text">{line}</span>
            {explainable.has(i) && (
              <button
                className="explain"
                disabled={!explainAvailable}
                title="What this line means, and what to check"
                onClick={() => void explain(i)}
              >
                {explained?.line === i ? 'Hide' : 'Explain'}
              </button>
            )}
            {explained?.line === i && (
              <div
                className={`explanation${explained.error ? ' error' : ''}`}
                data-testid="explanation"
              >
                {explained.error ?? (
                  <>
                    <strong>{explained.e!.title}</strong>
                    {(
                      [
                        ['What it means', explained.e!.meaning],
                        ['Likely causes', explained.e!.causes],
                        ['What to check', explained.e!.check],
                      ] as const
                    ).map(([heading, items]) =>
                      items.length ? (
                        <div key={heading}>
                          <div className="explanation-heading">{heading}</div>
                          <ul>
                            {items.map((item, k) => (
                              <li key={k}>{item}</li>
                            ))}
                          </ul>
                        </div>
                      ) : null,
                    )}
                  </>
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

function Devices({ sessionId, runId }: { sessionId: string; runId: number }) {
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ total: number; devices: RunDevice[] } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const PAGE = 50;
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      invoke('run.devices', { sessionId, runId, offset: page * PAGE, limit: PAGE, filter }).then(
        (d) => live && setData(d),
        () => live && setData({ total: 0, devices: [] }),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [sessionId, runId, page, filter]);
  return (
    <div className="devices" data-testid="devices">
      <div className="devices-tools">
        <input
          type="search"
          placeholder="Filter by BDF, driver or name"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setPage(0);
          }}
          aria-label="Filter devices"
        />
        {data && (
          <span className="hint">
            {plural(data.total, 'device')}
            {data.total > PAGE &&
              ` · ${page * PAGE + 1}-${Math.min(data.total, (page + 1) * PAGE)}`}
          </span>
        )}
        {data && data.total > PAGE && (
          <>
            <button disabled={page === 0} onClick={() => setPage(page - 1)}>
              ‹ Prev
            </button>
            <button disabled={(page + 1) * PAGE >= data.total} onClick={() => setPage(page + 1)}>
              Next ›
            </button>
          </>
        )}
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th>BDF</th>
            <th>Device</th>
            <th>Driver</th>
            <th>Mode</th>
            <th>IRQs</th>
            <th>Vectors (CPU:vector)</th>
          </tr>
        </thead>
        <tbody>
          {data?.devices.map((d) => (
            <DeviceRows
              key={d.bdf}
              d={d}
              open={open === d.bdf}
              onToggle={() => setOpen(open === d.bdf ? null : d.bdf)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeviceRows({ d, open, onToggle }: { d: RunDevice; open: boolean; onToggle(): void }) {
  const hex = (n: number) => `0x${n.toString(16)}`;
  return (
    <>
      <tr
        className={`device-row${open ? ' open' : ''}`}
        onClick={onToggle}
        data-testid={`device-${d.bdf}`}
      >
        <td className="mono">
          <span className="disclosure">{open ? '▾' : '▸'}</span> {d.bdf}
        </td>
        <td>{d.name}</td>
        <td>
          {d.driver ?? '—'}
          {d.behaviour && d.behaviour !== 'modelled' && (
            <span
              className={`badge behaviour-${d.behaviour}`}
              data-testid={`behaviour-${d.bdf}`}
              title={
                d.behaviour === 'observed'
                  ? 'irqlab has no model of this driver: its requests are what the real /proc/interrupts showed (mode, count, names); what-ifs still run on them'
                  : "The machine file's irq_requests entry overrides what the driver would ask for"
              }
            >
              {d.behaviour}
            </span>
          )}
        </td>
        <td>{d.mode ?? '—'}</td>
        <td className="num">{d.irqs.length}</td>
        <td className="mono">
          {d.irqs
            .slice(0, 6)
            .map((i) => `${i.cpu}:${hex(i.vector)}`)
            .join(' ')}
          {d.irqs.length > 6 ? ' …' : ''}
        </td>
      </tr>
      {open && (
        <tr className="device-detail">
          <td colSpan={6}>
            <div className="device-detail-grid">
              <div>
                <h4>Interrupts</h4>
                <table className="grid small">
                  <thead>
                    <tr>
                      <th>irq</th>
                      <th>chip</th>
                      <th>hwirq</th>
                      <th>CPU</th>
                      <th>vector</th>
                      <th>managed</th>
                      <th>action</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.irqs.map((i) => (
                      <tr key={i.irq}>
                        <td className="num">{i.irq}</td>
                        <td>{i.chip}</td>
                        <td className="num mono">{i.hwirq}</td>
                        <td className="num">{i.cpu}</td>
                        <td className="num mono">{hex(i.vector)}</td>
                        <td>{i.managed ? 'yes' : ''}</td>
                        <td>{i.actions.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div>
                <h4>MSI messages</h4>
                {d.messages.length === 0 ? (
                  <p className="hint">No MSI/MSI-X messages (INTx or no driver).</p>
                ) : (
                  <table className="grid small" data-testid="msi-messages">
                    <thead>
                      <tr>
                        <th>entry</th>
                        <th>address</th>
                        <th>data</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.messages.map((m) => (
                        <tr key={m.entry}>
                          <td className="num">{m.entry}</td>
                          <td className="mono">{m.address}</td>
                          <td className="mono">{m.data}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {d.moreMessages > 0 && <p className="hint">… and {d.moreMessages} more</p>}
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function Vectors({ result }: { result: RunResult }) {
  const [all, setAll] = useState(false);
  const rows = all ? result.vectorUsage : result.vectorUsage.slice(0, 256);
  const max = Math.max(1, ...result.vectorUsage.map((v) => v.allocated + v.available));
  return (
    <div className="vectors" data-testid="vectors">
      {/* Numbers right-aligned under right-aligned headers; the bar takes the rest. */}
      <table className="grid vectors-table">
        <thead>
          <tr>
            <th className="num">CPU</th>
            <th className="num">allocated</th>
            <th className="num">managed (allocated / reserved)</th>
            <th className="num">available</th>
            <th className="bar-col">use</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.cpu}>
              <td className="num">{v.cpu}</td>
              <td className="num">{formatCount(v.allocated)}</td>
              <td className="num">
                {formatCount(v.managedAllocated)} / {formatCount(v.managed)}
              </td>
              <td className="num">{formatCount(v.available)}</td>
              <td className="bar-col">
                <div
                  className="bar"
                  title={`${formatCount(v.allocated)} of ${formatCount(v.allocated + v.available)}`}
                >
                  <div style={{ width: `${(v.allocated / max) * 100}%` }} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!all && result.vectorUsage.length > rows.length && (
        <button onClick={() => setAll(true)}>
          Show all {formatCount(result.vectorUsage.length)} CPUs
        </button>
      )}
    </div>
  );
}

type ComparedRow = RealVsPredictedView['rows'][number];

/**
 * The imported machine's real /proc/interrupts beside this run's prediction: rows matched by chip
 * and hwirq, differing fields marked, rows of one side only, and for each difference what made
 * the predicted row (the device's driver model, the real file's own rows, the machine file) and
 * what the import assumed.
 */
function RealVsPredicted({ sessionId, runId }: { sessionId: string; runId: number }) {
  const [view, setView] = useState<RealVsPredictedView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  useEffect(() => {
    let live = true;
    setView(undefined);
    setError(null);
    invoke('run.realVsPredicted', { sessionId, runId }).then(
      (v) => live && setView(v),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [sessionId, runId]);
  if (error)
    return (
      <div className="error" role="alert">
        {error}
      </div>
    );
  if (view === undefined) return <p className="hint">Comparing…</p>;
  if (view === null)
    return (
      <p className="hint" data-testid="real-none">
        No real /proc/interrupts in this session. Import a machine with its /proc/interrupts (start
        page, Import) to compare a run with what the real machine did.
      </p>
    );
  const realOnly = view.rows.filter((r) => !r.predicted).length;
  const predictedOnly = view.rows.filter((r) => !r.real).length;
  const differing = view.rows.filter((r) => r.real && r.predicted && r.differs.length).length;
  const shown = onlyDifferences
    ? view.rows.filter((r) => !r.real || !r.predicted || r.differs.length)
    : view.rows;
  const cell = (
    r: ComparedRow,
    side: 'real' | 'predicted',
    field: 'irq' | 'handler' | 'actions',
  ) => {
    const row = r[side];
    if (!row) return <td className="absent">—</td>;
    const differs = r.differs.includes(field);
    return (
      <td className={differs ? 'differs' : undefined} data-differs={differs ? field : undefined}>
        {String(row[field]) || '—'}
      </td>
    );
  };
  return (
    <div className="real-vs-predicted" data-testid="real-vs-predicted">
      <div className="rvp-summary" data-testid="rvp-summary">
        <strong>
          {formatCount(view.identical)} of {formatCount(view.total)} rows identical
        </strong>{' '}
        · {differing} differ · {realOnly} real only · {predictedOnly} predicted only · CPUs: real{' '}
        {view.cpus.real}, predicted {view.cpus.predicted} · rows matched by chip and hwirq · real
        file: {view.realFile}
        <label className="rvp-filter">
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(e) => setOnlyDifferences(e.target.checked)}
          />{' '}
          differences only
        </label>
      </div>
      <table className="rvp-table">
        <thead>
          <tr>
            <th rowSpan={2}>chip</th>
            <th rowSpan={2}>hwirq</th>
            <th colSpan={3}>real</th>
            <th colSpan={3}>predicted</th>
            <th rowSpan={2}>device · why the prediction</th>
          </tr>
          <tr>
            <th>irq</th>
            <th>flow</th>
            <th>actions</th>
            <th>irq</th>
            <th>flow</th>
            <th>actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const row = r.real ?? r.predicted!;
            const state = !r.predicted
              ? 'real-only'
              : !r.real
                ? 'predicted-only'
                : r.differs.length
                  ? 'differs'
                  : 'same';
            return (
              <tr key={`${r.key}:${state}`} className={`rvp-${state}`} data-testid={`rvp-${r.key}`}>
                <td className="mono">{row.chip}</td>
                <td className="num">{row.hwirq ?? '—'}</td>
                {cell(r, 'real', 'irq')}
                {cell(r, 'real', 'handler')}
                {cell(r, 'real', 'actions')}
                {cell(r, 'predicted', 'irq')}
                {cell(r, 'predicted', 'handler')}
                {cell(r, 'predicted', 'actions')}
                <td className="rvp-why">
                  {r.owner && (
                    <span className="mono">
                      {r.owner.bdf}
                      {r.owner.driver ? ` ${r.owner.driver}` : ''}
                    </span>
                  )}
                  {r.owner?.behaviour && (
                    <span
                      className={`badge behaviour-${r.owner.behaviour}`}
                      data-testid={`rvp-behaviour-${r.owner.behaviour}`}
                    >
                      {r.owner.behaviour}
                    </span>
                  )}
                  {state === 'real-only' && <span className="badge bad">real only</span>}
                  {state === 'predicted-only' && <span className="badge bad">predicted only</span>}
                  {r.explanation.map((e) => (
                    <div key={e} className="rvp-explain">
                      {e}
                    </div>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {view.assumed.length > 0 && (
        <details className="rvp-assumed">
          <summary>What the import assumed ({view.assumed.length})</summary>
          <ul>
            {view.assumed.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
