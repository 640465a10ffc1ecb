// A run stored by a thread of its own (run-store.ts) reads back exactly as one stored by the boot's
// thread; its progress names each phase with a known total; a cancel or a store that cannot open
// the file ends the job with the run stored failed or a clear error, never a hang; a window that
// holds the session meanwhile loses nothing; the storing threads yield the CPU to the boot.
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../core/store/native-binding';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../core/model/presets';
import { readFileAlone } from '../../core/store/file-alone';
import { Session } from '../../core/store/session';
import {
  estimateBootEvents,
  inThreadRunStore,
  JobCancelled,
  runJob,
  type JobProgress,
  type OpenRunStore,
} from '../api/job-work';
import { remoteRunStore, standbyRunStore } from './run-store';
import { STORING_THREAD_NICENESS } from './thread-priority';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-run-store-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = new URL('./simulation-worker.mjs', import.meta.url);
const text = (preset: string) => JSON.stringify(PRESETS[preset]!.make(), null, 2) + '\n';

function newSession(name: string): string {
  const file = path.join(dir, `${name}.irqlab`);
  Session.open(file, { create: true }).close();
  return file;
}

function boot(file: string, preset: string, openRunStore: OpenRunStore, seen: JobProgress[] = []) {
  return runJob(
    { kind: 'run', file, machineText: text(preset), expectedEvents: null },
    { report: (p) => seen.push(p), cancelled: () => false, openRunStore },
  );
}

describe('a run stored by its own thread', () => {
  it('reads back event for event, outputs and all, as one stored by the boot thread', () => {
    const here = newSession('here');
    const there = newSession('there');
    const a = boot(here, 'dmar-server', inThreadRunStore);
    const b = boot(there, 'dmar-server', remoteRunStore(entry));
    expect(a.kind === 'run' && b.kind === 'run').toBe(true);
    if (a.kind !== 'run' || b.kind !== 'run') return;
    expect(b.events).toBe(a.events);
    const sa = Session.open(here, { readonly: true });
    const sb = Session.open(there, { readonly: true });
    try {
      expect(sb.runs()).toMatchObject([{ id: b.runId, status: 'complete', eventCount: a.events }]);
      for (let from = 0; from < a.events; from += 5000)
        expect(sb.namedEvents(b.runId, from, 5000)).toEqual(sa.namedEvents(a.runId, from, 5000));
      // Filters go through the posting lists the store thread wrote.
      const irte = { fn: [...sb.symbols(b.runId)].find(([, s]) => s.name === 'modify_irte')![0] };
      expect(sb.events(b.runId, 0, 100, irte).length).toBeGreaterThan(0);
      expect(sb.events(b.runId, 0, 100, irte)).toEqual(sa.events(a.runId, 0, 100, irte));
      const outputs = (s: Session, id: number) => {
        const { milliseconds: _ms, ...rest } = s.runOutputs(id) as Record<string, unknown>;
        return rest;
      };
      expect(outputs(sb, b.runId)).toEqual(outputs(sa, a.runId));
      // The same text, byte for byte: the store thread writes it as UTF-8 bytes, which must
      // land as TEXT, the irq table first (job-work.ts StoredOutputs) as the boot's thread does.
      const text = (s: Session, id: number) =>
        s.run(id)!.outputsJson!.replace(/"milliseconds":\d+/, '"milliseconds":0');
      expect(text(sb, b.runId)).toBe(text(sa, a.runId));
      expect(text(sb, b.runId)).toMatch(
        /^\{"irqTable":\{"strings":\[.*\},"format":"irqlab-app-run\/5",/,
      );
      const db = openDatabase(there, { readonly: true });
      try {
        expect(db.prepare('SELECT typeof(outputs_json) FROM runs').pluck().all()).toEqual(['text']);
      } finally {
        db.close();
      }
      // What the results view reads first, field by field, is what the job handed over.
      const fields = sb.runOutputFields(b.runId, ['procInterrupts', 'faultLines', 'irqCount']);
      expect(fields).toEqual({
        procInterrupts: b.result.procInterrupts,
        faultLines: b.result.faultLines,
        irqCount: b.result.irqCount,
      });
    } finally {
      sa.close();
      sb.close();
    }
  });

  it('loses nothing when the window holds the session open meanwhile, and folds the run into the file once it is stored', async () => {
    // As the app's window holds its session while a run is stored (sessions.ts): the store's
    // connection is then not the last. The run goes into the WAL while the job runs, and its
    // checkpoint thread folds it into the file once the job is done, then the store's thread ends.
    const file = newSession('held');
    const held = Session.open(file);
    const standby = standbyRunStore(entry);
    await once(standby, 'message');
    const storeEnded = once(standby, 'exit');
    const out = boot(file, 'dmar-server', remoteRunStore(entry, standby));
    if (out.kind !== 'run') throw new Error('not a run');
    expect(held.runs()).toMatchObject([{ id: out.runId, status: 'complete' }]);
    standby.ref();
    await storeEnded;
    // Folded by the store's side, the window's connection still open: the file by itself (a copy
    // without its WAL) holds the run, complete, outputs and all.
    readFileAlone(file, (inFile) => {
      expect(inFile.runs()).toMatchObject([
        { id: out.runId, status: 'complete', eventCount: out.events },
      ]);
      expect(inFile.runOutputFields(out.runId, ['irqCount'])).toEqual({
        irqCount: out.result.irqCount,
      });
    });
    // The window's close is the last: it folds in what the WAL holds, and removes it.
    held.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reread = Session.open(file, { readonly: true });
    try {
      expect(reread.runs()).toMatchObject([
        { id: out.runId, status: 'complete', eventCount: out.events },
      ]);
      expect(reread.runOutputFields(out.runId, ['procInterrupts', 'irqCount'])).toEqual({
        procInterrupts: out.result.procInterrupts,
        irqCount: out.result.irqCount,
      });
      expect(reread.namedEvents(out.runId, out.events - 10, 10)).toHaveLength(10);
    } finally {
      reread.close();
    }
  });

  it('says how far each phase is of a known total, in order, never past 100%', () => {
    const seen: JobProgress[] = [];
    const out = boot(newSession('progress'), 'dmar-server', remoteRunStore(entry), seen);
    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases[0]).toBe('booting');
    expect(phases).toContain('building the outputs');
    // Nothing comes back to an earlier phase, and the last one stores what is left.
    expect(phases.indexOf('building the outputs')).toBeGreaterThan(0);
    expect(new Set(phases).size).toBe(phases.length);
    for (const p of seen) {
      expect(p.total, p.phase).not.toBeNull();
      expect(p.done, p.phase).toBeLessThanOrEqual(p.total!);
    }
    const building = seen.filter((p) => p.phase === 'building the outputs').map((p) => p.done);
    expect(building).toEqual([...building].sort((x, y) => x - y));
    expect(building.at(-1)).toBe(seen.find((p) => p.phase === 'building the outputs')!.total);
    if (out.kind === 'run')
      expect(seen.filter((p) => p.phase === 'booting').at(-1)!.done).toBe(out.events);
  });

  it('stores a cancelled run as failed, its trace so far readable', () => {
    const file = newSession('cancelled');
    let chunks = 0;
    expect(() =>
      runJob(
        { kind: 'run', file, machineText: text('large'), expectedEvents: null },
        {
          report: (p) => void (p.phase === 'booting' && p.done > 0 && chunks++),
          cancelled: () => chunks >= 3,
          openRunStore: remoteRunStore(entry),
        },
      ),
    ).toThrow(JobCancelled);
    const s = Session.open(file, { readonly: true });
    try {
      const [run] = s.runs();
      expect(run).toMatchObject({ status: 'failed', error: 'cancelled by the user' });
      expect(run!.eventCount).toBeGreaterThan(0);
      expect(s.events(run!.id, run!.eventCount - 1, 10)).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('stores a run with a store thread started ahead, or a new one if that one is gone', async () => {
    const expected = boot(newSession('fresh'), 'example', remoteRunStore(entry));
    // Started ahead and given its run later; and one that ended before its run came.
    const ahead = standbyRunStore(entry);
    const gone = standbyRunStore(entry);
    await gone.terminate();
    for (const [name, standby] of [
      ['ahead', ahead],
      ['gone', gone],
    ] as const) {
      const file = newSession(name);
      const out = boot(file, 'example', remoteRunStore(entry, standby));
      if (out.kind !== 'run' || expected.kind !== 'run') throw new Error('not a run');
      const s = Session.open(file, { readonly: true });
      try {
        expect(s.runs(), name).toMatchObject([{ status: 'complete', eventCount: expected.events }]);
      } finally {
        s.close();
      }
    }
  });

  it('ends the job with the store thread’s error when the file cannot be stored to', () => {
    const file = path.join(dir, 'not-a-session.irqlab');
    writeFileSync(file, 'these are not the sessions you are looking for');
    expect(() => boot(file, 'large', remoteRunStore(entry))).toThrow(
      /storing the run failed: .*not a valid irqlab session/,
    );
  });
});

describe('the threads that store a run', () => {
  /**
   * The niceness of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19);
   * a thread that ended meanwhile is left out.
   */
  const niceness = () => {
    const found = new Map<string, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
        found.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
      } catch {
        // ended since the folder was read
      }
    }
    return found;
  };

  it.runIf(process.platform === 'linux')(
    'yield to the boot: the store and its checkpoint thread run at a lower priority, the boot’s thread keeps its own',
    async () => {
      const own = os.getPriority();
      const before = niceness();
      const standby = standbyRunStore(entry);
      // Ready once both are loaded (the store, then its checkpoint thread).
      await once(standby, 'message');
      try {
        // (Threads they start inherit it too: under tsx, its loader's.)
        const started = [...niceness()].filter(([tid]) => !before.has(tid));
        expect(
          started.filter(([, n]) => n === STORING_THREAD_NICENESS).length,
        ).toBeGreaterThanOrEqual(2);
        expect(os.getPriority()).toBe(own);
      } finally {
        await standby.terminate();
      }
    },
  );
});

describe('the first run of a machine', () => {
  it('estimates its trace within a factor of two, for the progress shown', () => {
    for (const preset of ['example', 'dmar-server', 'seed-dmar-hwirq-fail', 'large']) {
      const out = boot(newSession(`estimate-${preset}`), preset, inThreadRunStore);
      if (out.kind !== 'run') throw new Error('not a run');
      const estimate = estimateBootEvents(PRESETS[preset]!.make());
      expect(estimate / out.events, preset).toBeGreaterThan(0.5);
      expect(estimate / out.events, preset).toBeLessThan(2);
    }
  });
});
