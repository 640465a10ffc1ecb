// The ACPI importer against every table in shared/fixtures/real/acpi: the facts SOURCES.md
// lists for each file are read from SOURCES.md at test time and checked against the decode.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyFacts, realFixtures, realPath } from '../testing/sources';
import { sharedPath } from '../testing/shared';
import { acpiToMachineParts, parseAcpiTables, type ParsedAcpi } from './acpi';
import type { Dmar } from './acpi/dmar';
import type { Ivrs } from './acpi/ivrs';
import type { Madt } from './acpi/madt';
import { mpsInti } from './acpi/madt';
import type { HpetTable } from './acpi/misc';
import { ImportError } from './errors';

const files = realFixtures('acpi').filter((f) => /\.(txt|dat|dsl)$/.test(f));
const load = (f: string): ParsedAcpi =>
  parseAcpiTables(
    f.endsWith('.dat')
      ? new Uint8Array(readFileSync(realPath(f)))
      : readFileSync(realPath(f), 'utf8'),
    f,
  );

/** The tables of one machine: a text dump, or every .dat / .dsl file with the same stem. */
function machineTables(f: string): ParsedAcpi[] {
  if (!/\.(dat|dsl)$/.test(f)) return [load(f)];
  const stem = f.slice(0, f.indexOf('.', f.lastIndexOf('/')));
  return files.filter((g) => g.startsWith(stem + '.') && /\.(dat|dsl)$/.test(g)).map(load);
}
const decoded = <T>(ps: ParsedAcpi[], sig: string) =>
  ps.flatMap((p) => p.tables).find((t) => t.signature === sig)?.decoded as T | undefined;
const num = (s: string) => (s.startsWith('0x') ? parseInt(s, 16) : Number(s));
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('ACPI tables of real machines (facts from SOURCES.md)', () => {
  it('finds fixtures and a SOURCES.md entry for each', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(keyFacts(f).length).toBeGreaterThan(50);
  });

  for (const f of files) {
    describe(f, () => {
      const facts = flat(keyFacts(f));
      const tables = machineTables(f);
      const madt = decoded<Madt>(tables, 'APIC');
      const dmar = decoded<Dmar>(tables, 'DMAR');
      const ivrs = decoded<Ivrs>(tables, 'IVRS');
      const hpet = decoded<HpetTable>(tables, 'HPET');
      const parts = acpiToMachineParts(...tables);

      it('decodes every table with a valid checksum', () => {
        for (const t of tables.flatMap((p) => p.tables))
          expect(t.header.checksumOk, t.signature).toBe(true);
      });

      it('has the IOAPICs (id, GSI base, address) SOURCES.md lists', () => {
        if (!madt) return;
        const re =
          /(?:^|[\s;:,/(])(?:id )?(0x[0-9A-F]+|\d+) (?:@(0x[0-9A-F]+) )?(?:GSI )?base (0x[0-9A-F]+|\d+)(?: \(\d+\))?(?: @(0x[0-9A-F]+))?/g;
        let checked = 0;
        for (const m of facts.matchAll(re)) {
          const base = num(m[3]!);
          if (base > 4096) continue; // an IOMMU's register base, not a GSI base
          const io = madt.ioapics.find((x) => x.id === num(m[1]!) && x.gsiBase === base);
          expect(io, `IOAPIC ${m[0]}`).toBeDefined();
          const address = m[2] ?? m[4];
          if (address) expect(io!.address).toBe(address.toLowerCase());
          checked++;
        }
        if (!/IOAPIC 1\/2/.test(facts)) expect(checked).toBeGreaterThan(0);
      });

      it('counts the enabled processors SOURCES.md counts', () => {
        if (!madt) return;
        const enabled = madt.cpus.filter((c) => c.enabled).length;
        const some =
          /(\d+) (?:Processor Local (?:x2)?APIC|LAPIC)(?: entries)?(?: \(type 9\))?[,(]? \(?(\d+) enabled/.exec(
            facts,
          );
        const all = /(\d+) (?:Processor Local APIC|LAPIC)(?: entries)?,? \(?all enabled/.exec(
          facts,
        );
        if (some) expect(enabled).toBe(Number(some[2]));
        else if (all) expect(enabled).toBe(Number(all[1]));
        // Enabled entries become the machine's CPUs (without the "no APIC" ids).
        expect(parts.part.cpus?.list?.length).toBe(
          madt.cpus.filter((c) => c.enabled && c.apicId !== (c.x2apic ? 0xffffffff : 0xff)).length,
        );
        const dis = /(\d+) disabled (?:entries )?with (?:APIC )?ID (0x[0-9A-F]+)/.exec(facts);
        if (dis)
          expect(madt.cpus.filter((c) => !c.enabled && c.apicId === num(dis[2]!)).length).toBe(
            Number(dis[1]),
          );
      });

      it('has the interrupt source overrides with their polarity and trigger', () => {
        if (!madt) return;
        for (const m of facts.matchAll(
          /\b(\d+)->(\d+)(?:,? \(?(?:flags )?(0x[0-9A-F]{1,4}|0)\b)?/g,
        )) {
          const o = madt.overrides.find((x) => x.source === Number(m[1]) && x.gsi === Number(m[2]));
          expect(o, m[0]).toBeDefined();
          if (m[3] !== undefined)
            expect({ polarity: o!.polarity, trigger: o!.trigger }).toEqual(mpsInti(num(m[3])));
        }
      });

      it('counts the NMI entries and skips reserved subtables by their length', () => {
        if (!madt) return;
        const nmi = /(\d+) LAPIC NMI/.exec(facts);
        if (nmi) expect(madt.localNmis.filter((n) => !n.x2apic).length).toBe(Number(nmi[1]));
        const res = /(\d+) subtables of reserved type (0x[0-9A-F]+) \(length (\d+)\)/.exec(facts);
        if (res)
          expect(
            madt.skipped.filter((s) => s.type === num(res[2]!) && s.length === Number(res[3]))
              .length,
          ).toBe(Number(res[1]));
      });

      it('reads the DMAR header, DRHDs, RMRRs and scopes SOURCES.md lists', () => {
        if (/no DMAR/.test(facts)) expect(dmar).toBeUndefined();
        if (!dmar) return;
        const haw = /HAW (0x[0-9A-F]+|\d+)(?: \(\d+-bit\))?,? flags (0x[0-9A-F]+)/.exec(facts);
        if (haw) {
          // SOURCES gives the table's value in hex (width - 1) or the width in decimal.
          expect(dmar.hostAddressWidth).toBe(
            haw[1]!.startsWith('0x') ? num(haw[1]!) + 1 : Number(haw[1]),
          );
          expect(dmar.flags).toBe(num(haw[2]!));
        }
        const count = /(\d+) DRHDs/.exec(facts);
        if (count) expect(dmar.drhds.length).toBe(Number(count[1]));
        const bases = [
          ...facts.matchAll(/(?<!base |@)\b(0x[0-9A-F]{8})\b(?= flags (\d)| \(| \+| INCLUDE)/g),
        ];
        expect(bases.length).toBeGreaterThan(0);
        for (const b of bases) {
          const u = dmar.drhds.find((d) => d.registerBase === b[1]!.toLowerCase());
          expect(u, `DRHD ${b[1]}`).toBeDefined();
          if (b[2] !== undefined) expect(u!.includePciAll).toBe(b[2] === '1');
        }
        for (const s of facts.matchAll(
          /(IOAPIC|HPET) (0x[0-9A-F]+|\d+) at ([0-9A-F]{2}):([0-9A-F]{2})\.(\d)/g,
        )) {
          const type = s[1] === 'IOAPIC' ? 'ioapic' : 'hpet';
          const hit = dmar.drhds.some((d) =>
            d.scopes.some(
              (x) =>
                x.type === type &&
                x.enumerationId === num(s[2]!) &&
                x.bus === parseInt(s[3]!, 16) &&
                x.path.at(-1)?.[0] === parseInt(s[4]!, 16) &&
                x.path.at(-1)?.[1] === Number(s[5]),
            ),
          );
          expect(hit, s[0]).toBe(true);
        }
        for (const r of facts.matchAll(/(0x[0-9A-F]{8})-(0x[0-9A-F]{8})/g))
          expect(
            dmar.rmrrs.some((x) => x.base === r[1]!.toLowerCase() && x.end === r[2]!.toLowerCase()),
            r[0],
          ).toBe(true);
        const rmrrs = /(\d+) RMRRs/.exec(facts);
        if (rmrrs) expect(dmar.rmrrs.length).toBe(Number(rmrrs[1]));
        if (/\b1 ATSR/.test(facts) || /\bATSR;/.test(facts)) expect(dmar.atsrs.length).toBe(1);
        const rhsa = /RHSA (0x[0-9A-F]{8}) -> domain (\d+)/.exec(facts);
        if (rhsa)
          expect(dmar.rhsas).toContainEqual(
            expect.objectContaining({
              registerBase: rhsa[1]!.toLowerCase(),
              proximityDomain: Number(rhsa[2]),
            }),
          );
        const satc =
          /SATC \(type 5, flags (\d)\) for ([0-9A-F]{2}:[0-9A-F]{2}\.\d) and ([0-9A-F]{2}:[0-9A-F]{2}\.\d)/.exec(
            facts,
          );
        if (satc) {
          expect(dmar.satcs[0]!.atcRequired).toBe(satc[1] === '1');
          const eps = dmar.satcs[0]!.scopes.map((x) =>
            `${x.bus.toString(16).padStart(2, '0')}:${x.path[0]![0].toString(16).padStart(2, '0')}.${x.path[0]![1]}`.toUpperCase(),
          );
          expect(eps).toEqual([satc[2], satc[3]]);
        }
        // The machine part has one intel-vtd unit per DRHD, in table order.
        expect(parts.part.iommus?.map((u) => u.register_base)).toEqual(
          dmar.drhds.map((d) => d.registerBase),
        );
      });

      it('reads the IVRS IVHDs, their special devices, EFR and IVMDs', () => {
        if (!ivrs) return;
        const info = /IVinfo (0x[0-9A-F]+)/.exec(facts);
        if (info) expect(ivrs.ivinfo).toBe(num(info[1]!));
        const units = [
          ...facts.matchAll(/devid (0x[0-9A-F]{4})(?: \([0-9a-f:.]+\))? base (0x[0-9A-F]{8})/g),
        ];
        expect(units.length).toBeGreaterThan(0);
        for (const u of units)
          expect(
            ivrs.ivhds.some((h) => h.devid === num(u[1]!) && h.base === u[2]!.toLowerCase()),
            u[0],
          ).toBe(true);
        const types = /IVHD (?:type )?(0x10)(?:,|\/| and) ?(0x11)(?:(?:,? and |\/)(0x40))?/.exec(
          facts,
        );
        if (types) {
          const want = [types[1], types[2], types[3]].filter(Boolean).map((t) => num(t!));
          for (const u of units)
            expect(ivrs.ivhds.filter((h) => h.devid === num(u[1]!)).map((h) => h.type)).toEqual(
              want,
            );
        }
        for (const s of facts.matchAll(
          /(IOAPIC|HPET) (0x[0-9A-F]+|\d+) at ([0-9a-f]{2}):([0-9a-f]{2})\.(\d)/gi,
        )) {
          const devid = (parseInt(s[3]!, 16) << 8) | (parseInt(s[4]!, 16) << 3) | Number(s[5]);
          const hit = ivrs.ivhds.some((h) =>
            h.entries.some(
              (e) =>
                e.type === 'special' &&
                e.variety === s[1]!.toLowerCase() &&
                e.handle === num(s[2]!) &&
                e.devid === devid,
            ),
          );
          expect(hit, s[0]).toBe(true);
        }
        const efr = /EFR image (0x[0-9A-F]{16}) \(type (0x[0-9A-F]+)\)/.exec(facts);
        if (efr)
          expect(ivrs.ivhds.find((h) => h.type === num(efr[2]!))!.efr).toBe(
            `0x${BigInt(efr[1]!).toString(16)}`,
          );
        for (const m of facts.matchAll(/devid (0x[0-9A-F]{4}) (0x[0-9A-F]{8}) len (0x[0-9A-F]+)/g))
          expect(ivrs.ivmds).toContainEqual(
            expect.objectContaining({
              devid: num(m[1]!),
              startAddress: m[2]!.toLowerCase(),
              length: m[3]!.toLowerCase(),
            }),
          );
        // The machine has one AMD-Vi IOMMU per IVHD device id, from its highest block type.
        expect(parts.part.iommus?.length).toBe(new Set(ivrs.ivhds.map((h) => h.devid)).size);
      });

      it('reads the HPET block id and address', () => {
        if (!hpet) return;
        const id = /HPET (?:block )?id (0x[0-9A-F]{8})(?: @(0x[0-9A-F]{8}))?/i.exec(facts);
        if (id) {
          expect(hpet.blockId).toBe(num(id[1]!));
          if (id[2]) expect(hpet.address).toBe(id[2].toLowerCase());
        }
      });
    });
  }

  it('decodes an acpidump and its iasl listing of the same tables identically', () => {
    for (const f of files.filter((x) => x.includes('.acpidump-'))) {
      const twin = f.replace('.acpidump-', '.iasl-decoded-');
      if (!files.includes(twin)) continue;
      const a = load(f).tables.filter((t) => t.decoded);
      const b = load(twin).tables.filter((t) => t.decoded);
      for (const t of a)
        expect(b.find((x) => x.signature === t.signature)?.decoded, `${f} ${t.signature}`).toEqual(
          t.decoded,
        );
    }
  });

  it("reads QEMU's DMAR: one DRHD scoping the IOAPIC on bus 0xff and each root-bus function", () => {
    const text = readFileSync(
      sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'acpi.acpidump.txt'),
      'utf8',
    );
    const oracle = JSON.parse(
      readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'machine.json'), 'utf8'),
    );
    const dmar = decoded<Dmar>([parseAcpiTables(text, 'acpi.acpidump.txt')], 'DMAR')!;
    expect(dmar.intrRemap).toBe(true);
    expect(dmar.drhds.map((d) => d.registerBase)).toEqual(
      oracle.iommu.units.map((u: { reg_base: string }) => u.reg_base),
    );
    const io = dmar.drhds[0]!.scopes.filter((s) => s.type === 'ioapic');
    expect(io.map((s) => s.enumerationId)).toEqual(
      oracle.ioapics.map((i: { apic_id: number }) => i.apic_id),
    );
  });
});

describe('malformed ACPI input', () => {
  const dump = readFileSync(
    sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'acpi.acpidump.txt'),
    'utf8',
  );

  it('names the table, byte offset and line when a structure runs past the table end', () => {
    // Make the DMAR's first DRHD claim 0x58 -> 0xf8 bytes.
    const bad = dump.replace('0030: 00 00 58 00', '0030: 00 00 F8 00');
    const err = (() => {
      try {
        parseAcpiTables(bad, 'x.txt');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toMatch(
      /^x\.txt: line \d+: DMAR: offset 0x30: DRHD structure \(Length 248\) runs past the end of the table/,
    );
  });

  it('reports a truncated table with the length it claims and the bytes it has', () => {
    const bad = dump.replace(/ {4}0080: 02 0A 00 0B.*\n/, '');
    expect(() => parseAcpiTables(bad, 'y.txt')).toThrow(
      /y\.txt: .*APIC: offset 0x80: table truncated: Length says 0x90 bytes, the dump has 0x80/,
    );
  });

  it('reports a hex row out of sequence', () => {
    const bad = dump.replace(
      '    0010: 42 58 50 43 20 20 20 20 01 00 00 00 42 58 50 43  BXPC    ....BXPC',
      '    0020: 42 58',
    );
    expect(() => parseAcpiTables(bad, 'z.txt')).toThrow(
      /z\.txt: line 3: APIC: row offset 0020 does not follow the 0x10 bytes before it/,
    );
  });

  it('notes a bad checksum without refusing the table', () => {
    const bad = dump.replace('44 4D 41 52 88 00 00 00 01 C7', '44 4D 41 52 88 00 00 00 01 C8');
    const p = parseAcpiTables(bad, 'c.txt');
    expect(p.tables.find((t) => t.signature === 'DMAR')!.header.checksumOk).toBe(false);
    expect(p.notes.join('\n')).toMatch(/DMAR: checksum 0xc8 does not make the table sum to 0/);
  });

  it('refuses text with no table in it', () => {
    expect(() => parseAcpiTables('hello\n', 'h.txt')).toThrow(/h\.txt: no ACPI table found/);
  });
});
