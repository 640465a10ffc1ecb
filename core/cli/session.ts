// The commands that read a session file: irqlab runs, query and report.
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../report/report';
import type { TraceSource } from '../report/trace-source';
import { Session, type RunSummary } from '../store/session';
import { count, takeOption, UsageError, type Io } from './common';
import { checkOutput, fileWriter } from './output';

/** A run's status as the commands show it. */
const statusOf = (r: RunSummary) => (r.writerGone ? `${r.status} (writer gone)` : r.status);

export function cmdRuns(args: string[], io: Io): number {
  if (args.length !== 1) throw new UsageError('runs takes one session file');
  const session = Session.open(args[0]!, { readonly: true });
  try {
    for (const r of session.runs()) {
      io.out(
        `${r.id}\t${statusOf(r)}\t${r.profile}\t${r.eventCount} events\t${r.createdAt}${r.error ? `\t${r.error}` : ''}\n`,
      );
    }
  } finally {
    session.close();
  }
  return 0;
}

export function cmdQuery(args: string[], io: Io): number {
  if (args.length !== 2) throw new UsageError('query takes a session file and one SQL statement');
  const session = Session.open(args[0]!, { readonly: true });
  try {
    const { columns, rows } = session.query(args[1]!);
    io.out(columns.join('\t') + '\n');
    for (const row of rows)
      io.out(row.map((v) => (v === null ? 'NULL' : String(v))).join('\t') + '\n');
  } finally {
    session.close();
  }
  return 0;
}

export function cmdReport(args: string[], io: Io): number {
  const format = takeOption(args, '--format');
  const runArg = takeOption(args, '--run');
  const out = takeOption(args, '-o');
  if (args.length !== 1) throw new UsageError('report takes one session file');
  if (!REPORT_FORMATS.includes(format as ReportFormat))
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  if (runArg !== undefined && !/^\d+$/.test(runArg))
    throw new UsageError(`--run ${runArg}: a run number (see irqlab runs)`);
  if (out) checkOutput(out, [args[0]!]);
  const session = Session.open(args[0]!, { readonly: true });
  let exit = 0;
  try {
    const runs = session.runs();
    const runId = runArg ? Number(runArg) : runs[runs.length - 1]?.id;
    const run = runId === undefined ? null : session.run(runId);
    if (!run) throw new UsageError(`${args[0]}: no run ${runArg ?? ''}`.trim());
    if (run.status === 'incomplete' || run.status === 'running') {
      // A report of a cut-off run covers what was stored; the exit code says it is not whole.
      io.err(
        `irqlab: run ${run.id} is ${statusOf(run)}: the report covers the ${count(run.eventCount)} trace events stored\n`,
      );
      if (run.status === 'incomplete') exit = 1;
    }
    io.progress?.(`irqlab: reading run ${run.id}'s outputs`);
    const outputs = session.runOutputs(run.id);
    const stored = session.traceSource(run.id);
    // Progress as the report reads the trace, page by page.
    let read = 0;
    const progress = io.progress;
    const source: TraceSource = progress
      ? {
          ...stored,
          page: (fromSeq, limit) => {
            const page = stored.page(fromSeq, limit);
            read += page.length;
            progress(
              `irqlab: ${format} report of run ${run.id}: ${count(read)} of ${count(run.eventCount)} trace events read`,
            );
            return page;
          },
        }
      : stored;
    const file = out ? fileWriter(out) : null;
    try {
      writeReport(
        format as ReportFormat,
        { ...run, machineJson: run.machineJson, outputs, source },
        file ? file.write : io.out,
      );
    } finally {
      file?.close();
      io.progress?.(null);
    }
  } finally {
    session.close();
  }
  return exit;
}
