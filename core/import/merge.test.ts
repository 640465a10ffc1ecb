// Merging artefacts of one machine: matched facts, provenance, conflicts, what is missing; and
// recognising every fixture by its content.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realFixtures, realPath } from '../testing/sources';
import { sharedPath } from '../testing/shared';
import { importArtefacts, parseArtefact } from './index';
import { importFiles } from './node/read';
import { sniffArtefact } from './sniff';
import { fromOracleMachine } from '../model/oracle';

const real = (...f: string[]) => importFiles(f.map(realPath));

describe('merging the artefacts of one machine', () => {
  it('a dmesg and the ACPI dump of the same board agree, and every fact keeps both sources', async () => {
    const r = await real(
      'dmesg/huananzhi-x99-qd4-xeon-e5v3-2drhd-xapic-ir.dmesg.txt',
      'acpi/huananzhi-x99-qd4-xeon-e5v3.acpidump-APIC-DMAR-HPET-SRAT.txt',
    );
    expect(r.conflicts).toEqual([]);
    const m = r.machine!;
    const log = r.dmesg[0]!.part;
    // DRHDs in table order, with the log's cap/ecap and the table's scopes.
    expect(m.iommus.map((u) => u.register_base)).toEqual(log.iommus!.map((u) => u.register_base));
    for (const u of m.iommus) {
      expect(u.kind === 'intel-vtd' && u.cap).toBe(
        log.iommus!.find((x) => x.register_base === u.register_base)!.kind === 'intel-vtd' &&
          (log.iommus!.find((x) => x.register_base === u.register_base) as { cap: string }).cap,
      );
      expect(r.provenance[`$.iommus[${m.iommus.indexOf(u)}]`]!.map((s) => s.file).sort()).toEqual([
        realPath('acpi/huananzhi-x99-qd4-xeon-e5v3.acpidump-APIC-DMAR-HPET-SRAT.txt'),
        realPath('dmesg/huananzhi-x99-qd4-xeon-e5v3-2drhd-xapic-ir.dmesg.txt'),
      ]);
    }
    // IOAPIC pins and versions only the log shows.
    expect(m.ioapics.map((io) => [io.id, io.pins, io.version])).toEqual(
      log.ioapics!.map((io) => [io.id, io.pins, io.version]),
    );
    // The log's DMAR-IR scope lines match the table's scopes (no conflict above), and the table's RHSA is kept.
    expect(m.dmar!.rhsa.length).toBeGreaterThan(0);
    expect(r.provenance['$.cpus.list[0]']![0]).toMatchObject({
      table: 'APIC',
      offset: expect.any(Number),
    });
  });

  it('dmesg + ACPI + lspci of one machine make a valid machine: PCI ids, INTx GSIs, probe order, faults', async () => {
    const r = await real(
      'dmesg/ecs-h310ch5-m2-coffeelake-1drhd-x2apic-ir-dmafault.dmesg.txt',
      'acpi/ecs-h310ch5-m2-coffeelake.acpidump-APIC-DMAR-HPET.txt',
      'lspci/ecs-h310ch5-m2-coffeelake.lspci-nnvvvxxxx.txt',
    );
    expect(r.conflicts).toEqual([]);
    const m = r.machine!;
    const lspci = r.lspci[0]!;
    for (const f of lspci.functions)
      expect(m.pci.find((x) => x.bdf === f.bdf)?.vendor_device).toBe(f.vendorDevice);
    for (const f of m.pci.filter((x) => x.parent))
      expect(m.pci.find((x) => x.bdf === f.parent)!.kind).not.toBe('endpoint');
    expect(m.probe_order!.length).toBeGreaterThan(3);
    expect(r.summary.join('\n')).toMatch(/DMAR faults: 1/);
  });

  it('reports conflicts between artefacts of different machines, with both sources, instead of choosing silently', async () => {
    // SOURCES.md: this DMAR (another Surface Pro 7) has a third DRHD the log's machine lacks.
    const r = await real(
      'dmesg/microsoft-surface-pro-7-icelake-2drhd-x2apic-optout.dmesg.txt',
      'acpi/microsoft-surface-pro-7-icelake.acpidump-APIC-DMAR-HPET.txt',
    );
    const onlyTable = r.conflicts.filter((c) => /is in the DMAR table only/.test(c.what));
    expect(onlyTable.length).toBe(1);
    const hpet = r.conflicts.find((c) => c.path === '$.hpet.timers')!;
    expect(hpet.values.map((v) => v.at[0]!.file)).toEqual([
      realPath('dmesg/microsoft-surface-pro-7-icelake-2drhd-x2apic-optout.dmesg.txt'),
      realPath('acpi/microsoft-surface-pro-7-icelake.acpidump-APIC-DMAR-HPET.txt'),
    ]);
    // The hardware register the driver read wins over the firmware's copy.
    expect(String(r.machine!.hpet!.timers)).toBe(hpet.values[0]!.value);
    expect(r.summary.some((l) => l.startsWith('conflict: $.hpet.timers'))).toBe(true);
  });

  it('reports a field two artefacts disagree on, and keeps the ACPI value', () => {
    const acpi = parseArtefact(
      'a.txt',
      readFileSync(sharedPath('fixtures', 'qemu', 'q35-noir-2cpu', 'acpi.acpidump.txt'), 'utf8'),
    );
    const log = parseArtefact(
      'd.txt',
      '[    0.1] IOAPIC[0]: apic_id 0, version 32, address 0xfec01000, GSI 0-23\n',
    );
    const r = importArtefacts([log, acpi]);
    const c = r.conflicts.find((x) => x.path === '$.ioapics[0].address')!;
    expect(c.values.map((v) => v.value)).toEqual(['0xfec00000', '0xfec01000']);
    expect(r.machine!.ioapics[0]!.address).toBe('0xfec00000');
  });

  it('says what is missing from a log alone, and what it assumed', async () => {
    const r = await real('dmesg/supermicro-as4125gs-h13dsg-2x-epyc9654-384cpu-amdvi.dmesg.txt');
    const missing = r.missing.join('\n');
    expect(missing).toMatch(/CPU APIC ids: the log only counts 384 CPUs/);
    expect(missing).toMatch(
      /AMD IOMMU\(s\) at .*register base and device entries need the IVRS table/,
    );
    expect(r.machine!.cpus.list.length).toBe(r.dmesg[0]!.part.cpus!.online_count);
  });

  it.each(['q35-noir-2cpu', 'q35-ir-4cpu'])(
    "%s: dmesg + lspci + acpidump give the oracle's own machine (but core ids, which no artefact states)",
    async (name) => {
      const d = (f: string) => sharedPath('fixtures', 'qemu', name, f);
      const m = (await importFiles(['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map(d)))
        .machine!;
      const o = fromOracleMachine(JSON.parse(readFileSync(d('machine.json'), 'utf8')));
      const strip = (x: typeof m) => ({
        ...x,
        name: '',
        description: '',
        probe_order: undefined,
        cpus: { ...x.cpus, list: x.cpus.list.map((c) => ({ ...c, core: 0 })) },
        // The log names each NIC's interface ("e1000e 0000:00:02.0 eth1: ..."); the oracle's
        // machine.json does not record it.
        pci: x.pci.map((f) => ({ ...f, name: undefined, driver: undefined, netdev: undefined })),
      });
      expect(m.pci.find((f) => f.vendor_device === '8086:10d3')?.netdev).toBe('eth1');
      expect(strip(m)).toEqual(strip(o));
    },
  );

  it('gives every list element of the machine a source', async () => {
    const r = await importFiles(
      ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) =>
        sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', f),
      ),
    );
    const m = r.machine!;
    const lists: [string, unknown[]][] = [
      ['cpus.list', m.cpus.list],
      ['ioapics', m.ioapics],
      ['interrupt_source_overrides', m.interrupt_source_overrides],
      ['iommus', m.iommus],
      ['pci', m.pci],
      ['platform_irqs', m.platform_irqs],
    ];
    for (const [name, list] of lists)
      list.forEach((_, i) =>
        expect(r.provenance[`$.${name}[${i}]`], `$.${name}[${i}]`).toBeDefined(),
      );
  });
});

describe('every real artefact on its own', () => {
  for (const dir of ['acpi', 'dmesg', 'faults', 'lspci'])
    it(`each file in real/${dir} imports into a valid machine, saying what is missing`, async () => {
      for (const f of realFixtures(dir)) {
        const r = await importFiles([realPath(f)]);
        expect(r.problems, f).toEqual([]);
        expect(r.machine, f).not.toBeNull();
        expect(r.summary.length, f).toBeGreaterThan(3);
      }
    });
});

describe('recognising artefacts by content', () => {
  const kinds: Record<string, string[]> = {
    acpi: ['acpi-text', 'acpi-binary'],
    dmesg: ['dmesg'],
    faults: ['dmesg'],
    lspci: ['lspci'],
    interrupts: ['proc-interrupts', 'bzip2'],
  };
  for (const [dir, want] of Object.entries(kinds))
    it(`every file in real/${dir} is ${want.join(' or ')}`, () => {
      for (const f of realFixtures(dir))
        expect(want, f).toContain(
          sniffArtefact(new Uint8Array(readFileSync(realPath(f)).subarray(0, 65536))),
        );
    });

  it('tells the QEMU captures apart', () => {
    const k = (f: string) =>
      sniffArtefact(new Uint8Array(readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', f))));
    expect(
      [
        'dmesg.txt',
        'lspci.txt',
        'lspci-x.txt',
        'acpi.acpidump.txt',
        'interrupts.txt',
        'machine.json',
      ].map(k),
    ).toEqual(['dmesg', 'lspci', 'lspci', 'acpi-text', 'proc-interrupts', 'machine-json']);
  });
});
