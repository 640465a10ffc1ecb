// A step keeps the identity of the parts of the stop it did not change, and only those.
import { describe, expect, it } from 'vitest';
import type { StepStateView } from '../../../electron/api/channels';
import { sameAnswer, sharedWith } from './shared-state';

const frame = (fn: string, seq: number) => ({ fn, seq, args: [{ name: 'irq', value: '25' }] });

function stop(seq: number, stack: StepStateView['stack'], vector = 0x31): StepStateView {
  return {
    seq,
    event: {
      kind: 'call',
      fn: stack[stack.length - 1]!.fn,
      irq: 25,
      cpu: 0,
      depth: 1,
      args: [],
      text: '',
    },
    stack,
    reason: 'step',
    irq: 25,
    chain: [{ domain: 'VECTOR', hwirq: '0x19', chip: 'APIC' }],
    vector: { vector, cpu: 0, managed: false, reserved: false },
    matrix: [
      { cpu: 0, available: 200, allocated: 3, managed: 0, managedAllocated: 0, vectors: '48-50' },
    ],
    irtes: [],
    message: null,
    remapping: 'off',
    dmesgTail: ['line one'],
    done: false,
  };
}

describe('sharedWith', () => {
  it('keeps the unchanged parts of the previous stop, takes the changed ones from the answer', () => {
    const prev = stop(10, [frame('kernel_init', 1), frame('msi_domain_alloc', 9)]);
    // The answer is a fresh copy from the wire, one frame deeper, the vector moved.
    const answer = stop(
      11,
      [frame('kernel_init', 1), frame('msi_domain_alloc', 9), frame('x86_vector_alloc_irqs', 11)],
      0x32,
    );
    const next = sharedWith(prev, structuredClone(answer));
    expect(next).toEqual(answer);
    expect(next).not.toBe(prev);
    expect(next.chain).toBe(prev.chain);
    expect(next.matrix).toBe(prev.matrix);
    expect(next.dmesgTail).toBe(prev.dmesgTail);
    expect(next.stack).not.toBe(prev.stack);
    expect(next.stack[0]).toBe(prev.stack[0]);
    expect(next.stack[1]).toBe(prev.stack[1]);
    expect(next.vector).not.toBe(prev.vector);
    expect(next.vector).toEqual({ vector: 0x32, cpu: 0, managed: false, reserved: false });
  });

  it('gives a new answer equal to the one shown a new identity (it is another answer)', () => {
    const prev = stop(10, [frame('kernel_init', 1)]);
    const next = sharedWith(prev, structuredClone(prev));
    expect(next).not.toBe(prev);
    expect(next.stack).toBe(prev.stack);
  });

  it('takes a part whose length or type changed from the answer', () => {
    const prev = stop(10, [frame('kernel_init', 1)]);
    const answer = { ...structuredClone(prev), dmesgTail: ['line one', 'line two'], vector: null };
    const next = sharedWith(prev, answer);
    expect(next.dmesgTail).toEqual(['line one', 'line two']);
    expect(next.vector).toBeNull();
  });

  it('is the answer itself when nothing is shown yet', () => {
    const answer = stop(0, [frame('kernel_init', 1)]);
    expect(sharedWith(null, answer)).toBe(answer);
  });
});

describe('sameAnswer', () => {
  it('is true for an equal copy from the wire, false when any part differs', () => {
    const shown = stop(10, [frame('kernel_init', 1), frame('msi_domain_alloc', 9)]);
    expect(sameAnswer(shown, structuredClone(shown))).toBe(true);
    expect(sameAnswer(shown, { ...structuredClone(shown), reason: 'over' })).toBe(false);
    expect(sameAnswer(shown, stop(10, shown.stack, 0x32))).toBe(false);
    const deeper = structuredClone(shown);
    deeper.stack[1]!.args[0]!.value = '26';
    expect(sameAnswer(shown, deeper)).toBe(false);
    const { dmesgTail: _dropped, ...missing } = structuredClone(shown);
    expect(sameAnswer(shown, missing as StepStateView)).toBe(false);
  });
});
