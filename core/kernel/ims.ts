// Device MSI / IMS (Interrupt Message Store, linux-irq-model.md §8): a device with message
// storage of its own beyond MSI-X. 6.2's PCI/IMS (pci_create_ims_domain) gives the device a
// second per-device domain under its MSI parent — on x86 only an IR parent supports it
// (MSI_FLAG_PCI_IMS), allocations typed as PCI_MSIX. The storage is per the POC driver:
// IMS_ARRAY slots in device MMIO (hwirq = slot, written directly) or IMS_QUEUE slots in memory
// the device reads (hwirq = id << 16 | slot): a write only changes the shadow under the bus lock,
// and the device sees it when irq_bus_sync_unlock() pushes it — both steps are traced.
import { ENOSPC, ENOTSUPP } from './errno';
import {
  DOMAIN_BUS,
  newChip,
  newDomain,
  X86_IRQ_ALLOC_TYPE,
  type IrqDomain,
  type MsiMessage,
  newAllocInfo,
} from './irq/irqdesc';
import type { Kernel } from './kernel';
import { MSI_FLAG, msi_domain_update_dom_ops } from './msi/msi-domain';
import { MSI_DOMAIN_OPS } from './msi/pci-msi';
import type { PciDev } from './pci';

function imsDomain(k: Kernel, dev: PciDev): IrqDomain | null {
  const parent = dev.msiParent;
  // Only the IR parents support MSI_FLAG_PCI_IMS on x86.
  if (!parent || parent === k.vectorDomain) return null;
  const name = `IR-PCI-IMS-${dev.bdf}`;
  const existing = k.domains.find((d) => d.name === name);
  if (existing) return existing;
  const d = newDomain(name, DOMAIN_BUS.PCI_DEVICE_IMS, parent, newChip('IMS'), MSI_DOMAIN_OPS);
  d.msiInfo = {
    flags: MSI_FLAG.USE_DEF_DOM_OPS | MSI_FLAG.USE_DEF_CHIP_OPS,
    ops: {},
    chip: 'IMS',
    writer: 'ims',
  };
  msi_domain_update_dom_ops(d.msiInfo);
  return k.addDomain(d);
}

/**
 * Allocates `nvec` IMS vectors (min..max) for a device: msi_alloc_store takes slots (the first
 * free ones for IMS_ARRAY, the queue shadows for IMS_QUEUE), then one allocation per slot.
 * Returns the count or -errno (-ENOTSUPP without an IR parent or a profile without PCI/IMS).
 */
export function ims_alloc_irqs(k: Kernel, dev: PciDev, min: number, max: number): number {
  k.enter('ims_alloc_store', -1, -1, k.str(dev.bdf), max);
  const cap = dev.fn.ims;
  if (!cap || !k.profile.pciIms) return k.leave('ims_alloc_store', -ENOTSUPP);
  const domain = imsDomain(k, dev);
  if (!domain) return k.leave('ims_alloc_store', -ENOTSUPP);
  let store = k.ims.get(dev.bdf);
  if (!store) {
    store = {
      dev,
      storage: cap.storage,
      used: new Uint8Array(cap.slots),
      visible: new Array<MsiMessage | null>(cap.slots).fill(null),
      shadow: new Array<MsiMessage | null>(cap.slots).fill(null),
      dirty: new Set(),
      irqs: [],
      domain,
    };
    k.ims.set(dev.bdf, store);
    k.platformMsiWriters.ims = (irq, msg) => ims_write_msg(k, irq, msg);
    k.busSyncUnlock = (irq) => irq_bus_sync_unlock(k, irq);
  }
  const free = [...store.used.keys()].filter((i) => !store.used[i]);
  const n = Math.min(max, free.length);
  if (n < min) return k.leave('ims_alloc_store', -ENOSPC);
  for (let i = 0; i < n; i++) {
    const slot = free[i]!;
    store.used[slot] = 1;
    const info = newAllocInfo(X86_IRQ_ALLOC_TYPE.PCI_MSIX);
    info.dev = dev.fn;
    info.devid = dev.rid;
    info.msiIndex = slot;
    info.hwirq = store.storage === 'array' ? slot : ((dev.rid << 16) | slot) >>> 0;
    const virq = k.__irq_domain_alloc_irqs(domain, -1, 1, info);
    if (virq < 0) {
      store.used[slot] = 0;
      return k.leave('ims_alloc_store', i > 0 ? i : virq);
    }
    const desc = k.descs[virq]!;
    desc.owner = dev.bdf;
    desc.msiIndex = slot;
    desc.isMsix = true;
    store.irqs.push(virq);
  }
  return k.leave('ims_alloc_store', n);
}

/** The IMS chip's irq_write_msi_msg: MMIO for IMS_ARRAY; the shadow for IMS_QUEUE. */
function ims_write_msg(k: Kernel, irq: number, msg: MsiMessage): void {
  const desc = k.descs[irq]!;
  const store = k.ims.get(desc.owner);
  if (!store) return;
  const slot = desc.msiIndex;
  if (store.storage === 'array') {
    k.state('ims_slot_written', irq, -1, slot, msg.address_lo, msg.data);
    store.visible[slot] = msg;
    return;
  }
  k.state('ims_shadow_written', irq, -1, slot, msg.address_lo, msg.data);
  store.shadow[slot] = msg;
  store.dirty.add(slot);
}

/**
 * irq_bus_sync_unlock(): the IMS_QUEUE driver pushes the changed shadows to the device (a
 * command it waits for, in sleepable context); only now does the device use them.
 */
export function irq_bus_sync_unlock(k: Kernel, irq: number): void {
  const store = k.ims.get(k.descs[irq]?.owner ?? '');
  if (!store || store.storage !== 'queue') return;
  k.enter('irq_bus_sync_unlock', irq, -1, irq);
  for (const slot of store.dirty) store.visible[slot] = store.shadow[slot] ?? null;
  store.dirty.clear();
  k.leave('irq_bus_sync_unlock', 0, irq);
}
