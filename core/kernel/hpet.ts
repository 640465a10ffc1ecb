// HPET (arch/x86/kernel/hpet.c): the boot lines, and without ARAT the per-CPU MSI clock event
// channels in the HPET-MSI-<id> domain — under the IR domain whose DRHD scope lists the HPET
// (chip IR-HPET-MSI), else VECTOR, and with IR in x2APIC mode and no HPET scope not at all.
import {
  DOMAIN_BUS,
  newAllocInfo,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_TYPE,
  type IrqDomain,
} from './irq/irqdesc';
import type { Kernel } from './kernel';
import { platformMsiDomainInfo } from './msi/msi-domain';
import { MSI_DOMAIN_OPS } from './msi/pci-msi';

/** hpet_create_irq_domain(): named after the chip before an IR parent renames the chip. */
function hpet_create_irq_domain(k: Kernel, id: number): IrqDomain | null {
  let parent: IrqDomain | null = null;
  if (k.irqRemappingEnabled && k.remapOps === 'intel')
    parent = k.irScopes?.hpet.get(id)?.iommu.irDomain ?? null;
  else if (k.irqRemappingEnabled && k.remapOps === 'amd') {
    const devid = k.amd?.hpetDevid.get(id);
    parent = devid === undefined ? null : (k.amd!.rlookup.get(devid)?.irDomain ?? null);
  }
  // x86_vector_select() declines when IR runs in x2APIC mode.
  if (!parent && k.irqRemapMode !== 'x2apic') parent = k.vectorDomain;
  if (!parent) return null;
  const chip = parent === k.vectorDomain ? 'HPET-MSI' : 'IR-HPET-MSI';
  const d = newDomain(
    `HPET-MSI-${id}`,
    DOMAIN_BUS.GENERIC_MSI,
    parent,
    newChip(chip),
    MSI_DOMAIN_OPS,
  );
  d.msiInfo = platformMsiDomainInfo(chip, 'hpet', k.profile.dmarHpetDefaultDomOps);
  k.platformMsiWriters.hpet = (irq, msg) => {
    k.enter('hpet_msi_write_msg', irq, -1, msg.address_lo, msg.data);
    k.hpetMessages.set(k.descs[irq]!.data!.hwirq, msg);
    k.leave('hpet_msi_write_msg', 0, irq);
  };
  return k.addDomain(d);
}

/**
 * hpet_enable() / hpet_select_clockevents(): without ARAT, FSB-capable channels become per-CPU
 * clock event devices with an MSI irq each (hwirq = channel), bound to their CPU (a real vector
 * at once), named "hpet<channel>".
 */
export function hpet_enable(k: Kernel): void {
  const hpet = k.machine.hpet;
  if (!hpet) return;
  const perCpu = k.machine.cpus.arat
    ? []
    : hpet.msi_timers.filter((t) => t >= 2).slice(0, k.online.weight());
  const domain = perCpu.length > 0 ? hpet_create_irq_domain(k, hpet.id) : null;
  const used = domain ? perCpu : [];
  k.log(6, `hpet: ${hpet.timers} channels of ${used.length} reserved for per-cpu timers`);
  const irqs = Array.from({ length: hpet.timers }, (_, ch) => (ch === 0 ? 2 : ch === 1 ? 8 : 0));
  k.log(6, `hpet${hpet.id}: at MMIO ${hpet.address}, IRQs ${irqs.join(', ')}`);
  if (!domain) return;
  used.forEach((channel, i) => {
    const cpu = [...k.online][i]!;
    k.enter('hpet_assign_irq', -1, cpu, channel);
    const info = newAllocInfo(X86_IRQ_ALLOC_TYPE.HPET);
    info.devid = hpet.id;
    info.hwirq = channel;
    info.mask = k.cpuMask(cpu);
    const virq = k.__irq_domain_alloc_irqs(domain, -1, 1, info);
    if (virq < 0) {
      k.leave('hpet_assign_irq', virq, -1, cpu);
      return;
    }
    k.descs[virq]!.owner = `hpet${hpet.id}`;
    k.descs[virq]!.affinitySet = true;
    k.irq_domain_activate_irq(virq, false);
    k.request_irq(virq, `hpet${channel}`);
    k.leave('hpet_assign_irq', virq, virq, cpu);
  });
}
