// The three failures of the seed thread, reproduced from their own evidence on their presets:
// each shows under the kernel that had it (or the injection that models it) and is gone under
// v5.10.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { simulate } from '../scenario';
import { qemuFixtureMachine } from '../testing/qemu';

const preset = (name: string) => PRESETS[name]!.make();

describe('seed failure A: NULL get_hwirq in msi_domain_alloc (linux-next, 25 Sep 2020)', () => {
  const thread = [
    'msi_domain_alloc',
    '__irq_domain_alloc_irqs',
    'dmar_alloc_hwirq',
    'dmar_set_interrupt',
    'enable_drhd_fault_handling',
    'apic_intr_mode_init',
    'x86_late_time_init',
    'start_kernel',
  ];
  const trace = (r: ReturnType<typeof simulate>) =>
    r.oops!.callTrace.map((l) => l.trim().replace(/\+.*$/, ''));

  it('oopses at the first DMAR fault irq with the call trace of the report', () => {
    const r = simulate(preset('seed-dmar-null-callback'));
    expect(r.profile).toBe('next-20200925');
    expect(r.dmesg).toContain('BUG: kernel NULL pointer dereference, address: 0000000000000000');
    expect(r.dmesg).toContain('RIP: 0010:0x0');
    expect(trace(r)).toEqual(thread);
    // The boot stops there: no device got an interrupt.
    expect(r.irqs.some((i) => i.msi)).toBe(false);
  });

  it('the same with v5.10-rc1 and the injection that drops the callback; gone under v5.10', () => {
    const injected = simulate(preset('seed-dmar-null-callback'), {
      profile: 'v5.10-rc1',
      injections: [{ kind: 'drop-msi-callback', domain: 'DMAR-MSI', op: 'get_hwirq' }],
    });
    expect(trace(injected)).toEqual(thread);
    const fixed = simulate(preset('seed-dmar-null-callback'), { profile: 'v5.10' });
    expect(fixed.oops).toBeNull();
    expect(fixed.irqs.filter((i) => i.chip === 'DMAR-MSI').length).toBe(8);
  });
});

describe('seed failure B: dmar_alloc_hwirq fails at boot (V2 series, 31 Aug 2020)', () => {
  it("the second unit's hwirq 0 collides (-EEXIST): no fault handler for it, nor for the units after it", () => {
    const r = simulate(preset('seed-dmar-hwirq-fail'));
    expect(r.dmesg).toContain('DMAR: No free IRQ vectors');
    expect(
      r.dmesg.some((l) =>
        /^DMAR: DRHD [0-9a-f]+: failed to enable fault, interrupt, ret -22$/.test(l),
      ),
    ).toBe(true);
    const dmar = r.irqs.filter((i) => i.chip === 'DMAR-MSI');
    expect(dmar.map((i) => i.hwirq)).toEqual([0]);
  });

  it('the same on v5.10-rc1 with the injection; every unit gets its fault irq under v5.10', () => {
    const injected = simulate(preset('seed-dmar-hwirq-fail'), {
      profile: 'v5.10-rc1',
      injections: [{ kind: 'dmar-hwirq-unset' }],
    });
    expect(injected.dmesg).toContain('DMAR: No free IRQ vectors');
    const fixed = simulate(preset('seed-dmar-hwirq-fail'), { profile: 'v5.10' });
    expect(fixed.dmesg).not.toContain('DMAR: No free IRQ vectors');
    expect(
      fixed.irqs
        .filter((i) => i.chip === 'DMAR-MSI')
        .map((i) => i.hwirq)
        .sort((a, b) => a - b),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a machine with a single DRHD is not affected (the report's own observation)", () => {
    const r = simulate(qemuFixtureMachine('q35-ir-4cpu'), { profile: 'v2-series' });
    expect(r.dmesg).not.toContain('DMAR: No free IRQ vectors');
    expect(r.irqs.filter((i) => i.chip === 'DMAR-MSI').length).toBe(1);
  });
});

describe('seed failure C: bare-metal SR-IOV VFs blocked under IR (5.10-rc1, 12 Nov 2020)', () => {
  it("the VFs' compatibility-format interrupts are blocked with reason 37, in the 5.10 format, and mlx5 commands time out", () => {
    const r = simulate(preset('seed-vf-compat-blocked'));
    expect(r.profile).toBe('v5.10-rc1');
    expect(r.remapping.mode).toBe('x2apic');
    expect(r.dmesg).toContain('DMAR: DRHD: handling fault status reg 2');
    expect(r.dmesg).toContain('DMAR: DRHD: handling fault status reg 102');
    const blocked = r.dmesg.filter((l) =>
      /^DMAR: \[INTR-REMAP\] Request device \[42:00\.[23]\] fault index [0-9a-f]+ \[fault reason 37\] Blocked a compatibility format interrupt request$/.test(
        l,
      ),
    );
    expect(blocked.length).toBe(2);
    expect(r.dmesg).toContain(
      'mlx5_core 0000:42:00.2: wait_func_handle_exec_timeout:1051:(pid 1): cmd0: CREATE_EQ(0x301) recovered after timeout',
    );
    expect(new Set(r.irqs.filter((i) => i.owner === '0000:42:00.2').map((i) => i.chip))).toEqual(
      new Set(['PCI-MSI']),
    );
  });

  it("gone under v5.10: the VFs inherit the PF's IR domain and their interrupts arrive", () => {
    const r = simulate(preset('seed-vf-compat-blocked'), { profile: 'v5.10' });
    expect(r.faults).toEqual([]);
    expect(r.dmesg.some((l) => l.includes('recovered after timeout'))).toBe(false);
    const vfAsync = r.irqs.find((i) => i.actions[0] === 'mlx5_async@pci:0000:42:00.2')!;
    expect(vfAsync.chip).toBe('IR-PCI-MSI');
    expect(vfAsync.counts.reduce((a, b) => a + b)).toBe(1);
  });
});
