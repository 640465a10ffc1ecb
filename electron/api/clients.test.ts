// The service's clients (one per browser-mode WebSocket) and its job queue: sessions a client
// opened go with it unless another holds them, caps on sessions say so clearly, jobs beyond the
// concurrency cap wait (and say so) and can be cancelled while waiting.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobStatus } from './channels';
import { call, dispatch } from './dispatch';
import type { JobOutcome, JobRequest } from './job-work';
import { Jobs, type JobExecutor } from './jobs';
import { createService, MAX_SESSIONS_PER_CLIENT, type Service } from './service';
import { jobFinished } from './service-fixture';
import { MAX_OPEN_SESSIONS } from './sessions';

let dir = '';
let service: Service | null = null;

function makeService(
  extra: Parameters<typeof createService>[0] extends infer O ? Partial<O> : never = {},
) {
  dir = mkdtempSync(path.join(tmpdir(), 'irqlab-clients-test-'));
  service = createService({
    mode: 'browser',
    version: 'test',
    platform: 'linux',
    sessions: {
      sessionsDir: path.join(dir, 'sessions'),
      scratchDir: path.join(dir, 'scratch'),
      configDir: path.join(dir, 'config'),
    },
    exportsDir: path.join(dir, 'exports'),
    ...extra,
  });
  return service;
}
afterEach(() => {
  service?.close();
  service = null;
  rmSync(dir, { recursive: true, force: true });
});

const newSession = (h: Service['handlers'], name = 'm') =>
  call(h, 'session.new', { machineName: name, machineText: '{}' });

/** An executor whose jobs end only when the test says so (or are cancelled). */
function heldExecutor() {
  const started: { job: JobRequest; finish(o: JobOutcome): void }[] = [];
  const execute: JobExecutor = (job) => {
    let resolve!: (v: JobOutcome | 'cancelled') => void;
    const outcome = new Promise<JobOutcome | 'cancelled'>((r) => (resolve = r));
    started.push({ job, finish: resolve });
    return { outcome, cancel: () => resolve('cancelled') };
  };
  return { execute, started };
}

describe('sessions belong to the client that opened them', () => {
  it('are closed, scratch files and all, when the client goes', async () => {
    const s = makeService();
    const client = s.connect();
    const opened = await newSession(client.handlers);
    await call(client.handlers, 'runs.list', { sessionId: opened.sessionId });
    expect(readdirSync(path.join(dir, 'scratch'))).not.toHaveLength(0);
    client.close();
    const after = await dispatch(s.handlers, 'runs.list', { sessionId: opened.sessionId });
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.message).toContain('was closed');
    expect(readdirSync(path.join(dir, 'scratch'))).toHaveLength(0);
  });

  it('let go of what their runs left warm when they close, and only then', async () => {
    let released = 0;
    const s = makeService({ releaseJobs: () => released++ });
    const a = s.connect();
    const b = s.connect();
    const mine = await newSession(a.handlers);
    await call(a.handlers, 'runs.list', { sessionId: mine.sessionId });
    expect(released).toBe(0);
    await call(a.handlers, 'session.close', { sessionId: mine.sessionId });
    expect(released).toBe(1);
    // A client that goes closes its sessions: the same.
    await newSession(b.handlers);
    b.close();
    expect(released).toBe(2);
    a.close();
  });

  it('stay open while another client holds the same file', async () => {
    const s = makeService();
    const a = s.connect();
    const b = s.connect();
    const created = await newSession(a.handlers);
    await call(a.handlers, 'session.saveAs', {
      sessionId: created.sessionId,
      machineName: 'm',
      machineText: '{}',
      name: 'shared.irqlab',
    });
    const again = await call(b.handlers, 'session.open', { name: 'shared.irqlab' });
    expect(again.sessionId).toBe(created.sessionId);
    // A closes it: B still has it.
    await call(a.handlers, 'session.close', { sessionId: created.sessionId });
    a.close();
    await call(b.handlers, 'runs.list', { sessionId: created.sessionId });
    b.close();
    expect((await dispatch(s.handlers, 'runs.list', { sessionId: created.sessionId })).ok).toBe(
      false,
    );
    expect(existsSync(path.join(dir, 'sessions', 'shared.irqlab'))).toBe(true);
  });

  it(`at most ${MAX_SESSIONS_PER_CLIENT} per client, ${MAX_OPEN_SESSIONS} in all, each refused clearly`, async () => {
    const s = makeService();
    const first = s.connect();
    for (let i = 0; i < MAX_SESSIONS_PER_CLIENT; i++) await newSession(first.handlers);
    const refused = await dispatch(first.handlers, 'session.new', {
      machineName: 'm',
      machineText: '{}',
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('close one first');
    const clients = [first];
    while (clients.length * MAX_SESSIONS_PER_CLIENT < MAX_OPEN_SESSIONS) {
      const c = s.connect();
      clients.push(c);
      for (let i = 0; i < MAX_SESSIONS_PER_CLIENT; i++) await newSession(c.handlers);
    }
    const late = s.connect();
    const full = await dispatch(late.handlers, 'session.new', {
      machineName: 'm',
      machineText: '{}',
    });
    expect(full.ok).toBe(false);
    if (!full.ok) expect(full.error.message).toContain(`${MAX_OPEN_SESSIONS} sessions open`);
    // A client going frees its room.
    clients.pop()!.close();
    await newSession(late.handlers);
  });

  it('a client that opens a session and leaves, again and again, leaves nothing open', async () => {
    const s = makeService();
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 60; i++) {
      const c = s.connect();
      await newSession(c.handlers);
      c.close();
    }
    expect(fds() - before).toBeLessThan(10);
    expect(readdirSync(path.join(dir, 'scratch'))).toHaveLength(0);
  });
});

describe('a service that stops', () => {
  it('leaves no scratch or export folder behind, and keeps the saved sessions', async () => {
    const s = makeService();
    const machine = await call(s.handlers, 'machine.fromPreset', { name: 'example' });
    const untitled = await newSession(s.handlers);
    const named = await call(s.handlers, 'session.new', {
      machineName: machine.name,
      machineText: machine.text,
    });
    const { jobId } = await call(s.handlers, 'run.start', {
      sessionId: named.sessionId,
      machineText: machine.text,
    });
    expect((await jobFinished(s.handlers, jobId)).state).toBe('done');
    await call(s.handlers, 'session.saveAs', {
      sessionId: named.sessionId,
      machineName: machine.name,
      machineText: machine.text,
      name: 'kept.irqlab',
    });
    const exported = await call(s.handlers, 'report.export', {
      sessionId: named.sessionId,
      runId: 1,
      format: 'md',
    });
    expect((await jobFinished(s.handlers, exported!.jobId)).state).toBe('done');
    expect(readdirSync(path.join(dir, 'exports'))).toHaveLength(1);
    expect(readdirSync(path.join(dir, 'scratch'))).not.toHaveLength(0);
    expect(untitled.titled).toBe(false);
    s.close();
    service = null;
    expect(existsSync(path.join(dir, 'scratch'))).toBe(false);
    expect(existsSync(path.join(dir, 'exports'))).toBe(false);
    expect(readdirSync(path.join(dir, 'sessions'))).toContain('kept.irqlab');
  });
});

describe('the job queue', () => {
  it('runs at most its cap at once; the others wait, say so, and can be cancelled', async () => {
    const { execute, started } = heldExecutor();
    const jobs = new Jobs(execute, 1);
    const ended: JobStatus[] = [];
    const request: JobRequest = { kind: 'simulate', request: { text: '{}' } };
    const ids = [1, 2, 3].map(() =>
      jobs.start(
        'simulate',
        request,
        () => undefined,
        (s) => ended.push(s),
      ),
    );
    expect(started).toHaveLength(1);
    expect(jobs.status(ids[1]!).phase).toBe('waiting: next (1 at a time)');
    expect(jobs.status(ids[2]!).phase).toBe('waiting: 1 job ahead (1 at a time)');
    // Cancelled while waiting: it never starts.
    expect(jobs.cancel(ids[1]!)).toBe(true);
    expect(jobs.status(ids[1]!).state).toBe('cancelled');
    expect(jobs.status(ids[2]!).phase).toBe('waiting: next (1 at a time)');
    started[0]!.finish({ kind: 'simulate', result: {} as never });
    await new Promise((r) => setImmediate(r));
    expect(jobs.status(ids[0]!).state).toBe('done');
    expect(started).toHaveLength(2);
    expect(jobs.status(ids[2]!).state).toBe('running');
    expect(ended.map((s) => s.state)).toEqual(['cancelled', 'done']);
  });

  it('a status call that waits answers when its job ends, or when its wait is over', async () => {
    const { execute, started } = heldExecutor();
    const jobs = new Jobs(execute, 1);
    const request: JobRequest = { kind: 'simulate', request: { text: '{}' } };
    const [running, queued] = [1, 2].map(() => jobs.start('simulate', request, () => undefined));
    // Still running after its wait: the running status.
    expect((await jobs.statusAfter(running!, 5)).state).toBe('running');
    // The wait ends with the job, not with its time (an hour, far past this test's timeout).
    const answer = jobs.statusAfter(running!, 3_600_000);
    const waitingAnswer = jobs.statusAfter(queued!, 3_600_000);
    started[0]!.finish({ kind: 'simulate', result: {} as never });
    expect(await answer).toMatchObject({ state: 'done', phase: 'done' });
    // The second (started once the first ended) answers when its cancel has stopped it.
    expect(jobs.cancel(queued!)).toBe(true);
    expect((await waitingAnswer).state).toBe('cancelled');
    // An ended job answers at once.
    expect((await jobs.statusAfter(running!, 3_600_000)).state).toBe('done');
  });

  it('machine.simulate waits its turn and is cancelled when its client goes', async () => {
    const { execute, started } = heldExecutor();
    const s = makeService({ execute, maxRunningJobs: 1 });
    const a = s.connect();
    const b = s.connect();
    const first = dispatch(a.handlers, 'machine.simulate', { text: '{}' });
    const second = dispatch(b.handlers, 'machine.simulate', { text: '{}' });
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(1);
    a.close();
    expect(await first).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('cancelled') },
    });
    // B's call starts once A's is gone.
    await new Promise((r) => setImmediate(r));
    expect(started).toHaveLength(2);
    b.close();
    expect((await second).ok).toBe(false);
  });
});
