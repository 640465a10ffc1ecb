// The example sessions of the start page: the three failures of the seed thread ("x86, PCI,
// XEN, genirq ...: Prepare for device MSI", 2020), each a new session on its preset, booted under
// the kernel that showed it, with the breakpoints that stop at the failure. Made when opened
// (their boots take a fraction of a second), so nothing large is shipped.
import { PRESETS } from '../../core/model/presets';
import type { Breakpoint } from '../../core/step/breakpoints';

export interface Example {
  name: string;
  title: string;
  story: string;
  /** The kernel that fixed it (the one that had it is the preset's kernel.profile). */
  fixedProfile: string;
  breakpoints: { kind: Breakpoint['kind']; spec: string }[];
}

export const EXAMPLES: Example[] = [
  {
    name: 'seed-vf-compat-blocked',
    title: 'SR-IOV VF interrupts blocked under interrupt remapping (5.10-rc1)',
    story:
      'mlx5 VFs keep the default PCI-MSI domain, so their messages are composed in compatibility format and the IOMMU blocks them (fault reason 37). Continue (F5) stops at the first blocked interrupt.',
    fixedProfile: 'v5.10',
    breakpoints: [{ kind: 'condition', spec: 'first fault' }],
  },
  {
    name: 'seed-dmar-null-callback',
    title: 'Boot oops in msi_domain_alloc under dmar_alloc_hwirq (linux-next 2020-09-25)',
    story:
      'The DMAR-MSI domain has no get_hwirq callback: the first DMAR fault irq allocation calls a NULL pointer. Continue (F5) stops at dmar_alloc_hwirq, then at the oops.',
    fixedProfile: 'v5.10',
    breakpoints: [
      { kind: 'function', spec: 'dmar_alloc_hwirq' },
      { kind: 'condition', spec: 'first fault' },
    ],
  },
  {
    name: 'seed-dmar-hwirq-fail',
    title: 'dmar_alloc_hwirq fails for the second IOMMU (V2 series)',
    story:
      'dmar_alloc_hwirq leaves info.hwirq unset, so every DMAR unit asks DMAR-MSI for hwirq 0 and the second gets -EEXIST: its fault handler is never registered. Continue (F5) stops at the failing return.',
    fixedProfile: 'v5.10',
    breakpoints: [{ kind: 'condition', spec: 'fn=dmar_alloc_hwirq ret<0' }],
  },
];

/** An example with the profile its preset boots under. */
export function exampleByName(name: string): Example & { profile: string } {
  const e = EXAMPLES.find((x) => x.name === name);
  if (!e || !Object.prototype.hasOwnProperty.call(PRESETS, name))
    throw new Error(`no example named ${JSON.stringify(name)}`);
  return { ...e, profile: PRESETS[name]!.make().kernel.profile ?? '' };
}
