import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromOracleMachine } from '../model/oracle';
import { PRESETS } from '../model/presets';
import { MachineSchema } from '../model/schema';
import { sharedPath } from '../testing/shared';
import { simulate } from '../scenario';
import { MANAGED_IRQ_SHUTDOWN_VECTOR } from './vector/vector-domain';

const q35 = () =>
  fromOracleMachine(
    JSON.parse(
      readFileSync(sharedPath('fixtures', 'qemu', 'q35-noir-2cpu', 'machine.json'), 'utf8'),
    ),
  );

/** Vectors in use per CPU according to the irqs (must equal the matrix's own count). */
function vectorsPerCpu(r: ReturnType<typeof simulate>) {
  const n = new Map<number, number>();
  for (const i of r.irqs) {
    if (i.vector !== 0 && i.vector !== MANAGED_IRQ_SHUTDOWN_VECTOR)
      n.set(i.cpu, (n.get(i.cpu) ?? 0) + 1);
  }
  return n;
}

describe('CPU hotplug', () => {
  it('taking CPU 1 offline moves its irqs to CPU 0 and shuts down managed irqs bound to CPU 1 only', () => {
    const before = simulate(q35(), { profile: '6.1' });
    const onCpu1 = before.irqs.filter(
      (i) => i.cpu === 1 && i.vector !== 0 && i.vector !== MANAGED_IRQ_SHUTDOWN_VECTOR,
    );
    expect(onCpu1.length).toBeGreaterThan(0);

    const after = simulate(q35(), { profile: '6.1', scenario: [{ op: 'cpu_down', cpu: 1 }] });
    expect(after.dmesg).toContain('smpboot: CPU 1 is now offline');
    for (const moved of onCpu1) {
      const now = after.irqs.find((i) => i.irq === moved.irq)!;
      if (moved.managed && moved.affinity === '1') {
        expect([now.irq, now.vector]).toEqual([moved.irq, MANAGED_IRQ_SHUTDOWN_VECTOR]);
      } else {
        expect([now.irq, now.cpu]).toEqual([moved.irq, 0]);
      }
    }
    // No two irqs share a vector on CPU 0, and the matrix agrees with the irqs.
    const cpu0 = after.irqs.filter(
      (i) => i.cpu === 0 && i.vector !== 0 && i.vector !== MANAGED_IRQ_SHUTDOWN_VECTOR,
    );
    expect(new Set(cpu0.map((i) => i.vector)).size).toBe(cpu0.length);
    expect(after.vectorUsage.find((u) => u.cpu === 0)!.allocated).toBe(vectorsPerCpu(after).get(0));
  });

  it('an interrupt raised after its irq moved off the dying CPU runs on the new CPU (vector_irq follows the move)', () => {
    const before = simulate(q35(), { profile: '6.1' });
    const moved = before.irqs.find((i) => i.cpu === 1 && i.msi !== null && !i.managed)!;
    expect(moved).toBeDefined();
    const after = simulate(q35(), {
      profile: '6.1',
      scenario: [
        { op: 'cpu_down', cpu: 1 },
        { op: 'fire', device: moved.owner },
      ],
    });
    const now = after.irqs.find((i) => i.irq === moved.irq)!;
    expect([now.cpu, now.counts.reduce((a, b) => a + b, 0)]).toEqual([0, 1]);
    expect(after.deliveries.spurious).toBe(0);
  });

  it('bringing the CPU back restarts the managed irqs of its mask on it', () => {
    const r = simulate(q35(), {
      profile: '6.1',
      scenario: [
        { op: 'cpu_down', cpu: 1 },
        { op: 'cpu_up', cpu: 1 },
      ],
    });
    const managedOn1 = r.irqs.filter((i) => i.managed && i.affinity === '1');
    expect(managedOn1.length).toBeGreaterThan(0);
    for (const i of managedOn1)
      expect([i.irq, i.cpu, i.vector === MANAGED_IRQ_SHUTDOWN_VECTOR]).toEqual([i.irq, 1, false]);
  });

  it('refuses to take a CPU offline when the others cannot take its vectors (-ENOSPC)', () => {
    const m = structuredClone(PRESETS.example!.make());
    m.cpus.list = m.cpus.list.slice(0, 2);
    const nvme = m.pci.find((f) => f.class === '0x010802')!;
    nvme.msix = { table_size: 2048, bar: 0, offset: '0x2000' };
    m.irq_requests = [
      {
        device: nvme.bdf,
        prefer: ['msix'],
        min_vecs: 300,
        max_vecs: 300,
        managed: false,
        source: 'user',
        pre_vectors: 0,
        post_vectors: 0,
      },
    ];
    const r = simulate(MachineSchema.parse(m), { scenario: [{ op: 'cpu_down', cpu: 1 }] });
    expect(
      r.dmesg.some((l) => /^CPU 1 has \d+ vectors, \d+ available\. Cannot disable CPU$/.test(l)),
    ).toBe(true);
    expect(r.dmesg).not.toContain('smpboot: CPU 1 is now offline');
    expect(r.vectorUsage.map((u) => u.cpu)).toEqual([0, 1]);
  });
});
