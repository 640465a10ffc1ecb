import { describe, expect, it } from 'vitest';
import { simulate } from '../scenario';
import { PRESETS } from '../model/presets';
import { formatIrteDest, formatSid } from '../model/format';
import { diffLines, diffRuns, formatDiff } from './diff';
import { describeGroup, groupByDevice } from './groups';

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

  it('prints IRTE source-ids as bus:dev.fn and destinations as the IRTE table does', () => {
    const vfIrtes = d.irtes.filter((c) => c.kind === 'added' && c.key.includes('0000:42:00.2'));
    const rows = fixed.remapping.units.flatMap((u) => u.irtes);
    for (const c of vfIrtes) {
      if (c.kind !== 'added') continue;
      expect(c.b.sid).toMatch(/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/);
      expect(c.b.dest).toMatch(/^0x[0-9a-f]{8}$/);
      // The same strings the IRTE table makes from the stored row.
      expect(
        rows.some((r) => formatSid(r.sid) === c.b.sid && formatIrteDest(r.dest) === c.b.dest),
      ).toBe(true);
    }
    // A VF's requester id is on the PF's bus: 42:xx.x, as the kernel prints it.
    expect(vfIrtes.every((c) => c.kind === 'added' && c.b.sid.startsWith('42:'))).toBe(true);
    expect(formatDiff(d)).not.toMatch(/sid \d+\b(?!:)/);
    expect(formatSid(0x4213)).toBe('42:02.3');
    expect(formatIrteDest(0x44)).toBe('0x00000044');
  });

  it('groups the rows of one device into one line saying what they share', () => {
    const groups = groupByDevice(d.irtes);
    // One group per device, far fewer than the rows.
    expect(new Set(groups.map((g) => g.device)).size).toBe(groups.length);
    expect(groups.length).toBeLessThan(d.irtes.length);
    const vf = groups.find((g) => g.device === '0000:42:00.2')!;
    expect(vf.changes.length).toBe(
      d.irtes.filter((c) => c.key.includes('0000:42:00.2') || c.key.includes('42:00.2')).length,
    );
    expect(describeGroup(vf, 'v5.10-rc1', 'v5.10')).toContain(`${vf.added} only in v5.10`);
    // What the VF's new IRTEs share is said once: its requester id (each has its own index).
    const sid = vf.changes[0]!.kind === 'added' ? vf.changes[0]!.b.sid : '';
    expect(vf.addedSame).toContainEqual({ field: 'sid', value: sid });
    expect(vf.addedSame.map((x) => x.field)).not.toContain('dest');
    expect(describeGroup(vf)).toContain(`all with `);
    const irqGroups = groupByDevice(d.interrupts);
    const chips = irqGroups.find((g) => g.device === '0000:42:00.2')!;
    // Every VF interrupt moved from PCI-MSI to IR-PCI-MSI: said once for the device.
    expect(chips.same).toContainEqual({ field: 'chip', a: 'PCI-MSI', b: 'IR-PCI-MSI' });
    expect(describeGroup(chips)).toContain('chip PCI-MSI → IR-PCI-MSI');
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
