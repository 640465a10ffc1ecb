// A stop placed on its line of the pseudo-source (core/kernel-source, whose own test checks it
// against the model's call graph).
import { describe, expect, it } from 'vitest';
import { placeOf, sourceOf } from './source';

describe('the line of a stop', () => {
  it('places a return on the line that called', () => {
    const src = sourceOf('dmar_alloc_hwirq')!;
    const line = src.marks.get('__irq_domain_alloc_irqs')!;
    expect(src.text.split('\n')[line - 1]).toContain('irq_domain_alloc_irqs(domain');
    const place = placeOf({
      seq: 1,
      event: {
        kind: 'ret',
        fn: '__irq_domain_alloc_irqs',
        irq: -1,
        cpu: -1,
        depth: 1,
        args: [{ name: 'ret', value: '-17' }],
        text: '',
      },
      stack: [{ fn: 'dmar_alloc_hwirq', seq: 0, args: [] }],
      reason: '',
      irq: null,
      chain: [],
      vector: null,
      matrix: [],
      irtes: [],
      message: null,
      remapping: 'off',
      dmesgTail: [],
      done: false,
    });
    expect(place).toMatchObject({
      fn: 'dmar_alloc_hwirq',
      line,
      note: '__irq_domain_alloc_irqs returned -17',
    });
  });
});
