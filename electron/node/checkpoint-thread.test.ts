// A run's checkpoint thread (checkpoint-thread.ts) folds what the run has committed into the
// session file when the store asks, while the store goes on writing; once stop() returns its
// connection is closed, so the store's own close is the last one (it folds in the rest and
// removes the WAL), whether the thread had got its file yet or not.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileAlone } from '../../core/store/file-alone';
import { Session } from '../../core/store/session';
import { TraceEmitter } from '../../core/trace/emitter';
import { CheckpointThread } from './checkpoint-thread';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-checkpoint-thread-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = new URL('./simulation-worker.mjs', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A session with a run being written (checkpoints left to another connection), `events` in. */
function runBeingWritten(name: string, events: number) {
  const file = path.join(dir, `${name}.irqlab`);
  Session.open(file, { create: true }).close();
  const session = Session.open(file);
  const writer = session.beginRun({ profile: 'synthetic', machineJson: '{}' });
  writer.checkpointElsewhere(false);
  const emitter = new TraceEmitter();
  emitter.addSink(writer);
  const request = emitter.symbol({ name: 'request_irq', args: [{ name: 'irq', type: 'int' }] });
  for (let i = 0; emitter.seq < events; i++) {
    emitter.call(request, i, i % 64, i);
    emitter.ret(request, 0, i, i % 64);
  }
  emitter.flush();
  return { file, session, writer };
}

describe('a checkpoint thread', () => {
  it('folds what the run has committed into the file when asked, and is closed when stop() returns', async () => {
    const { file, session, writer } = runBeingWritten('asked', 400_000);
    const fileBytes = statSync(file).size;
    const walBytes = statSync(`${file}-wal`).size;
    // The writer made no checkpoint of its own: the trace is in the WAL only.
    expect(walBytes).toBeGreaterThan(2 * 2 ** 20);
    const thread = new CheckpointThread(entry, []);
    await thread.ready;
    thread.begin(file);
    thread.request();
    while (thread.done === 0) await sleep(5);
    // The trace's pages are in the session file now.
    expect(statSync(file).size).toBeGreaterThan(fileBytes + walBytes / 2);
    thread.stop();
    expect(thread.ended).toBe(true);
    writer.finish({});
    session.close();
    // The store's connection was the last one: the WAL is folded in and gone.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reread = Session.open(file, { readonly: true });
    try {
      expect(reread.runs()).toMatchObject([{ status: 'complete', eventCount: 400_000 }]);
    } finally {
      reread.close();
    }
  });

  it('folds in what is left and ends when asked once the run is stored, keeping its caller alive until then', async () => {
    const { file, session, writer } = runBeingWritten('folded', 20_000);
    const thread = new CheckpointThread(entry, []);
    await thread.ready;
    thread.begin(file);
    // Open, and what the run had so far folded in.
    thread.request();
    while (thread.done === 0) await sleep(5);
    // The run's end (4 MB of outputs) is in the WAL only: its writer leaves it (as when the
    // app's window holds the session).
    writer.checkpointElsewhere(true);
    writer.finish({ outputs: 'x'.repeat(4 * 2 ** 20) });
    // (Still running there, with no writer of its own: read as incomplete.)
    expect(readFileAlone(file, (s) => s.runs())).toMatchObject([{ status: 'incomplete' }]);
    await thread.foldAndEnd();
    expect(thread.ended).toBe(true);
    expect(thread.done).toBe(2);
    // The file itself holds the run's end now.
    expect(readFileAlone(file, (s) => s.runs())).toMatchObject([{ status: 'complete' }]);
    // The writer's connection is the last one: it removes the WAL.
    session.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reread = Session.open(file, { readonly: true });
    try {
      expect(reread.runs()).toMatchObject([{ status: 'complete', eventCount: 20_000 }]);
    } finally {
      reread.close();
    }
  });

  it('never opens a file it is stopped before it gets to', () => {
    const { file, session, writer } = runBeingWritten('stopped-early', 20_000);
    // Still loading its modules: stop() does not wait for it.
    const thread = new CheckpointThread(entry, []);
    thread.begin(file);
    thread.stop();
    expect(thread.ended).toBe(true);
    expect(thread.done).toBe(0);
    writer.finish({});
    session.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
