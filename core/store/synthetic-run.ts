// A synthetic run of any length, shaped like the large preset's boot (a request_irq around an
// irq_matrix_alloc with its matrix_alloc state, ~1 new string per 25 events), for the places that
// need a run of 10 million events without booting anything that big: the session_open_ms bench
// and the trace explorer's scrolling test.
import { TraceEmitter } from '../trace/emitter';
import type { Session } from './session';

export function writeSyntheticRun(session: Session, events: number): void {
  const writer = session.beginRun({ profile: 'synthetic', machineJson: '{}' });
  const emitter = new TraceEmitter();
  emitter.addSink(writer);
  const request = emitter.symbol({
    name: 'request_irq',
    args: [
      { name: 'irq', type: 'int' },
      { name: 'name', type: 'str' },
    ],
  });
  const alloc = emitter.symbol({
    name: 'irq_matrix_alloc',
    args: [{ name: 'reserved', type: 'int' }],
  });
  const state = emitter.symbol({ name: 'matrix_alloc', args: [{ name: 'vector', type: 'int' }] });
  for (let i = 0; emitter.seq < events; i++) {
    const cpu = i % 1536;
    const name = emitter.intern(`mlx5_comp${Math.floor(i / 5) % 64}@pci:${Math.floor(i / 320)}`);
    emitter.call(request, i, -1, i, name);
    emitter.call(alloc, i, cpu, 0);
    emitter.state(state, i, cpu, 33 + (i % 200));
    emitter.ret(alloc, 0, i, cpu);
    emitter.ret(request, 0, i);
  }
  emitter.flush();
  writer.finish({});
  session.db.pragma('wal_checkpoint(TRUNCATE)');
}
