// The allocation filter's placeholder names what this run has (its DMAR units, a device, an
// IOAPIC pin), never another machine's.

interface Allocation {
  fn: string;
  args: { name: string; value: string }[];
}

const arg = (a: Allocation, name: string) => a.args.find((x) => x.name === name)?.value;

/** Up to three filter examples from the run's allocations, one per kind, in the order met. */
export function filterExamples(items: readonly Allocation[]): string[] {
  const byKind = new Map<string, string>();
  for (const a of items) {
    const example =
      a.fn === 'dmar_alloc_hwirq'
        ? `dmar${arg(a, 'id')}`
        : a.fn === 'pci_alloc_irq_vectors_affinity' ||
            a.fn === 'ims_alloc_store' ||
            a.fn === 'sriov_enable'
          ? arg(a, 'dev')
          : a.fn === 'mp_map_pin_to_irq'
            ? `pin ${arg(a, 'pin')}`
            : a.fn === 'hpet_assign_irq'
              ? 'HPET'
              : undefined;
    const kind = a.fn === 'dmar_alloc_hwirq' || a.fn === 'mp_map_pin_to_irq' ? a.fn : 'device';
    if (example && !example.includes('undefined') && !byKind.has(kind)) byKind.set(kind, example);
  }
  // A device first: the most common thing to look for.
  return ['device', 'dmar_alloc_hwirq', 'mp_map_pin_to_irq']
    .map((k) => byKind.get(k))
    .filter((x): x is string => !!x);
}

export function filterPlaceholder(items: readonly Allocation[]): string {
  const examples = filterExamples(items);
  return examples.length ? `Filter: ${examples.join(', ')}…` : 'Filter allocations';
}
