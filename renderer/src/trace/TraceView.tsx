// The trace explorer: a run's events in a virtualized table paged from the session file (10
// million rows scroll as smoothly as 100), filters by function, irq, device, CPU and kind, a
// timeline of the run, and a read-only SQL box. Double click, Enter or "Open in debugger" takes
// the debugger to the selected step.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResponseOf, TraceEvent, TraceFilter } from '../../../electron/api/channels';
import { TRACE_KINDS } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import { monaco } from '../editor/monaco';
import { VirtualTable, type Column } from '../ui/VirtualTable';
import { Timeline } from './Timeline';
import { usePagedEvents } from './usePagedEvents';
import { useDebuggerSnapshot, type DebuggerStore } from '../debugger/useDebugger';

type RunSummary = ResponseOf<'runs.list'>[number];
type QueryResult = ResponseOf<'trace.query'>;

interface Props {
  sessionId: string;
  runs: RunSummary[];
  runId: number | null;
  dark: boolean;
  /** Show this step (from the debugger) each time `nonce` changes. */
  jump: { seq: number; nonce: number } | null;
  /** The debugger: where it is stopped is marked on the timeline and in the table. */
  debugger: DebuggerStore;
  /** Shown now (the debugger's position is followed only then). */
  active: boolean;
  onOpenInDebugger(seq: number): void;
}

// The event and its message last and side by side: a row with only one of them (a log line, a
// call) lets it take both columns' room (cellSpan), so a DMAR fault line shows whole; the border
// between the two can be dragged to give the message more.
const COLUMNS: Column[] = [
  { key: 'seq', label: 'step', width: '84px', className: 'num mono' },
  { key: 'kind', label: 'kind', width: '50px' },
  { key: 'irq', label: 'irq', width: '60px', className: 'num mono' },
  { key: 'cpu', label: 'CPU', width: '44px', className: 'num mono' },
  { key: 'device', label: 'device', width: '104px', className: 'mono' },
  { key: 'event', label: 'event', width: 'minmax(240px, 2fr)', className: 'mono', resizable: true },
  { key: 'text', label: 'log / fault', width: 'minmax(240px, 3fr)', className: 'mono' },
];

function eventText(e: TraceEvent): string {
  const args = Object.entries(e.args)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  switch (e.kind) {
    case 'call':
      return `${e.name}(${args})`;
    case 'ret':
      return `← ${e.name} = ${e.args.ret ?? Object.values(e.args)[0] ?? ''}`;
    case 'log':
      return '';
    case 'fault':
      return `FAULT ${e.name}${args ? ` ${args}` : ''}`;
    default:
      return `${e.name}${args ? ` ${args}` : ''}`;
  }
}

interface FilterText {
  fn: string;
  irq: string;
  device: string;
  cpu: string;
  kind: string;
}
const NO_FILTER: FilterText = { fn: '', irq: '', device: '', cpu: '', kind: '' };

function toFilter(f: FilterText): { filter: TraceFilter; problems: string[] } {
  const filter: TraceFilter = {};
  const problems: string[] = [];
  if (f.fn.trim()) {
    if (/^[A-Za-z_]\w*$/.test(f.fn.trim())) filter.fn = f.fn.trim();
    else problems.push('function: a kernel function name');
  }
  for (const k of ['irq', 'cpu'] as const)
    if (f[k].trim()) {
      const n = Number(f[k]);
      if (Number.isInteger(n) && n >= -1) filter[k] = n;
      else problems.push(`${k}: a number`);
    }
  if (f.device.trim()) filter.device = f.device.trim();
  if (f.kind) filter.kind = f.kind as TraceFilter['kind'];
  return { filter, problems };
}

export function TraceView({
  sessionId,
  runs,
  runId,
  dark,
  jump,
  debugger: dbg,
  active,
  onOpenInDebugger,
}: Props) {
  const dbgAt = useDebuggerSnapshot(dbg, (d) =>
    active && d.runId === runId ? (d.state?.seq ?? null) : null,
  );
  const debuggerSeq = active ? dbgAt : null;
  const run = runs.find((r) => r.id === runId && r.status === 'complete') ?? null;
  const [text, setText] = useState<FilterText>(NO_FILTER);
  const [applied, setApplied] = useState<FilterText>(NO_FILTER);
  const { filter, problems } = useMemo(() => toFilter(applied), [applied]);
  const paged = usePagedEvents(sessionId, run?.id ?? null, run?.eventCount ?? 0, filter);
  const [selected, setSelected] = useState<number | null>(null);
  const [scrollTo, setScrollTo] = useState<{ row: number; nonce: number } | null>(null);
  const [top, setTop] = useState(0);
  const [symbols, setSymbols] = useState<ResponseOf<'trace.symbols'> | null>(null);
  const [timeline, setTimeline] = useState<ResponseOf<'trace.timeline'> | null>(null);
  const [showSql, setShowSql] = useState(false);
  const nonce = useRef(0);
  const filtered = Object.keys(filter).length > 0;

  useEffect(() => {
    setSymbols(null);
    setTimeline(null);
    setSelected(null);
    if (!run) return;
    let live = true;
    void invoke('trace.symbols', { sessionId, runId: run.id }).then((s) => live && setSymbols(s));
    void invoke('trace.timeline', { sessionId, runId: run.id, bins: 800 }).then(
      (t) => live && setTimeline(t),
    );
    return () => {
      live = false;
    };
  }, [sessionId, run?.id]);

  // Filters apply a moment after typing stops.
  useEffect(() => {
    const t = setTimeout(() => setApplied(text), 350);
    return () => clearTimeout(t);
  }, [text]);
  // A new filter is a new list: nothing selected in it and shown from its first match (but the
  // step a jump asked for, which scrolls itself).
  const keepSelection = useRef(false);
  useEffect(() => {
    if (keepSelection.current) keepSelection.current = false;
    else {
      setSelected(null);
      setScrollTo({ row: 0, nonce: ++nonce.current });
    }
  }, [applied]);

  /** Shows a step: without a filter its row is its number; with one, the filter goes. */
  const showStep = useCallback(
    (seq: number) => {
      if (filtered) {
        keepSelection.current = true;
        setText(NO_FILTER);
        setApplied(NO_FILTER);
      }
      setSelected(seq);
      setScrollTo({ row: seq, nonce: ++nonce.current });
    },
    [filtered],
  );

  useEffect(() => {
    if (jump) showStep(jump.seq);
  }, [jump?.nonce]);

  const selectedEvent = selected !== null ? paged.event(selected) : null;
  const open = (row: number) => {
    const e = paged.event(row);
    if (e) onOpenInDebugger(e.seq);
  };

  if (!run)
    return (
      <div className="mode-empty" data-testid="trace">
        <h2>Trace explorer</h2>
        <p>Choose a complete run (the selector above), or run the boot first.</p>
      </div>
    );

  const input = (key: keyof FilterText, label: string, placeholder: string, list?: string) => (
    <label className="inline">
      {label}
      <input
        value={text[key]}
        placeholder={placeholder}
        onChange={(e) => setText({ ...text, [key]: e.target.value })}
        onKeyDown={(e) => e.key === 'Enter' && setApplied(text)}
        aria-label={`Filter by ${label}`}
        list={list}
        spellCheck={false}
        className={key === 'fn' ? 'wide' : key === 'device' ? 'mid' : 'narrow'}
      />
    </label>
  );

  return (
    <div className="trace" data-testid="trace">
      <div className="trace-tools" role="toolbar" aria-label="Trace filters">
        {input('fn', 'Function', 'any (e.g. modify_irte)', 'trace-functions')}
        {input('irq', 'irq', 'any')}
        {input('device', 'Device', 'any BDF', 'trace-devices')}
        {input('cpu', 'CPU', 'any')}
        <label className="inline">
          Kind
          <select
            value={text.kind}
            onChange={(e) => {
              const next = { ...text, kind: e.target.value };
              setText(next);
              setApplied(next);
            }}
            aria-label="Filter by kind"
          >
            <option value="">any</option>
            {TRACE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button
          onClick={() => {
            setText(NO_FILTER);
            setApplied(NO_FILTER);
          }}
          disabled={!filtered && text === NO_FILTER}
        >
          Clear
        </button>
        <datalist id="trace-functions">
          {symbols?.functions.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <datalist id="trace-devices">
          {symbols?.devices.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
        <span className="spacer" />
        <span className="trace-count" data-testid="trace-count">
          {filtered
            ? paged.complete
              ? `${paged.rowCount.toLocaleString('en-US')} matching events`
              : `${Math.max(0, paged.rowCount - 200).toLocaleString('en-US')}+ matching events (scroll for more)`
            : `${run.eventCount.toLocaleString('en-US')} events`}
        </span>
        <button
          className="primary"
          disabled={!selectedEvent}
          onClick={() => selectedEvent && onOpenInDebugger(selectedEvent.seq)}
          title="Open the debugger at the selected step (Enter, or double click)"
        >
          Open in debugger
        </button>
        <button className={showSql ? 'toggle on' : 'toggle'} onClick={() => setShowSql((v) => !v)}>
          SQL
        </button>
      </div>
      {(problems.length > 0 || paged.error) && (
        <div className="error banner" role="alert">
          {problems.join('; ') || paged.error}
        </div>
      )}
      <Timeline
        data={timeline}
        windowStart={filtered ? (paged.event(top)?.seq ?? 0) : top}
        windowSize={filtered ? 1 : 30}
        debuggerSeq={debuggerSeq}
        onJump={showStep}
      />
      <div className={`trace-main${showSql ? ' with-sql' : ''}`}>
        <VirtualTable
          testId="trace-table"
          ariaLabel="Trace events"
          columns={COLUMNS}
          rowCount={paged.rowCount}
          row={(i) => {
            const e = paged.event(i);
            if (!e) return null;
            return {
              seq: e.seq.toLocaleString('en-US'),
              kind: <span className={`kind kind-${e.kind}`}>{e.kind}</span>,
              // A log line's message stands where its (empty) event would.
              event: (
                <span
                  style={{ paddingLeft: Math.min(e.depth, 24) * 10 }}
                  title={eventText(e) || e.text}
                >
                  {eventText(e) || e.text}
                </span>
              ),
              irq: e.irq >= 0 ? e.irq : '',
              cpu: e.cpu >= 0 ? e.cpu : '',
              device: e.device,
              text: <span title={e.text}>{e.text}</span>,
            };
          }}
          cellSpan={(i, key) => {
            const e = paged.event(i);
            if (key !== 'event' || !e) return 1;
            // A log line has no event, a call no message: one cell for the two.
            return !e.text || !eventText(e) ? 2 : 1;
          }}
          rowClass={(i) => {
            const e = paged.event(i);
            return e?.kind === 'fault' ? 'row-bad' : e?.seq === debuggerSeq ? 'row-dbg' : '';
          }}
          onRange={paged.ensure}
          selected={selected}
          onSelect={setSelected}
          onActivate={open}
          scrollTo={scrollTo}
          onTopChange={setTop}
          empty={filtered ? 'No event matches the filters.' : 'The run has no events.'}
        />
        {showSql && <SqlBox sessionId={sessionId} runId={run.id} dark={dark} />}
      </div>
    </div>
  );
}

const SQL_URI = monaco.Uri.parse('irqlab://trace/query.sql');
type SqlRelation = ResponseOf<'trace.schema'>['relations'][number];

/** Example queries, over the views that show names (core/store/sql-schema.ts). */
function sqlExamples(runId: number): { label: string; sql: string }[] {
  return [
    {
      label: 'Functions called most',
      sql: [
        '-- Read-only SQL over the session, one statement (Ctrl+Enter runs it).',
        '-- events_named: the trace with names; the schema is beside this box.',
        'SELECT name, count(*) AS calls',
        'FROM events_named',
        `WHERE run = ${runId} AND kind = 'call'`,
        'GROUP BY name ORDER BY calls DESC LIMIT 20',
      ].join('\n'),
    },
    {
      label: 'Faults',
      sql: `SELECT seq, name, irq, device, summary\nFROM faults\nWHERE run = ${runId}\nORDER BY seq`,
    },
    {
      label: 'Log lines at warning or worse',
      sql: `SELECT seq, level, line\nFROM log_lines\nWHERE run = ${runId} AND level <= 4\nORDER BY seq`,
    },
    {
      label: 'Events per device',
      sql: [
        'SELECT device, count(*) AS events, min(seq) AS first_step',
        'FROM events_named',
        `WHERE run = ${runId} AND device IS NOT NULL`,
        'GROUP BY device ORDER BY first_step',
      ].join('\n'),
    },
    {
      label: 'Vectors allocated per CPU',
      sql: [
        'SELECT cpu, count(*) AS allocations',
        'FROM events_named',
        `WHERE run = ${runId} AND kind = 'state' AND name = 'matrix_alloc'`,
        'GROUP BY cpu ORDER BY cpu',
      ].join('\n'),
    },
  ];
}

const RELATION_ORDER: SqlRelation['type'][] = ['view', 'virtual table', 'table'];

/** The names SQL sees, each with its meaning; clicking one inserts it at the cursor. */
function SqlSchema({
  relations,
  onInsert,
}: {
  relations: SqlRelation[] | null;
  onInsert(name: string): void;
}) {
  if (!relations) return <aside className="sql-schema" aria-label="Schema" />;
  return (
    <aside className="sql-schema" aria-label="Schema" data-testid="sql-schema">
      {RELATION_ORDER.map((type) => (
        <section key={type}>
          <h4>{type === 'virtual table' ? 'virtual table' : `${type}s`}</h4>
          {relations
            .filter((r) => r.type === type)
            .map((r) => (
              <details
                key={r.name}
                open={r.name === 'events_named'}
                data-relation={r.name}
                data-type={r.type}
              >
                <summary title={r.meaning}>
                  <button
                    className="link mono"
                    onClick={(e) => {
                      e.preventDefault();
                      onInsert(r.name);
                    }}
                    title={`Insert ${r.name}`}
                  >
                    {r.name}
                  </button>
                  <span className="dim"> {r.meaning}</span>
                </summary>
                <ul>
                  {[...r.columns, ...(r.arguments ?? [])].map((c, i) => (
                    <li key={c.name} title={c.meaning}>
                      <button
                        className="link mono"
                        onClick={() => onInsert(c.name)}
                        title={`Insert ${c.name}`}
                      >
                        {c.name}
                      </button>
                      {i >= r.columns.length && <span className="dim"> (argument)</span>}
                      <span className="dim"> {c.meaning}</span>
                    </li>
                  ))}
                </ul>
              </details>
            ))}
        </section>
      ))}
    </aside>
  );
}

function SqlBox({ sessionId, runId, dark }: { sessionId: string; runId: number; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [relations, setRelations] = useState<SqlRelation[] | null>(null);
  const runRef = useRef<() => void>(() => {});
  const examples = useMemo(() => sqlExamples(runId), [runId]);

  useEffect(() => {
    let live = true;
    void invoke('trace.schema', {}).then((s) => live && setRelations(s.relations));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const model =
      monaco.editor.getModel(SQL_URI) ??
      monaco.editor.createModel(examples[0]!.sql, 'sql', SQL_URI);
    const ed = monaco.editor.create(host.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      lineNumbersMinChars: 2,
      ariaLabel: 'SQL query',
    });
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => runRef.current());
    editor.current = ed;
    return () => {
      ed.dispose();
      editor.current = null;
    };
  }, [runId]);

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  const insert = (text: string) => {
    const ed = editor.current;
    const at = ed?.getSelection();
    if (!ed || !at) return;
    ed.executeEdits('schema', [{ range: at, text, forceMoveMarkers: true }]);
    ed.focus();
  };

  const run = async () => {
    const sql = editor.current?.getValue() ?? '';
    if (!sql.trim() || running) return;
    setRunning(true);
    setError(null);
    try {
      setResult(await invoke('trace.query', { sessionId, sql, limit: 1000 }));
    } catch (err) {
      setResult(null);
      // SQLite's own message (`no such column: name`), or the statement refused.
      setError((err as Error).message.replace(/^trace\.query failed: /, ''));
    } finally {
      setRunning(false);
    }
  };
  runRef.current = () => void run();

  const columns: Column[] = (result?.columns ?? []).map((c, i) => ({
    key: String(i),
    label: c,
    width: 'minmax(90px, 1fr)',
    className: 'mono',
  }));
  return (
    <div className="sql-box" data-testid="sql-box" data-own-keys="Ctrl+Enter">
      <div className="sql-top">
        <div className="sql-editor">
          <div className="sql-host" ref={host} data-testid="sql-editor" />
          <div className="sql-actions">
            <button className="primary" onClick={() => void run()} disabled={running}>
              {running ? 'Running…' : 'Run query'}
            </button>
            <select
              aria-label="Example queries"
              value=""
              onChange={(e) => {
                const ex = examples[Number(e.target.value)];
                if (ex) editor.current?.setValue(ex.sql);
              }}
            >
              <option value="">Examples…</option>
              {examples.map((ex, i) => (
                <option key={ex.label} value={i}>
                  {ex.label}
                </option>
              ))}
            </select>
            <span className="hint">
              Ctrl+Enter · read-only (SQLite refuses anything that writes)
            </span>
            <span className="spacer" />
            {result && (
              <span className="hint" data-testid="sql-summary">
                {result.rows.length.toLocaleString('en-US')} row
                {result.rows.length === 1 ? '' : 's'}
                {result.truncated ? ' (first 1,000)' : ''} · {result.milliseconds} ms
              </span>
            )}
          </div>
        </div>
        <SqlSchema relations={relations} onInsert={insert} />
      </div>
      {error && (
        <div className="error" role="alert" data-testid="sql-error">
          {error}
        </div>
      )}
      {result && (
        <VirtualTable
          testId="sql-result"
          ariaLabel="Query result"
          columns={columns}
          rowCount={result.rows.length}
          row={(i) =>
            Object.fromEntries(
              (result.rows[i] ?? []).map((v, k) => [String(k), v === null ? 'NULL' : String(v)]),
            )
          }
          empty="No rows."
        />
      )}
    </div>
  );
}
