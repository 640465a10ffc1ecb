// The lspci importer against every capture in shared/fixtures/real/lspci (facts from SOURCES.md,
// read at test time) and the QEMU captures (against the oracle's own machine description).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared';
import { keyFacts, realFixtures, realPath } from '../testing/sources';
import { parseDmesg } from './dmesg';
import { deviceName, parseLspci } from './lspci';
import { decodeMsiMessage } from '../hw/msi-message';

const files = realFixtures('lspci');

describe('lspci captures of real machines (facts from SOURCES.md)', () => {
  for (const f of files) {
    describe(f, () => {
      const r = parseLspci(readFileSync(realPath(f), 'utf8'), f);
      const facts = keyFacts(f).replace(/\s+/g, ' ');
      const fn = (short: string) => r.functions.find((x) => x.bdf.endsWith(short));

      it('lists every function', () => {
        const n = /(\d+) functions/.exec(facts);
        if (n) expect(r.functions.length).toBe(Number(n[1]));
        expect(r.functions.length).toBeGreaterThan(0);
      });

      it('has the ids, drivers, NUMA node and IOMMU group SOURCES.md names', () => {
        for (const m of facts.matchAll(
          /([0-9a-f]{2}:[0-9a-f]{2}\.\d) \[([0-9a-f]{4}:[0-9a-f]{4})\]/g,
        ))
          expect(fn(m[1]!)?.vendorDevice, m[0]).toBe(m[2]);
        const bound = /([0-9a-f]{2}:[0-9a-f]{2}\.\d) bound to ([\w-]+)/.exec(facts);
        if (bound) expect(fn(bound[1]!)?.driver).toBe(bound[2]);
        const paren =
          /([0-9a-f]{2}:[0-9a-f]{2}\.\d)(?: \[[0-9a-f:]+\])? \((igb|ixgbe|ixgbevf)\)/.exec(facts);
        if (paren) expect(fn(paren[1]!)?.driver).toBe(paren[2]);
        const numa = /NUMA node (\d+), IOMMU group (\d+)/.exec(facts);
        if (numa)
          expect([r.functions[0]!.numaNode, r.functions[0]!.iommuGroup]).toEqual([
            Number(numa[1]),
            Number(numa[2]),
          ]);
        const iommu = /(\d+) "IOMMU: AMD Device ([0-9a-f]{4})" functions/.exec(facts);
        if (iommu)
          expect(r.functions.filter((x) => x.name?.includes(`Device ${iommu[2]}`)).length).toBe(
            Number(iommu[1]),
          );
      });

      it('has MSI-X table sizes and whether MSI-X is enabled', () => {
        for (const m of facts.matchAll(
          /([0-9a-f]{2}:[0-9a-f]{2}\.\d)\b[^;]*?MSI-X ?(\+|enabled|disabled)?,? \(?Count=(\d+)\)?(?: (disabled|enabled))?/g,
        )) {
          const x = fn(m[1]!)!;
          expect(x.msix?.tableSize, m[0]).toBe(Number(m[3]));
          const state = m[2] ?? m[4];
          if (state) expect(x.msix!.enabled).toBe(state === '+' || state === 'enabled');
        }
        if (/no MSI-X/.test(facts)) expect(r.functions.filter((x) => x.msix)).toEqual([]);
        const msiCaps = /(\d+) MSI capabilities/.exec(facts);
        if (msiCaps) expect(r.functions.filter((x) => x.msi).length).toBe(Number(msiCaps[1]));
      });

      it('has MSI state, counts and the irq lspci shows', () => {
        for (const m of facts.matchAll(
          /([0-9a-f]{2}:[0-9a-f]{2}\.\d) MSI([+-])(?: \((?:[\w-]+, )?IRQ (\d+)\)| Count=(\d+)\/(\d+))?/g,
        )) {
          const x = fn(m[1]!)!;
          expect(x.msi?.enabled, m[0]).toBe(m[2] === '+');
          if (m[3]) expect(x.irq).toBe(Number(m[3]));
          if (m[4]) expect([x.msi!.count, x.msi!.max]).toEqual([Number(m[4]), Number(m[5])]);
        }
        const ports =
          /root ports ([0-9a-f:.]+) and ([0-9a-f:.]+) MSI enabled with Interrupt: pin A routed to IRQ (\d+)\/(\d+)/.exec(
            facts,
          );
        if (ports) {
          expect([fn(ports[1]!)!.irq, fn(ports[2]!)!.irq]).toEqual([
            Number(ports[3]),
            Number(ports[4]),
          ]);
          expect(fn(ports[1]!)!.msi?.enabled).toBe(true);
        }
        if (/MSI (?:1\/1 )?disabled|MSI Count=1\/1 disabled/.test(facts))
          expect(r.functions.some((x) => x.msi && !x.msi.enabled)).toBe(true);
        if (/no MSI capability/.test(facts)) expect(r.functions[0]!.msi).toBeNull();
        const intx = /([0-9a-f]{2}:[0-9a-f]{2}\.\d) INTx IRQ (\d+)/.exec(facts);
        if (intx) expect(fn(intx[1]!)!.irq).toBe(Number(intx[2]));
      });

      it('has SR-IOV TotalVFs, NumVFs, offset, stride and VF device', () => {
        const total = /Total VFs (\d+)/.exec(facts);
        if (!total) return;
        const s = r.functions.find((x) => x.sriov)!.sriov!;
        expect(s.totalVfs).toBe(Number(total[1]));
        expect(s.numVfs).toBe(Number(/Number of VFs (\d+)/.exec(facts)![1]));
        const off = /VF offset (\d+), stride (\d+), VF Device ID ([0-9a-f]{4})/.exec(facts)!;
        expect([s.vfOffset, s.vfStride, s.vfDevice]).toEqual([
          Number(off[1]),
          Number(off[2]),
          off[3],
        ]);
        expect(s.enabled).toBe(/SR-IOV enabled/.test(facts));
        // And into the model.
        const part = r.part.pci!.find((x) => x.sriov)!;
        expect(part.sriov).toMatchObject({
          total_vfs: s.totalVfs,
          num_vfs: s.numVfs,
          vf_device: s.vfDevice,
        });
      });
    });
  }

  it("shows the irq numbers the same machine's dmesg gave its MSI vectors (Lenovo Z510 pair)", () => {
    const l = parseLspci(
      readFileSync(realPath('lspci/lenovo-ideapad-z510-haswell.lspci-vvv.txt'), 'utf8'),
      'l',
    );
    const d = parseDmesg(
      readFileSync(
        realPath('dmesg/lenovo-ideapad-z510-haswell-no-dmar-kernel3.13.dmesg.txt'),
        'utf8',
      ),
      'd',
    );
    let checked = 0;
    for (const f of l.functions.filter((x) => x.msi?.enabled)) {
      const line = d.observations.msiIrqs.find((m) => m.bdf === f.bdf);
      // Bridges show no "Interrupt:" line in this lspci version.
      if (!line || f.irq === null) continue;
      expect(f.irq, f.bdf).toBe(line.irq);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});

describe('lspci of the QEMU machines against the oracle description', () => {
  for (const name of ['q35-noir-2cpu', 'q35-ir-4cpu']) {
    const oracle = JSON.parse(
      readFileSync(sharedPath('fixtures', 'qemu', name, 'machine.json'), 'utf8'),
    );
    const vvv = parseLspci(
      readFileSync(sharedPath('fixtures', 'qemu', name, 'lspci.txt'), 'utf8'),
      'lspci.txt',
    );
    const xxxx = parseLspci(
      readFileSync(sharedPath('fixtures', 'qemu', name, 'lspci-x.txt'), 'utf8'),
      'lspci-x.txt',
    );

    it(`${name}: every function with its ids, class, MSI and MSI-X capabilities (-vvv and -xxxx agree)`, () => {
      for (const r of [vvv, xxxx]) {
        for (const o of oracle.pci) {
          const f = r.part.pci!.find((x) => x.bdf === o.bdf)!;
          expect(f, o.bdf).toBeDefined();
          expect([f.vendor_device, f.class]).toEqual([o.vendor_device, o.class]);
          expect(f.msix?.table_size ?? null).toBe(o.msix?.table_size ?? null);
          expect(f.msi ? [f.msi.vectors_max, f.msi.is_64bit, f.msi.per_vector_mask] : null).toEqual(
            o.msi ? [o.msi.vectors_max, o.msi.addr64, o.msi.maskable] : null,
          );
        }
      }
    });

    it(`${name}: the drivers in use`, () => {
      for (const o of oracle.pci.filter((x: { driver: string | null }) => x.driver))
        expect(vvv.functions.find((x) => x.bdf === o.bdf)!.driver).toBe(
          o.driver === 'virtio_net' || o.driver === 'virtio_blk' ? 'virtio-pci' : o.driver,
        );
    });
  }
});

describe('MSI messages decoded (linux-irq-model.md §5.1, §5.2 examples)', () => {
  it('reads a compatibility-format message: destination, logical mode, vector, delivery mode', () => {
    expect(decodeMsiMessage(0xfee0300c, 0x4152)).toMatchObject({
      format: 'compatibility',
      destination: 0x03,
      destinationMode: 'logical',
      redirectionHint: true,
      vector: 0x52,
      deliveryMode: 'lowest-priority',
      levelAssert: true,
    });
    expect(decodeMsiMessage(0xfeeff000, 0x22)).toMatchObject({
      destination: 0xff,
      destinationMode: 'physical',
      vector: 0x22,
      deliveryMode: 'fixed',
    });
  });

  it('reads a remappable message as its interrupt handle (the IRTE index)', () => {
    expect(decodeMsiMessage(0xfee00238, 0)).toMatchObject({
      format: 'remappable',
      handle: 17,
      subHandleValid: true,
      irteIndex: 17,
    });
    expect(decodeMsiMessage(0xfee00578, 0)).toMatchObject({ format: 'remappable', handle: 43 });
    expect(decodeMsiMessage(0xfee00578, 3)).toMatchObject({ irteIndex: 46 });
  });

  it('takes destination bits 31:8 from address_hi (x2APIC kernels up to 5.10)', () => {
    expect(decodeMsiMessage(0xfee01000, 0x41, 0x100)).toMatchObject({
      format: 'compatibility',
      destination: 0x101,
    });
  });

  it('says when an address is not an interrupt at all', () => {
    expect(decodeMsiMessage(0, 0).format).toBe('not-an-interrupt');
  });
});

describe('a function without a capability list', () => {
  it('"Status: Cap-" in -vv output is a listed fact: no MSI, no MSI-X (QEMU ICH4 EHCI)', () => {
    const file = 'fixtures/qemu/q35-ir-sriov-igb@6.12.117+deb12-amd64/lspci.txt';
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const block = text.split(/\n(?=\S)/).find((b) => b.startsWith('0000:00:04.0'))!;
    expect(block).toMatch(/Status: Cap-/);
    const ehci = parseLspci(text, file).functions.find((f) => f.bdf === '0000:00:04.0')!;
    expect(ehci.capabilitiesListed).toBe(true);
    // A function with capabilities is still listed by its Capabilities lines.
    const xhci = parseLspci(text, file).functions.find((f) => f.bdf === '0000:00:03.0')!;
    expect(xhci.capabilitiesListed).toBe(true);
  });
});

describe('device names', () => {
  it('puts the device before its vendor, without the ids, revision and prog-if', () => {
    expect(
      deviceName(
        'Advanced Micro Devices, Inc. [AMD] Renoir/Cezanne Root Complex [1022:1630] (rev 01)',
      ),
    ).toBe('Renoir/Cezanne Root Complex (Advanced Micro Devices, Inc. [AMD])');
    expect(
      deviceName(
        'Intel Corporation 6th-10th Gen Core Processor PCIe Controller (x16) [8086:1901] (rev 07) (prog-if 00 [Normal decode])',
      ),
    ).toBe('6th-10th Gen Core Processor PCIe Controller (x16) (Intel Corporation)');
    expect(deviceName('Red Hat, Inc. Virtio network device')).toBe(
      'Virtio network device (Red Hat, Inc.)',
    );
    // A device pci.ids does not name keeps its id.
    expect(deviceName('Intel Corporation Device [8086:3e30]')).toBe(
      'Device 8086:3e30 (Intel Corporation)',
    );
    // An unknown vendor: the name as lspci prints it.
    expect(deviceName('Example Widgets GmbH Frobnicator 9000')).toBe(
      'Example Widgets GmbH Frobnicator 9000',
    );
  });

  it("an imported function's name starts with the device, not the vendor", () => {
    const r = parseLspci(
      '00:00.0 Host bridge [0600]: Advanced Micro Devices, Inc. [AMD] Renoir/Cezanne Root Complex [1022:1630]\n',
      'lspci.txt',
    );
    expect(r.functions[0]!.name).toBe(
      'Renoir/Cezanne Root Complex (Advanced Micro Devices, Inc. [AMD])',
    );
    expect(r.functions[0]!.vendorDevice).toBe('1022:1630');
  });
});
