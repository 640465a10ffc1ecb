// Trace storage figures: events/s through the session's batched writer, against the naive way
// (one prepared single-row INSERT per event, all in one transaction), on the same events, in the
// same run; and how long opening a 10-million-event session takes to show its first page.
import { openDatabase } from '../core/store/native-binding';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TraceEmitter } from '../core/trace/emitter';
import { Session } from '../core/store/session';
import { writeSyntheticRun } from '../core/store/synthetic-run';

function syntheticTrace(emitter: TraceEmitter, events: number): void {
  // A realistic mix: call/ret pairs with arguments, state changes, the odd log line.
  const fnAlloc = emitter.symbol({
    name: 'irq_matrix_alloc',
    args: [{ name: 'cpu', type: 'int' }],
  });
  const fnDomain = emitter.symbol({
    name: 'msi_domain_alloc',
    args: [{ name: 'virq', type: 'int' }],
  });
  const stAlloc = emitter.symbol({ name: 'matrix_alloc', args: [{ name: 'vector', type: 'int' }] });
  for (let i = 0; emitter.seq < events; i++) {
    const cpu = i % 1536;
    emitter.call(fnDomain, i, -1, i, 1, 0, 0);
    emitter.call(fnAlloc, i, cpu, cpu, 0, 0, 0);
    emitter.state(stAlloc, i, cpu, 33 + (i % 200), 0, 0, 0);
    emitter.ret(fnAlloc, 0, i, cpu);
    emitter.ret(fnDomain, 0, i);
    if (i % 64 === 0) emitter.log(6, `irq ${i % 4096}: vector assigned`);
  }
  emitter.flush();
}

export function benchTraceStore(events = 2_000_000): Record<string, number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-bench-'));
  try {
    // Batched: the session's RunWriter as a trace sink, fed while the "simulation" runs.
    const session = Session.open(path.join(dir, 'batched.irqlab'), { create: true });
    const writer = session.beginRun({ profile: 'bench', machineJson: '{}' });
    const emitter = new TraceEmitter();
    // Time the writes only (not the synthetic simulation that produces them).
    let batchedSeconds = 0;
    emitter.addSink({
      write(chunk, strings, symbols) {
        const start = performance.now();
        writer.write(chunk, strings, symbols);
        batchedSeconds += (performance.now() - start) / 1000;
      },
    });
    syntheticTrace(emitter, events);
    let t0 = performance.now();
    writer.finish({});
    const finishSeconds = (performance.now() - t0) / 1000;
    batchedSeconds += finishSeconds;
    const stored = writer.eventCount;
    session.close();

    // Naive: the same events, one prepared single-row INSERT each, one transaction.
    const naive = openDatabase(path.join(dir, 'naive.db'));
    // Same table shape as migrations/0001_session.sql, no secondary indexes.
    naive.pragma('journal_mode = WAL');
    naive.pragma('synchronous = NORMAL');
    naive.exec(
      'CREATE TABLE events (id INTEGER PRIMARY KEY, kind INTEGER, depth INTEGER, fn INTEGER, irq INTEGER, cpu INTEGER, a0 INTEGER, a1 INTEGER, a2 INTEGER, a3 INTEGER, text INTEGER)',
    );
    const insert = naive.prepare('INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)');
    const rows: number[][] = [];
    const collector = new TraceEmitter();
    collector.addSink({
      write(chunk) {
        for (let i = 0; i < chunk.length; i++) {
          rows.push([
            chunk.base + i,
            chunk.kind[i]!,
            chunk.depth[i]!,
            chunk.fn[i]!,
            chunk.irq[i]!,
            chunk.cpu[i]!,
            chunk.a0[i]!,
            chunk.a1[i]!,
            chunk.a2[i]!,
            chunk.a3[i]!,
            chunk.text[i]!,
          ]);
        }
      },
    });
    syntheticTrace(collector, events);
    t0 = performance.now();
    naive.transaction(() => {
      for (const row of rows) insert.run(row);
    })();
    const naiveSeconds = (performance.now() - t0) / 1000;
    naive.close();

    return {
      trace_events_stored: stored,
      trace_events_per_second: Math.round(stored / batchedSeconds),
      trace_naive_rows_per_second: Math.round(rows.length / naiveSeconds),
      trace_write_ratio_vs_naive: Number((naiveSeconds / batchedSeconds).toFixed(2)),
      trace_finish_seconds: Number(finishSeconds.toFixed(3)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Opening a big session: builds a file whose run has `events` events (timed apart), then opens
 * it as the app does and shows the first page (200 events, names resolved); median of 5 opens.
 */
export function benchSessionOpen(events = 10_000_000): Record<string, number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-bench-'));
  try {
    const file = path.join(dir, 'big.irqlab');
    let t0 = performance.now();
    const session = Session.open(file, { create: true });
    session.saveMachine('bench', '{}');
    writeSyntheticRun(session, events);
    session.close();
    const buildSeconds = (performance.now() - t0) / 1000;

    const times: number[] = [];
    let shown = 0;
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      const s = Session.open(file);
      const run = s.runs().at(-1)!;
      const page = s.namedEvents(run.id, 0, 200);
      times.push(performance.now() - t0);
      shown = page.length;
      if (page[0]?.name !== 'request_irq' || !page[0].args.name)
        throw new Error('first page not resolved');
      s.close();
    }
    return {
      session_open_events: events,
      session_open_build_seconds: Number(buildSeconds.toFixed(1)),
      session_open_file_mb: Math.round(statSync(file).size / 2 ** 20),
      session_open_page_events: shown,
      session_open_first_ms: Number(times[0]!.toFixed(1)),
      session_open_ms: Number([...times].sort((a, b) => a - b)[2]!.toFixed(1)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('store.ts')) {
  for (const [key, value] of Object.entries(benchTraceStore())) console.log(`${key}: ${value}`);
  for (const [key, value] of Object.entries(benchSessionOpen())) console.log(`${key}: ${value}`);
}
