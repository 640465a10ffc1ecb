import { describe, expect, it } from 'vitest';
import { call } from '../api/dispatch';
import { useServiceFixture } from '../api/service-fixture';
import { collectGarbage } from './collect';

const fx = useServiceFixture('collect');

/** A session with one run, its results and outputs asked for as the results view does. */
async function sessionWithViews(name: string) {
  const { handlers } = fx.service;
  const machine = await call(handlers, 'machine.fromPreset', { name: 'example' });
  const { sessionId } = await call(handlers, 'session.new', {
    machineName: machine.name,
    machineText: machine.text,
  });
  const { jobId } = await call(handlers, 'run.start', { sessionId, machineText: machine.text });
  expect((await fx.finished(jobId)).state).toBe('done');
  // The results kept from the job, and the outputs parsed for the views: what the service
  // answers with are those objects themselves.
  const result = await call(handlers, 'run.result', { sessionId, runId: 1 });
  const spec = await call(handlers, 'run.spec', { sessionId, runId: 1 });
  const held = [new WeakRef(result.dmesg), new WeakRef(spec.injections)];
  await call(handlers, 'session.saveAs', {
    sessionId,
    machineName: machine.name,
    machineText: machine.text,
    name,
  });
  return { sessionId, held };
}

describe('a closed session', () => {
  it('leaves nothing of its runs behind in the service, also once saved under a name', async () => {
    const { sessionId, held } = await sessionWithViews('kept.irqlab');
    await call(fx.service.handlers, 'session.close', { sessionId });
    // A WeakRef keeps its object until the current task ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(held.map((ref) => ref.deref() === undefined)).toEqual([true, true]);
  });

  it("keeps its run's results while open (the check above can see an object kept)", async () => {
    const { sessionId, held } = await sessionWithViews('open.irqlab');
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(held.map((ref) => ref.deref() === undefined)).toEqual([false, false]);
    await call(fx.service.handlers, 'session.close', { sessionId });
  });
});
