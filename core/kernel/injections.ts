// Fault injection: changes to the simulated machine's state or the kernel's behaviour that
// reproduce a failure on demand (a nearly full IRTE table, ...). Applied at the point of the
// boot where the kernel would meet them.
import type { Kernel } from './kernel';

export type Injection =
  /** Leave only `free` entries of a remapping unit's IRTE table (e.g. "dmar0") unused. */
  { kind: 'irte-exhaust'; unit: string; free: number };

/** After interrupt remapping is set up: the table-level injections. */
export function applyRemappingInjections(k: Kernel, injections: readonly Injection[]): void {
  for (const inj of injections) {
    if (inj.kind !== 'irte-exhaust') continue;
    const unit = k.iommus.find((u) => u.name === inj.unit);
    if (!unit || unit.tableEntries === 0) {
      k.log(4, `irqlab: injection irte-exhaust: no remapping unit ${inj.unit}`);
      continue;
    }
    unit.reserveEntries(Math.max(0, unit.tableEntries - inj.free));
  }
}
