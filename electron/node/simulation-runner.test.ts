// Browser mode's jobs run in processes of their own (simulation-runner.ts, `processes`): a run
// stores into the session the host holds open for writing (under the host's writer lock), a
// cancel reaches the job between trace chunks, and the host's lock outlives the job's process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../core/model/presets';
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

  it('stops at a cancel between trace chunks, the run stored as failed', async () => {
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
  });

  it('runs the next job in a process started ahead of it, and starts another after', async () => {
    runner.spareLater(0);
    const spareStarted = () =>
      new Promise<ChildProcess>((resolve) => {
        const look = () => {
          const spare = runner.spareProcess;
          if (spare?.pid) resolve(spare);
          else setTimeout(look, 20);
        };
        look();
      });
    const ahead = await spareStarted();
    const file = path.join(dir, 'spare.irqlab');
    Session.open(file, { create: true }).close();
    const exited = new Promise((resolve) => ahead.once('exit', resolve));
    const { outcome } = runner.execute(
      { kind: 'run', file, machineText: text('example'), expectedEvents: null },
      () => undefined,
    );
    // Taken by the job: no spare while it runs.
    expect(runner.spareProcess).toBeNull();
    expect(await outcome).toMatchObject({ kind: 'run', runId: 1 });
    // The process that ran it ends with it; the next one is another.
    await exited;
    // It ran the job and ended by itself: a spare passed over would have been killed.
    expect(ahead.signalCode).toBeNull();
    const next = await spareStarted();
    expect(next.pid).not.toBe(ahead.pid);
  });
});
