// Two runs side by side (say the same machine under v5.10-rc1 and v5.10): both booted again in a
// worker, compared by core/compare (interrupts matched by who owns them, not by irq number), the
// differences in interrupts, messages, IRTEs, faults and the kernel log highlighted. The
// comparison can be exported as a Markdown report.
import { useEffect, useState } from 'react';
import type { JobStatus, ResponseOf, RunDiffView } from '../../../electron/api/channels';
import { describeGroup, groupByDevice, type ChangeGroup } from '../../../core/compare/groups';
import { formatCount } from '../../../core/model/format';
import { downloadUrl, invoke } from '../api/client';
import { RunProgress } from '../runs/RunsPanel';
import { useJob } from '../runs/useJob';

type RunSummary = ResponseOf<'runs.list'>[number];
type Profile = ResponseOf<'profiles.list'>[number];
type Change = RunDiffView['interrupts']['items'][number];

interface Props {
  sessionId: string;
  runs: RunSummary[];
  profiles: Profile[];
  runId: number | null;
  machineText: string;
  /** The session's runs changed (a new run); select this one. */
  onRunsChanged(select?: number): Promise<void>;
}

function download(url: string, name: string) {
  const a = document.createElement('a');
  a.href = downloadUrl(url);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function CompareView({
  sessionId,
  runs,
  profiles,
  runId,
  machineText,
  onRunsChanged,
}: Props) {
  const complete = runs.filter((r) => r.status === 'complete');
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  const [withProfile, setWithProfile] = useState('v5.10');
  const [jobId, setJobId] = useState<string | null>(null);
  const [bootJob, setBootJob] = useState<string | null>(null);
  const [diff, setDiff] = useState<RunDiffView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  // Defaults: A is the run shown, B the latest other one.
  useEffect(() => {
    if (a === null || !complete.some((r) => r.id === a))
      setA(
        runId !== null && complete.some((r) => r.id === runId) ? runId : (complete[0]?.id ?? null),
      );
  }, [runId, complete.length]);
  useEffect(() => {
    if (b === null || b === a || !complete.some((r) => r.id === b))
      setB([...complete].reverse().find((r) => r.id !== a)?.id ?? null);
  }, [a, complete.length]);

  const compareJob = useJob(jobId, (s: JobStatus) => {
    if (s.state === 'done')
      invoke('compare.result', { jobId: s.jobId }).then(setDiff, (e: Error) => setError(e.message));
    else if (s.state === 'failed') setError(s.error);
  });
  const start = async (runA: number, runB: number) => {
    setError(null);
    setDiff(null);
    setExported(null);
    try {
      setJobId((await invoke('compare.start', { sessionId, runA, runB })).jobId);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const boot = useJob(bootJob, (s: JobStatus) => {
    if (s.state !== 'done' || s.runId === null || a === null) {
      if (s.state === 'failed') setError(s.error);
      return;
    }
    const runA = a;
    void onRunsChanged().then(() => {
      setB(s.runId);
      void start(runA, s.runId!);
    });
  });
  const bootAndCompare = async () => {
    setError(null);
    try {
      const { jobId: j } = await invoke('run.start', {
        sessionId,
        machineText,
        profile: withProfile,
        injections: [],
      });
      setBootJob(j);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const exportIt = async () => {
    if (!jobId) return;
    try {
      const r = await invoke('compare.export', { jobId });
      if (!r) return;
      if (r.url) download(r.url, r.fileName);
      setExported(
        `${r.fileName} (${formatCount(r.bytes)} bytes)${r.url ? ' — downloading' : ` saved to ${r.location}`}`,
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const running =
    compareJob?.state === 'running' || boot?.state === 'running' || (jobId !== null && !compareJob);
  const select = (value: number | null, set: (n: number) => void, label: string) => (
    <label className="inline">
      {label}
      <select
        value={value ?? ''}
        onChange={(e) => set(Number(e.target.value))}
        aria-label={`Run ${label}`}
      >
        {complete.map((r) => (
          <option key={r.id} value={r.id}>
            Run {r.id} · {r.profile}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="compare" data-testid="compare">
      <div className="compare-tools" role="toolbar" aria-label="Compare">
        {select(a, setA, 'A')}
        {select(b, setB, 'B')}
        <button
          className="primary"
          disabled={a === null || b === null || a === b || running}
          onClick={() => a !== null && b !== null && void start(a, b)}
        >
          Compare
        </button>
        <span className="sep" />
        <label className="inline">
          or boot the machine with
          <select
            value={withProfile}
            onChange={(e) => setWithProfile(e.target.value)}
            aria-label="Profile to compare with"
          >
            {profiles.map((p) => (
              <option key={p.name} value={p.name} title={p.description}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button disabled={a === null || running} onClick={() => void bootAndCompare()}>
          Boot and compare with A
        </button>
        <span className="spacer" />
        <button
          disabled={!diff}
          onClick={() => void exportIt()}
          title="The comparison as a Markdown report"
        >
          Export comparison…
        </button>
      </div>
      {boot?.state === 'running' && (
        <RunProgress job={boot} onCancel={() => void invoke('job.cancel', { jobId: boot.jobId })} />
      )}
      {compareJob?.state === 'running' && (
        <RunProgress
          job={compareJob}
          onCancel={() => void invoke('job.cancel', { jobId: compareJob.jobId })}
        />
      )}
      {error && (
        <div className="error banner" role="alert">
          {error}
        </div>
      )}
      {exported && (
        <div className="ok-box" data-testid="compare-exported">
          Wrote {exported}
        </div>
      )}
      {complete.length < 1 ? (
        <div className="mode-empty">
          <p>
            Run the boot first: a comparison needs two runs (or one, and a profile to boot it with).
          </p>
        </div>
      ) : !diff ? (
        <div className="mode-empty">
          <p>
            Choose two runs, or boot this machine under another profile (e.g. the kernel that fixed
            a bug) and compare it with run A.
          </p>
        </div>
      ) : (
        <DiffView diff={diff} />
      )}
    </div>
  );
}

function Value({ v }: { v: string | number | undefined }) {
  return <span className="mono">{v === undefined || v === '' ? '—' : String(v)}</span>;
}

/** Column names as the view of each table prints them (the IRTE table's for IRTEs). */
const LABELS: Record<string, string> = {
  dest: 'destination',
  sid: 'source-id',
  svt: 'SVT/SQ',
};

const label = (field: string) => LABELS[field] ?? field;

function ChangeRow({ c, fields }: { c: Change; fields: string[] }) {
  const shown = c.kind === 'changed' ? c.fields : fields;
  const side = (v: Change['a'], cls: string) =>
    shown.map((f) => (
      <div key={f} className={c.kind === 'changed' ? cls : ''}>
        <span className="field">{LABELS[f] ?? f}</span> <Value v={v?.[f]} />
      </div>
    ));
  return (
    <tr className={`diff-${c.kind}`} data-testid="diff-row">
      <td className="mono key">{c.key}</td>
      <td>{c.kind === 'added' ? <span className="dim">not in A</span> : side(c.a, 'was')}</td>
      <td>{c.kind === 'removed' ? <span className="dim">not in B</span> : side(c.b, 'now')}</td>
    </tr>
  );
}

/** A device's changes: one line saying what they share, its rows shown when opened. */
function GroupRows({
  group,
  fields,
  a,
  b,
}: {
  group: ChangeGroup<Change>;
  fields: string[];
  a: string;
  b: string;
}) {
  const [open, setOpen] = useState(false);
  if (group.changes.length === 1) return <ChangeRow c={group.changes[0]!} fields={fields} />;
  const kind =
    group.changed === group.changes.length
      ? 'changed'
      : group.added === group.changes.length
        ? 'added'
        : group.removed === group.changes.length
          ? 'removed'
          : 'mixed';
  return (
    <>
      <tr className={`diff-group diff-${kind}`} data-testid="diff-group">
        <td className="mono key">
          <button
            className="link disclosure-button"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            <span className="disclosure">{open ? '▾' : '▸'}</span> {group.device}{' '}
            <span className="dim">({formatCount(group.changes.length)} rows)</span>
          </button>
        </td>
        <td colSpan={2} className="group-summary">
          {describeGroup(
            {
              ...group,
              same: group.same.map((x) => ({ ...x, field: label(x.field) })),
              addedSame: group.addedSame.map((x) => ({ ...x, field: label(x.field) })),
              removedSame: group.removedSame.map((x) => ({ ...x, field: label(x.field) })),
            },
            `A (${a})`,
            `B (${b})`,
          )}
        </td>
      </tr>
      {open && group.changes.map((c) => <ChangeRow key={c.key} c={c} fields={fields} />)}
    </>
  );
}

function ChangeTable({
  title,
  changes,
  a,
  b,
  fields,
  testId,
}: {
  title: string;
  changes: RunDiffView['interrupts'];
  a: string;
  b: string;
  fields: string[];
  testId: string;
}) {
  if (changes.total === 0)
    return (
      <section className="diff-section" data-testid={testId}>
        <h3>
          {title} <span className="dim">— the same in both</span>
        </h3>
      </section>
    );
  const groups = groupByDevice(changes.items);
  return (
    <section className="diff-section" data-testid={testId}>
      <h3>
        {title}{' '}
        <span className="dim">
          ({formatCount(changes.total)} differences
          {changes.items.length < changes.total
            ? `, first ${formatCount(changes.items.length)} shown`
            : ''}
          , {formatCount(groups.length)} {groups.length === 1 ? 'device' : 'devices'})
        </span>
      </h3>
      <table className="grid diff-table">
        <thead>
          <tr>
            <th>what</th>
            <th>A: {a}</th>
            <th>B: {b}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <GroupRows key={g.device} group={g} fields={fields} a={a} b={b} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DiffView({ diff }: { diff: RunDiffView }) {
  return (
    <div className="diff" data-testid="diff">
      <section className="diff-summary">
        {diff.summary.map((l) => (
          <div key={l}>{l}</div>
        ))}
      </section>
      <section className="diff-section" data-testid="diff-faults">
        <h3>Faults</h3>
        {diff.faults.onlyA.length === 0 && diff.faults.onlyB.length === 0 ? (
          <p className="dim">The same in both.</p>
        ) : (
          <div className="diff-columns">
            <div>
              <h4>Only in A: {diff.a}</h4>
              {diff.faults.onlyA.length === 0 ? (
                <p className="dim">none</p>
              ) : (
                diff.faults.onlyA.map((l) => (
                  <div key={l} className="mono diff-removed-line">
                    {l}
                  </div>
                ))
              )}
            </div>
            <div>
              <h4>Only in B: {diff.b}</h4>
              {diff.faults.onlyB.length === 0 ? (
                <p className="dim">none</p>
              ) : (
                diff.faults.onlyB.map((l) => (
                  <div key={l} className="mono diff-added-line">
                    {l}
                  </div>
                ))
              )}
            </div>
          </div>
        )}
      </section>
      <ChangeTable
        title="Interrupts"
        changes={diff.interrupts}
        a={diff.a}
        b={diff.b}
        fields={['irq', 'chip', 'domains', 'cpu', 'vector']}
        testId="diff-interrupts"
      />
      <ChangeTable
        title="Messages"
        changes={diff.messages}
        a={diff.a}
        b={diff.b}
        fields={['address', 'data']}
        testId="diff-messages"
      />
      <ChangeTable
        title="IRTEs"
        changes={diff.irtes}
        a={diff.a}
        b={diff.b}
        fields={['vector', 'dest', 'sid', 'svt']}
        testId="diff-irtes"
      />
      <section className="diff-section" data-testid="diff-dmesg">
        <h3>
          dmesg <span className="dim">({formatCount(diff.dmesg.total)} lines differ)</span>
        </h3>
        <pre className="diff-dmesg">
          {diff.dmesg.items.map((x, i) => (
            <div key={i} className={x.op === '-' ? 'diff-removed-line' : 'diff-added-line'}>
              {x.op} {x.line}
            </div>
          ))}
        </pre>
      </section>
    </div>
  );
}
