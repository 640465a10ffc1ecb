import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../model/presets';
import { TraceEmitter } from '../../trace/emitter';
import { bootPlatform } from '../init';
import { newAllocInfo } from '../irq/irqdesc';
import { Kernel, Oops, PCI_IRQ_MSI, PCI_IRQ_MSIX } from '../kernel';
import { PROFILES } from '../profiles';
import { MSI_FLAG, msi_domain_update_dom_ops, type MsiDomainInfo } from './msi-domain';
import { pci_alloc_irq_vectors_affinity, pciMsiDomainFor } from './pci-msi';

function bootedKernel(machine = PRESETS.example!.make()) {
  const k = new Kernel(machine, PROFILES['6.1']!, new TraceEmitter());
  bootPlatform(k, machine);
  const nvme = machine.pci.find((f) => f.class === '0x010802')!;
  return { k, nvme };
}

describe('msi_domain_info callbacks', () => {
  it('with MSI_FLAG_USE_DEF_DOM_OPS, every missing op is filled with the generic default', () => {
    const info: MsiDomainInfo = {
      flags: MSI_FLAG.USE_DEF_DOM_OPS,
      ops: {},
      chip: 'X',
      writer: 'pci',
    };
    msi_domain_update_dom_ops(info);
    expect(Object.keys(info.ops).sort()).toEqual([
      'get_hwirq',
      'msi_check',
      'msi_free',
      'msi_init',
      'msi_prepare',
      'set_desc',
    ]);
    const arg = newAllocInfo(4);
    arg.hwirq = 0x8000;
    expect(info.ops.get_hwirq!(info, arg)).toBe(0x8000);
  });

  it('without it, the core calls the NULL get_hwirq anyway: the kernel oopses in msi_domain_alloc', () => {
    const { k, nvme } = bootedKernel();
    const info = pciMsiDomainFor(k, k.pci.get(nvme.bdf)!, true)!.msiInfo!;
    info.flags &= ~MSI_FLAG.USE_DEF_DOM_OPS;
    delete info.ops.get_hwirq;
    let oops: Oops | null = null;
    try {
      pci_alloc_irq_vectors_affinity(k, nvme, 1, 4, PCI_IRQ_MSIX, null);
    } catch (err) {
      oops = err as Oops;
    }
    expect(oops).toBeInstanceOf(Oops);
    const trace = oops!.callTrace.map((l) => l.trim().replace(/\+.*$/, ''));
    expect(trace.slice(0, 5)).toEqual([
      'msi_domain_alloc',
      '__irq_domain_alloc_irqs',
      '__msi_domain_alloc_irqs',
      '__pci_enable_msix_range',
      'pci_alloc_irq_vectors_affinity',
    ]);
    expect(k.dmesg).toContain('BUG: kernel NULL pointer dereference, address: 0000000000000000');
    expect(k.dmesg).toContain('Call Trace:');
  });

  it('multi-MSI without MSI_FLAG_MULTI_PCI_MSI is retried with one vector (msi_check says "try 1")', () => {
    const machine = structuredClone(PRESETS.example!.make());
    const nvme = machine.pci.find((f) => f.class === '0x010802')!;
    nvme.msix = null;
    nvme.msi = { vectors_max: 8, is_64bit: true, per_vector_mask: true };
    const { k } = bootedKernel(machine);
    expect(pci_alloc_irq_vectors_affinity(k, nvme, 1, 8, PCI_IRQ_MSI, null)).toBe(1);
  });
});
