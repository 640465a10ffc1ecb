import { describe, expect, it } from 'vitest';
import { dmarServer } from '../model/presets/dmar-server';
import { MachineSchema } from '../model/schema';
import { simulate } from '../scenario';
import { parseInjection } from './injections';

const machine = () => MachineSchema.parse(dmarServer());
const inject = (spec: string) => {
  const r = parseInjection(spec);
  if (!r.ok) throw new Error(r.error);
  return r.injection;
};

describe('fault injection', () => {
  it('fail-call makes the nth call of a kernel function fail with its errno, and the kernel handles it as it would', () => {
    const r = simulate(machine(), { injections: [inject('fail-call:alloc_irte:5')] });
    expect(r.dmesg).toContain("DMAR-IR: IR1: can't allocate an IRTE");
    expect(r.dmesg).toContain('DMAR-IR: Failed to allocate IRTE');
  });

  it("vector-exhaust leaves CPUs full: the drivers' request_irq fails with -ENOSPC", () => {
    const r = simulate(machine(), { injections: [inject('vector-exhaust:0')] });
    expect(r.vectorUsage.every((u) => u.available === 0)).toBe(true);
    expect(
      r.dmesg.some((l) =>
        // 6.1 (the preset's kernel) requests the completion vectors first, the control one last.
        /^mlx5_core 0000:42:00\.0: request_irq \d+ \(mlx5_comp0@pci:0000:42:00\.0\) failed: -28 \(ENOSPC\)$/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('disable-drhd hides a unit: its IOAPIC has no unit and IR is refused', () => {
    const r = simulate(machine(), { injections: [inject('disable-drhd:0')] });
    expect(r.dmesg).toContain(
      'DMAR-IR: [Firmware Bug]: ioapic 9 has no mapping iommu, interrupt remapping will be disabled',
    );
  });

  it('misplace-scope moves a device to another unit: its interrupts are remapped by that unit', () => {
    const r = simulate(machine(), { injections: [inject('misplace-scope:0000:01:00.0:0')] });
    const nvme = r.irqs.find((i) => i.owner === '0000:01:00.0')!;
    expect(nvme.domains[0]!.domain).toBe('INTEL-IR-MSI-0-3');
  });

  it('vf-keeps-default-domain reproduces the 5.10-rc1 VF bug on a fixed kernel', () => {
    const r = simulate(machine(), {
      profile: '6.1',
      injections: [inject('vf-keeps-default-domain')],
      scenario: [{ op: 'fire', device: '0000:42:00.2', entry: 0 }],
    });
    expect(r.faults.map((f) => f.reason)).toContain(0x25);
  });

  it('refuses what it does not know, naming the field', () => {
    expect(parseInjection('irte-exhaust:dmar0')).toMatchObject({ ok: false });
    expect(
      parseInjection('{"kind":"fail-call","function":"alloc_irte","errno":"EWHAT"}'),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('errno'),
    });
    expect(parseInjection('{not json')).toMatchObject({
      ok: false,
      error: expect.stringContaining('not JSON'),
    });
  });
});
