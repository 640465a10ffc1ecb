import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { MachineSchema, type MachineInput } from '../model/schema';
import { simulate } from '../scenario';

type GpioIrqInput = NonNullable<MachineInput['gpio_irqs']>[number];

/** The example machine (PCI drivers probed in BDF order) with GPIO pins' consumers. */
function withGpio(...gpio: Omit<GpioIrqInput, 'controller' | 'chip'>[]) {
  const m = structuredClone(PRESETS.example!.make()) as MachineInput;
  m.gpio_irqs = gpio.map((g) => ({ controller: 'INT34C5:00', chip: 'intel-gpio', ...g }));
  return MachineSchema.parse(m);
}

const irqOf = (r: ReturnType<typeof simulate>, action: string) =>
  r.irqs.find((i) => i.actions.includes(action));

describe('GPIO pins mapped when their consumer probes', () => {
  it('takes the next free dynamic irq where the consumer probes, whatever its pin', () => {
    const base = simulate(PRESETS.example!.make());
    const xhci = irqOf(base, 'xhci_hcd')!.irq;
    // After xhci's probe: the irq xhci's neighbour (ahci) had, which moves up by one. The pin
    // (a hwirq far above gsi_top) is only irq_domain_alloc_descs' hint, which x86 ignores.
    const r = simulate(withGpio({ pin: 300, name: 'elan_i2c', after: '0000:00:14.0' }));
    const gpio = irqOf(r, 'elan_i2c')!;
    expect(gpio.irq).toBe(xhci + 1);
    expect(irqOf(r, 'ahci[0000:00:17.0]')!.irq).toBe(irqOf(base, 'ahci[0000:00:17.0]')!.irq + 1);
    expect(gpio).toMatchObject({ chip: 'intel-gpio', hwirq: 300, handler: '', vector: 0 });
    // No vector of its own: its interrupt arrives as the controller's irq.
    expect(gpio.domains).toEqual([{ domain: 'INT34C5:00', hwirq: 300, chip: 'intel-gpio' }]);
    // /proc/interrupts: the chip, the pin, no flow handler name, the action.
    expect(r.procInterrupts()).toMatch(
      new RegExp(`^\\s*${gpio.irq}:(\\s+0)+\\s+intel-gpio\\s+300  elan_i2c$`, 'm'),
    );
  });

  it('before the first PCI driver (after: null) or after them all (unset)', () => {
    const base = simulate(PRESETS.example!.make());
    const first = Math.min(...base.irqs.filter((i) => i.msi).map((i) => i.irq));
    const last = Math.max(...base.irqs.map((i) => i.irq));
    const r = simulate(
      withGpio({ pin: 5, name: 'early', after: null }, { pin: 6, name: 'late', trigger: 'level' }),
    );
    expect(irqOf(r, 'early')!.irq).toBe(first);
    expect(irqOf(r, 'late')).toMatchObject({ irq: last + 2, trigger: 'level', handler: '' });
  });

  it('keeps its affinity: the chip cannot set one (the pin follows the controller irq)', () => {
    const m = withGpio({ pin: 87, name: 'rt5682s', after: null });
    const irq = irqOf(simulate(m), 'rt5682s')!;
    const r = simulate(m, { scenario: [{ op: 'set_affinity', irq: irq.irq, cpus: [1] }] });
    expect(irqOf(r, 'rt5682s')!.affinity).toBe(irq.affinity);
  });

  it('a pin two consumers name is mapped once (irq_create_mapping finds it) and shared', () => {
    const r = simulate(
      withGpio(
        { pin: 9, name: 'first', after: null },
        { pin: 9, name: 'second', after: '0000:00:14.0' },
      ),
    );
    const gpio = r.irqs.filter((i) => i.chip === 'intel-gpio');
    expect(gpio.map((i) => i.actions)).toEqual([['first', 'second']]);
    expect(r.procInterrupts()).toMatch(/intel-gpio\s+9 {2}first, second$/m);
  });
});
