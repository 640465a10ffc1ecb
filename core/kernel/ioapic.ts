// IO-APICs (arch/x86/kernel/apic/io_apic.c): one IO-APIC-<n> domain per IOAPIC, its parent the
// interrupt remapping domain that claims it (the DRHD scope listing its id) or VECTOR; the
// legacy ISA irqs on IOAPIC 0 mapped pin by pin in setup_IO_APIC; PCI GSIs mapped as devices
// enable; the redirection table entry derived from the parent's MSI message at activation.
import { EEXIST, EINVAL, ENODEV } from './errno';
import {
  DOMAIN_BUS,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_LEGACY,
  X86_IRQ_ALLOC_TYPE,
  type IrqDomain,
  type IrqDomainOps,
  newAllocInfo,
} from './irq/irqdesc';
import type { Kernel } from './kernel';
import type { IoapicState } from './ioapic-state';

/** An IOAPIC's pin configuration: trigger and polarity (MADT overrides, ISA and PCI defaults). */
function pinAttr(k: Kernel, gsi: number, isaIrq: number | null) {
  const iso = k.machine.interrupt_source_overrides.find(
    (o) => o.gsi === gsi && (isaIrq === null || o.bus_irq === isaIrq),
  );
  const isa = isaIrq !== null && isaIrq < 16;
  const trigger =
    iso && iso.trigger !== 'conforms' ? iso.trigger : isa ? ('edge' as const) : ('level' as const);
  const polarity =
    iso && iso.polarity !== 'conforms' ? iso.polarity : isa ? ('high' as const) : ('low' as const);
  return { trigger, activeLow: polarity === 'low' };
}

export const IOAPIC_DOMAIN_OPS: IrqDomainOps<Kernel> = {
  /** mp_irqdomain_alloc(): one pin, parent first, then hwirq = pin and the (IR-)IO-APIC chip. */
  alloc(k, domain, virq, nr, info) {
    k.enter('mp_irqdomain_alloc', virq, -1, virq, nr);
    if (nr > 1 || !info.ioapic) return k.leave('mp_irqdomain_alloc', -EINVAL, virq);
    const pin = info.ioapic.pin;
    if (k.irq_find_mapping(domain, pin) > 0) return k.leave('mp_irqdomain_alloc', -EEXIST, virq);
    const ret = k.irq_domain_alloc_irqs_parent(domain, virq, nr, info);
    if (ret < 0) return k.leave('mp_irqdomain_alloc', ret, virq);
    k.irq_domain_set_hwirq_and_chip(domain, virq, pin, domain.chip);
    return k.leave('mp_irqdomain_alloc', 0, virq);
  },
  free(k, domain, virq, nr) {
    k.irq_domain_free_irqs_parent(domain, virq, nr);
  },
  /**
   * mp_irqdomain_activate() -> ioapic_configure_entry(): the parent composes a message and
   * its bits become the RTE (ioapic_setup_msg_from_msi): vector <- data[7:0] (the pin under
   * Intel IR), destination mode <- address bit 2, format <- address bit 4, address bits 19:5
   * -> RTE bits 63:49 (destination, or the IRTE handle).
   */
  activate(k, domain, data) {
    const io = domain.hostData as IoapicState;
    const irq = data.irq;
    const pin = data.hwirq;
    k.enter('mp_irqdomain_activate', irq, -1, irq);
    const msg = k.irq_chip_compose_msi_msg(irq);
    const desc = k.descs[irq]!;
    const { activeLow } = pinAttr(k, io.gsiBase + pin, desc.owner === 'isa' ? irq : null);
    const level = desc.trigger === 'level';
    io.rteLow[pin] =
      (msg.data & 0xff) |
      (((msg.data >> 8) & 7) << 8) |
      (((msg.address_lo >> 2) & 1) << 11) |
      ((activeLow ? 1 : 0) << 13) |
      ((level ? 1 : 0) << 15);
    io.rteHigh[pin] =
      ((((msg.address_lo >> 5) & 0x7fff) << 17) | (((msg.address_lo >> 4) & 1) << 16)) >>> 0;
    k.enter('ioapic_configure_entry', irq, k.apic.cpu[irq]!, pin, msg.data & 0xff);
    k.leave('ioapic_configure_entry', 0, irq);
    return k.leave('mp_irqdomain_activate', 0, irq);
  },
  deactivate(_k, domain, data) {
    const io = domain.hostData as IoapicState;
    io.rteLow[data.hwirq] = 1 << 16; // masked
  },
};

/**
 * mp_irqdomain_create() for every IOAPIC (setup_IO_APIC): the parent found by fwspec — the IR
 * domain of the unit whose scope lists this IOAPIC, else VECTOR (only while x2APIC is not in
 * remapped mode). Named IO-APIC-<APIC id> from 5.11 (IO-APIC-<index> before).
 */
export function mp_irqdomain_create(k: Kernel): void {
  k.machine.ioapics.forEach((io, n) => {
    const parent = ioapicParent(k, io.id);
    const legacy = io.gsi_base < 16;
    const name = k.profile.ioapicDomainNameById
      ? `IO-APIC-${io.id}`
      : parent && parent !== k.vectorDomain
        ? `IO-APIC-IR-${n}`
        : `IO-APIC-${n}`;
    const chip = newChip(parent === k.vectorDomain ? 'IO-APIC' : 'IR-IO-APIC');
    const domain = newDomain(
      name,
      DOMAIN_BUS.WIRED,
      parent ?? k.vectorDomain,
      chip,
      IOAPIC_DOMAIN_OPS,
    );
    const state: IoapicState = {
      index: n,
      id: io.id,
      gsiBase: io.gsi_base,
      pins: io.pins,
      type: legacy ? 'legacy' : 'dynamic',
      domain,
      rteLow: new Uint32Array(io.pins).fill(1 << 16),
      rteHigh: new Uint32Array(io.pins),
      pinIrq: new Int32Array(io.pins).fill(-1),
    };
    domain.hostData = state;
    if (!parent) {
      k.log(3, `IOAPIC[${n}]: no interrupt domain claims it (-ENODEV)`);
      return;
    }
    k.addDomain(domain);
    k.ioapicDomains.push(domain);
    k.ioapics.push(state);
    if (legacy) k.ioapicDynirqBase = Math.max(k.ioapicDynirqBase, io.gsi_base + io.pins);
  });
}

/** irq_find_matching_fwspec() for an IOAPIC: the IR domain that selects it, or VECTOR. */
function ioapicParent(k: Kernel, id: number): IrqDomain | null {
  if (k.irqRemappingEnabled) {
    if (k.remapOps === 'intel') {
      const unit = k.irScopes?.ioapic.get(id)?.iommu;
      if (unit?.irDomain) return unit.irDomain;
    } else if (k.remapOps === 'amd') {
      const devid = k.amd?.ioapicDevid.get(id);
      const iommu = devid === undefined ? undefined : k.amd!.rlookup.get(devid);
      if (iommu?.irDomain) return iommu.irDomain;
    }
  }
  // x86_vector_select(): claims IOAPICs unless IR runs in x2APIC mode.
  return k.irqRemapMode === 'x2apic' ? null : k.vectorDomain;
}

/**
 * setup_IO_APIC_irqs(): IOAPIC 0's pins in pin order; each pin an ISA irq is wired to (MADT
 * overrides move irq 0 to pin 2; the cascade has none) gets that irq. The timer then starts.
 */
export function setup_IO_APIC(k: Kernel): void {
  k.enter('setup_IO_APIC');
  mp_irqdomain_create(k);
  const io0 = k.ioapics.find((s) => s.gsiBase === 0);
  if (io0) {
    const isaForGsi = new Map<number, number>();
    for (let irq = 0; irq < 16; irq++) {
      if (irq === 2) continue; // the cascade stays with the legacy PIC (XT-PIC)
      const gsi = isaIrqToGsi(k, irq);
      if (!isaForGsi.has(gsi)) isaForGsi.set(gsi, irq);
    }
    for (let pin = 0; pin < io0.pins; pin++) {
      const irq = isaForGsi.get(io0.gsiBase + pin);
      if (irq !== undefined) mp_map_pin_to_irq(k, io0.gsiBase + pin, irq);
    }
  }
  k.ioapicInitialized = true;
  // check_timer(): the timer (irq 0) runs on its ISA vector from now on.
  const timer = k.descs[0];
  if (timer?.data) {
    timer.noBalancing = true;
    k.irq_domain_activate_irq(0, false);
    const pin = timer.data.hwirq;
    const apic1 = (timer.data.domain.hostData as IoapicState).index;
    k.log(
      6,
      `..TIMER: vector=0x${k.apic.vector[0]!.toString(16).toUpperCase().padStart(2, '0')} apic1=${apic1} pin1=${pin} apic2=-1 pin2=-1`,
    );
  }
  k.leave('setup_IO_APIC', 0);
}

export function isaIrqToGsi(k: Kernel, irq: number): number {
  return k.machine.interrupt_source_overrides.find((o) => o.bus_irq === irq)?.gsi ?? irq;
}

/**
 * mp_map_pin_to_irq() / alloc_irq_from_domain(): the Linux irq for a GSI. ISA irqs keep their
 * number (X86_IRQ_ALLOC_LEGACY); GSIs of a legacy-type IOAPIC (GSI base 0) get irq = GSI; the
 * other IOAPICs' GSIs get the next free dynamic irq.
 */
export function mp_map_pin_to_irq(k: Kernel, gsi: number, isaIrq: number | null): number {
  const io = k.ioapics.find((s) => gsi >= s.gsiBase && gsi < s.gsiBase + s.pins);
  if (!io) return -ENODEV;
  const pin = gsi - io.gsiBase;
  const known = io.pinIrq[pin]!;
  if (known >= 0) return known;
  k.enter('mp_map_pin_to_irq', isaIrq ?? -1, -1, gsi, io.index, pin);
  const info = newAllocInfo(X86_IRQ_ALLOC_TYPE.IOAPIC);
  info.devid = io.id;
  info.ioapic = { index: io.index, pin };
  let irqBase = -1;
  if (isaIrq !== null && isaIrq < 16) {
    irqBase = isaIrq;
    info.flags |= X86_IRQ_ALLOC_LEGACY;
  } else if (io.type === 'legacy' && (!k.ioapicInitialized || gsi >= 16)) {
    irqBase = gsi;
  }
  const virq = k.__irq_domain_alloc_irqs(io.domain, irqBase, 1, info);
  if (virq < 0) return k.leave('mp_map_pin_to_irq', virq);
  const desc = k.descs[virq]!;
  const { trigger } = pinAttr(k, gsi, isaIrq);
  desc.trigger = trigger;
  desc.handler = trigger === 'level' ? 'fasteoi' : 'edge';
  desc.owner = isaIrq !== null ? 'isa' : '';
  desc.node = isaIrq !== null ? 0 : -1;
  io.pinIrq[pin] = virq;
  k.gsiIrq.set(gsi, virq);
  return k.leave('mp_map_pin_to_irq', virq, virq);
}
