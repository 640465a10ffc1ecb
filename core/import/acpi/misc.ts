// The smaller tables the interrupt topology needs: HPET (event timer block), FADT (the SCI's
// interrupt) and SRAT (which NUMA node each APIC id is on).
import { TableReader, hex, type AcpiTable } from './table';

export interface HpetTable {
  kind: 'HPET';
  /** Event Timer Block ID: the hardware's capabilities register, low 32 bits. */
  blockId: number;
  comparators: number;
  counter64: boolean;
  legacyReplacement: boolean;
  vendor: number;
  address: string;
  number: number;
  minimumTick: number;
}

export function decodeHpet(table: AcpiTable, length: number): HpetTable {
  const r = new TableReader(table, length);
  const blockId = r.u32(36, 'Event Timer Block ID');
  const space = r.u8(40, 'Base Address space ID');
  if (space !== 0) r.fail(40, `Base Address is in address space ${space}, not system memory (0)`);
  return {
    kind: 'HPET',
    blockId,
    comparators: ((blockId >> 8) & 0x1f) + 1,
    counter64: ((blockId >> 13) & 1) === 1,
    legacyReplacement: ((blockId >> 15) & 1) === 1,
    vendor: blockId >>> 16,
    address: hex(r.u64(44, 'Base Address')),
    number: r.u8(52, 'HPET Number'),
    minimumTick: r.u16(53, 'Minimum Clock Tick'),
  };
}

export interface Fadt {
  kind: 'FADT';
  sciInterrupt: number;
  /** Fixed feature flags (ACPI 2.0+ tables; 0 when the table is too short to have them). */
  flags: number;
  /** Flags bit 19 FORCE_APIC_PHYSICAL_DESTINATION_MODE: x2APIC physical, not cluster, mode. */
  forceApicPhysical: boolean;
}

export function decodeFadt(table: AcpiTable, length: number): Fadt {
  const r = new TableReader(table, length);
  const flags = length >= 116 ? r.u32(112, 'Flags') : 0;
  return {
    kind: 'FADT',
    sciInterrupt: r.u16(46, 'SCI_INT'),
    flags,
    forceApicPhysical: ((flags >>> 19) & 1) === 1,
  };
}

export interface Srat {
  kind: 'SRAT';
  cpus: { offset: number; apicId: number; x2apic: boolean; node: number; enabled: boolean }[];
}

export function decodeSrat(table: AcpiTable, length: number): Srat {
  const r = new TableReader(table, length);
  const srat: Srat = { kind: 'SRAT', cpus: [] };
  for (let at = 48; at < r.end;) {
    const type = r.u8(at, 'subtable Type');
    const len = r.u8(at + 1, 'subtable Length');
    if (len < 2) r.fail(at + 1, `subtable type ${type} has Length ${len}: the walk cannot go on`);
    r.need(at, len, `subtable type ${type} (Length ${len})`);
    if (type === 0) {
      if (len < 16) r.fail(at + 1, `Processor Local APIC Affinity Length ${len}, needs 16`);
      const node =
        r.u8(at + 2, 'Proximity Domain [7:0]') |
        (r.u8(at + 9, 'Proximity Domain [15:8]') << 8) |
        (r.u8(at + 10, 'Proximity Domain [23:16]') << 16) |
        (r.u8(at + 11, 'Proximity Domain [31:24]') << 24);
      srat.cpus.push({
        offset: at,
        apicId: r.u8(at + 3, 'APIC ID'),
        x2apic: false,
        node: node >>> 0,
        enabled: (r.u32(at + 4, 'Flags') & 1) === 1,
      });
    } else if (type === 2) {
      if (len < 24) r.fail(at + 1, `Processor Local x2APIC Affinity Length ${len}, needs 24`);
      srat.cpus.push({
        offset: at,
        apicId: r.u32(at + 8, 'X2APIC ID'),
        x2apic: true,
        node: r.u32(at + 4, 'Proximity Domain'),
        enabled: (r.u32(at + 12, 'Flags') & 1) === 1,
      });
    }
    at += len;
  }
  return srat;
}

export { hex };
