// `npm run bench`: irqlab's figures, one `key: value` line each.
//
//   boot_large_seconds            the whole simulated boot of preset `large` (1536 CPUs, 16 IOAPICs,
//                                 16 VT-d units, IR in x2APIC mode, ~100,000 MSI-X vectors) with trace events emitted; median of 3
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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simulate } from '../core/kernel/boot';
import { PRESETS } from '../core/model/presets';
import { Session } from '../core/store/session';
import { TraceEmitter } from '../core/trace/emitter';
import { benchSessionOpen, benchTraceStore } from './store';
import { benchStep } from './step';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function print(key: string, value: number | string): void {
  console.log(`${key}: ${value}`);
}

const large = PRESETS.large!.make();

// Boot of the large preset, in memory.
const seconds: number[] = [];
let events = 0;
let vectors = 0;
for (let run = 0; run < 3; run++) {
  const trace = new TraceEmitter();
  const t0 = performance.now();
  const result = simulate(large, { trace });
  seconds.push((performance.now() - t0) / 1000);
  events = result.events;
  if (run === 0) vectors = result.irqs.filter((i) => i.msi !== null).length;
}
const boot = median(seconds);
print('boot_large_cpus', large.cpus.list.length);
print('boot_large_ioapics', large.ioapics.length);
print('boot_large_msi_vectors', vectors);
print('boot_large_events', events);
print('boot_large_seconds', boot.toFixed(3));
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
