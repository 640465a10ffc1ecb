// The DMAR side of the kernel (drivers/iommu/intel/dmar.c, irq_remapping.c, arch/x86/kernel/
// apic/msi.c): parsing the DMAR table into units, the interrupt-remapping enable decision with
// its log lines and refusals, the IR domains of every unit, which unit a PCI device belongs to
// (dmar_find_matched_drhd_unit) and so which MSI domain it gets, the units' own fault
// interrupts (dmar_alloc_hwirq through DMAR-MSI, never remapped), and the fault handler that
// prints what the hardware recorded.
import type { Machine } from '../../model/schema';
import { EINVAL, ENODEV } from '../errno';
import {
  DOMAIN_BUS,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_TYPE,
  type IrqDomain,
  type MsiMessage,
  newAllocInfo,
} from '../irq/irqdesc';
import type { Kernel } from '../kernel';
import { platformMsiDomainInfo } from '../msi/msi-domain';
import { MSI_DOMAIN_OPS } from '../msi/pci-msi';
import { PciTopology, type PciDev } from '../pci';
import { intrRemapFaultLine, type FaultLogFormat } from './fault-reasons';
import { IntelIommu, INTR_REMAP_TABLE_ENTRIES, type IrScopeMaps } from './intel-iommu';
import { INTEL_IR_DOMAIN_OPS, intelIrCompose } from './intel-ir';
import { createRemappingDomains } from './ir-domain';

type DeviceScope = Extract<Machine['iommus'][number], { kind: 'intel-vtd' }>['scopes'][number];

const hex = (n: number) => n.toString(16);
/** %#016Lx: "0x" and 14 hex digits (the width counts the prefix). */
const addr016 = (n: number) => '0x' + n.toString(16).padStart(14, '0');

/**
 * parse_dmar_table() / dmar_parse_one_drhd(): one intel_iommu per DRHD (seq ids in table
 * order), with the kernel's lines; RMRR/ATSR/RHSA/SATC/ANDD are printed as they are met. The
 * unit list is the kernel's dmar_drhd_units order: INCLUDE_PCI_ALL units at the tail, the others
 * inserted at the head (so the last one in the table is looked at first).
 */
export function dmar_table_init(k: Kernel): IntelIommu[] {
  const dmar = k.machine.dmar;
  const drhds = k.machine.iommus.filter(
    (u): u is Extract<typeof u, { kind: 'intel-vtd' }> => u.kind === 'intel-vtd',
  );
  if (!dmar && drhds.length === 0) return [];
  k.log(6, `DMAR: Host address width ${dmar?.host_address_width ?? 46}`);
  if (drhds.length === 0) {
    k.log(4, 'DMAR: [Firmware Bug]: No DRHD structure found in DMAR table');
    return [];
  }
  const units: IntelIommu[] = [];
  drhds.forEach((drhd, seq) => {
    const base = parseInt(drhd.register_base, 16);
    k.log(6, `DMAR: DRHD base: ${addr016(base)} flags: ${drhd.include_pci_all ? '0x1' : '0x0'}`);
    const iommu = new IntelIommu(seq, drhd);
    k.log(
      6,
      `DMAR: ${iommu.name}: reg_base_addr ${hex(base)} ver ${drhd.version} cap ${iommu.cap.toString(16)} ecap ${iommu.ecap.toString(16)}`,
    );
    units.push(iommu);
  });
  for (const r of dmar?.rmrr ?? [])
    k.log(
      6,
      `DMAR: RMRR base: ${addr016(parseInt(r.base, 16))} end: ${addr016(parseInt(r.end, 16))}`,
    );
  for (const a of dmar?.atsr ?? []) k.log(6, `DMAR: ATSR flags: ${a.all_ports ? '0x1' : '0x0'}`);
  for (const r of dmar?.rhsa ?? [])
    k.log(
      6,
      `DMAR: RHSA base: ${addr016(parseInt(r.register_base, 16))} proximity domain: 0x${hex(r.proximity_domain)}`,
    );
  for (const a of dmar?.andd ?? [])
    k.log(6, `DMAR: ANDD device: ${hex(a.device_number)} name: ${a.name}`);
  // dmar_drhd_units: include-all at the tail, the others at the head.
  const listed = [
    ...units.filter((u) => !u.drhd.include_pci_all).reverse(),
    ...units.filter((u) => u.drhd.include_pci_all),
  ];
  return listed;
}

/** The bus/devfn a scope's path ends at, reading bridges' secondary bus numbers on the way. */
function resolveScope(
  k: Kernel,
  segment: number,
  scope: DeviceScope,
): { bus: number; devfn: number } | null {
  if (scope.path.length === 0) return null;
  let bus = scope.bus;
  for (let i = 0; i < scope.path.length - 1; i++) {
    const [d, f] = scope.path[i]!;
    const bridge = [...k.pci.devices.values()].find(
      (x) => x.segment === segment && x.bus === bus && x.devfn === ((d << 3) | f),
    );
    bus = bridge?.fn.secondary_bus ?? 0xff;
  }
  const [d, f] = scope.path[scope.path.length - 1]!;
  return { bus, devfn: (d << 3) | f };
}

/** parse_ioapics_under_ir(): IOAPIC and HPET scopes of the IR-capable units. */
function parse_ioapics_under_ir(k: Kernel, units: IntelIommu[]): IrScopeMaps | null {
  k.enter('parse_ioapics_under_ir');
  const maps: IrScopeMaps = { ioapic: new Map(), hpet: new Map() };
  let supported = false;
  for (const iommu of units) {
    if (!iommu.irSupport) continue;
    for (const scope of iommu.drhd.scopes) {
      if (scope.type !== 'ioapic' && scope.type !== 'hpet') continue;
      const at = resolveScope(k, iommu.drhd.segment, scope);
      if (!at || scope.id === undefined) continue;
      const base = '0x' + hex(iommu.registerBase);
      if (scope.type === 'ioapic') {
        if (maps.ioapic.has(scope.id) && maps.ioapic.get(scope.id)!.iommu === iommu) continue;
        maps.ioapic.set(scope.id, { iommu, ...at });
        k.log(6, `DMAR-IR: IOAPIC id ${scope.id} under DRHD base  ${base} IOMMU ${iommu.seqId}`);
      } else {
        maps.hpet.set(scope.id, { iommu, ...at });
        k.log(6, `DMAR-IR: HPET id ${scope.id} under DRHD base ${base}`);
      }
    }
    supported = true;
  }
  if (!supported) {
    k.leave('parse_ioapics_under_ir', -ENODEV);
    return null;
  }
  for (const io of k.machine.ioapics) {
    if (!maps.ioapic.has(io.id)) {
      k.log(
        3,
        `DMAR-IR: [Firmware Bug]: ioapic ${io.id} has no mapping iommu, interrupt remapping will be disabled`,
      );
      k.leave('parse_ioapics_under_ir', -1);
      return null;
    }
  }
  k.leave('parse_ioapics_under_ir', 0);
  return maps;
}

/**
 * intel_prepare_irq_remapping(): the DMAR table, INTR_REMAP support, every IOAPIC under a unit,
 * every unit IR-capable, the EIM (x2APIC) decision, then each unit's table and IR domains.
 * Returns 0 or -ENODEV (and the kernel's reason in the log).
 */
export function intel_prepare_irq_remapping(k: Kernel): number {
  k.enter('intel_prepare_irq_remapping');
  const units = dmar_table_init(k);
  k.iommus = [...units].sort((a, b) => a.seqId - b.seqId);
  k.dmarUnits = units;
  if (units.length === 0) return k.leave('intel_prepare_irq_remapping', -ENODEV);
  if (!k.machine.dmar?.intr_remap) return k.leave('intel_prepare_irq_remapping', -ENODEV);
  const scopes = parse_ioapics_under_ir(k, units);
  if (!scopes) {
    k.log(6, 'DMAR-IR: Not enabling interrupt remapping');
    return k.leave('intel_prepare_irq_remapping', -ENODEV);
  }
  if (units.some((u) => !u.irSupport)) return k.leave('intel_prepare_irq_remapping', -ENODEV);
  let eim = false;
  if (k.x2apicSupported()) {
    eim = !(k.machine.dmar.x2apic_opt_out && !k.cmdline.intremap.no_x2apic_optout);
    if (!eim) {
      k.log(6, 'DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit.');
      k.log(6, "DMAR-IR: Use 'intremap=no_x2apic_optout' to override the BIOS setting.");
    }
  }
  for (const u of units) {
    if (eim && !u.eimSupport) {
      k.log(6, `DMAR-IR: ${u.name} does not support EIM`);
      eim = false;
    }
  }
  k.eimMode = eim;
  if (eim)
    k.log(6, 'DMAR-IR: Queued invalidation will be enabled to support x2apic and Intr-remapping.');
  k.irScopes = scopes;
  for (const u of units) intel_setup_irq_remapping(k, u);
  return k.leave('intel_prepare_irq_remapping', 0);
}

/** intel_setup_irq_remapping(): the table, INTEL-IR-<seq> under VECTOR, and (<= 6.1) its MSI child. */
function intel_setup_irq_remapping(k: Kernel, iommu: IntelIommu): void {
  k.enter('intel_setup_irq_remapping', -1, -1, iommu.seqId);
  iommu.setupTable(INTR_REMAP_TABLE_ENTRIES);
  iommu.eime = k.eimMode;
  createRemappingDomains(
    k,
    iommu,
    'INTEL-IR',
    iommu.seqId,
    DOMAIN_BUS.DMAR,
    'intel-ir',
    INTEL_IR_DOMAIN_OPS,
  );
  k.composers['intel-ir'] ??= intelIrCompose;
  k.leave('intel_setup_irq_remapping', 0);
}

/** intel_enable_irq_remapping(): IRE on, compatibility format blocked (CFI cleared). */
export function intel_enable_irq_remapping(k: Kernel): 'x2apic' | 'xapic' {
  k.enter('intel_enable_irq_remapping');
  for (const u of k.dmarUnits) {
    u.irEnabled = true;
    u.compatFormatAllowed = false;
  }
  k.irqRemappingEnabled = true;
  const mode = k.eimMode ? 'x2apic' : 'xapic';
  k.irqRemapMode = mode;
  k.log(6, `DMAR-IR: Enabled IRQ remapping in ${mode} mode`);
  k.leave('intel_enable_irq_remapping', 0);
  return mode;
}

/**
 * dmar_find_matched_drhd_unit(): a VF is matched through its PF; in list order, an include-all
 * unit of the device's segment, or a unit whose scope holds the device or an upstream bridge.
 */
export function dmar_find_matched_drhd_unit(k: Kernel, dev: PciDev): IntelIommu | null {
  const d = dev.physfn ?? dev;
  for (const u of k.dmarUnits) {
    if (u.drhd.include_pci_all && u.drhd.segment === d.segment) return u;
    for (let x: PciDev | null = d; x; x = x.upstream) if (k.scopeDevices.get(u)?.has(x)) return u;
  }
  return null;
}

/**
 * dmar_pci_bus_add_dev(): record the device in the endpoint/bridge scopes that name it
 * (dmar_insert_dev_scope), then intel_irq_remap_add_device(): with IR on, the device's MSI
 * domain becomes its unit's IR MSI domain — or NULL when no unit covers it.
 */
export function dmar_pci_bus_add_dev(k: Kernel, dev: PciDev): void {
  k.enter('dmar_pci_bus_add_dev', -1, -1, k.str(dev.bdf));
  if (dev.segment <= 0xffff) {
    const path = PciTopology.pathToRoot(dev).reverse();
    for (const u of k.dmarUnits) {
      if (u.drhd.include_pci_all || u.drhd.segment !== dev.segment) continue;
      for (const scope of u.drhd.scopes) {
        if (scope.type !== 'endpoint' && scope.type !== 'bridge') continue;
        if (!scopeMatches(scope, path)) continue;
        const isBridge = PciTopology.isBridge(dev);
        if ((scope.type === 'endpoint') === isBridge) {
          k.log(4, `DMAR: Device scope type does not match for ${dev.bdf}`);
          continue;
        }
        let set = k.scopeDevices.get(u);
        if (!set) k.scopeDevices.set(u, (set = new Set()));
        set.add(dev);
      }
    }
  }
  intel_irq_remap_add_device(k, dev);
  k.leave('dmar_pci_bus_add_dev', 0);
}

/** dmar_match_pci_path(), with its one-hop fallback ("RMRR entry ... is broken - applying workaround"). */
function scopeMatches(scope: DeviceScope, path: PciDev[]): boolean {
  const root = path[0]!;
  if (root.bus === scope.bus && path.length === scope.path.length) {
    if (path.every((p, i) => p.devfn === ((scope.path[i]![0] << 3) | scope.path[i]![1])))
      return true;
  }
  if (scope.path.length !== 1) return false;
  const last = path[path.length - 1]!;
  return last.bus === scope.bus && last.devfn === ((scope.path[0]![0] << 3) | scope.path[0]![1]);
}

function intel_irq_remap_add_device(k: Kernel, dev: PciDev): void {
  // pci_dev_has_special_msi_domain(): VMD children keep the VMD domain.
  if (!k.irqRemappingEnabled || dev.vmd) return;
  k.enter('intel_irq_remap_add_device', -1, -1, k.str(dev.bdf));
  const unit = dmar_find_matched_drhd_unit(k, dev);
  if (k.profile.perDeviceMsiDomains) dev.msiParent = unit?.irDomain ?? null;
  else dev.msiDomain = unit?.irMsiDomain ?? null;
  k.leave('intel_irq_remap_add_device', unit ? 0 : -ENODEV);
}

/**
 * dmar_dev_scope_init() at boot: every PCI device but the VFs goes through dmar_pci_bus_add_dev
 * (VFs appear later, through the bus notifier).
 */
export function dmar_dev_scope_init(k: Kernel): void {
  if (k.dmarUnits.length === 0) return;
  k.enter('dmar_dev_scope_init');
  for (const dev of k.pci.devices.values()) if (!dev.physfn) dmar_pci_bus_add_dev(k, dev);
  k.leave('dmar_dev_scope_init', 0);
}

/**
 * dmar_pci_bus_notifier(BUS_NOTIFY_ADD_DEVICE) for a VF: the fix ff828729be44 makes it inherit
 * the PF's MSI domain (vf_inherit_msi_domain); before it the notifier returned early and the VF
 * kept the default PCI-MSI domain set by pcibios_device_add().
 */
export function dmar_pci_bus_notify_vf(k: Kernel, vf: PciDev): void {
  if (!k.irqRemappingEnabled || !vf.physfn) return;
  if (k.profile.vfInheritMsiDomain) {
    vf.msiDomain = vf.physfn.msiDomain;
    vf.msiParent = vf.physfn.msiParent;
  }
}

// --- The units' own fault interrupts ---------------------------------------------------------

/** dmar_get_irq_domain(): DMAR-MSI under VECTOR, created on first use, never remapped. */
function dmar_get_irq_domain(k: Kernel): IrqDomain {
  if (k.dmarMsiDomain) return k.dmarMsiDomain;
  const d = newDomain(
    'DMAR-MSI',
    DOMAIN_BUS.ANY,
    k.vectorDomain,
    newChip('DMAR-MSI', 'dmar'),
    MSI_DOMAIN_OPS,
  );
  d.msiInfo = platformMsiDomainInfo('DMAR-MSI', 'dmar', k.profile.dmarHpetDefaultDomOps);
  k.platformMsiWriters.dmar = (irq, msg) => dmar_msi_write_msg(k, irq, msg);
  return (k.dmarMsiDomain = k.addDomain(d));
}

/** dmar_msi_write_msg(): FEDATA / FEADDR / FEUADDR of the unit. */
function dmar_msi_write_msg(k: Kernel, irq: number, msg: MsiMessage): void {
  const iommu = k.dmarUnits.find((u) => u.faultIrq === irq || u.pendingFaultIrq === irq);
  k.enter('dmar_msi_write_msg', irq, -1, msg.address_lo, msg.data);
  if (iommu) iommu.faultEventMsg = msg;
  k.leave('dmar_msi_write_msg', 0, irq);
}

/** dmar_alloc_hwirq(): type DMAR, devid = hwirq = the unit's seq id (the V2 series left hwirq unset). */
export function dmar_alloc_hwirq(k: Kernel, id: number, node: number, iommu: IntelIommu): number {
  k.enter('dmar_alloc_hwirq', -1, -1, id, node);
  const failed = k.injected('dmar_alloc_hwirq');
  if (failed) return k.leave('dmar_alloc_hwirq', failed);
  const domain = dmar_get_irq_domain(k);
  const info = newAllocInfo(X86_IRQ_ALLOC_TYPE.DMAR);
  info.devid = id;
  info.hwirq = k.profile.dmarAllocHwirqSetsHwirq ? id : 0;
  info.data = iommu;
  iommu.pendingFaultIrq = -1;
  const virq = k.__irq_domain_alloc_irqs(domain, -1, 1, info);
  if (virq > 0) {
    const desc = k.descs[virq]!;
    desc.owner = iommu.name;
    iommu.pendingFaultIrq = virq;
  }
  return k.leave('dmar_alloc_hwirq', virq);
}

/** dmar_set_interrupt(): allocate the fault irq and request it ("dmar<seq>"). */
function dmar_set_interrupt(k: Kernel, iommu: IntelIommu): number {
  k.enter('dmar_set_interrupt', -1, -1, iommu.seqId);
  if (iommu.faultIrq) return k.leave('dmar_set_interrupt', 0);
  const irq = dmar_alloc_hwirq(k, iommu.seqId, -1, iommu);
  if (irq <= 0) {
    k.log(3, 'DMAR: No free IRQ vectors');
    return k.leave('dmar_set_interrupt', -EINVAL);
  }
  iommu.faultIrq = irq;
  const ret = k.request_irq(irq, iommu.name);
  if (ret) {
    k.log(3, "DMAR: Can't request irq");
    return k.leave('dmar_set_interrupt', ret);
  }
  return k.leave('dmar_set_interrupt', 0);
}

/**
 * enable_drhd_fault_handling() (irq_remap_enable_fault_handling, at boot with only CPU 0 up):
 * every unit in list order; the first failure stops it.
 */
export function enable_drhd_fault_handling(k: Kernel): number {
  k.enter('enable_drhd_fault_handling');
  for (const iommu of k.dmarUnits) {
    const ret = dmar_set_interrupt(k, iommu);
    if (ret) {
      k.log(
        3,
        `DMAR: DRHD ${hex(iommu.registerBase)}: failed to enable fault, interrupt, ret ${ret}`,
      );
      return k.leave('enable_drhd_fault_handling', -1);
    }
    // dmar_fault() once, to clear faults a previous kernel or the firmware left.
    iommu.records.fill(null);
  }
  return k.leave('enable_drhd_fault_handling', 0);
}

/** The INTR-REMAP line format of the profile's era. */
export function faultFormat(k: Kernel): FaultLogFormat {
  return k.profile.faultLogFormat;
}

/**
 * dmar_fault(): the unit's fault interrupt handler. FSTS (PPF | FRI << 8) is printed, then
 * every pending record from FRI on, each line as this era prints it; records past the rate
 * limit are cleared silently.
 */
export function dmar_fault(k: Kernel, iommu: IntelIommu): number {
  k.enter('dmar_fault', iommu.faultIrq, -1, iommu.seqId);
  const first = iommu.records.findIndex((r) => r !== null);
  if (first < 0) return k.leave('dmar_fault', 0);
  const fsts = 0x2 | (first << 8);
  const limited = k.faultRatelimit.printed >= k.faultRatelimit.burst;
  if (!limited) k.log(3, `DMAR: DRHD: handling fault status reg ${hex(fsts)}`);
  let printed = 0;
  for (let n = 0; n < iommu.records.length; n++) {
    const i = (first + n) % iommu.records.length;
    const rec = iommu.records[i];
    if (!rec) break;
    if (k.faultRatelimit.printed < k.faultRatelimit.burst) {
      const line =
        'DMAR: ' + intrRemapFaultLine(faultFormat(k), rec.sourceId, rec.index, rec.reason);
      k.log(3, line);
      k.faults.push({
        line,
        reason: rec.reason,
        sourceId: rec.sourceId,
        index: rec.index,
        unit: iommu.name,
      });
      k.faultRatelimit.printed++;
      printed++;
    } else {
      k.faultRatelimit.suppressed++;
    }
    iommu.records[i] = null;
  }
  return k.leave('dmar_fault', printed);
}
