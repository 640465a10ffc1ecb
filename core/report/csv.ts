// A run's events as CSV (RFC 4180), one row per event with names resolved, for spreadsheets.
import { EVENT_KIND_NAMES, type EventKind } from '../trace/events';
import { allEvents, type TraceSource } from './trace-source';

function field(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function writeEventsCsv(source: TraceSource, write: (text: string) => void): void {
  write('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text\r\n');
  for (const e of allEvents(source)) {
    const row = [
      e.seq,
      EVENT_KIND_NAMES[e.kind as EventKind] ?? String(e.kind),
      e.depth,
      source.symbol(e.fn)?.name ?? '',
      e.irq,
      e.cpu,
      e.a0,
      e.a1,
      e.a2,
      e.a3,
      e.text ? source.string(e.text) : '',
    ];
    write(row.map(field).join(',') + '\r\n');
  }
}
