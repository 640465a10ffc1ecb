import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../core/model/presets';
import { SteppingRun, type StepState } from '../../../core/step/engine';
import { matrixRowsInUse, stopReason } from './diagnosis';
import { filterExamples, filterPlaceholder } from './placeholder';

/** The engine's stops for a script of commands on the example machine. */
function stops(commands: number): StepState[] {
  const out: StepState[] = [];
  let left = commands;
  new SteppingRun(
    PRESETS.example!.make(),
    {},
    (s) => {
      out.push(s);
      return left-- > 0 ? { op: 'step' } : { op: 'stop' };
    },
    { op: 'step' },
    [],
  ).run();
  return out;
}

describe('what the debugger says at a stop', () => {
  it('says step 0 is the start of the run, and shows no empty vector matrix there', () => {
    const [first, second] = stops(1);
    expect(first!.seq).toBe(0);
    expect(stopReason(first!)).toMatch(/start of the run \(step 0\)/);
    // The engine has CPU 0's matrix row, with nothing in it yet: not shown.
    expect(first!.matrix.length).toBeGreaterThan(0);
    expect(matrixRowsInUse(first!)).toEqual([]);
    expect(first!.dmesgTail).toEqual([]);
    // Later stops keep the engine's own reason.
    expect(stopReason(second!)).toBe(second!.reason);
  });
});

describe('the allocation filter placeholder', () => {
  it("names this run's own device, DMAR unit and IOAPIC pin", () => {
    const items = [
      { fn: 'dmar_alloc_hwirq', args: [{ name: 'id', value: '1' }] },
      {
        fn: 'mp_map_pin_to_irq',
        args: [
          { name: 'ioapic', value: '0' },
          { name: 'pin', value: '4' },
        ],
      },
      { fn: 'pci_alloc_irq_vectors_affinity', args: [{ name: 'dev', value: '0000:01:00.0' }] },
      { fn: 'pci_alloc_irq_vectors_affinity', args: [{ name: 'dev', value: '0000:02:00.0' }] },
    ];
    expect(filterExamples(items)).toEqual(['0000:01:00.0', 'dmar1', 'pin 4']);
    expect(filterPlaceholder(items)).toBe('Filter: 0000:01:00.0, dmar1, pin 4…');
    // A machine without DMAR units gets no dmar example.
    expect(filterPlaceholder(items.slice(1, 3))).toBe('Filter: 0000:01:00.0, pin 4…');
    expect(filterPlaceholder([])).toBe('Filter allocations');
  });
});
