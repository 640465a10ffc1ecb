import { describe, expect, it } from 'vitest';
import { dmarServer } from '../../model/presets/dmar-server';
import { MachineSchema, type Machine, type MachineInput } from '../../model/schema';
import { simulate } from '../../scenario';

/** The two-socket server as an EPYC: one AMD-Vi IOMMU at 00:00.2 covering every device id. */
function amdServer(edit: (m: MachineInput) => void = () => {}): Machine {
  const m = dmarServer();
  m.name = 'amd-server';
  m.dmar = null;
  m.iommus = [
    {
      kind: 'amd-vi',
      register_base: '0xfd200000',
      devid: 0x0002,
      xt: true,
      ga: true,
      devices: [
        { type: 'all' },
        { type: 'special', variety: 'ioapic', handle: 8, devid: 0x00a0 },
        { type: 'special', variety: 'ioapic', handle: 9, devid: 0x4001 },
        { type: 'special', variety: 'hpet', handle: 0, devid: 0x00a5 },
      ],
    },
  ];
  edit(m);
  return MachineSchema.parse(m);
}

describe('AMD-Vi interrupt remapping', () => {
  it("remaps every interrupt through AMD-IR-0 in x2APIC mode, with the kernel's lines", () => {
    const r = simulate(amdServer(), { scenario: [{ op: 'fire' }] });
    expect(r.dmesg).toContain('AMD-Vi: Interrupt remapping enabled');
    expect(r.dmesg).toContain('AMD-Vi: X2APIC enabled');
    expect(r.dmesg).toContain('AMD-Vi: Virtual APIC enabled');
    expect(r.remapping).toMatchObject({ mode: 'x2apic', driver: 'amd' });
    const nvme = r.irqs.filter((i) => i.owner === '0000:01:00.0');
    expect(nvme[0]!.domains.map((d) => d.domain)).toEqual(['AMD-IR-MSI-0-3', 'AMD-IR-0', 'VECTOR']);
    // hwirq of the IR level = device id << 16 + i; the message's data is the table index.
    expect(nvme[0]!.domains[1]!.hwirq).toBe(0x0100 * 65536);
    const msgs = r.devices.find((d) => d.bdf === '0000:01:00.0')!.messages;
    expect(msgs.map((m) => m.address)).toEqual(msgs.map(() => '00000000fee00000'));
    expect(msgs.map((m) => parseInt(m.data, 16))).toEqual(msgs.map((_, i) => i));
    expect(r.deliveries.faulted).toBe(0);
    expect(r.deliveries.delivered).toBeGreaterThan(30);
    // IOAPIC pins use index = pin in their IOAPIC's table.
    const timer = r.irqs.find((i) => i.irq === 0)!;
    expect(timer.domains.map((d) => d.domain)).toEqual(['IO-APIC-8', 'AMD-IR-0', 'VECTOR']);
  });

  it('an IOAPIC missing from IVRS disables interrupt remapping, as the kernel says', () => {
    const r = simulate(
      amdServer((m) => {
        const ivhd = m.iommus![0]! as { devices: { handle?: number }[] };
        ivhd.devices = ivhd.devices.filter((d) => d.handle !== 9);
      }),
    );
    expect(r.dmesg).toContain('AMD-Vi: [Firmware Bug]: : IOAPIC[9] not in IVRS table');
    expect(r.dmesg).toContain('AMD-Vi: Disabling interrupt remapping');
    expect(r.remapping.mode).toBe('off');
    expect(r.dmesg).toContain("x2apic: IRQ remapping doesn't support X2APIC mode");
  });

  it('without the southbridge IOAPIC at 00:14.0 the kernel says so', () => {
    const r = simulate(
      amdServer((m) => {
        const ivhd = m.iommus![0]! as { devices: { handle?: number; devid?: number }[] };
        ivhd.devices.find((d) => d.handle === 8)!.devid = 0x00a1;
      }),
    );
    expect(r.dmesg).toContain('AMD-Vi: [Firmware Bug]: : No southbridge IOAPIC found');
  });
});
