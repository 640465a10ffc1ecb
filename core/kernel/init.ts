// start_kernel() up to the drivers (init/main.c, arch/x86/kernel/apic/apic.c, the PCI and IOMMU
// initcalls): everything the kernel sets up before the first driver probes. The scenario layer
// (core/scenario) calls bootPlatform() and then loads the drivers in module order.
import type { Machine } from '../model/schema';
import { check_x2apic, default_setup_apic_routing, enable_IR_x2apic } from './apic';
import { hpet_enable } from './hpet';
import { applyRemappingInjections, applyVectorInjections } from './injection-effects';
import { mp_map_pin_to_irq, setup_IO_APIC } from './ioapic';
import { amdIommuForDev, amdIommuInfoLines } from './iommu/amd-ir';
import { dmar_dev_scope_init, enable_drhd_fault_handling } from './iommu/dmar';
import type { IrqDomain } from './irq/irqdesc';
import type { Kernel } from './kernel';
import { createPciMsiDomain } from './msi/pci-msi';
import { PciTopology, type PciDev } from './pci';

/**
 * Everything before the drivers: APIC and x2APIC, interrupt remapping, the units' fault irqs,
 * the IOAPICs and the timer, SMP, HPET, PCI enumeration with each device's MSI domain, the
 * platform devices' irqs. Returns the default PCI MSI domain (null with per-device domains).
 */
export function bootPlatform(k: Kernel, machine: Machine): IrqDomain | null {
  const cpus = machine.cpus.list;
  const bootCpu = cpus[0]!.cpu;
  k.pci = new PciTopology(machine);
  k.enter('start_kernel');
  // Early: the APIC mode the firmware handed over (check_x2apic), then the MADT.
  check_x2apic(k);
  machine.ioapics.forEach((io, n) => {
    k.log(
      6,
      `IOAPIC[${n}]: apic_id ${io.id}, version ${io.version}, address ${io.address}, GSI ${io.gsi_base}-${io.gsi_base + io.pins - 1}`,
    );
    k.gsiTop = Math.max(k.gsiTop, io.gsi_base + io.pins);
  });
  const word = (v: string) => (v === 'conforms' ? 'dfl' : v);
  for (const o of machine.interrupt_source_overrides) {
    k.log(
      6,
      `ACPI: INT_SRC_OVR (bus 0 bus_irq ${o.bus_irq} global_irq ${o.gsi} ${word(o.polarity)} ${word(o.trigger)})`,
    );
  }
  const usable = cpus.filter((c) => c.apic_id <= k.maxApicId);
  k.log(6, `smpboot: Allowing ${usable.length} CPUs, 0 hotplug CPUs`);
  const legacy = machine.ioapics.length > 0 ? 16 : 0;
  k.lapic_assign_system_vectors(bootCpu, legacy);
  k.nrIrqs = probeNrIrqs(k.gsiTop, legacy, k.nrCpus);
  k.log(6, `NR_IRQS: 524544, nr_irqs: ${k.nrIrqs}, preallocated irqs: ${legacy}`);
  // x86_late_time_init() -> apic_intr_mode_init(): interrupt remapping and x2APIC, the APIC
  // driver, the units' fault interrupts (the first MSIs of the boot, only CPU 0 up), the IOAPICs.
  k.enter('x86_late_time_init');
  k.enter('apic_intr_mode_init');
  if (machine.ioapics.length > 0) k.log(6, 'APIC: Switch to symmetric I/O mode setup');
  enable_IR_x2apic(k);
  applyRemappingInjections(k, k.injections);
  default_setup_apic_routing(k);
  if (k.irqRemappingEnabled && k.remapOps === 'intel') enable_drhd_fault_handling(k);
  setup_IO_APIC(k);
  k.leave('apic_intr_mode_init', 0);
  k.leave('x86_late_time_init', 0);
  k.leave('start_kernel', 0);
  // kernel_init(): SMP, the initcalls (PCI, IOMMU, drivers), then user space (ifup, SR-IOV).
  k.enter('kernel_init');
  // SMP: the other CPUs come up (those the APIC driver can address).
  let up = 0;
  for (const c of cpus) {
    if (!c.online) continue;
    if (c.apic_id > k.maxApicId) {
      k.log(3, `smpboot: native_cpu_up: bad cpu ${c.cpu}`);
      continue;
    }
    k.cpuOnline(c.cpu);
    up++;
  }
  const nodes = new Set(cpus.filter((c) => c.online && k.online.test(c.cpu)).map((c) => c.node))
    .size;
  k.log(6, `smp: Brought up ${nodes} node${nodes === 1 ? '' : 's'}, ${up} CPUs`);
  applyVectorInjections(k, k.injections);
  if (machine.ioapics.length > 0) k.log(6, 'ACPI: Using IOAPIC for interrupt routing');
  hpet_enable(k);

  // PCI: the default MSI domain, every device added (pcibios_device_add), then the DMAR scopes
  // hand the devices under interrupt remapping to their unit's IR MSI domain.
  const defaultMsi = k.profile.perDeviceMsiDomains
    ? null
    : createPciMsiDomain(k, 'PCI-MSI-3', k.vectorDomain, 'PCI-MSI', false);
  k.defaultPciMsiDomain = defaultMsi;
  for (const dev of k.pci.devices.values()) pcibios_device_add(k, dev, defaultMsi);
  dmar_dev_scope_init(k);
  if (k.remapOps === 'amd') amdDeviceDomains(k);
  amdIommuInfoLines(k);

  for (const p of machine.platform_irqs)
    if (!observedOnPciPin(machine, p)) requestPlatformIrq(k, p);
  return defaultMsi;
}

/**
 * An observed action on a PCI function's INTx pin is most likely that function's unmodelled
 * driver (a NIC requesting at open, a sound card): it is requested after the probes, not before.
 */
export function observedOnPciPin(machine: Machine, p: Machine['platform_irqs'][number]): boolean {
  return p.source === 'observed' && machine.pci.some((f) => f.intx_pin && f.intx_gsi === p.irq);
}

export function requestPlatformIrq(k: Kernel, p: Machine['platform_irqs'][number]): void {
  const irq = k.gsiIrq.get(p.irq) ?? (p.irq < 16 ? p.irq : undefined);
  if (irq === undefined || !k.descs[irq]) mp_map_pin_to_irq(k, p.irq, p.irq < 16 ? p.irq : null);
  const virq = k.gsiIrq.get(p.irq) ?? p.irq;
  const desc = k.descs[virq];
  // acpi_register_gsi() with the device's own _CRS trigger: an unused pin takes it.
  if (p.trigger && desc && desc.actions.length === 0) {
    desc.trigger = p.trigger;
    desc.handler = p.trigger === 'level' ? 'fasteoi' : 'edge';
  }
  k.request_irq(virq, p.name);
}

/** pcibios_device_add(): the device's MSI domain is the default one (or its MSI parent VECTOR). */
export function pcibios_device_add(k: Kernel, dev: PciDev, defaultMsi: IrqDomain | null): void {
  if (dev.vmd) return; // VMD children get the VMD's domain (vmd.ts)
  dev.msiDomain = defaultMsi;
  dev.msiParent = k.vectorDomain;
}

/** AMD: amd_iommu_set_pci_msi_domain() at IOMMU device init — for VFs too. */
function amdDeviceDomains(k: Kernel): void {
  for (const dev of k.pci.devices.values()) amdDeviceDomain(k, dev);
}
export function amdDeviceDomain(k: Kernel, dev: PciDev): void {
  if (!k.irqRemappingEnabled || dev.vmd) return;
  const iommu = amdIommuForDev(k, dev.bdf);
  if (!iommu) return;
  if (k.profile.perDeviceMsiDomains) dev.msiParent = iommu.irDomain;
  else dev.msiDomain = iommu.irMsiDomain;
}

/**
 * arch_probe_nr_irqs() (arch/x86/kernel/apic/vector.c): (gsi_top + legacy) + 8 per CPU, plus room
 * for MSI (16 per GSI, or 8 per CPU on small machines), at most NR_VECTORS per CPU.
 */
export function probeNrIrqs(gsiTop: number, legacy: number, nrCpuIds: number): number {
  let nr = gsiTop + legacy + 8 * nrCpuIds;
  nr += gsiTop <= 16 ? 8 * nrCpuIds : gsiTop * 16;
  return Math.min(nr, 256 * nrCpuIds);
}
