// `npm run bench`: irqlab's figures, one `key: value` line each.
//
//   page_fault_us_at_start        what memory costs on this machine now: microseconds per first
//                                 touch of a fresh page (bench/machine.ts), before the figures;
//                                 page_fault_us_at_end after them. Every figure below pays it per
//                                 4 KiB a process or heap grows by: compare it first between runs
//   boot_large_seconds            the whole simulated boot of preset `large` (1536 CPUs, 16 IOAPICs,
//                                 16 VT-d units, IR in x2APIC mode, ~100,000 MSI-X vectors) with
//                                 trace events emitted; median of 7 warm boots, each started on a
//                                 collected heap (the bench runs with --expose-gc) so that one
//                                 boot does not pay for collecting the previous one's state.
//                                 boot_large_cold_seconds: the first boot of the process (the
//                                 heap not yet grown, the JIT not yet warm), as the app's fresh
//                                 worker for each run sees it;
//                                 boot_large_min_seconds / _max_seconds: the spread of the 7
//   allocations_per_second        vectors allocated (MSI/MSI-X irqs) per second of that boot
//   trace_emit_events_per_second  trace events emitted per second of that boot
//   boot_large_stored_seconds     the same boot with its trace stored in a session file (SQLite)
//                                 as it runs; boot_large_trace_write_events_per_second: the
//                                 session writer's own rate on that boot's events
//   trace_events_per_second       the session's batched writer on 2M synthetic events, its time
//                                 including finishing the run
//   trace_naive_rows_per_second   the same events, one prepared single-row INSERT each (baseline),
//                                 measured in the same run
//   trace_write_ratio_vs_naive    how many times faster the batched writer is
//   step_p99_ms                   the debugger on the large preset: command -> state from the worker
//                                 for steps forward and back (bench/step.ts says how it is driven);
//                                 step_forward_p99_ms, step_back_p50_ms, step_back_p99_ms apart;
//                                 step_back_after_jump_ms and step_goto_far_back_ms are not steps
//   session_open_ms               open a session whose run has 10M events and show its first page
//                                 (200 events, names resolved); median of 5, page cache warm.
//                                 session_open_build_seconds: building that file
//   ui_step_p99_ms                the debugger in the app (browser mode, chromium): keypress to
//                                 repaint on the large preset; ui_step_p50_ms and the rest are
//                                 explained in bench/ui-step.ts; ui_floor_*: the same keys on a
//                                 page of one line of text, in the same browser (bench/ui-floor.ts)
//   ui_graph_large_ms             the machine graph in the app: click that opens the large preset
//                                 until its graph is drawn; ui_graph_2000_ms the same for a
//                                 2,000-device machine from the generator (bench/ui-graph.ts)
//   ui_boot_large_ratio           the app on the large preset, ▶ Run boot to its results, over the
//                                 in-process boot; boot_large_stored_ratio (and where the stored
//                                 job's time and fresh pages go), ui_trace_filter_first_ms,
//                                 ui_reopen_large_ms, server_rss_after_close_mb, ui_rerun_large_ratio
//                                 (the next Run, its job process warm): bench/ui-run.ts
//   cli_help_seconds              `irqlab --help`, the whole process (the installed bin running
//                                 the bundle dist/cli); cli_help_ratio_vs_node against `node -e 0`
//   cli_predict_seconds           `irqlab import <q35-ir-4cpu's dmesg, lspci, acpidump> --simulate`,
//                                 one process; cli_vs_qemu_ratio: that machine's QEMU boot over it
//   npm_start_unchanged_seconds   `npm start` until the URL, nothing changed (bench/cli.ts has
//                                 these and the rest of the start-up figures)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simulate } from '../core/scenario';
import { PRESETS } from '../core/model/presets';
import { Session } from '../core/store/session';
import { TraceEmitter } from '../core/trace/emitter';
import { benchCli } from './cli';
import { pageFaultMicroseconds } from './machine';
import { median } from './stats';
import { benchSessionOpen, benchTraceStore } from './store';
import { benchStep } from './step';
import { benchUiGraph } from './ui-graph';
import { benchUiStep } from './ui-step';
import { benchUiRun } from './ui-run';

function print(key: string, value: number | string): void {
  console.log(`${key}: ${value}`);
}

print('page_fault_us_at_start', pageFaultMicroseconds());

const large = PRESETS.large!.make();

// Boot of the large preset, in memory: one cold, then the warm ones.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const seconds: number[] = [];
let cold = 0;
let events = 0;
let vectors = 0;
for (let run = 0; run < 8; run++) {
  collect();
  const trace = new TraceEmitter();
  const t0 = performance.now();
  const result = simulate(large, { trace });
  const s = (performance.now() - t0) / 1000;
  if (run === 0) {
    cold = s;
    events = result.events;
    vectors = result.irqs.filter((i) => i.msi !== null).length;
  } else seconds.push(s);
}
collect();
const boot = median(seconds);
print('boot_large_cpus', large.cpus.list.length);
print('boot_large_ioapics', large.ioapics.length);
print('boot_large_msi_vectors', vectors);
print('boot_large_events', events);
print('boot_large_seconds', boot.toFixed(3));
print('boot_large_min_seconds', Math.min(...seconds).toFixed(3));
print('boot_large_max_seconds', Math.max(...seconds).toFixed(3));
print('boot_large_cold_seconds', cold.toFixed(3));
print('allocations_per_second', Math.round(vectors / boot));
print('trace_emit_events_per_second', Math.round(events / boot));

// The same boot with every event stored in a session file as the simulation runs.
const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-bench-'));
try {
  const session = Session.open(path.join(dir, 'large.irqlab'), { create: true });
  const writer = session.beginRun({ profile: 'auto', machineJson: '{}' });
  const trace = new TraceEmitter();
  let writing = 0;
  trace.addSink({
    write(chunk, strings, symbols) {
      const start = performance.now();
      writer.write(chunk, strings, symbols);
      writing += performance.now() - start;
    },
  });
  const t0 = performance.now();
  simulate(large, { trace });
  const stored = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  writer.finish({});
  writing += performance.now() - t1;
  session.close();
  print('boot_large_stored_seconds', stored.toFixed(3));
  print(
    'boot_large_trace_write_events_per_second',
    Math.round(writer.eventCount / (writing / 1000)),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Batched writer against the naive insert, same events, same run.
const store = benchTraceStore(2_000_000);
print('trace_events_per_second', store.trace_events_per_second!);
print('trace_naive_rows_per_second', store.trace_naive_rows_per_second!);
print('trace_write_ratio_vs_naive', store.trace_write_ratio_vs_naive!);
print('trace_finish_seconds', store.trace_finish_seconds!);

// The debugger on the large preset: latency of steps forward and back (worker round trip).
for (const [key, value] of Object.entries(await benchStep())) print(key, value);

// Opening a 10-million-event session at its first page.
for (const [key, value] of Object.entries(benchSessionOpen(10_000_000))) print(key, value);

// The debugger in the UI (keypress to repaint) needs chromium and the built renderer
// (`npm run bench` builds it first); without them it says why instead of a number.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) print('ui_step_p99_ms', `skipped (no chromium at ${chromiumPath})`);
else if (!existsSync(path.join(import.meta.dirname, '../dist/renderer/index.html')))
  print('ui_step_p99_ms', 'skipped (renderer not built: npm run build:renderer)');
else for (const [key, value] of Object.entries(await benchUiStep())) print(key, value);
// The machine graph (bench/ui-graph.ts) and the run path (bench/ui-run.ts) in the UI need the same.
const uiBuilt = existsSync(path.join(import.meta.dirname, '../dist/renderer/index.html'));
if (existsSync(chromiumPath) && uiBuilt) {
  for (const [key, value] of Object.entries(await benchUiGraph())) print(key, value);
  for (const [key, value] of Object.entries(await benchUiRun())) print(key, value);
}

// Start-up of the irqlab command and of npm start, whole processes (after the renderer build
// above, so that npm start finds nothing changed).
for (const [key, value] of Object.entries(await benchCli())) print(key, value);

print('page_fault_us_at_end', pageFaultMicroseconds());
