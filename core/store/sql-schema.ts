// What SQL sees in a session: every table, the `events` virtual table and the views irqlab adds,
// each column with one line of meaning. The one description of it: the trace explorer's schema
// panel (electron/api/trace.ts `sqlSchema`) and docs/sql.md (`sqlSchemaMarkdown`, checked by
// sql-schema.test.ts) are both made from this table, and the test holds it to the real columns.
//
// The views are TEMP views made on each connection irqlab opens (Session's constructor), not a
// migration: they read the `events` virtual table, which exists only on irqlab's own connections
// (a view in the file over it would fail in any other SQLite client), and the file's schema stays
// exactly what the migrations build (schema-check.ts).
import { EVENT_KIND_NAMES } from '../trace/events';

export type SqlRelationType = 'table' | 'virtual table' | 'view';

export interface SqlColumnDoc {
  name: string;
  meaning: string;
}

export interface SqlRelationDoc {
  name: string;
  type: SqlRelationType;
  meaning: string;
  columns: SqlColumnDoc[];
  /** Table-valued arguments (the virtual table's hidden columns). */
  arguments?: SqlColumnDoc[];
}

const kindList = Object.entries(EVENT_KIND_NAMES)
  .map(([n, name]) => `${n} ${name}`)
  .join(', ');

/** The kind number as its name, in SQL. */
const KIND_NAME_SQL = `CASE e.kind ${Object.entries(EVENT_KIND_NAMES)
  .map(([n, name]) => `WHEN ${n} THEN '${name}'`)
  .join(' ')} ELSE CAST(e.kind AS TEXT) END`;

/**
 * A value of the events table as an integer when it is one: the table hands SQLite doubles (its
 * columns hold float64 where a block needs it), which JSON would print as `64.0`.
 */
const int = (x: string) =>
  `(CASE WHEN ${x} = CAST(${x} AS INTEGER) THEN CAST(${x} AS INTEGER) ELSE ${x} END)`;

/** An argument column by its index in the symbol's argument list (0..3). */
const ARG_BY_INDEX = `CASE a.key WHEN 0 THEN e.a0 WHEN 1 THEN e.a1 WHEN 2 THEN e.a2 ELSE e.a3 END`;

/**
 * The TEMP views, in creation order. Each joins the interned strings and symbols so that what
 * the user sees is names, not ids. `run` (the events table's hidden argument) is passed through,
 * so `WHERE run = 2` still limits the scan to one run's blocks.
 */
export const SQL_VIEWS: readonly { name: string; sql: string }[] = [
  {
    name: 'events_named',
    sql: `SELECT e.run_id, e.seq, ${KIND_NAME_SQL} AS kind, e.depth,
       s.name AS name, e.irq, e.cpu,
       CASE WHEN e.kind = 2 THEN json_object('ret', ${int('e.a0')})
            ELSE (SELECT json_group_object(a.value ->> 'name',
                           CASE WHEN a.value ->> 'type' = 'str'
                                THEN (SELECT v.value FROM strings v
                                       WHERE v.run_id = e.run_id AND v.id = ${ARG_BY_INDEX})
                                ELSE ${int(ARG_BY_INDEX)} END)
                    FROM json_each(s.args) a WHERE a.key < 4) END AS args,
       e.a0, e.a1, e.a2, e.a3,
       CASE WHEN e.text = 0 THEN NULL ELSE t.value END AS text,
       CASE WHEN e.dev = 0 THEN NULL ELSE d.value END AS device,
       e.run AS run
  FROM events e
  LEFT JOIN symbols s ON s.run_id = e.run_id AND s.id = e.fn
  LEFT JOIN strings t ON t.run_id = e.run_id AND t.id = e.text AND e.text <> 0
  LEFT JOIN strings d ON d.run_id = e.run_id AND d.id = e.dev AND e.dev <> 0`,
  },
  {
    name: 'log_lines',
    sql: `SELECT e.run_id, e.seq, e.a0 AS level, t.value AS line, e.run AS run
  FROM events e
  LEFT JOIN strings t ON t.run_id = e.run_id AND t.id = e.text
 WHERE e.kind = 4`,
  },
  {
    name: 'faults',
    sql: `SELECT e.run_id, e.seq, s.name AS name, e.irq, e.cpu, t.value AS summary,
       CASE WHEN e.dev = 0 THEN NULL ELSE d.value END AS device, e.run AS run
  FROM events e
  LEFT JOIN symbols s ON s.run_id = e.run_id AND s.id = e.fn
  LEFT JOIN strings t ON t.run_id = e.run_id AND t.id = e.text AND e.text <> 0
  LEFT JOIN strings d ON d.run_id = e.run_id AND d.id = e.dev AND e.dev <> 0
 WHERE e.kind = 5`,
  },
];

const RUN_ARG: SqlColumnDoc = {
  name: 'run',
  meaning: 'the run to read (`WHERE run = 2`): without it every run is decoded',
};

export const SQL_SCHEMA: readonly SqlRelationDoc[] = [
  {
    name: 'events_named',
    type: 'view',
    meaning: 'trace events with names resolved: start here',
    columns: [
      { name: 'run_id', meaning: 'the run (runs.id)' },
      { name: 'seq', meaning: 'step number in the run, from 0' },
      { name: 'kind', meaning: `event kind: ${Object.values(EVENT_KIND_NAMES).join(', ')}` },
      { name: 'depth', meaning: 'call depth (0 = outermost)' },
      { name: 'name', meaning: 'function, state or fault name (NULL for a log line)' },
      { name: 'irq', meaning: 'Linux irq number the event concerns (-1: none)' },
      { name: 'cpu', meaning: 'CPU the event concerns (-1: none)' },
      {
        name: 'args',
        meaning: `the arguments by name as JSON, strings resolved (a return: {"ret": value})`,
      },
      { name: 'a0', meaning: 'first argument as stored (a return: its result, -errno)' },
      { name: 'a1', meaning: 'second argument as stored' },
      { name: 'a2', meaning: 'third argument as stored' },
      { name: 'a3', meaning: 'fourth argument as stored' },
      { name: 'text', meaning: 'log line or fault summary (NULL when none)' },
      { name: 'device', meaning: 'BDF of the device the kernel was working for (NULL when none)' },
    ],
    arguments: [RUN_ARG],
  },
  {
    name: 'log_lines',
    type: 'view',
    meaning: "the kernel's log lines of each run (dmesg)",
    columns: [
      { name: 'run_id', meaning: 'the run (runs.id)' },
      { name: 'seq', meaning: 'step number of the line' },
      { name: 'level', meaning: 'log level, 0..7 (KERN_EMERG..KERN_DEBUG)' },
      { name: 'line', meaning: 'the line as the kernel printed it' },
    ],
    arguments: [RUN_ARG],
  },
  {
    name: 'faults',
    type: 'view',
    meaning: 'faults: IOMMU faults, oopses, failed allocations',
    columns: [
      { name: 'run_id', meaning: 'the run (runs.id)' },
      { name: 'seq', meaning: 'step number of the fault' },
      { name: 'name', meaning: 'fault name (dmar_fault, oops, ...)' },
      { name: 'irq', meaning: 'Linux irq number (-1: none)' },
      { name: 'cpu', meaning: 'CPU (-1: none)' },
      { name: 'summary', meaning: 'the fault as the kernel reports it' },
      { name: 'device', meaning: 'BDF of the device concerned (NULL when none)' },
    ],
    arguments: [RUN_ARG],
  },
  {
    name: 'events',
    type: 'virtual table',
    meaning: 'trace events as stored, one row per event, names as ids (read from event_blocks)',
    columns: [
      { name: 'run_id', meaning: 'the run (runs.id)' },
      { name: 'seq', meaning: 'step number in the run, from 0' },
      { name: 'kind', meaning: `event kind: ${kindList}` },
      { name: 'depth', meaning: 'call depth (0 = outermost)' },
      { name: 'fn', meaning: 'function, state or fault: symbols.id of the run' },
      { name: 'irq', meaning: 'Linux irq number (-1: none)' },
      { name: 'cpu', meaning: 'CPU (-1: none)' },
      { name: 'a0', meaning: 'first argument (a return: its result); type in symbols.args' },
      { name: 'a1', meaning: 'second argument' },
      { name: 'a2', meaning: 'third argument' },
      { name: 'a3', meaning: 'fourth argument (a "str" argument is a strings.id)' },
      { name: 'text', meaning: 'log line or fault summary: strings.id (0: none)' },
      {
        name: 'dev',
        meaning: 'device the kernel was working for: strings.id of its BDF (0: none)',
      },
    ],
    arguments: [
      RUN_ARG,
      { name: 'from_seq', meaning: 'first step to read: `events(2, 1000)`' },
      { name: 'to_seq', meaning: 'step to stop before: `events(2, 1000, 2000)`' },
    ],
  },
  {
    name: 'runs',
    type: 'table',
    meaning: 'one row per simulation run',
    columns: [
      { name: 'id', meaning: 'run id' },
      { name: 'created_at', meaning: 'when it started (ISO 8601)' },
      { name: 'finished_at', meaning: 'when it ended (NULL while running)' },
      { name: 'profile', meaning: 'kernel behaviour profile (mainline, v5.10, ...)' },
      { name: 'scenario', meaning: 'what was run (boot, ...)' },
      { name: 'status', meaning: 'running, complete, failed or incomplete' },
      { name: 'event_count', meaning: 'number of trace events stored' },
      { name: 'machine_json', meaning: 'the machine it booted (JSON)' },
      { name: 'outputs_json', meaning: 'its outputs: /proc/interrupts, tables, faults (JSON)' },
      { name: 'error', meaning: 'why it failed (NULL when it did not)' },
    ],
  },
  {
    name: 'symbols',
    type: 'table',
    meaning: "a run's functions, states and faults (events.fn)",
    columns: [
      { name: 'run_id', meaning: 'the run' },
      { name: 'id', meaning: 'the id events.fn holds' },
      { name: 'name', meaning: 'kernel name (irq_matrix_alloc, dmar_fault, ...)' },
      { name: 'args', meaning: 'its arguments as JSON: [{"name": "cpu", "type": "int"}, ...]' },
    ],
  },
  {
    name: 'strings',
    type: 'table',
    meaning: 'a run\'s interned strings (events.text, events.dev, "str" arguments)',
    columns: [
      { name: 'run_id', meaning: 'the run' },
      { name: 'id', meaning: 'the id the events hold' },
      { name: 'value', meaning: 'the string' },
    ],
  },
  {
    name: 'machine',
    type: 'table',
    meaning: 'the machine as the user edits it (one row)',
    columns: [
      { name: 'id', meaning: 'always 1' },
      { name: 'name', meaning: 'machine name' },
      { name: 'json', meaning: 'the machine file (JSON)' },
      { name: 'updated_at', meaning: 'when it was last saved' },
    ],
  },
  {
    name: 'notes',
    type: 'table',
    meaning: "the user's notes, on a run's step or on the session",
    columns: [
      { name: 'id', meaning: 'note id' },
      { name: 'run_id', meaning: 'the run (NULL: the session)' },
      { name: 'seq', meaning: 'the step (NULL: the whole run)' },
      { name: 'body', meaning: 'the note' },
      { name: 'created_at', meaning: 'when it was written' },
    ],
  },
  {
    name: 'breakpoints',
    type: 'table',
    meaning: "the debugger's breakpoints",
    columns: [
      { name: 'id', meaning: 'breakpoint id' },
      { name: 'kind', meaning: 'function, domain, irq, device, cpu or condition' },
      { name: 'spec', meaning: 'what it stops at (JSON)' },
      { name: 'enabled', meaning: '1 when on' },
    ],
  },
  {
    name: 'real_interrupts',
    type: 'table',
    meaning: 'the real /proc/interrupts an imported machine came with',
    columns: [
      { name: 'id', meaning: 'always 1' },
      { name: 'file_name', meaning: 'the file it was imported from' },
      { name: 'text', meaning: 'its text' },
      { name: 'missing_json', meaning: 'what the import assumed (JSON list)' },
      { name: 'imported_at', meaning: 'when it was imported' },
    ],
  },
  {
    name: 'meta',
    type: 'table',
    meaning: 'session settings as key and value',
    columns: [
      { name: 'key', meaning: 'setting name' },
      { name: 'value', meaning: 'its value' },
    ],
  },
  {
    name: 'event_blocks',
    type: 'table',
    meaning: 'trace storage: up to 4096 events per row, packed (read them through events)',
    columns: [
      { name: 'id', meaning: 'run_id * 2^40 + first step of the block' },
      { name: 'run_id', meaning: 'the run' },
      { name: 'count', meaning: 'events in the block' },
      { name: 'data', meaning: 'the packed columns (core/store/event-blocks.ts)' },
    ],
  },
  {
    name: 'event_postings',
    type: 'table',
    meaning: 'posting lists: which blocks hold an irq, CPU, function, kind or device',
    columns: [
      { name: 'run_id', meaning: 'the run' },
      { name: 'key', meaning: 'irq, cpu, fn, kind or dev' },
      { name: 'bucket', meaning: 'bucket of values' },
      { name: 'first_seq', meaning: 'first step of the group of blocks' },
      { name: 'blocks', meaning: 'bit masks of blocks per value (core/store/event-blocks.ts)' },
    ],
  },
];

/** docs/sql.md: the same table for readers of the repository. */
export function sqlSchemaMarkdown(): string {
  const out: string[] = [
    '# SQL over a session',
    '',
    '<!-- Made from core/store/sql-schema.ts (`npx tsx scripts/sql-doc.ts`); sql-schema.test.ts',
    '     fails when the two differ. Edit the table there, not this file. -->',
    '',
    "The trace explorer's SQL box and `irqlab query <session> <sql>` run one read-only statement",
    "(SQLite decides what is read-only; a write, ATTACH or PRAGMA is refused) and pass SQLite's own",
    'errors through. Interned ids are resolved by the views; `events` is the raw table.',
    '',
  ];
  for (const r of SQL_SCHEMA) {
    out.push(
      `## ${r.name} (${r.type})`,
      '',
      `${r.meaning[0]!.toUpperCase()}${r.meaning.slice(1)}.`,
    );
    out.push('', '| column | meaning |', '| --- | --- |');
    for (const c of r.columns) out.push(`| \`${c.name}\` | ${c.meaning.replace(/\|/g, '\\|')} |`);
    if (r.arguments) {
      out.push('', 'Arguments (hidden columns):', '');
      for (const a of r.arguments) out.push(`- \`${a.name}\`: ${a.meaning}`);
    }
    out.push('');
  }
  return out.join('\n');
}
