import { describe, expect, it } from 'vitest';
import { irqTip, matrixSummary } from './heatmap-text';

describe('what the vector heatmap says', () => {
  it('names the owner and the action of the irq under the pointer', () => {
    const info = {
      irq: 18974,
      chip: 'IR-PCI-MSIX-0000:3b:00.0',
      hwirq: 5,
      owner: '0000:3b:00.0',
      actions: ['mlx5_comp3@pci:0000:3b:00.0'],
      managed: true,
    };
    expect(irqTip(18974, info)).toBe(
      'irq 18974 — owner 0000:3b:00.0, action mlx5_comp3@pci:0000:3b:00.0 · IR-PCI-MSIX-0000:3b:00.0 hwirq 5 · managed',
    );
    expect(irqTip(9, { ...info, owner: '', actions: [], managed: false })).toBe(
      'irq 9 — no owning device, no action (not requested by a driver) · IR-PCI-MSIX-0000:3b:00.0 hwirq 5',
    );
    // Before its owner is known, it says so rather than a bare number.
    expect(irqTip(18974, undefined)).toBe('irq 18974 — looking up its owner…');
  });

  it('says which CPU is the busiest and how many vectors it holds', () => {
    expect(matrixSummary([0, 1, 7, 8], [3, 4, 23, 1], 18974)).toBe(
      '4 CPUs · 18,974 irqs with a vector · busiest: CPU 7, 23 vectors',
    );
    expect(matrixSummary([0], [1], 1)).toBe(
      '1 CPU · 1 irq with a vector · busiest: CPU 0, 1 vector',
    );
  });
});
