// The run's log as the app shows it: a line is flagged by the printk level the kernel logs it at
// (core/kernel/printk), never by its words. Expected lines come from the simulator run here.
import { describe, expect, it } from 'vitest';
import { isProblemLevel } from '../../core/kernel/printk';
import { PRESETS } from '../../core/model/presets';
import { simulate } from '../../core/scenario';
import { call } from './dispatch';
import { faultLineIndexes } from './job-work';
import { useServiceFixture } from './service-fixture';

const fx = useServiceFixture('dmesg-levels');

async function boot(preset: string) {
  const machine = await call(fx.service.handlers, 'machine.fromPreset', { name: preset });
  const { sessionId } = await call(fx.service.handlers, 'session.new', {
    machineName: machine.name,
    machineText: machine.text,
  });
  const { jobId } = await call(fx.service.handlers, 'run.start', {
    sessionId,
    machineText: machine.text,
  });
  const status = await fx.finished(jobId);
  expect(status.state).toBe('done');
  return call(fx.service.handlers, 'run.result', { sessionId, runId: status.runId! });
}

describe('dmesg lines classified by their printk level', () => {
  it("does not flag the example's pr_info x2apic line as a fault, and still offers to explain it", async () => {
    const r = await boot('example');
    const x2apic = r.dmesg.findIndex((l) => l.includes("IRQ remapping doesn't support X2APIC"));
    expect(x2apic).toBeGreaterThanOrEqual(0);
    expect(r.dmesgLevels![x2apic]).toBe(6);
    expect(r.faultLines).not.toContain(x2apic);
    expect(r.explainLines).toContain(x2apic);
    // Flagged: exactly the lines the kernel logged at KERN_WARNING or above.
    const sim = simulate(PRESETS.example!.make());
    expect(r.dmesgLevels).toEqual(sim.dmesgLevels);
    expect(r.faultLines).toEqual(
      sim.dmesgLevels.flatMap((level, i) => (isProblemLevel(level) ? [i] : [])),
    );
  });

  it("flags the VF example's pr_err INTR-REMAP fault lines", async () => {
    const r = await boot('seed-vf-compat-blocked');
    const faults = r.dmesg.flatMap((l, i) => (l.includes('[INTR-REMAP]') ? [i] : []));
    expect(faults.length).toBeGreaterThan(0);
    for (const i of faults) {
      expect(r.dmesgLevels![i]).toBe(3);
      expect(r.faultLines).toContain(i);
    }
  });

  it('flags the lines of a run stored before levels were kept by their words', () => {
    const dmesg = ['x2apic enabled', 'DMAR: DRHD c2ffc000: failed to enable fault, interrupt'];
    expect(faultLineIndexes(dmesg)).toEqual([1]);
    // With levels, the level decides.
    expect(faultLineIndexes(dmesg, [4, 6])).toEqual([0]);
  });
});
