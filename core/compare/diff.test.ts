import { describe, expect, it } from 'vitest';
import { simulate } from '../scenario';
import { PRESETS } from '../model/presets';
import { diffLines, diffRuns, formatDiff } from './diff';

describe('comparing two runs', () => {
  const machine = PRESETS['seed-vf-compat-blocked']!.make();
  const broken = simulate(machine, { profile: 'v5.10-rc1' });
  const fixed = simulate(machine, { profile: 'v5.10' });
  const d = diffRuns(broken, fixed, ['v5.10-rc1', 'v5.10']);

  it('shows the VF interrupts moving from PCI-MSI to IR-PCI-MSI between v5.10-rc1 and v5.10', () => {
    const vfAsync = d.interrupts.find((c) => c.key === 'mlx5_async@pci:0000:42:00.2')!;
    expect(vfAsync.kind).toBe('changed');
    if (vfAsync.kind !== 'changed') return;
    expect(vfAsync.fields).toContain('chip');
    expect([vfAsync.a.chip, vfAsync.b.chip]).toEqual(['PCI-MSI', 'IR-PCI-MSI']);
    // PF interrupts are the same in both.
    expect(d.interrupts.some((c) => c.key.includes('0000:42:00.1'))).toBe(false);
  });

  it("shows the messages (compatibility -> remappable), the VFs' new IRTEs, and the faults gone", () => {
    const m = d.messages.find((c) => c.key === '0000:42:00.2 entry 0')!;
    expect(m.kind).toBe('changed');
    expect(
      d.irtes.filter((c) => c.kind === 'added' && c.key.includes('0000:42:00.2')).length,
    ).toBeGreaterThan(0);
    expect(d.faults.onlyA.length).toBe(2);
    expect(d.faults.onlyB).toEqual([]);
    expect(d.dmesg.some((x) => x.op === '-' && x.line.includes('fault reason 37'))).toBe(true);
    expect(formatDiff(d)).toContain('faults: 2 only in v5.10-rc1, 0 only in v5.10');
  });

  it('finds no difference between a run and itself', () => {
    const same = diffRuns(fixed, simulate(machine, { profile: 'v5.10' }));
    expect([same.interrupts, same.messages, same.irtes, same.dmesg]).toEqual([[], [], [], []]);
  });

  it('aligns log lines (the longest common subsequence)', () => {
    expect(diffLines(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])).toEqual([
      { op: '+', line: 'x' },
      { op: '-', line: 'b' },
      { op: '+', line: 'e' },
    ]);
  });
});
