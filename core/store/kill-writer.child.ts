// Child process for the crash-safety test: writes one complete run, then starts a second run and
// keeps writing trace chunks until it is killed. Prints "COMMITTED <n>" after each chunk commits.
import { TraceEmitter } from '../trace/emitter';
import { Session } from './session';

const file = process.argv[2]!;
const session = Session.open(file, { create: true });
session.saveMachine('kill-test', '{"cpus": []}');

const first = session.beginRun({ profile: 'test', machineJson: '{}' });
const done = new TraceEmitter(1024);
done.addSink(first);
const fn = done.symbol({ name: 'irq_matrix_alloc', args: [{ name: 'cpu', type: 'int' }] });
for (let i = 0; i < 5000; i++) done.state(fn, i, i % 4, i);
done.flush();
first.finish({ note: 'first run' });
console.log(`FIRST ${first.eventCount}`);

const second = session.beginRun({ profile: 'test', machineJson: '{}' });
const running = new TraceEmitter(1024);
running.addSink({
  write(chunk, strings, symbols) {
    second.write(chunk, strings, symbols);
    console.log(`COMMITTED ${second.eventCount}`);
  },
});
const fn2 = running.symbol({ name: 'msi_domain_alloc', args: [{ name: 'virq', type: 'int' }] });
for (let i = 0; ; i++) running.state(fn2, i, -1, i);
