// Made fixtures/session-v1.irqlab, a session written by schema version 1, which the migration
// tests open with every later version. Kept for the record only: it was run by the version-1
// store (commit 0371993); today's RunWriter writes version 2 blocks, so running it now would not
// make a version-1 file. Never regenerate the fixture.
import { TraceEmitter } from '../trace/emitter';
import { Session } from './session';

const session = Session.open(process.argv[2] ?? 'core/store/fixtures/session-v1.irqlab', {
  create: true,
});
session.saveMachine('fixture-v1', '{"note": "made by schema version 1"}');
const writer = session.beginRun({ profile: 'mainline', machineJson: '{}' });
const emitter = new TraceEmitter(64);
emitter.addSink(writer);
const fn = emitter.symbol({ name: 'irq_matrix_alloc', args: [{ name: 'cpu', type: 'int' }] });
for (let i = 0; i < 100; i++) {
  emitter.call(fn, 24 + i, i % 2, i % 2);
  emitter.ret(fn, 0, 24 + i, i % 2);
}
emitter.log(6, 'fixture');
emitter.flush();
writer.finish({});
session.db.pragma('wal_checkpoint(TRUNCATE)');
session.db.pragma('journal_mode = DELETE');
session.close();
