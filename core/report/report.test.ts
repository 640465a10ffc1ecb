import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../store/session';
import { TraceEmitter } from '../trace/emitter';
import { writeEventsCsv } from './csv';
import { writePerfettoTrace } from './perfetto';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let runs = 0;

function storedRun(interrupted = false) {
  const session = Session.open(path.join(dir, `r${runs++}.irqlab`), { create: true });
  const writer = session.beginRun({ profile: 'mainline', machineJson: '{}' });
  const t = new TraceEmitter(16);
  t.addSink(writer);
  const alloc = t.symbol({
    name: '__irq_domain_alloc_irqs',
    args: [
      { name: 'domain', type: 'str' },
      { name: 'nr_irqs', type: 'int' },
    ],
  });
  const matrix = t.symbol({ name: 'irq_matrix_alloc', args: [{ name: 'cpu', type: 'int' }] });
  const vec = t.symbol({ name: 'matrix_alloc', args: [{ name: 'vector', type: 'hex' }] });
  const oops = t.symbol({ name: 'oops', args: [] });
  t.call(alloc, 24, -1, t.intern('PCI-MSI'), 2);
  t.call(matrix, 24, 1, 1);
  t.state(vec, 24, 1, 0x21);
  t.ret(matrix, 0, 24, 1);
  t.log(6, 'nvme nvme0: 2/0/0 default/read/poll queues, "quoted"');
  if (interrupted) {
    t.call(matrix, 25, 0, 0);
    t.fault(oops, 'BUG: kernel NULL pointer dereference, address: 0000000000000000', 25);
  } else {
    t.ret(alloc, 0, 24);
  }
  t.flush();
  writer.finish({});
  return session.traceSource(writer.runId);
}

function perfetto(interrupted: boolean) {
  let text = '';
  writePerfettoTrace(storedRun(interrupted), (s) => (text += s));
  return JSON.parse(text) as { traceEvents: Record<string, unknown>[] };
}

describe('Perfetto / Chrome trace-event JSON', () => {
  it('is valid trace-event JSON with balanced B/E slices named after kernel functions', () => {
    const { traceEvents } = perfetto(false);
    for (const e of traceEvents) {
      expect(['B', 'E', 'i', 'M']).toContain(e.ph);
      expect(e.pid).toBe(1);
      if (e.ph !== 'M') expect(typeof e.ts).toBe('number');
    }
    const slices = traceEvents.filter((e) => e.ph === 'B' || e.ph === 'E');
    expect(slices.map((e) => e.ph)).toEqual(['B', 'B', 'E', 'E']);
    expect(slices[0]).toMatchObject({
      name: '__irq_domain_alloc_irqs',
      args: { domain: 'PCI-MSI', nr_irqs: 2 },
    });
    const vector = traceEvents.find((e) => e.name === 'matrix_alloc');
    expect(vector).toMatchObject({ ph: 'i', tid: 1001, args: { vector: '0x21' } });
    expect(traceEvents).toContainEqual(
      expect.objectContaining({ ph: 'M', tid: 1001, args: { name: 'CPU 1' } }),
    );
  });

  it('shows a fault as a global instant event and closes the calls it cut short', () => {
    const { traceEvents } = perfetto(true);
    const fault = traceEvents.find((e) => e.cat === 'fault');
    expect(fault).toMatchObject({ ph: 'i', s: 'g' });
    expect(String(fault?.name)).toContain('BUG: kernel NULL pointer dereference');
    const b = traceEvents.filter((e) => e.ph === 'B').length;
    const eCount = traceEvents.filter((e) => e.ph === 'E').length;
    expect(eCount).toBe(b);
  });
});

describe('CSV of events', () => {
  it('has a header, one row per event, names resolved and text quoted per RFC 4180', () => {
    let csv = '';
    writeEventsCsv(storedRun(false), (s) => (csv += s));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text');
    expect(lines).toHaveLength(1 + 6);
    expect(lines[2]).toBe('1,call,1,irq_matrix_alloc,24,1,1,0,0,0,');
    expect(lines[5]).toBe(
      '4,log,1,,-1,-1,6,0,0,0,"nvme nvme0: 2/0/0 default/read/poll queues, ""quoted"""',
    );
  });
});
