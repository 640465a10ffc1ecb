import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared';
import { parseCmdline } from './cmdline';
import { schemaFileText, SCHEMA_FILE } from './gen-schema';
import { fromOracleMachine } from './oracle';
import { PRESETS } from './presets';
import { parseMachine, parseMachineJson } from './validate';

const example = () => JSON.parse(JSON.stringify(PRESETS.example!.make()));

function problemsOf(mutate: (m: Record<string, any>) => void) {
  const m = example();
  mutate(m);
  const result = parseMachine(m);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('machine model validation', () => {
  it('accepts every preset', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      expect(parseMachine(preset.make()).ok, name).toBe(true);
    }
  });

  it.each([
    ['a wrong type', (m: any) => (m.cpus.list[2].apic_id = 'two'), '$.cpus.list[2].apic_id'],
    [
      'an MSI vector count that is not a power of two',
      (m: any) => (m.pci[2].msi.vectors_max = 6),
      '$.pci[2].msi.vectors_max',
    ],
    [
      'an MSI-X table larger than 2048',
      (m: any) => (m.pci[7].msix.table_size = 4096),
      '$.pci[7].msix.table_size',
    ],
    [
      'a duplicate APIC id',
      (m: any) => (m.cpus.list[3].apic_id = m.cpus.list[0].apic_id),
      '$.cpus.list[3].apic_id',
    ],
    ['a duplicate BDF', (m: any) => (m.pci[3].bdf = m.pci[2].bdf), '$.pci[3].bdf'],
    [
      'a parent bridge that does not exist',
      (m: any) => (m.pci[7].parent = '0000:00:09.0'),
      '$.pci[7].parent',
    ],
    ['a malformed BDF', (m: any) => (m.pci[7].bdf = '00:1f.2'), '$.pci[7].bdf'],
    [
      'an override to a GSI no IOAPIC has',
      (m: any) => (m.interrupt_source_overrides[1].gsi = 500),
      '$.interrupt_source_overrides[1].gsi',
    ],
    [
      'overlapping IOAPIC GSI ranges',
      (m: any) => m.ioapics.push({ id: 3, address: '0xfec01000', gsi_base: 100, pins: 24 }),
      '$.ioapics[1].gsi_base',
    ],
    ['an unknown field', (m: any) => (m.pci[0].colour = 'red'), '$.pci[0]'],
    [
      'a request for a device that is not there',
      (m: any) => m.irq_requests.push({ device: '0000:09:00.0', max_vecs: 4 }),
      '$.irq_requests[0].device',
    ],
    [
      'more VFs enabled than TotalVFs',
      (m: any) => (m.pci[8].sriov = { total_vfs: 7, num_vfs: 8, vf_device: '1520' }),
      '$.pci[8].sriov.num_vfs',
    ],
    // The PCI tree as enumeration finds it (pci[1] 00:01.0 and pci[4] 00:1c.0 are root ports
    // with secondary buses 01 and 02; pci[7] 01:00.0 and pci[8] 02:00.0 are below them).
    [
      'a function that is its own parent',
      (m: any) => (m.pci[1].parent = m.pci[1].bdf),
      '$.pci[1].parent',
    ],
    [
      'a loop in the PCI tree',
      (m: any) => {
        m.pci[1].parent = m.pci[4].bdf;
        m.pci[4].parent = m.pci[1].bdf;
      },
      '$.pci[4].parent',
    ],
    [
      'a parent that is not a bridge (an ISA bridge)',
      (m: any) => (m.pci[7].parent = '0000:00:1f.0'),
      '$.pci[7].parent',
    ],
    [
      "a function off its parent's secondary bus",
      (m: any) => (m.pci[7].parent = m.pci[4].bdf),
      '$.pci[7].bdf',
    ],
    [
      'two bridges with the same secondary bus',
      (m: any) => (m.pci[4].secondary_bus = 1),
      '$.pci[4].secondary_bus',
    ],
    [
      'a bridge whose secondary bus is not below its own',
      (m: any) => {
        m.pci[4].secondary_bus = 0;
        m.pci[8].bdf = '0000:00:02.0';
      },
      '$.pci[4].secondary_bus',
    ],
    [
      'a subordinate bus below the secondary bus',
      (m: any) => {
        m.pci[4].secondary_bus = 3;
        m.pci[4].subordinate_bus = 2;
      },
      '$.pci[4].subordinate_bus',
    ],
    [
      "a bridge's buses outside its parent's",
      (m: any) =>
        m.pci.push({
          bdf: '0000:02:00.1',
          vendor_device: '8086:0000',
          class: '0x060400',
          kind: 'pci-bridge',
          parent: '0000:00:1c.0',
          secondary_bus: 3,
          subordinate_bus: 3,
        }),
      '$.pci[9].subordinate_bus',
    ],
    [
      'a VF Stride wider than its 16-bit register',
      (m: any) =>
        (m.pci[8].sriov = { total_vfs: 4, num_vfs: 4, vf_device: '1520', vf_stride: 2 ** 32 }),
      '$.pci[8].sriov.vf_stride',
    ],
    [
      'a First VF Offset wider than its 16-bit register',
      (m: any) =>
        (m.pci[8].sriov = { total_vfs: 4, num_vfs: 4, vf_device: '1520', first_vf_offset: 65536 }),
      '$.pci[8].sriov.first_vf_offset',
    ],
    [
      'a boot CPU (listed first) that is not CPU 0',
      (m: any) => (m.cpus.list[0].cpu = 8),
      '$.cpus.list[0].cpu',
    ],
    ['an offline boot CPU', (m: any) => (m.cpus.list[0].online = false), '$.cpus.list[0].online'],
    [
      'a probe order naming a function twice',
      (m: any) => (m.probe_order = [m.pci[7].bdf, m.pci[8].bdf, m.pci[7].bdf]),
      '$.probe_order[2]',
    ],
    [
      'a probe order naming a function that is not there',
      (m: any) => (m.probe_order = ['0000:07:00.0']),
      '$.probe_order[0]',
    ],
  ])('rejects %s, naming the JSON path', (_what, mutate, path) => {
    const problems = problemsOf(mutate);
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
  });

  it('reports text that is not JSON with its line and column', () => {
    const result = parseMachineJson('{\n  "name": "x",\n  "cpus": [1,,2]\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]!.path).toBe('3:14'); // the second comma
      expect(result.errors[0]!.message).toMatch(/^not valid JSON/);
    }
  });

  it('reports text that ends inside 100,000 open brackets where it ends, naming the open bracket', () => {
    const text = '{\n  "name": ' + '['.repeat(100_000);
    const result = parseMachineJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0]!.path).toBe('2:100011'); // just past the last "["
      expect(result.errors[0]!.message).toMatch(
        /^not valid JSON: .*; the "\[" at 2:100010 is not closed$/,
      );
    }
  });

  it('finds the first wrong character behind 100,000 levels of nesting', () => {
    const text = '['.repeat(100_000) + '1,]' + ']'.repeat(99_999);
    const result = parseMachineJson(text);
    expect(!result.ok && result.errors[0]!.path).toBe('1:100003'); // the "]" after the comma
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, 42, 'x', [], { cpus: null }, { name: '', kernel: 5 }]) {
      expect(parseMachine(input).ok).toBe(false);
    }
    expect(parseMachineJson('').ok).toBe(false);
  });
});

describe('JSON Schema', () => {
  it('the committed machine.schema.json is the one the zod schema generates', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
  });

  it('carries descriptions for hover docs and the enums for completion', () => {
    const text = schemaFileText();
    expect(text).toContain('Local APIC id');
    expect(text).toContain('"xapic"');
  });
});

describe('presets', () => {
  it('large has at least 1536 CPUs, 16 IOAPICs and about 100,000 MSI-X entries', () => {
    const m = PRESETS.large!.make();
    expect(m.cpus.list.length).toBeGreaterThanOrEqual(1536);
    expect(m.ioapics).toHaveLength(16);
    const cpus = m.cpus.list.length;
    // What the drivers will ask for: up to one vector per CPU plus one, bounded by the table.
    const vectors = m.pci.reduce(
      (n, f) => n + (f.msix ? Math.min(f.msix.table_size, cpus + 1) : 0),
      0,
    );
    expect(vectors).toBeGreaterThan(95_000);
    expect(vectors).toBeLessThan(110_000);
  });

  it('huge reaches 8192 CPUs and about 200,000 MSI-X entries', () => {
    const m = PRESETS.huge!.make();
    expect(m.cpus.list).toHaveLength(8192);
    const vectors = m.pci.reduce((n, f) => n + (f.msix ? Math.min(f.msix.table_size, 8193) : 0), 0);
    expect(vectors).toBeGreaterThan(190_000);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(PRESETS.large!.make())).toBe(JSON.stringify(PRESETS.large!.make()));
  });
});

describe('kernel command line', () => {
  it('reads the options that change interrupt behaviour', () => {
    const o = parseCmdline(
      'ro intremap=nosid,no_x2apic_optout nox2apic irqaffinity=0-3 pci=noaer,nomsi',
    );
    expect(o.intremap).toEqual({ off: false, nosid: true, no_x2apic_optout: true, nopost: false });
    expect(o.x2apic).toBe('off');
    expect(o.irqaffinity).toBe('0-3');
    expect(o.pci_nomsi).toBe(true);
  });
});

describe('QEMU oracle machines', () => {
  for (const name of ['q35-noir-2cpu', 'q35-ir-4cpu']) {
    it(`${name}: translates into a valid machine with every CPU, IOAPIC and PCI function`, () => {
      const oracle = JSON.parse(
        readFileSync(sharedPath('fixtures', 'qemu', name, 'machine.json'), 'utf8'),
      );
      const m = fromOracleMachine(oracle);
      expect(m.kernel.version).toBe(oracle.kernel.release);
      expect(m.cpus.list.map((c) => c.apic_id)).toEqual(oracle.cpus.apic_ids);
      expect(m.ioapics.map((io) => io.id)).toEqual(
        oracle.ioapics.map((io: { apic_id: number }) => io.apic_id),
      );
      expect(m.pci.map((f) => f.bdf)).toEqual(oracle.pci.map((f: { bdf: string }) => f.bdf));
      expect(m.iommus.length > 0).toBe(oracle.iommu.present);
      for (const f of oracle.pci) {
        const mine = m.pci.find((p) => p.bdf === f.bdf)!;
        expect(mine.msix?.table_size ?? null, f.bdf).toBe(f.msix?.table_size ?? null);
        expect(mine.msi?.vectors_max ?? null, f.bdf).toBe(f.msi?.vectors_max ?? null);
      }
    });

    it(`${name}: the q35 interrupt source overrides are the ones its kernel logged`, () => {
      const oracle = JSON.parse(
        readFileSync(sharedPath('fixtures', 'qemu', name, 'machine.json'), 'utf8'),
      );
      const dmesg = readFileSync(sharedPath('fixtures', 'qemu', name, 'dmesg.txt'), 'utf8');
      const logged = [
        ...dmesg.matchAll(/INT_SRC_OVR \(bus 0 bus_irq (\d+) global_irq (\d+) (\w+) (\w+)\)/g),
      ].map(([, irq, gsi, pol, trig]) => ({
        bus_irq: Number(irq),
        gsi: Number(gsi),
        polarity: pol === 'dfl' ? 'conforms' : pol,
        trigger: trig === 'dfl' ? 'conforms' : trig,
      }));
      expect(logged.length).toBeGreaterThan(0);
      expect(fromOracleMachine(oracle).interrupt_source_overrides).toEqual(logged);
    });
  }

  it('rejects another schema with a clear error', () => {
    expect(() => fromOracleMachine({ schema: 'something/2' })).toThrow(
      /expected "schema": "irqlab-oracle-machine\/1", found "something\/2"/,
    );
  });
});
