// Interrupt remapping as a bring-up engineer meets it: each failure reproduced with the kernel's
// own symptom, on the two-socket VT-d server preset.
import { describe, expect, it } from 'vitest';
import { dmarServer } from '../../model/presets/dmar-server';
import { MachineSchema, type Machine, type MachineInput } from '../../model/schema';
import { simulate } from '../../scenario';
import { PROFILES } from '../profiles';

const machine = (edit: (m: MachineInput) => void = () => {}): Machine => {
  const m = dmarServer();
  edit(m);
  return MachineSchema.parse(m);
};
const vf = '0000:42:00.2';

describe('interrupt remapping on a two-socket VT-d server', () => {
  it('enables IR in x2APIC mode with both units, and remaps every device: IR-PCI-MSI, IR-IO-APIC', () => {
    const r = simulate(machine());
    expect(r.dmesg).toContain('DMAR-IR: Enabled IRQ remapping in x2apic mode');
    expect(r.remapping.mode).toBe('x2apic');
    const chips = new Set(r.irqs.filter((i) => i.actions.length).map((i) => i.chip));
    expect([...chips].sort()).toEqual(['DMAR-MSI', 'IR-IO-APIC', 'IR-PCI-MSI']);
    // Each unit's fault irq is in DMAR-MSI, hwirq = its seq id, named after the unit.
    const dmar = r.irqs.filter((i) => i.chip === 'DMAR-MSI');
    // Allocated in dmar_drhd_units order: the INCLUDE_PCI_ALL unit last.
    expect(dmar.map((i) => [i.hwirq, i.actions[0]])).toEqual([
      [0, 'dmar0'],
      [1, 'dmar1'],
    ]);
  });

  it('delivers every device interrupt through its IRTE to the CPU the vector is on', () => {
    const quiet = simulate(machine());
    const r = simulate(machine(), { scenario: [{ op: 'fire' }] });
    expect(r.deliveries.faulted).toBe(0);
    expect(r.deliveries.spurious).toBe(0);
    expect(r.deliveries.delivered).toBeGreaterThan(50);
    for (const irq of r.irqs.filter((i) => i.msi && i.actions.length)) {
      // One more interrupt each (mlx5 also had its command interrupt at probe), on the effective CPU.
      const cpus = r.vectorUsage.map((u) => u.cpu);
      const before = quiet.irqs.find((i) => i.irq === irq.irq)!.counts[cpus.indexOf(irq.cpu)]!;
      expect([irq.irq, irq.counts[cpus.indexOf(irq.cpu)]]).toEqual([irq.irq, before + 1]);
    }
  });

  it("SR-IOV VFs inherit the PF's IR domain (5.10-rc4 fix): IR-PCI-MSI, no fault", () => {
    const r = simulate(machine(), { scenario: [{ op: 'fire', device: vf }] });
    const vfIrqs = r.irqs.filter((i) => i.owner === vf);
    expect(vfIrqs.length).toBeGreaterThan(1);
    expect(new Set(vfIrqs.map((i) => i.chip))).toEqual(new Set(['IR-PCI-MSI']));
    expect(r.faults).toEqual([]);
  });

  it('VFs left in the default PCI-MSI domain send compatibility-format messages, which the IOMMU blocks: fault reason 37', () => {
    const profile = {
      ...PROFILES['6.1']!,
      vfInheritMsiDomain: false,
      faultLogFormat: 'decimal' as const,
    };
    const r = simulate(machine(), { profile, scenario: [{ op: 'fire', device: vf }] });
    const vfIrqs = r.irqs.filter((i) => i.owner === vf);
    expect(new Set(vfIrqs.map((i) => i.chip))).toEqual(new Set(['PCI-MSI']));
    expect(r.deliveries.faulted).toBe(vfIrqs.length);
    // The first record in fault recording register 0, the next in register 1 (FRI = 1).
    expect(r.dmesg).toContain('DMAR: DRHD: handling fault status reg 2');
    expect(r.dmesg).toContain('DMAR: DRHD: handling fault status reg 102');
    // Fault index = the rejected address bits 19:5: the physical APIC id << 7. The handler's
    // rate limit prints the first 10 of the burst (after the 2 of the VFs' probe-time commands).
    expect(r.faults.length).toBe(2 + 10);
    const printed = new Set(r.faults.map((f) => f.line));
    for (const irq of vfIrqs.slice(0, 10)) {
      const apicid = machine().cpus.list.find((c) => c.cpu === irq.cpu)!.apic_id;
      const line = `DMAR: [INTR-REMAP] Request device [42:00.2] fault index ${(apicid << 7).toString(16)} [fault reason 37] Blocked a compatibility format interrupt request`;
      expect(printed.has(line), line).toBe(true);
    }
    // Nothing reached the VF's handlers; the unit's fault interrupt ran instead.
    expect(vfIrqs.every((i) => i.counts.every((c) => c === 0))).toBe(true);
    expect(r.irqs.find((i) => i.actions[0] === 'dmar0')!.counts.reduce((a, b) => a + b)).toBe(
      vfIrqs.length + 2,
    );
  });

  it('IRTE exhaustion: "can\'t allocate an IRTE", and MSI-X retries with the entries there are', () => {
    const r = simulate(machine(), {
      injections: [{ kind: 'irte-exhaust', unit: 'dmar0', free: 20 }],
    });
    expect(r.dmesg).toContain("DMAR-IR: IR0: can't allocate an IRTE");
    expect(r.dmesg).toContain('DMAR-IR: Failed to allocate IRTE');
    const pf0 = r.irqs.filter((i) => i.owner === '0000:42:00.0').length;
    const pf1 = r.irqs.filter((i) => i.owner === '0000:42:00.1').length;
    expect(pf0).toBe(17); // one async + one completion vector per CPU
    // 20 free: PF0's INTx pin and 17 vectors, PF1's INTx pin, one left for PF1 -> below mlx5's minimum of 2.
    expect(pf1).toBe(0);
    expect(r.dmesg).toContain(
      'mlx5_core 0000:42:00.1: failed to allocate interrupt vectors: -28 (ENOSPC)',
    );
  });

  it('a device outside every DRHD scope gets no MSI domain: the arch fallback WARNs, -ENODEV, the driver falls back to INTx', () => {
    const r = simulate(
      machine((m) => {
        const unit = m.iommus![1]! as { include_pci_all?: boolean; scopes?: unknown[] };
        unit.include_pci_all = false;
        unit.scopes!.push({ type: 'endpoint', bus: 1, path: [[0, 0]] });
      }),
    );
    expect(r.dmesg).toContain(
      'WARNING: CPU: 0 PID: 1 at drivers/pci/msi/msi.h pci_msi_legacy_setup_msi_irqs',
    );
    const igb = r.devices.find((d) => d.bdf === '0000:02:00.0')!;
    expect(igb.mode).toBe('intx');
    const irq = r.irqs.find((i) => i.actions.includes('eth0'))!;
    expect([irq.chip, irq.hwirq]).toEqual(['IR-IO-APIC', 17]);
  });

  it('behind a PCIe-to-PCI bridge the IRTE verifies the bus range (SVT=2) and the interrupt gets through', () => {
    const r = simulate(machine(), { scenario: [{ op: 'fire', device: '0000:04:00.0' }] });
    const unit = r.remapping.units.find((u) => u.name === 'dmar1')!;
    const irq = r.irqs.find((i) => i.owner === '0000:04:00.0')!;
    const irte = unit.irtes.find((e) => e.irq === irq.irq)!;
    expect([irte.svt, irte.sid]).toEqual([2, 0x0404]);
    expect(r.faults).toEqual([]);
    expect(irq.counts.reduce((a, b) => a + b)).toBe(1);
  });

  it('source-id verification failure: a bridge that puts its own requester id on the bus -> fault reason 0x26; intremap=nosid lets it through', () => {
    const broken = machine((m) => {
      m.pci!.find((f) => f.bdf === '0000:04:00.0')!.requester_id = '03:00.0';
    });
    const r = simulate(broken, { scenario: [{ op: 'fire', device: '0000:04:00.0' }] });
    expect(r.faults.map((f) => [f.reason, f.sid])).toEqual([[0x26, '03:00.0']]);
    expect(
      r.dmesg.some((l) =>
        /^DMAR: \[INTR-REMAP\] Request device \[03:00\.0\] fault index 0x[0-9a-f]+ \[fault reason 0x26\] Blocked an interrupt request due to source-id verification failure$/.test(
          l,
        ),
      ),
    ).toBe(true);
    const nosid = MachineSchema.parse({
      ...broken,
      kernel: { ...broken.kernel, cmdline: 'intremap=nosid' },
    });
    const ok = simulate(nosid, { scenario: [{ op: 'fire', device: '0000:04:00.0' }] });
    expect(ok.faults).toEqual([]);
  });

  it('x2APIC opt-out in the DMAR table: IR in xAPIC mode, and x2APIC cannot stay on', () => {
    const r = simulate(machine((m) => (m.dmar!.x2apic_opt_out = true)));
    expect(r.dmesg).toContain('DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit.');
    expect(r.dmesg).toContain(
      "DMAR-IR: Use 'intremap=no_x2apic_optout' to override the BIOS setting.",
    );
    expect(r.dmesg).toContain('DMAR-IR: Enabled IRQ remapping in xapic mode');
    expect(r.dmesg).toContain("x2apic: IRQ remapping doesn't support X2APIC mode");
    const ok = simulate(
      machine((m) => {
        m.dmar!.x2apic_opt_out = true;
        m.kernel.cmdline = 'intremap=no_x2apic_optout';
      }),
    );
    expect(ok.dmesg).toContain('DMAR-IR: Enabled IRQ remapping in x2apic mode');
  });

  it('an IOAPIC in no DRHD scope disables IR ("ioapic 9 has no mapping iommu")', () => {
    const r = simulate(
      machine((m) => {
        const s = (m.iommus![0]! as { scopes: { type: string }[] }).scopes;
        s.splice(
          s.findIndex((x) => x.type === 'ioapic'),
          1,
        );
      }),
    );
    expect(r.dmesg).toContain(
      'DMAR-IR: [Firmware Bug]: ioapic 9 has no mapping iommu, interrupt remapping will be disabled',
    );
    expect(r.dmesg).toContain('DMAR-IR: Not enabling interrupt remapping');
    expect(r.remapping.mode).toBe('off');
    expect(r.irqs.some((i) => i.chip.startsWith('IR-'))).toBe(false);
  });
});

describe('x2APIC without interrupt remapping', () => {
  /** The server without a DMAR table, and CPUs with APIC ids above 255 on socket 1. */
  const noIommu = (bootApicId = 0) =>
    machine((m) => {
      m.dmar = null;
      m.iommus = [];
      m.cpus!.list = m.cpus!.list.map((c, i) => ({
        ...c,
        apic_id: i === 0 ? bootApicId : c.package === 1 ? 0x100 + i : i,
      }));
    });

  it('x2APIC is refused on bare metal and CPUs with APIC ids above 254 cannot be brought up', () => {
    const r = simulate(noIommu());
    expect(r.dmesg).toContain("x2apic: IRQ remapping doesn't support X2APIC mode");
    const high = noIommu().cpus.list.filter((c) => c.apic_id > 254);
    expect(high.length).toBe(8);
    for (const c of high) expect(r.dmesg).toContain(`smpboot: native_cpu_up: bad cpu ${c.cpu}`);
    expect(r.dmesg).toContain('smp: Brought up 1 node, 8 CPUs');
    expect(r.vectorUsage.length).toBe(8);
  });

  it('with the boot CPU above 254 and x2APIC left on by the BIOS, the kernel panics', () => {
    const r = simulate(noIommu(0x120));
    expect(r.panic).toBe('Cannot disable x2apic, id: 00000120');
    expect(r.dmesg).toContain('Kernel panic - not syncing: Cannot disable x2apic, id: 00000120');
  });
});
