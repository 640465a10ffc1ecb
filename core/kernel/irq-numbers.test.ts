// Irq numbers are bounded as in irq_expand_nr_irqs(): a GSI base near 2^31 (the MADT field is 32
// bits) puts gsi_top, and every dynamic irq above it, past MAX_SPARSE_IRQS; the allocations fail
// with -ENOMEM, the kernel says so, and the boot ends (found by core/model/machine.fuzz.test.ts:
// the per-irq tables used to grow to the GSI and the run never ended).
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { simulate } from '../scenario';
import { MAX_SPARSE_IRQS } from './kernel';

describe('irq numbers', () => {
  it('an IOAPIC at GSI 1784333702: irqs past MAX_SPARSE_IRQS fail with -ENOMEM and the boot ends', () => {
    const m = structuredClone(PRESETS['dmar-server']!.make());
    m.ioapics[1]!.gsi_base = 1_784_333_702;
    const r = simulate(m);
    expect(r.dmesg).toContain(
      'IOAPIC[1]: apic_id 9, version 32, address 0xfec01000, GSI 1784333702-1784333709',
    );
    // The units' fault irqs are allocated before the IOAPICs, from gsi_top: dmar_set_interrupt fails.
    expect(r.dmesg).toContain('DMAR: DRHD d37fc000: failed to enable fault, interrupt, ret -22');
    expect(r.irqs.length).toBeGreaterThan(0);
    expect(r.irqs.every((i) => i.irq < MAX_SPARSE_IRQS)).toBe(true);
    let lines = 0;
    r.writeProcInterrupts(() => void lines++);
    expect(lines).toBeGreaterThan(1);
  });
});
