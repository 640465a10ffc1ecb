import { describe, expect, it } from 'vitest';
import { dmarServer } from '../model/presets/dmar-server';
import { MachineSchema, type Machine } from '../model/schema';
import { TraceEmitter } from '../trace/emitter';
import { EventKind } from '../trace/events';
import { simulate } from '../scenario';

const dsa = '0000:6a:01.0';

/** The VT-d server with an IMS-capable accelerator (a DSA-like device) whose driver prefers IMS. */
function withIms(storage: 'array' | 'queue', slots = 8, iommu = true): Machine {
  const m = dmarServer();
  m.pci!.push({
    bdf: dsa,
    vendor_device: '8086:0b25',
    class: '0x088000',
    msix: { table_size: 9, bar: 0, offset: '0x2000' },
    ims: { storage, slots },
    name: 'Data Streaming Accelerator',
  });
  m.irq_requests = [{ device: dsa, prefer: ['ims', 'msix'], min_vecs: 1, max_vecs: 4 }];
  if (!iommu) {
    m.dmar = null;
    m.iommus = [];
    m.cpus!.apic_mode = 'xapic';
    m.cpus!.list = m.cpus!.list.map((c, i) => ({ ...c, apic_id: i }));
  }
  return MachineSchema.parse(m);
}

describe('device MSI / IMS (6.2 PCI/IMS)', () => {
  it('allocates IMS slots in a per-device domain under the IR parent: chip IMS, hwirq = slot (IMS_ARRAY)', () => {
    const r = simulate(withIms('array'), { profile: '6.2' });
    const irqs = r.irqs.filter((i) => i.owner === dsa);
    expect(irqs.map((i) => [i.chip, i.hwirq])).toEqual([0, 1, 2, 3].map((s) => ['IMS', s]));
    expect(irqs[0]!.domains.map((d) => d.domain)).toEqual([
      `IR-PCI-IMS-${dsa}`,
      'INTEL-IR-1',
      'VECTOR',
    ]);
  });

  it('IMS_QUEUE: the message reaches the device only when irq_bus_sync_unlock pushes the shadow', () => {
    const trace = new TraceEmitter();
    const seen: { kind: number; name: string; irq: number }[] = [];
    trace.addSink({
      write: (c, _s, symbols) => {
        for (let i = 0; i < c.length; i++)
          seen.push({ kind: c.kind[i]!, name: symbols[c.fn[i]!]!.name, irq: c.irq[i]! });
      },
    });
    const r = simulate(withIms('queue'), {
      profile: '6.2',
      trace,
      scenario: [{ op: 'fire', device: dsa }],
    });
    const first = r.irqs.find((i) => i.owner === dsa)!;
    const shadow = seen.findIndex((e) => e.name === 'ims_shadow_written' && e.irq === first.irq);
    const sync = seen.findIndex(
      (e) => e.name === 'irq_bus_sync_unlock' && e.kind === EventKind.call && e.irq === first.irq,
    );
    expect(shadow).toBeGreaterThanOrEqual(0);
    expect(sync).toBeGreaterThan(shadow);
    // hwirq = device id << 16 | slot; every slot raised is delivered through its IRTE.
    expect(first.hwirq).toBe(((0x6a << 8) | (1 << 3)) * 65536);
    expect(r.deliveries).toEqual({ delivered: 4, faulted: 0, spurious: 0 });
  });

  it('more vectors than slots: what is left; no slot left: -ENOSPC and the driver falls back to MSI-X', () => {
    const two = simulate(withIms('array', 2), { profile: '6.2' });
    expect(two.irqs.filter((i) => i.owner === dsa && i.chip === 'IMS').length).toBe(2);
  });

  it('without an IR parent (or before 6.2) there is no IMS: the driver uses MSI-X', () => {
    for (const r of [
      simulate(withIms('array', 8, false), { profile: '6.2' }),
      simulate(withIms('array'), { profile: '6.1' }),
    ]) {
      const irqs = r.irqs.filter((i) => i.owner === dsa);
      expect(irqs.length).toBe(4);
      expect(irqs.every((i) => i.msi === 'msix')).toBe(true);
    }
  });
});
