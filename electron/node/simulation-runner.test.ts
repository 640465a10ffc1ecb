// Browser mode's jobs run in processes of their own (simulation-runner.ts, `processes`): a run
// stores into the session the host holds open for writing (under the host's writer lock), a
// cancel reaches the job between trace chunks, and the host's lock outlives the job's process. A
// process whose job is done serves the next job, until it is let go.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../core/model/presets';
import { readFileAlone } from '../../core/store/file-alone';
import { Session } from '../../core/store/session';
import { readWriter } from '../../core/store/writer-lock';
import type { JobProgress } from '../api/job-work';
import { SimulationRunner } from './simulation-runner';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-simulation-runner-test-'));
afterAll(() => {
  runner.close();
  rmSync(dir, { recursive: true, force: true });
});
const runner = new SimulationRunner(new URL('./simulation-worker.mjs', import.meta.url), {
  processes: true,
});
const text = (preset: string) => JSON.stringify(PRESETS[preset]!.make(), null, 2) + '\n';

describe('a job in a process of its own', () => {
  it('stores its run into the session this process holds open, and leaves the lock here', async () => {
    const file = path.join(dir, 'held.irqlab');
    const held = Session.open(file, { create: true });
    try {
      const seen: JobProgress[] = [];
      const { outcome } = runner.execute(
        { kind: 'run', file, machineText: text('example'), expectedEvents: null },
        (p) => seen.push(p),
      );
      const done = await outcome;
      expect(done).toMatchObject({ kind: 'run', runId: 1 });
      expect(seen.length).toBeGreaterThan(0);
      expect(held.runs().map((r) => r.status)).toEqual(['complete']);
      expect(readWriter(file)?.pid).toBe(process.pid);
    } finally {
      held.close();
    }
  });

  it('stops at a cancel between trace chunks, the run stored as failed, and its process ends', async () => {
    const ran = await spareStarted();
    const exited = exitOf(ran);
    const file = path.join(dir, 'cancelled.irqlab');
    Session.open(file, { create: true }).close();
    let cancel = () => {};
    let asked = false;
    const job = runner.execute(
      { kind: 'run', file, machineText: text('large'), expectedEvents: null },
      (p) => {
        // Cancelled once the boot is under way (its first trace chunks stored).
        if (!asked && p.phase === 'booting' && p.done > 0) {
          asked = true;
          cancel();
        }
      },
    );
    cancel = job.cancel;
    expect(await job.outcome).toBe('cancelled');
    const session = Session.open(file, { readonly: true });
    try {
      expect(session.runs()[0]).toMatchObject({ status: 'failed', error: 'cancelled by the user' });
    } finally {
      session.close();
    }
    // What a cancelled job leaves in its process is not built on: the process is not kept.
    await exited;
    expect(runner.spareProcess?.pid).not.toBe(ran.pid);
  });

  it('runs the next job in the process of the last one, warm, until that process is let go', async () => {
    const first = await spareStarted();
    const file = path.join(dir, 'warm.irqlab');
    Session.open(file, { create: true }).close();
    const run = () =>
      runner.execute(
        { kind: 'run', file, machineText: text('example'), expectedEvents: null },
        () => undefined,
      ).outcome;
    const pending = run();
    // Taken by the job: no spare while it runs.
    expect(runner.spareProcess).toBeNull();
    expect(await pending).toMatchObject({ kind: 'run', runId: 1 });
    // Kept: the spare now is the process that ran it.
    expect(runner.spareProcess?.pid).toBe(first.pid);
    expect(runner.spareIsWarm).toBe(true);
    // It runs the next job (its store thread started again for it) and is kept again.
    expect(await run()).toMatchObject({ kind: 'run', runId: 2 });
    expect(runner.spareProcess?.pid).toBe(first.pid);
    const session = Session.open(file, { readonly: true });
    try {
      expect(session.runs().map((r) => r.status)).toEqual(['complete', 'complete']);
    } finally {
      session.close();
    }
    // Let go (a session closed): it ends by itself, its memory with it, and no spare is started
    // until one is asked for; the next is a fresh process.
    const exited = exitOf(first);
    runner.releaseWarm();
    expect(runner.spareProcess).toBeNull();
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(runner.spareProcess).toBeNull();
    const next = await spareStarted();
    expect(next.pid).not.toBe(first.pid);
    expect(runner.spareIsWarm).toBe(false);
  });

  it('does not keep a process that has grown past the limit', async () => {
    const small = new SimulationRunner(new URL('./simulation-worker.mjs', import.meta.url), {
      processes: true,
      warmMaxRssBytes: 1,
    });
    try {
      const file = path.join(dir, 'too-big.irqlab');
      Session.open(file, { create: true }).close();
      small.spareLater(0);
      const ran = await spareOf(small);
      const exited = exitOf(ran);
      const { outcome } = small.execute(
        { kind: 'run', file, machineText: text('example'), expectedEvents: null },
        () => undefined,
      );
      expect(await outcome).toMatchObject({ kind: 'run', runId: 1 });
      expect(small.spareIsWarm).toBe(false);
      // Let go after its answer: it exits by itself.
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      small.close();
    }
  });
});

describe('a run stored while the window holds its session', () => {
  // Its store folds it into the file once the job is done (run-store.ts): the job's process or
  // thread, when let go, ends only after that, so the file by itself holds the run.
  it('is in the file by itself once a process let go after it has ended', async () => {
    const letGo = new SimulationRunner(new URL('./simulation-worker.mjs', import.meta.url), {
      processes: true,
      warmMaxRssBytes: 1,
    });
    const file = path.join(dir, 'held-let-go.irqlab');
    Session.open(file, { create: true }).close();
    const held = Session.open(file);
    try {
      letGo.spareLater(0);
      const ran = await spareOf(letGo);
      const exited = exitOf(ran);
      const { outcome } = letGo.execute(
        { kind: 'run', file, machineText: text('example'), expectedEvents: null },
        () => undefined,
      );
      expect(await outcome).toMatchObject({ kind: 'run', runId: 1 });
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(readFileAlone(file, (s) => s.runs())).toMatchObject([{ id: 1, status: 'complete' }]);
    } finally {
      held.close();
      letGo.close();
    }
  });

  it('is in the file by itself once the thread it ran in has ended', async () => {
    const threads = new SimulationRunner(new URL('./simulation-worker.mjs', import.meta.url));
    const file = path.join(dir, 'held-thread.irqlab');
    Session.open(file, { create: true }).close();
    const held = Session.open(file);
    try {
      const { outcome } = threads.execute(
        { kind: 'run', file, machineText: text('example'), expectedEvents: null },
        () => undefined,
      );
      expect(await outcome).toMatchObject({ kind: 'run', runId: 1 });
      // The thread is not exposed: its work is seen in the file (waited for, up to a bound).
      const until = performance.now() + 30_000;
      while (
        readFileAlone(file, (s) => s.runs())[0]?.status !== 'complete' &&
        performance.now() < until
      )
        await new Promise((r) => setTimeout(r, 20));
      expect(readFileAlone(file, (s) => s.runs())).toMatchObject([{ id: 1, status: 'complete' }]);
    } finally {
      held.close();
      threads.close();
    }
  });
});

/** The runner's spare process, once it has one with a pid. */
function spareOf(r: SimulationRunner): Promise<ChildProcess> {
  return new Promise<ChildProcess>((resolve) => {
    const look = () => {
      const spare = r.spareProcess;
      if (spare?.pid) resolve(spare);
      else setTimeout(look, 20);
    };
    look();
  });
}

/** The spare of the runner under test (started now if there is none). */
function spareStarted(): Promise<ChildProcess> {
  runner.spareLater(0);
  return spareOf(runner);
}

/** How a process ended. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
