// MADT ("APIC"): local APIC / x2APIC entries (the CPUs), IOAPICs, interrupt source overrides, NMI
// wiring (ACPI 6.x, linux-irq-model.md §7.1). Subtables of types this importer does not use are
// walked over by their Length, as Linux does.
import { TableReader, hex, type AcpiTable } from './table';

export type MpsPolarity = 'conforms' | 'high' | 'reserved' | 'low';
export type MpsTrigger = 'conforms' | 'edge' | 'reserved' | 'level';

/** MPS INTI flags: bits 1:0 polarity, bits 3:2 trigger. */
export function mpsInti(flags: number): { polarity: MpsPolarity; trigger: MpsTrigger } {
  const pol: MpsPolarity[] = ['conforms', 'high', 'reserved', 'low'];
  const trg: MpsTrigger[] = ['conforms', 'edge', 'reserved', 'level'];
  return { polarity: pol[flags & 3]!, trigger: trg[(flags >> 2) & 3]! };
}

export interface MadtLapic {
  offset: number;
  x2apic: boolean;
  uid: number;
  apicId: number;
  enabled: boolean;
  onlineCapable: boolean;
}
export interface MadtIoapic {
  offset: number;
  id: number;
  address: string;
  gsiBase: number;
}
export interface MadtOverride {
  offset: number;
  bus: number;
  source: number;
  gsi: number;
  flags: number;
  polarity: MpsPolarity;
  trigger: MpsTrigger;
}
export interface MadtNmi {
  offset: number;
  x2apic: boolean;
  uid: number;
  flags: number;
  lint: number;
}
export interface Madt {
  kind: 'MADT';
  localApicAddress: string;
  pcatCompat: boolean;
  cpus: MadtLapic[];
  ioapics: MadtIoapic[];
  overrides: MadtOverride[];
  nmiSources: { offset: number; flags: number; gsi: number }[];
  localNmis: MadtNmi[];
  localApicAddressOverride: string | null;
  /** Subtables walked over: type, length, offset. */
  skipped: { type: number; length: number; offset: number }[];
}

const MIN_LENGTH: Record<number, [string, number]> = {
  0: ['Processor Local APIC', 8],
  1: ['I/O APIC', 12],
  2: ['Interrupt Source Override', 10],
  3: ['NMI Source', 8],
  4: ['Local APIC NMI', 6],
  5: ['Local APIC Address Override', 12],
  9: ['Processor Local x2APIC', 16],
  10: ['Local x2APIC NMI', 12],
};

export function decodeMadt(table: AcpiTable, length: number): Madt {
  const r = new TableReader(table, length);
  const madt: Madt = {
    kind: 'MADT',
    localApicAddress: hex(r.u32(36, 'Local Interrupt Controller Address')),
    pcatCompat: (r.u32(40, 'Flags') & 1) === 1,
    cpus: [],
    ioapics: [],
    overrides: [],
    nmiSources: [],
    localNmis: [],
    localApicAddressOverride: null,
    skipped: [],
  };
  for (let at = 44; at < r.end;) {
    const type = r.u8(at, 'subtable Type');
    const len = r.u8(at + 1, 'subtable Length');
    if (len < 2) r.fail(at + 1, `subtable type ${type} has Length ${len}: the walk cannot go on`);
    r.need(at, len, `subtable type ${type} (Length ${len})`);
    const known = MIN_LENGTH[type];
    if (known && len < known[1])
      r.fail(at + 1, `${known[0]} subtable has Length ${len}, needs at least ${known[1]}`);
    switch (type) {
      case 0: {
        const flags = r.u32(at + 4, 'Local APIC Flags');
        madt.cpus.push({
          offset: at,
          x2apic: false,
          uid: r.u8(at + 2, 'ACPI Processor UID'),
          apicId: r.u8(at + 3, 'APIC ID'),
          enabled: (flags & 1) === 1,
          onlineCapable: (flags & 2) === 2,
        });
        break;
      }
      case 1:
        madt.ioapics.push({
          offset: at,
          id: r.u8(at + 2, 'I/O APIC ID'),
          address: hex(r.u32(at + 4, 'I/O APIC Address')),
          gsiBase: r.u32(at + 8, 'Global System Interrupt Base'),
        });
        break;
      case 2: {
        const flags = r.u16(at + 8, 'MPS INTI Flags');
        madt.overrides.push({
          offset: at,
          bus: r.u8(at + 2, 'Bus'),
          source: r.u8(at + 3, 'Source'),
          gsi: r.u32(at + 4, 'Global System Interrupt'),
          flags,
          ...mpsInti(flags),
        });
        break;
      }
      case 3:
        madt.nmiSources.push({
          offset: at,
          flags: r.u16(at + 2, 'NMI Source Flags'),
          gsi: r.u32(at + 4, 'Global System Interrupt'),
        });
        break;
      case 4:
        madt.localNmis.push({
          offset: at,
          x2apic: false,
          uid: r.u8(at + 2, 'ACPI Processor UID'),
          flags: r.u16(at + 3, 'Local APIC NMI Flags'),
          lint: r.u8(at + 5, 'Local APIC LINT#'),
        });
        break;
      case 5:
        madt.localApicAddressOverride = hex(r.u64(at + 4, 'Local APIC Address'));
        break;
      case 9: {
        const flags = r.u32(at + 8, 'x2APIC Flags');
        madt.cpus.push({
          offset: at,
          x2apic: true,
          apicId: r.u32(at + 4, 'X2APIC ID'),
          enabled: (flags & 1) === 1,
          onlineCapable: (flags & 2) === 2,
          uid: r.u32(at + 12, 'ACPI Processor UID'),
        });
        break;
      }
      case 10:
        madt.localNmis.push({
          offset: at,
          x2apic: true,
          flags: r.u16(at + 2, 'x2APIC NMI Flags'),
          uid: r.u32(at + 4, 'ACPI Processor UID'),
          lint: r.u8(at + 8, 'Local x2APIC LINT#'),
        });
        break;
      default:
        madt.skipped.push({ type, length: len, offset: at });
    }
    at += len;
  }
  return madt;
}
