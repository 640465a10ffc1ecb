// A run as Chrome/Perfetto trace-event JSON (the "JSON Object Format" with traceEvents), so it
// opens in ui.perfetto.dev or chrome://tracing. Time is the step number (1 step = 1 µs).
//  - every modeled kernel call is a B/E slice on the "kernel calls" track, nested as called;
//  - state changes (vector allocated, message written, ...) are instant events on the track of
//    the CPU they concern ("CPU n"), or on "kernel calls" when no CPU is involved;
//  - faults are global instant events; kernel log lines are instant events on "dmesg".
// Output is produced piece by piece through `write`, so a 10-million-event run is never one
// string in memory.
import { EventKind } from '../trace/events';
import { allEvents, namedArgs, type TraceSource } from './trace-source';

const PID = 1;
const TID_CALLS = 1;
const TID_LOG = 2;
const TID_CPU_BASE = 1000;

export function writePerfettoTrace(
  source: TraceSource,
  write: (text: string) => void,
  runName = 'irqlab run',
): void {
  const cpus = new Set<number>();
  let first = true;
  const emit = (event: Record<string, unknown>) => {
    write((first ? '\n' : ',\n') + JSON.stringify(event));
    first = false;
  };
  write('{"displayTimeUnit":"ns","traceEvents":[');
  emit({ ph: 'M', pid: PID, name: 'process_name', args: { name: runName } });
  emit({ ph: 'M', pid: PID, tid: TID_CALLS, name: 'thread_name', args: { name: 'kernel calls' } });
  emit({ ph: 'M', pid: PID, tid: TID_LOG, name: 'thread_name', args: { name: 'dmesg' } });

  const open: string[] = []; // names of calls not yet returned, to close them at the end
  let lastTs = 0;
  for (const e of allEvents(source)) {
    const ts = e.seq;
    lastTs = ts;
    const name = source.symbol(e.fn)?.name ?? `fn#${e.fn}`;
    switch (e.kind) {
      case EventKind.call:
        open.push(name);
        emit({
          ph: 'B',
          pid: PID,
          tid: TID_CALLS,
          ts,
          name,
          cat: 'call',
          args: { ...namedArgs(source, e), irq: e.irq, cpu: e.cpu, step: e.seq },
        });
        break;
      case EventKind.ret:
        if (open.length === 0) break; // a return without its call (a trace cut at its start)
        open.pop();
        emit({ ph: 'E', pid: PID, tid: TID_CALLS, ts, args: { result: e.a0 } });
        break;
      case EventKind.state: {
        const tid = e.cpu >= 0 ? TID_CPU_BASE + e.cpu : TID_CALLS;
        if (e.cpu >= 0) cpus.add(e.cpu);
        emit({
          ph: 'i',
          s: 't',
          pid: PID,
          tid,
          ts,
          name,
          cat: 'state',
          args: { ...namedArgs(source, e), irq: e.irq, step: e.seq },
        });
        break;
      }
      case EventKind.log:
        emit({
          ph: 'i',
          s: 't',
          pid: PID,
          tid: TID_LOG,
          ts,
          name: source.string(e.text),
          cat: 'log',
          args: { level: e.a0, step: e.seq },
        });
        break;
      case EventKind.fault:
        emit({
          ph: 'i',
          s: 'g',
          pid: PID,
          ts,
          name: `${name}: ${source.string(e.text)}`,
          cat: 'fault',
          args: { ...namedArgs(source, e), irq: e.irq, cpu: e.cpu, step: e.seq },
        });
        break;
    }
  }
  // Calls still open when the run ended (an oops, an interrupted run): close them so slices stay balanced.
  while (open.pop() !== undefined)
    emit({ ph: 'E', pid: PID, tid: TID_CALLS, ts: lastTs, args: { unfinished: true } });
  for (const cpu of [...cpus].sort((a, b) => a - b)) {
    emit({
      ph: 'M',
      pid: PID,
      tid: TID_CPU_BASE + cpu,
      name: 'thread_name',
      args: { name: `CPU ${cpu}` },
    });
  }
  write('\n]}\n');
}
