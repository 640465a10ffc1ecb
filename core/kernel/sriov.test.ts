// SR-IOV as drivers/pci/iov.c places and refuses VFs: routing ids from the 16-bit First VF Offset
// and VF Stride, the last VF's bus checked against the PF's bus range, a VF whose name is taken
// refused; the boot always runs to its end.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { MachineSchema, type MachineInput } from '../model/schema';
import { simulate } from '../scenario';
import { PciTopology } from './pci';

/** The example machine with SR-IOV on its I210 (02:00.0, below root port 00:1c.0). */
function withVfs(
  sriov: Record<string, unknown>,
  edit: (m: MachineInput & { pci: Record<string, unknown>[] }) => void = () => {},
) {
  const m = structuredClone(PRESETS.example!.make()) as unknown as MachineInput & {
    pci: Record<string, unknown>[];
  };
  const pf = m.pci.find((f) => f.bdf === '0000:02:00.0')!;
  pf.sriov = { total_vfs: 64, vf_device: '1520', ...sriov };
  edit(m);
  return MachineSchema.parse(m);
}

/** The functions below the I210's root port. */
const onBus2 = (r: ReturnType<typeof simulate>) =>
  r.devices
    .map((d) => d.bdf)
    .filter((b) => b.startsWith('0000:02:'))
    .sort();

describe('SR-IOV VF placement (pci_iov_virtfn_bus / pci_iov_virtfn_devfn)', () => {
  it('puts VFs at PF devfn + offset + i * stride, carrying into the next bus numbers', () => {
    const m = withVfs({ num_vfs: 4, first_vf_offset: 0x80, vf_stride: 0x40 }, (m) => {
      m.pci.find((f) => f.bdf === '0000:00:1c.0')!.subordinate_bus = 3;
    });
    const r = simulate(m);
    expect(r.devices.map((d) => d.bdf)).toEqual(
      expect.arrayContaining(['0000:02:10.0', '0000:02:18.0', '0000:03:00.0', '0000:03:08.0']),
    );
  });

  it("refuses VFs past the PF's bus range with the kernel's line, and the boot goes on", () => {
    // 300 VFs at stride 256 end on bus 0x12d: beyond the root port's [bus 02], beyond bus 255.
    const r = simulate(withVfs({ total_vfs: 300, num_vfs: 300, vf_stride: 256 }));
    expect(r.dmesg).toContain(
      "igb 0000:02:00.0: can't enable 300 VFs (bus 12d out of range of [bus 02])",
    );
    expect(r.devices.some((d) => /^0000:(0[3-9a-f]|[1-9a-f].):/.test(d.bdf))).toBe(false);
    expect(r.oops).toBeNull();
  });

  it('refuses them when the last VF is one bus too far, and not when it fits', () => {
    const at = (subordinate: number) =>
      simulate(
        withVfs({ num_vfs: 2, first_vf_offset: 0xff, vf_stride: 1 }, (m) => {
          m.pci.find((f) => f.bdf === '0000:00:1c.0')!.subordinate_bus = subordinate;
        }),
      );
    const tight = at(2);
    expect(tight.dmesg).toContain(
      "igb 0000:02:00.0: can't enable 2 VFs (bus 03 out of range of [bus 02])",
    );
    const roomy = at(3);
    expect(roomy.dmesg.join('\n')).not.toContain("can't enable");
    expect(roomy.devices.map((d) => d.bdf)).toEqual(
      expect.arrayContaining(['0000:02:1f.7', '0000:03:00.0']),
    );
  });

  it('refuses the VFs of a PF when one would land on an existing function', () => {
    const r = simulate(
      withVfs({ num_vfs: 4, first_vf_offset: 1, vf_stride: 1 }, (m) => {
        const pf = m.pci.find((f) => f.bdf === '0000:02:00.0')!;
        m.pci.push({ ...pf, bdf: '0000:02:00.2', sriov: null, name: 'second port' });
      }),
    );
    expect(r.dmesg).toContain(
      "sysfs: cannot create duplicate filename '/devices/pci0000:00/0000:00:1c.0/0000:02:00.2'",
    );
    expect(onBus2(r)).toEqual(['0000:02:00.0', '0000:02:00.2']);
    const pf2 = r.devices.find((d) => d.bdf === '0000:02:00.2')!;
    expect(pf2.driver).toBe('igb'); // the function that was there is untouched
  });
});

describe('PCI topology', () => {
  it('builds a chain of 200 bridges without recursion', () => {
    const m = structuredClone(PRESETS.example!.make());
    let parent = '0000:00:1c.0';
    for (let bus = 2; bus < 202; bus++) {
      const bdf = `0000:${bus.toString(16).padStart(2, '0')}:01.0`;
      m.pci.push({
        ...m.pci.find((f) => f.bdf === '0000:00:1c.0')!,
        bdf,
        parent,
        secondary_bus: bus + 1,
        subordinate_bus: bus + 1,
      });
      parent = bdf;
    }
    const t = new PciTopology(m);
    expect(PciTopology.pathToRoot(t.get(parent)!)).toHaveLength(201);
  });

  it('names a loop in an unvalidated machine instead of overflowing the stack', () => {
    const m = structuredClone(PRESETS.example!.make());
    m.pci[1]!.parent = m.pci[4]!.bdf;
    m.pci[4]!.parent = m.pci[1]!.bdf;
    expect(() => new PciTopology(m)).toThrow(/PCI tree loops at 0000:00:/);
  });
});
