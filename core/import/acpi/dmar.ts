// DMAR (Intel VT-d): the header flags and every remapping structure with its device scopes
// (linux-irq-model.md §7.2, include/acpi/actbl1.h). Walked as dmar_walk_remapping_entries()
// does: reserved structure types are skipped, a zero Length stops the walk, a structure running
// past the table end is an error.
import { TableReader, hex, type AcpiTable } from './table';

export const DMAR_SCOPE_TYPES = {
  1: 'endpoint',
  2: 'bridge',
  3: 'ioapic',
  4: 'hpet',
  5: 'namespace',
} as const;
export type DmarScopeType = (typeof DMAR_SCOPE_TYPES)[keyof typeof DMAR_SCOPE_TYPES];

export interface DmarScope {
  offset: number;
  type: DmarScopeType;
  flags: number;
  enumerationId: number;
  bus: number;
  path: [number, number][];
}
export interface DmarDrhd {
  offset: number;
  flags: number;
  includePciAll: boolean;
  size: number;
  segment: number;
  registerBase: string;
  scopes: DmarScope[];
}
export interface DmarRmrr {
  offset: number;
  segment: number;
  base: string;
  end: string;
  scopes: DmarScope[];
}
export interface DmarAtsr {
  offset: number;
  flags: number;
  allPorts: boolean;
  segment: number;
  scopes: DmarScope[];
}
export interface DmarRhsa {
  offset: number;
  registerBase: string;
  proximityDomain: number;
}
export interface DmarAndd {
  offset: number;
  deviceNumber: number;
  name: string;
}
export interface DmarSatc {
  offset: number;
  flags: number;
  atcRequired: boolean;
  segment: number;
  scopes: DmarScope[];
}
export interface Dmar {
  kind: 'DMAR';
  /** The width itself (the table stores width - 1). */
  hostAddressWidth: number;
  flags: number;
  intrRemap: boolean;
  x2apicOptOut: boolean;
  dmaCtrlPlatformOptIn: boolean;
  drhds: DmarDrhd[];
  rmrrs: DmarRmrr[];
  atsrs: DmarAtsr[];
  rhsas: DmarRhsa[];
  andds: DmarAndd[];
  satcs: DmarSatc[];
  skipped: { type: number; length: number; offset: number }[];
  /** What Linux would warn about (unsupported scope types, a zero-length structure). */
  notes: string[];
}

const NAMES = ['DRHD', 'RMRR', 'ATSR', 'RHSA', 'ANDD', 'SATC', 'SIDP'];
const MIN_LENGTH = [16, 24, 8, 20, 8, 8, 8];

function scopes(
  r: TableReader,
  from: number,
  to: number,
  owner: string,
  notes: string[],
): DmarScope[] {
  const out: DmarScope[] = [];
  for (let at = from; at < to;) {
    const type = r.u8(at, `${owner} device scope Type`);
    const len = r.u8(at + 1, `${owner} device scope Length`);
    if (len < 6) r.fail(at + 1, `${owner} device scope Length ${len} is below the 6-byte minimum`);
    if ((len - 6) % 2 !== 0)
      r.fail(
        at + 1,
        `${owner} device scope Length ${len}: the path is not whole {device, function} pairs`,
      );
    if (at + len > to) r.fail(at, `${owner} device scope (Length ${len}) runs past its structure`);
    const name = DMAR_SCOPE_TYPES[type as keyof typeof DMAR_SCOPE_TYPES];
    if (!name) {
      notes.push(`${owner}: Unsupported device scope type ${type} at offset ${hex(at)}`);
    } else {
      const path: [number, number][] = [];
      for (let p = at + 6; p < at + len; p += 2) {
        const dev = r.u8(p, 'path Device');
        const fn = r.u8(p + 1, 'path Function');
        if (dev > 31 || fn > 7)
          r.fail(p, `${owner} scope path entry ${dev}.${fn}: device > 31 or function > 7`);
        path.push([dev, fn]);
      }
      out.push({
        offset: at,
        type: name,
        flags: r.u8(at + 2, 'scope Flags'),
        enumerationId: r.u8(at + 4, 'Enumeration ID'),
        bus: r.u8(at + 5, 'Start Bus Number'),
        path,
      });
    }
    at += len;
  }
  return out;
}

export function decodeDmar(table: AcpiTable, length: number): Dmar {
  const r = new TableReader(table, length);
  const flags = r.u8(37, 'Flags');
  const dmar: Dmar = {
    kind: 'DMAR',
    hostAddressWidth: r.u8(36, 'Host Address Width') + 1,
    flags,
    intrRemap: (flags & 1) !== 0,
    x2apicOptOut: (flags & 2) !== 0,
    dmaCtrlPlatformOptIn: (flags & 4) !== 0,
    drhds: [],
    rmrrs: [],
    atsrs: [],
    rhsas: [],
    andds: [],
    satcs: [],
    skipped: [],
    notes: [],
  };
  r.need(38, 10, 'Reserved');
  for (let at = 48; at < r.end;) {
    const type = r.u16(at, 'structure Type');
    const len = r.u16(at + 2, 'structure Length');
    if (len === 0) {
      dmar.notes.push(
        `structure at offset ${hex(at)} has Length 0: the walk stops here, as Linux's does`,
      );
      break;
    }
    const name = NAMES[type] ?? `type ${type}`;
    if (len < 4) r.fail(at + 2, `${name} Length ${len} is shorter than its own header`);
    r.need(at, len, `${name} structure (Length ${len})`);
    const min = MIN_LENGTH[type];
    if (min !== undefined && len < min)
      r.fail(at + 2, `${name} Length ${len}, needs at least ${min}`);
    const end = at + len;
    const own = `${name} at ${hex(at)}`;
    switch (type) {
      case 0: {
        const f = r.u8(at + 4, 'DRHD Flags');
        dmar.drhds.push({
          offset: at,
          flags: f,
          includePciAll: (f & 1) !== 0,
          size: r.u8(at + 5, 'DRHD Size'),
          segment: r.u16(at + 6, 'Segment Number'),
          registerBase: hex(r.u64(at + 8, 'Register Base Address')),
          scopes: scopes(r, at + 16, end, own, dmar.notes),
        });
        break;
      }
      case 1:
        dmar.rmrrs.push({
          offset: at,
          segment: r.u16(at + 6, 'Segment Number'),
          base: hex(r.u64(at + 8, 'Reserved Memory Region Base Address')),
          end: hex(r.u64(at + 16, 'Reserved Memory Region Limit Address')),
          scopes: scopes(r, at + 24, end, own, dmar.notes),
        });
        break;
      case 2: {
        const f = r.u8(at + 4, 'ATSR Flags');
        dmar.atsrs.push({
          offset: at,
          flags: f,
          allPorts: (f & 1) !== 0,
          segment: r.u16(at + 6, 'Segment Number'),
          scopes: scopes(r, at + 8, end, own, dmar.notes),
        });
        break;
      }
      case 3:
        dmar.rhsas.push({
          offset: at,
          registerBase: hex(r.u64(at + 8, 'Register Base Address')),
          proximityDomain: r.u32(at + 16, 'Proximity Domain'),
        });
        break;
      case 4:
        dmar.andds.push({
          offset: at,
          deviceNumber: r.u8(at + 7, 'ACPI Device Number'),
          name: r.ascii(at + 8, len - 8, 'ACPI Object Name'),
        });
        break;
      case 5: {
        const f = r.u8(at + 4, 'SATC Flags');
        dmar.satcs.push({
          offset: at,
          flags: f,
          atcRequired: (f & 1) !== 0,
          segment: r.u16(at + 6, 'Segment Number'),
          scopes: scopes(r, at + 8, end, own, dmar.notes),
        });
        break;
      }
      default:
        // SIDP (6) and types reserved for the future carry nothing interrupt remapping uses.
        dmar.skipped.push({ type, length: len, offset: at });
    }
    at = end;
  }
  return dmar;
}
