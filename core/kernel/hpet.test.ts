import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { MachineSchema } from '../model/schema';
import { simulate } from '../scenario';

function exampleWithoutArat() {
  const m = structuredClone(PRESETS.example!.make());
  m.cpus.arat = false;
  return MachineSchema.parse(m);
}

describe('HPET', () => {
  it('with ARAT (every modern CPU) the HPET gives no per-CPU MSI timers', () => {
    const r = simulate(PRESETS.example!.make());
    expect(r.dmesg).toContain('hpet: 8 channels of 0 reserved for per-cpu timers');
    expect(r.irqs.some((i) => i.chip === 'HPET-MSI')).toBe(false);
  });

  it('without ARAT each FSB-capable channel becomes a per-CPU timer in the HPET-MSI domain', () => {
    const m = exampleWithoutArat();
    const r = simulate(m);
    const hpet = r.irqs.filter((i) => i.chip === 'HPET-MSI');
    const channels = m.hpet!.msi_timers.filter((t) => t >= 2);
    expect(r.dmesg).toContain(`hpet: 8 channels of ${channels.length} reserved for per-cpu timers`);
    expect(hpet.map((i) => i.hwirq)).toEqual(channels);
    expect(hpet.map((i) => i.actions[0])).toEqual(channels.map((c) => `hpet${c}`));
    // Bound to one CPU each, a real vector there from the start (not reservation mode).
    hpet.forEach((irq, n) => {
      expect(irq.cpu).toBe(n);
      expect(irq.affinity).toBe(String(n));
      expect(irq.vector).toBeGreaterThanOrEqual(0x21);
    });
    expect(r.procInterrupts()).toMatch(/HPET-MSI\s+3-edge\s+hpet3$/m);
  });
});
