// The domains an interrupt remapping unit adds, the same for VT-d and AMD-Vi: its IR domain under
// VECTOR and, while PCI devices share one MSI domain per unit (<= 6.1), that MSI domain above it.
import {
  DOMAIN_BUS,
  newChip,
  newDomain,
  type IrqDomain,
  type IrqDomainOps,
  type MsiComposer,
} from '../irq/irqdesc';
import type { Kernel } from '../kernel';
import { createPciMsiDomain } from '../msi/pci-msi';

export interface RemappingUnitDomains {
  irDomain: IrqDomain | null;
  irMsiDomain: IrqDomain | null;
}

/**
 * `name`: INTEL-IR-<seq> or AMD-IR-<index>; its MSI child is `<prefix>-MSI-<n>-<bus>`. With
 * per-device MSI domains (6.2+) the IR domain carries the unit's bus token (DMAR, AMDVI) and
 * devices make their own MSI domains later.
 */
export function createRemappingDomains(
  k: Kernel,
  unit: RemappingUnitDomains,
  prefix: 'INTEL-IR' | 'AMD-IR',
  n: number,
  perDeviceBus: number,
  composer: MsiComposer,
  ops: IrqDomainOps<Kernel>,
): void {
  const ir = newDomain(
    `${prefix}-${n}`,
    k.profile.perDeviceMsiDomains ? perDeviceBus : DOMAIN_BUS.ANY,
    k.vectorDomain,
    newChip(prefix, composer),
    ops,
  );
  ir.hostData = unit;
  unit.irDomain = k.addDomain(ir);
  if (!k.profile.perDeviceMsiDomains)
    unit.irMsiDomain = createPciMsiDomain(
      k,
      `${prefix}-MSI-${n}-${DOMAIN_BUS.PCI_MSI}`,
      ir,
      'IR-PCI-MSI',
      true,
    );
}
