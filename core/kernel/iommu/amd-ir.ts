// AMD-Vi interrupt remapping (drivers/iommu/amd/init.c, iommu.c): the IVRS device entries
// decide which IOMMU owns which requester id (amd_iommu_rlookup_table) and which ids alias;
// every IOAPIC must be an IVRS special device (check_ioapic_information). One AMD-IR-<index>
// domain per IOMMU; the remap tables are per device id (512 entries; an IOAPIC's first 32
// indexes are its pins) and the message a remapped device writes carries the table index in
// its data.
import type { Machine } from '../../model/schema';
import { EINVAL, ENODEV, ENOSPC } from '../errno';
import {
  DOMAIN_BUS,
  X86_IRQ_ALLOC_CONTIGUOUS_VECTORS,
  X86_IRQ_ALLOC_TYPE,
  type IrqData,
  type IrqDomainOps,
  type MsiMessage,
} from '../irq/irqdesc';
import type { Kernel } from '../kernel';
import { PciTopology } from '../pci';
import { createRemappingDomains } from './ir-domain';
import { AmdIommu, AmdIrqTable, MAX_IRQS_PER_TABLE, type AmdIrState } from './amd-iommu';

type Ivhd = Extract<Machine['iommus'][number], { kind: 'amd-vi' }>;

/** The southbridge IOAPIC is always 00:14.0 on AMD systems (IOAPIC_SB_DEVID). */
const IOAPIC_SB_DEVID = (0x14 << 3) | 0;

interface AmdIrData {
  iommu: AmdIommu;
  devid: number;
  index: number;
  msg: MsiMessage;
}

/** init_iommu_all(): the IVHD device entries into the lookup tables. */
function parseIvrs(ivhds: Ivhd[]): AmdIrState {
  const st: AmdIrState = {
    iommus: ivhds.map((h, i) => new AmdIommu(i, h)),
    rlookup: new Map(),
    alias: new Map(),
    ioapicDevid: new Map(),
    hpetDevid: new Map(),
    tables: new Map(),
    xtMode: ivhds.length > 0 && ivhds.every((h) => h.xt),
  };
  for (const iommu of st.iommus) {
    st.rlookup.set(iommu.ivhd.devid, iommu);
    let rangeStart = -1;
    let rangeAlias = -1;
    for (const e of iommu.ivhd.devices) {
      switch (e.type) {
        case 'all':
          for (let d = 0; d <= 0xffff; d++) if (!st.rlookup.has(d)) st.rlookup.set(d, iommu);
          break;
        case 'select':
          st.rlookup.set(e.devid!, iommu);
          break;
        case 'alias-select':
          st.rlookup.set(e.devid!, iommu);
          st.alias.set(e.devid!, e.alias!);
          break;
        case 'range':
        case 'alias-range': {
          if (e.last_devid === undefined) {
            rangeStart = e.devid!;
            rangeAlias = e.type === 'alias-range' ? (e.alias ?? -1) : -1;
            break;
          }
          const start = e.devid ?? rangeStart;
          for (let d = start; d <= e.last_devid; d++) {
            st.rlookup.set(d, iommu);
            if (rangeAlias >= 0 || e.alias !== undefined) st.alias.set(d, e.alias ?? rangeAlias);
          }
          break;
        }
        case 'special':
          st.rlookup.set(e.devid!, iommu);
          if (e.variety === 'ioapic') st.ioapicDevid.set(e.handle!, e.devid!);
          else st.hpetDevid.set(e.handle!, e.devid!);
          break;
      }
    }
  }
  return st;
}

/**
 * amd_iommu_prepare(): parse IVRS, check that every IOAPIC is a special device (and that the
 * southbridge one at 00:14.0 is), create the IR domains. 0, or -ENODEV with the kernel's lines.
 */
export function amd_iommu_prepare(k: Kernel): number {
  const ivhds = k.machine.iommus.filter((u): u is Ivhd => u.kind === 'amd-vi');
  if (ivhds.length === 0) return -ENODEV;
  k.enter('amd_iommu_prepare');
  if (k.cmdline.amd_iommu_off) return k.leave('amd_iommu_prepare', -EINVAL);
  const st = parseIvrs(ivhds);
  k.amd = st;
  // check_ioapic_information()
  let ok = false;
  let hasSb = false;
  for (const io of k.machine.ioapics) {
    const devid = st.ioapicDevid.get(io.id);
    if (devid === undefined) {
      k.log(3, `AMD-Vi: [Firmware Bug]: : IOAPIC[${io.id}] not in IVRS table`);
      ok = false;
      break;
    }
    if (devid === IOAPIC_SB_DEVID) {
      hasSb = true;
      ok = true;
    }
  }
  if (!hasSb) k.log(3, 'AMD-Vi: [Firmware Bug]: : No southbridge IOAPIC found');
  if (!ok) {
    k.log(3, 'AMD-Vi: Disabling interrupt remapping');
    return k.leave('amd_iommu_prepare', -ENODEV);
  }
  for (const iommu of st.iommus) {
    createRemappingDomains(
      k,
      iommu,
      'AMD-IR',
      iommu.index,
      DOMAIN_BUS.AMDVI,
      'amd-ir',
      AMD_IR_DOMAIN_OPS,
    );
  }
  k.composers['amd-ir'] ??= (_irq, data) => ({ ...(data.chipData as AmdIrData).msg });
  return k.leave('amd_iommu_prepare', 0);
}

/** amd_iommu_enable(): remapping on; x2APIC mode when every IOMMU supports XT. */
export function amd_iommu_enable(k: Kernel): 'x2apic' | 'xapic' {
  k.enter('amd_iommu_enable');
  k.irqRemappingEnabled = true;
  const mode = k.amd!.xtMode ? 'x2apic' : 'xapic';
  k.irqRemapMode = mode;
  k.leave('amd_iommu_enable', 0);
  return mode;
}

/** The lines print_iommu_info() logs once the IOMMUs' PCI side is up. */
export function amdIommuInfoLines(k: Kernel): void {
  if (!k.amd || !k.irqRemappingEnabled || k.remapOps !== 'amd') return;
  k.log(6, 'AMD-Vi: Interrupt remapping enabled');
  if (k.amd.xtMode) k.log(6, 'AMD-Vi: X2APIC enabled');
  if (k.amd.iommus.every((i) => i.ivhd.ga)) k.log(6, 'AMD-Vi: Virtual APIC enabled');
}

/** get_devid(): the device id whose table an allocation uses (IVRS aliases apply). */
export function amdDevid(k: Kernel, type: number, devid: number, bdf: string | null): number {
  const st = k.amd!;
  if (type === X86_IRQ_ALLOC_TYPE.IOAPIC) return st.ioapicDevid.get(devid) ?? -1;
  if (type === X86_IRQ_ALLOC_TYPE.HPET) return st.hpetDevid.get(devid) ?? -1;
  const dev = bdf ? k.pci.get(bdf) : undefined;
  if (!dev) return -1;
  const aliases = PciTopology.dmaAliases(dev);
  const pciAlias = aliases[aliases.length - 1]!.alias;
  return st.alias.get(dev.rid) ?? pciAlias;
}

/** The IOMMU that owns a device id, for a device found by its PCI function. */
export function amdIommuForDev(k: Kernel, bdf: string): AmdIommu | null {
  if (!k.amd) return null;
  const devid = amdDevid(k, X86_IRQ_ALLOC_TYPE.PCI_MSIX, 0, bdf);
  return devid < 0 ? null : (k.amd.rlookup.get(devid) ?? null);
}

function tableOf(st: AmdIrState, devid: number): AmdIrqTable {
  let t = st.tables.get(devid);
  if (!t) st.tables.set(devid, (t = new AmdIrqTable()));
  return t;
}

/** alloc_irq_index(): `count` free entries from min_index, aligned for multi-MSI. */
function alloc_irq_index(k: Kernel, devid: number, count: number, align: boolean): number {
  k.enter('alloc_irq_index', -1, -1, devid, count);
  const t = tableOf(k.amd!, devid);
  const step = align ? 1 << Math.ceil(Math.log2(count)) : 1;
  for (let i = Math.ceil(t.minIndex / step) * step; i + count <= MAX_IRQS_PER_TABLE; i += step) {
    let free = true;
    for (let j = i; j < i + count; j++) if (t.used[j]) free = false;
    if (!free) continue;
    for (let j = i; j < i + count; j++) t.used[j] = 1;
    return k.leave('alloc_irq_index', i);
  }
  return k.leave('alloc_irq_index', -ENOSPC);
}

export const AMD_IR_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  alloc(k, domain, virq, nr, info) {
    k.enter('irq_remapping_alloc', virq, -1, virq, nr, info.type);
    if (nr > 1 && info.type !== X86_IRQ_ALLOC_TYPE.PCI_MSI)
      return k.leave('irq_remapping_alloc', -EINVAL, virq);
    if (info.type === X86_IRQ_ALLOC_TYPE.PCI_MSI) info.flags &= ~X86_IRQ_ALLOC_CONTIGUOUS_VECTORS;
    const devid = amdDevid(k, info.type, info.devid, info.dev?.bdf ?? null);
    const iommu = devid < 0 ? undefined : k.amd!.rlookup.get(devid);
    if (!iommu) return k.leave('irq_remapping_alloc', -EINVAL, virq);
    const ret = k.irq_domain_alloc_irqs_parent(domain, virq, nr, info);
    if (ret < 0) return k.leave('irq_remapping_alloc', ret, virq);
    let index: number;
    if (info.type === X86_IRQ_ALLOC_TYPE.IOAPIC) {
      const t = tableOf(k.amd!, devid);
      // Keep the first 32 indexes for the IOAPIC's pins.
      if (!t.minIndex) {
        t.minIndex = 32;
        for (let i = 0; i < 32; i++) t.used[i] = 1;
      }
      index = info.ioapic!.pin;
    } else {
      index = alloc_irq_index(k, devid, nr, info.type === X86_IRQ_ALLOC_TYPE.PCI_MSI);
    }
    if (index < 0) {
      k.log(4, 'AMD-Vi: Failed to allocate IRTE');
      k.irq_domain_free_irqs_parent(domain, virq, nr);
      return k.leave('irq_remapping_alloc', index, virq);
    }
    for (let i = 0; i < nr; i++) {
      const data: AmdIrData = {
        iommu,
        devid,
        index: index + i,
        // fill_msi_msg(): address 0xfee00000, data = the table index.
        msg: { address_lo: 0xfee00000, address_hi: 0, data: index + i },
      };
      k.irq_domain_set_hwirq_and_chip(domain, virq + i, devid * 65536 + i, domain.chip, data);
      tableOf(k.amd!, devid).owner[index + i] = virq + i;
    }
    return k.leave('irq_remapping_alloc', 0, virq);
  },
  free(k, domain, virq, nr) {
    for (let i = 0; i < nr; i++) {
      const level = k.descs[virq + i]?.data;
      for (let d: IrqData | null | undefined = level; d; d = d.parent) {
        if (d.domain !== domain) continue;
        const ir = d.chipData as AmdIrData;
        const t = tableOf(k.amd!, ir.devid);
        t.valid[ir.index] = 0;
        t.owner[ir.index] = -1;
        if (ir.index >= t.minIndex) t.used[ir.index] = 0;
      }
    }
    k.irq_domain_free_irqs_parent(domain, virq, nr);
  },
  /** irq_remapping_activate(): the IRTE valid, vector and destination from irq_cfg. */
  activate(k, _domain, data) {
    const ir = data.chipData as AmdIrData;
    const t = tableOf(k.amd!, ir.devid);
    const cpu = k.apic.cpu[data.irq]!;
    const { dest, logical } = k.destination(cpu);
    t.valid[ir.index] = 1;
    t.vector[ir.index] = k.apic.vector[data.irq]!;
    t.dest[ir.index] = dest;
    t.dm[ir.index] = logical ? 1 : 0;
    k.state('irte_written', data.irq, cpu, ir.index, t.vector[ir.index]!, dest);
    return 0;
  },
  deactivate(k, _domain, data) {
    const ir = data.chipData as AmdIrData;
    tableOf(k.amd!, ir.devid).valid[ir.index] = 0;
  },
};
