// The local APIC mode and driver (arch/x86/kernel/apic/apic.c, probe_64.c): whether x2APIC is
// on (left on by the BIOS, enabled with interrupt remapping in x2APIC mode, or refused without
// it), which APIC driver computes destinations (flat, physical flat, cluster x2apic, physical
// x2apic), and the CPUs that can then be addressed at all.
import { ENOSYS } from './errno';
import type { ApicDriver, Kernel } from './kernel';
import { intel_enable_irq_remapping, intel_prepare_irq_remapping } from './iommu/dmar';
import { amd_iommu_enable, amd_iommu_prepare } from './iommu/amd-ir';

type X2apicState = 'on' | 'off' | 'disabled';

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function bootApicId(k: Kernel): number {
  return k.apicId(k.machine.cpus.list[0]!.cpu);
}

/**
 * check_x2apic() and the nox2apic parameter: x2APIC left on by the BIOS is kept (and the MADT
 * check already picks an x2APIC driver); a CPU without x2APIC, or nox2apic, disables it.
 */
export function check_x2apic(k: Kernel): void {
  const bios = k.machine.cpus.apic_mode === 'x2apic';
  let state: X2apicState = bios ? 'on' : k.machine.cpus.cpu_has_x2apic ? 'off' : 'disabled';
  if (bios) {
    k.log(6, 'x2apic: enabled by BIOS, switching to x2apic ops');
    k.x2apicMode = true;
  }
  if (k.cmdline.x2apic === 'off') {
    if (bios && bootApicId(k) >= 255) {
      k.log(4, `Apicid: ${hex8(bootApicId(k))}, cannot enforce nox2apic`);
    } else {
      if (bios) k.log(4, 'x2apic already enabled.');
      state = 'disabled';
      k.x2apicMode = false;
    }
  }
  k.x2apicState = state;
  // default_acpi_madt_oem_check(): with x2APIC already on the MADT parse picks its driver.
  if (k.x2apicMode) {
    k.apicDriver =
      k.cmdline.x2apic_phys || k.machine.cpus.fadt_apic_physical
        ? 'physical x2apic'
        : 'cluster x2apic';
    k.log(
      6,
      k.profile.apicRoutingLogStyle === 'new'
        ? `APIC: Switched APIC routing to: ${k.apicDriver}`
        : `Setting APIC routing to ${k.apicDriver}.`,
    );
  }
  // acpi_parse_x2apic(): without x2APIC on, entries the xAPIC driver cannot address are dropped.
  k.maxApicId = k.x2apicMode ? 0xffffffff : 254;
  if (!k.x2apicMode && k.machine.cpus.list.some((c) => c.apic_id > 254))
    k.log(4, 'ACPI: x2apic entry ignored');
}

/** irq_remapping_prepare(): intremap=off refuses; Intel first, then AMD. */
function irq_remapping_prepare(k: Kernel): number {
  if (k.cmdline.intremap.off) return -ENOSYS;
  if (intel_prepare_irq_remapping(k) === 0) {
    k.remapOps = 'intel';
    return 0;
  }
  if (amd_iommu_prepare(k) === 0) {
    k.remapOps = 'amd';
    return 0;
  }
  return -ENOSYS;
}

/**
 * enable_IR_x2apic(): prepare interrupt remapping, enable it, then decide x2APIC: only IR in
 * x2APIC mode (or a hypervisor that offers x2APIC without it) keeps x2APIC on.
 */
export function enable_IR_x2apic(k: Kernel): void {
  k.enter('enable_IR_x2apic');
  let irStat = irq_remapping_prepare(k);
  if (irStat < 0 && !k.x2apicSupported()) {
    k.leave('enable_IR_x2apic', irStat);
    return;
  }
  let mode: 'x2apic' | 'xapic' | null = null;
  if (irStat >= 0) {
    mode = k.remapOps === 'intel' ? intel_enable_irq_remapping(k) : amd_iommu_enable(k);
    irStat = 0;
  }
  try_to_enable_x2apic(k, mode);
  k.leave('enable_IR_x2apic', irStat);
}

function try_to_enable_x2apic(k: Kernel, mode: 'x2apic' | 'xapic' | null): void {
  k.enter('try_to_enable_x2apic', -1, -1, mode === 'x2apic' ? 2 : mode === 'xapic' ? 1 : 0);
  if (k.x2apicState === 'disabled') {
    k.leave('try_to_enable_x2apic', 0);
    return;
  }
  if (mode !== 'x2apic') {
    const hv = k.machine.hypervisor;
    // Using x2APIC without IR is not architecturally supported on bare metal.
    if (!hv?.x2apic_available) {
      k.log(6, "x2apic: IRQ remapping doesn't support X2APIC mode");
      x2apic_disable(k);
      k.leave('try_to_enable_x2apic', 0);
      return;
    }
    // Without IR only physical destinations, up to APIC id 255 (32767 with ext dest ids).
    k.virtExtDestId = hv.msi_ext_dest_id;
    k.maxApicId = hv.msi_ext_dest_id ? 32767 : 255;
    k.x2apicPhys = true;
  }
  if (k.x2apicState === 'off') {
    k.x2apicMode = true;
    k.x2apicState = 'on';
    k.log(6, 'x2apic enabled');
    if (k.maxApicId === 254) k.maxApicId = 0xffffffff;
  }
  k.leave('try_to_enable_x2apic', 0);
}

function x2apic_disable(k: Kernel): void {
  const was = k.x2apicState;
  k.x2apicMode = false;
  k.x2apicState = 'disabled';
  k.maxApicId = 254;
  if (was !== 'on') return;
  const id = bootApicId(k);
  if (id >= 255) k.panic(`Cannot disable x2apic, id: ${hex8(id)}`);
}

/**
 * default_setup_apic_routing(): the first driver whose probe accepts, in link order —
 * physical x2apic (x2apic_phys), cluster x2apic, physical flat (more than 8 CPUs, or eras
 * without logical flat mode), flat.
 */
export function default_setup_apic_routing(k: Kernel): void {
  let driver: ApicDriver;
  if (k.x2apicMode && (k.x2apicPhys || k.cmdline.x2apic_phys || k.machine.cpus.fadt_apic_physical))
    driver = 'physical x2apic';
  else if (k.x2apicMode) driver = 'cluster x2apic';
  else if (k.machine.cpus.list.length > 8 || !k.profile.xapicFlatLogical) driver = 'physical flat';
  else driver = 'flat';
  if (driver !== k.apicDriver) {
    k.apicDriver = driver;
    k.log(
      6,
      k.profile.apicRoutingLogStyle === 'new'
        ? `APIC: Switched APIC routing to: ${driver}`
        : `Switched APIC routing to ${driver}.`,
    );
  }
}
