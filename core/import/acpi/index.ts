// ACPI tables -> the machine model. parseAcpiTables() decodes every table it knows in a text dump
// or binary file; acpiToMachineParts() turns the decoded tables into a MachinePart (CPUs, IOAPICs,
// overrides, HPET, the DMAR table and its DRHDs, IVRS IVHDs, the SCI) with provenance.
import { ImportError, type SourceLocation } from '../errors';
import { PartBuilder, type CpuPart, type IommuPart, type MachinePart } from '../part';
import type { Provenance } from '../errors';
import { decodeDmar, type Dmar, type DmarScope } from './dmar';
import { readAcpiBinary, readAcpiText } from './dump';
import { decodeIvrs, type Ivrs } from './ivrs';
import { decodeMadt, type Madt } from './madt';
import { decodeFadt, decodeHpet, decodeSrat, type Fadt, type HpetTable, type Srat } from './misc';
import { hex, locate, readSdtHeader, type AcpiTable, type SdtHeader } from './table';

export type DecodedTable = Madt | Dmar | Ivrs | HpetTable | Fadt | Srat;

export interface ParsedAcpiTable {
  signature: string;
  header: SdtHeader;
  raw: AcpiTable;
  /** null for tables the interrupt topology does not need (DSDT, MCFG, ...). */
  decoded: DecodedTable | null;
}

export interface ParsedAcpi {
  file: string;
  tables: ParsedAcpiTable[];
  /** Bad checksums and what Linux would warn about. */
  notes: string[];
}

const DECODERS: Record<string, (t: AcpiTable, length: number) => DecodedTable> = {
  APIC: decodeMadt,
  DMAR: decodeDmar,
  IVRS: decodeIvrs,
  HPET: decodeHpet,
  FACP: decodeFadt,
  SRAT: decodeSrat,
};

/** Decodes an acpidump / iasl text dump, or one or more binary tables. Throws ImportError. */
export function parseAcpiTables(input: string | Uint8Array, fileName: string): ParsedAcpi {
  const raw =
    typeof input === 'string' ? readAcpiText(input, fileName) : readAcpiBinary(input, fileName);
  if (raw.length === 0)
    throw new ImportError(
      { file: fileName },
      'no ACPI table found (neither acpidump hex rows nor a binary table header)',
    );
  const notes: string[] = [];
  const tables = raw.map((t): ParsedAcpiTable => {
    const header = readSdtHeader(t);
    if (!header.checksumOk)
      notes.push(
        `${t.file}: ${t.signature}: checksum 0x${header.checksum.toString(16)} does not make the table sum to 0 (Linux: "Incorrect checksum in table")`,
      );
    const decode = DECODERS[t.signature];
    const decoded = decode ? decode(t, header.length) : null;
    if (decoded && 'notes' in decoded)
      for (const n of decoded.notes) notes.push(`${t.file}: ${t.signature}: ${n}`);
    return { signature: t.signature, header, raw: t, decoded };
  });
  return { file: fileName, tables, notes };
}

const SCOPE_TYPE_IDS: Record<DmarScope['type'], boolean> = {
  endpoint: false,
  bridge: false,
  ioapic: true,
  hpet: true,
  namespace: false,
};

function scopeOut(s: DmarScope) {
  return {
    type: s.type,
    ...(SCOPE_TYPE_IDS[s.type] ? { id: s.enumerationId } : {}),
    bus: s.bus,
    path: s.path,
  };
}

export interface AcpiMachineParts {
  part: MachinePart;
  provenance: Provenance;
  /** Everything the tables say that the machine model has no field for, worth telling. */
  notes: string[];
  /** Signatures decoded, in file order. */
  signatures: string[];
}

/** The machine facts the decoded tables state. Several ParsedAcpi (one per file) may be given. */
export function acpiToMachineParts(...parsed: ParsedAcpi[]): AcpiMachineParts {
  const b = new PartBuilder();
  const p = b.part;
  const notes = parsed.flatMap((x) => x.notes);
  const all = parsed.flatMap((x) => x.tables);
  const at = (t: ParsedAcpiTable, offset: number): SourceLocation => locate(t.raw, offset);
  const first = <K extends DecodedTable['kind']>(kind: K) =>
    all.filter((t) => t.decoded?.kind === kind) as (ParsedAcpiTable & {
      decoded: Extract<DecodedTable, { kind: K }>;
    })[];

  const madts = first('MADT');
  if (madts.length > 1) notes.push(`${madts.length} MADTs: the first is used, as Linux does`);
  const madtT = madts[0];
  const srat = first('SRAT')[0];
  if (madtT) {
    const madt = madtT.decoded;
    const list: CpuPart[] = [];
    const seen = new Set<number>();
    for (const c of madt.cpus) {
      // Linux skips disabled entries (not yet hotplug-capable ones) and the "no APIC" ids.
      if (!c.enabled) continue;
      if ((!c.x2apic && c.apicId === 0xff) || (c.x2apic && c.apicId === 0xffffffff)) continue;
      if (seen.has(c.apicId)) {
        notes.push(
          `MADT lists APIC id 0x${c.apicId.toString(16)} twice (offset ${hex(c.offset)}): the second is ignored`,
        );
        continue;
      }
      seen.add(c.apicId);
      const node = srat?.decoded.cpus.find((s) => s.apicId === c.apicId && s.enabled)?.node;
      b.note(`$.cpus.list[${list.length}]`, at(madtT, c.offset));
      if (node !== undefined) {
        const s = srat!.decoded.cpus.find((x) => x.apicId === c.apicId)!;
        b.note(`$.cpus.list[${list.length}].node`, at(srat!, s.offset));
      }
      list.push({ cpu: list.length, apic_id: c.apicId, ...(node !== undefined ? { node } : {}) });
    }
    const disabled = madt.cpus.filter((c) => !c.enabled).length;
    if (disabled)
      notes.push(
        `MADT: ${disabled} disabled processor entr${disabled === 1 ? 'y' : 'ies'} (not present)`,
      );
    if (madt.skipped.length)
      notes.push(
        `MADT: ${madt.skipped.length} subtable(s) of types ${[...new Set(madt.skipped.map((s) => `0x${s.type.toString(16)}`))].join(', ')} walked over`,
      );
    p.cpus = { list };
    if (list.some((c) => c.apic_id > 254) || madt.cpus.some((c) => c.x2apic && c.enabled)) {
      p.cpus.cpu_has_x2apic = true;
      b.note(
        '$.cpus.cpu_has_x2apic',
        at(madtT, madt.cpus.find((c) => c.x2apic || c.apicId > 254)!.offset),
      );
    }
    const sorted = [...madt.ioapics].sort((x, y) => x.gsiBase - y.gsiBase);
    p.ioapics = madt.ioapics.map((io, i) => {
      b.note(`$.ioapics[${i}]`, at(madtT, io.offset));
      // Pins live in the IOAPIC's own version register, not in ACPI: up to the next GSI base, at most 24.
      const next = sorted.find((o) => o.gsiBase > io.gsiBase);
      return {
        id: io.id,
        address: io.address,
        gsi_base: io.gsiBase,
        ...(next && next.gsiBase - io.gsiBase < 24 ? { pins: next.gsiBase - io.gsiBase } : {}),
      };
    });
    p.interrupt_source_overrides = madt.overrides
      .filter((o) => o.bus === 0 && o.source < 16)
      .map((o, i) => {
        b.note(`$.interrupt_source_overrides[${i}]`, at(madtT, o.offset));
        return {
          bus_irq: o.source,
          gsi: o.gsi,
          polarity: o.polarity === 'reserved' ? 'conforms' : o.polarity,
          trigger: o.trigger === 'reserved' ? 'conforms' : o.trigger,
        };
      });
  }

  const hpetT = first('HPET')[0];
  if (hpetT) {
    const h = hpetT.decoded;
    p.hpet = { id: h.number, address: h.address, timers: Math.max(3, h.comparators) };
    b.note('$.hpet', at(hpetT, 36));
  }

  const fadtT = first('FADT')[0];
  if (fadtT) {
    if (p.cpus) {
      p.cpus.fadt_apic_physical = fadtT.decoded.forceApicPhysical;
      b.note('$.cpus.fadt_apic_physical', at(fadtT, 112));
    }
    p.platform_irqs = [{ irq: fadtT.decoded.sciInterrupt, name: 'acpi' }];
    b.note('$.platform_irqs[0]', at(fadtT, 46));
  }

  const dmarT = first('DMAR')[0];
  const ivrsT = first('IVRS')[0];
  if (dmarT) {
    const d = dmarT.decoded;
    p.dmar = {
      host_address_width: d.hostAddressWidth,
      intr_remap: d.intrRemap,
      x2apic_opt_out: d.x2apicOptOut,
      dma_ctrl_platform_opt_in: d.dmaCtrlPlatformOptIn,
      rmrr: d.rmrrs.map((r) => ({
        segment: r.segment,
        base: r.base,
        end: r.end,
        scopes: r.scopes.map(scopeOut),
      })),
      atsr: d.atsrs.map((a) => ({
        segment: a.segment,
        all_ports: a.allPorts,
        scopes: a.scopes.map(scopeOut),
      })),
      rhsa: d.rhsas.map((r) => ({
        register_base: r.registerBase,
        proximity_domain: r.proximityDomain,
      })),
      satc: d.satcs.map((s) => ({
        segment: s.segment,
        atc_required: s.atcRequired,
        scopes: s.scopes.map(scopeOut),
      })),
      andd: d.andds.map((a) => ({ device_number: a.deviceNumber, name: a.name })),
    };
    b.note('$.dmar', at(dmarT, 36));
    d.rmrrs.forEach((r, i) => b.note(`$.dmar.rmrr[${i}]`, at(dmarT, r.offset)));
    d.atsrs.forEach((r, i) => b.note(`$.dmar.atsr[${i}]`, at(dmarT, r.offset)));
    d.rhsas.forEach((r, i) => b.note(`$.dmar.rhsa[${i}]`, at(dmarT, r.offset)));
    d.satcs.forEach((r, i) => b.note(`$.dmar.satc[${i}]`, at(dmarT, r.offset)));
    d.andds.forEach((r, i) => b.note(`$.dmar.andd[${i}]`, at(dmarT, r.offset)));
    p.iommus = d.drhds.map((u, i): IommuPart => {
      b.note(`$.iommus[${i}]`, at(dmarT, u.offset));
      u.scopes.forEach((s, j) => b.note(`$.iommus[${i}].scopes[${j}]`, at(dmarT, s.offset)));
      return {
        kind: 'intel-vtd',
        register_base: u.registerBase,
        size: Math.min(u.size, 15),
        segment: u.segment,
        include_pci_all: u.includePciAll,
        scopes: u.scopes.map(scopeOut),
      };
    });
    if (d.skipped.length)
      notes.push(
        `DMAR: structure type(s) ${[...new Set(d.skipped.map((s) => s.type))].join(', ')} skipped`,
      );
  } else if (ivrsT) {
    // Linux uses, per IOMMU, the highest IVHD type it supports among the blocks describing it.
    const byDevid = new Map<string, (typeof ivrsT.decoded.ivhds)[number]>();
    for (const h of ivrsT.decoded.ivhds) {
      const key = `${h.segment}:${h.devid}`;
      const prev = byDevid.get(key);
      if (!prev || h.type > prev.type) byDevid.set(key, h);
    }
    p.iommus = [...byDevid.values()].map((h, i): IommuPart => {
      b.note(`$.iommus[${i}]`, at(ivrsT, h.offset));
      return {
        kind: 'amd-vi',
        register_base: h.base,
        segment: h.segment,
        devid: h.devid,
        ivhd_type: h.type,
        cap_offset: Math.min(h.capOffset, 255),
        efr: h.efr ?? '0x0',
        xt: h.xt,
        ga: h.ga,
        devices: h.entries.flatMap((e) => {
          if (e.type === 'acpi-hid') return [];
          const { offset: _o, ...rest } = e;
          return [rest];
        }),
      };
    });
    p.dmar = null;
    if (ivrsT.decoded.ivmds.length)
      notes.push(
        `IVRS: ${ivrsT.decoded.ivmds.length} IVMD block(s) (memory definitions, not modeled)`,
      );
  }
  if (dmarT && ivrsT) notes.push('both DMAR and IVRS present: the DMAR is used');
  return { part: p, provenance: b.provenance, notes, signatures: all.map((t) => t.signature) };
}

export type { Dmar, Ivrs, Madt, HpetTable, Fadt, Srat };
