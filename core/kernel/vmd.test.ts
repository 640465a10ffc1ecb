import { describe, expect, it } from 'vitest';
import { dmarServer } from '../model/presets/dmar-server';
import { MachineSchema, type Machine } from '../model/schema';
import { simulate } from '../scenario';
import { PROFILES } from './profiles';

/** The VT-d server with a VMD at 00:0e.0 owning domain 10000, an NVMe drive behind it. */
function withVmd(bypass = false): Machine {
  const m = dmarServer();
  m.pci!.push(
    {
      bdf: '0000:00:0e.0',
      vendor_device: '8086:467f',
      class: '0x010400',
      kind: 'vmd',
      msix: { table_size: 32, bar: 0, offset: '0x0' },
      vmd: { domain: 0x10000, msix_vectors: 32, bypass_msi_remapping: bypass },
      name: 'Volume Management Device NVMe RAID Controller',
    },
    {
      bdf: '10000:e0:06.0',
      vendor_device: '8086:464d',
      class: '0x060400',
      kind: 'root-port',
      parent: '0000:00:0e.0',
      secondary_bus: 0xe1,
      subordinate_bus: 0xe1,
    },
    {
      bdf: '10000:e1:00.0',
      vendor_device: '144d:a80a',
      class: '0x010802',
      parent: '10000:e0:06.0',
      msix: { table_size: 33, bar: 0, offset: '0x3000' },
      name: 'Samsung PM9A1 behind VMD',
    },
  );
  return MachineSchema.parse(m);
}
const nvme = '10000:e1:00.0';

describe('Intel VMD', () => {
  it('binds its domain and takes its own MSI-X vectors, named vmd0', () => {
    const r = simulate(withVmd());
    expect(r.dmesg).toContain('vmd 0000:00:0e.0: Bound to PCI domain 10000');
    const own = r.irqs.filter((i) => i.owner === '0000:00:0e.0');
    expect(own.length).toBe(32);
    expect(new Set(own.map((i) => `${i.chip} ${i.actions.join()}`))).toEqual(
      new Set(['IR-PCI-MSI vmd0']),
    );
  });

  it('muxes its children onto its vectors: VMD-MSI, no vector of their own, hwirq = the VMD irq', () => {
    const r = simulate(withVmd());
    const own = new Set(r.irqs.filter((i) => i.owner === '0000:00:0e.0').map((i) => i.irq));
    const children = r.irqs.filter((i) => i.owner === nvme);
    expect(children.length).toBeGreaterThan(2);
    for (const c of children) {
      expect(c.domains.map((d) => d.domain)).toEqual(['VMD-MSI-65536-3-10']);
      expect(own.has(c.hwirq)).toBe(true);
      expect(c.vector).toBe(0);
    }
    // /proc/interrupts: the child rows have no flow handler name (handle_untracked_irq).
    const row = r
      .procInterrupts()
      .split('\n')
      .find((l) => l.includes(`nvme0q1`))!;
    expect(row).toMatch(/VMD-MSI +\d+ {2}nvme0q1$/);
  });

  it('a child interrupt arrives as its VMD vector and runs the child handler on that CPU', () => {
    const r = simulate(withVmd(), { scenario: [{ op: 'fire', device: nvme, entry: 1 }] });
    const child = r.irqs.find((i) => i.owner === nvme && i.actions[0] === 'nvme0q1')!;
    const vmdIrq = r.irqs.find((i) => i.irq === child.hwirq)!;
    expect(vmdIrq.counts.reduce((a, b) => a + b)).toBe(1);
    expect(child.counts).toEqual(vmdIrq.counts);
    expect(r.faults).toEqual([]);
  });

  it('with MSI remapping bypassed, before 5.19 the children kept the default PCI-MSI domain: compatibility messages, fault 0x25 from the child', () => {
    const profile = { ...PROFILES['6.1']!, vmdAssignsIrqDomain: false };
    const r = simulate(withVmd(true), {
      profile,
      scenario: [{ op: 'fire', device: nvme, entry: 0 }],
    });
    const child = r.irqs.find((i) => i.owner === nvme)!;
    expect(child.chip).toBe('PCI-MSI');
    expect(r.faults.map((f) => [f.reason, f.sid])).toEqual([[0x25, 'e1:00.0']]);
    // With the fix the children get the VMD's IR domain and are delivered.
    const fixed = simulate(withVmd(true), { scenario: [{ op: 'fire', device: nvme, entry: 0 }] });
    expect(fixed.irqs.find((i) => i.owner === nvme)!.chip).toBe('IR-PCI-MSI');
    expect(fixed.faults).toEqual([]);
  });
});
