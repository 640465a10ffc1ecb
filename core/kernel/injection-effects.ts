// What fault injections do to a boot (core/kernel/injections.ts has their schema and the
// command line's short forms). Apart from the schema so that a boot builds no zod schema: the
// kernel imports these, and most boots (irqlab import --simulate) inject nothing.
import type { Machine } from '../model/schema';
import type { IrqDomain } from './irq/irqdesc';
import type { CpuMask } from './cpumask';
import type { IntelIommu } from './iommu/intel-iommu';
import type { Injection } from './injections';
import type { IrqMatrix } from './vector/matrix';
import { MSI_FLAG } from './msi/msi-domain';

const ERRNO: Record<Extract<Injection, { kind: 'fail-call' }>['errno'], number> = {
  ENOMEM: 12,
  ENOSPC: 28,
  EINVAL: 22,
  ENODEV: 19,
  EBUSY: 16,
  EEXIST: 17,
  EIO: 5,
};

/** The machine as the firmware would describe it with the machine-level injections applied. */
export function applyMachineInjections(
  machine: Machine,
  injections: readonly Injection[],
): Machine {
  if (!injections.some((i) => i.kind === 'disable-drhd' || i.kind === 'misplace-scope'))
    return machine;
  const m = structuredClone(machine);
  const drhds = m.iommus.filter((u) => u.kind === 'intel-vtd');
  for (const inj of injections) {
    if (inj.kind === 'misplace-scope') {
      const to = drhds[inj.unit];
      if (!to) continue;
      const [, bus, devfn] = /^[0-9a-f]+:([0-9a-f]{2}):(.+)$/.exec(inj.device)!;
      const [dev, fn] = devfn!.split('.');
      for (const u of drhds)
        u.scopes = u.scopes.filter(
          (s) =>
            !(
              s.type === 'endpoint' &&
              s.bus === parseInt(bus!, 16) &&
              s.path.length === 1 &&
              s.path[0]![0] === parseInt(dev!, 16) &&
              s.path[0]![1] === Number(fn)
            ),
        );
      to.scopes.push({
        type: 'endpoint',
        bus: parseInt(bus!, 16),
        path: [[parseInt(dev!, 16), Number(fn)]],
      });
    }
  }
  const hidden = new Set(
    injections.flatMap((i) => (i.kind === 'disable-drhd' ? [drhds[i.unit]] : [])).filter(Boolean),
  );
  m.iommus = m.iommus.filter((u) => !hidden.has(u as (typeof drhds)[number]));
  return m;
}

/** Behaviour injections that are profile switches. */
export function profileChanges(injections: readonly Injection[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const i of injections) {
    if (i.kind === 'dmar-hwirq-unset') out.dmarAllocHwirqSetsHwirq = false;
    if (i.kind === 'vf-keeps-default-domain') out.vfInheritMsiDomain = false;
  }
  return out;
}

/** When a domain is created: drop-msi-callback. */
export function applyDomainInjections(
  k: { readonly injections: readonly Injection[]; log(level: number, line: string): void },
  d: IrqDomain,
): void {
  if (!d.msiInfo) return;
  for (const inj of k.injections) {
    if (inj.kind !== 'drop-msi-callback' || !d.name.startsWith(inj.domain)) continue;
    d.msiInfo.flags &= ~MSI_FLAG.USE_DEF_DOM_OPS;
    delete d.msiInfo.ops[inj.op];
    k.log(7, `irqlab: injected: ${d.name} has no msi_domain_ops.${inj.op}`);
  }
}

/** After interrupt remapping is set up: the IRTE tables. */
export function applyRemappingInjections(
  k: { readonly iommus: readonly IntelIommu[]; log(level: number, line: string): void },
  injections: readonly Injection[],
): void {
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

/** After the CPUs are up: vectors taken on them. */
export function applyVectorInjections(
  k: { readonly online: CpuMask; readonly matrix: IrqMatrix; cpuMask(cpu: number): CpuMask },
  injections: readonly Injection[],
): void {
  for (const inj of injections) {
    if (inj.kind !== 'vector-exhaust') continue;
    const cpus = inj.cpus === 'all' ? [...k.online] : inj.cpus.filter((c) => k.online.test(c));
    for (const cpu of cpus) {
      const mask = k.cpuMask(cpu);
      while (k.matrix.available[cpu]! > inj.free) {
        if (k.matrix.irq_matrix_alloc(mask, false) < 0) break;
      }
    }
  }
}

/** fail-call: does this (counted) call of `fn` fail, and with what? 0 when it does not. */
export class CallFailures {
  private readonly calls = new Map<string, number>();
  private readonly rules: Extract<Injection, { kind: 'fail-call' }>[];
  constructor(injections: readonly Injection[]) {
    this.rules = injections.filter(
      (i): i is Extract<Injection, { kind: 'fail-call' }> => i.kind === 'fail-call',
    );
  }
  get active(): boolean {
    return this.rules.length > 0;
  }
  check(fn: string): number {
    if (this.rules.length === 0) return 0;
    const n = (this.calls.get(fn) ?? 0) + 1;
    this.calls.set(fn, n);
    for (const r of this.rules)
      if (r.function === fn && n >= r.nth && n < r.nth + r.count) return -ERRNO[r.errno];
    return 0;
  }
}
