// IVRS (AMD-Vi): IVHD blocks (types 0x10, 0x11, 0x40) with their device entries, and IVMD
// memory definitions (linux-irq-model.md §7.3; drivers/iommu/amd/init.c). Entry lengths follow
// ivhd_entry_length(): types below 0x80 are 4 << (type >> 6) bytes, 0xF0 (ACPI HID) is 22 plus
// its UID length.
import { TableReader, hex, type AcpiTable } from './table';

export type IvhdDeviceEntry =
  | { offset: number; type: 'all'; data: number }
  | { offset: number; type: 'select'; devid: number; data: number }
  | { offset: number; type: 'range'; devid: number; last_devid: number; data: number }
  | { offset: number; type: 'alias-select'; devid: number; alias: number; data: number }
  | {
      offset: number;
      type: 'alias-range';
      devid: number;
      last_devid: number;
      alias: number;
      data: number;
    }
  | {
      offset: number;
      type: 'special';
      devid: number;
      data: number;
      variety: 'ioapic' | 'hpet';
      handle: number;
    }
  | { offset: number; type: 'acpi-hid'; devid: number; hid: string; uid: string; data: number };

export interface Ivhd {
  offset: number;
  type: 0x10 | 0x11 | 0x40;
  flags: number;
  devid: number;
  capOffset: number;
  base: string;
  segment: number;
  info: number;
  /** IVHD 0x10: IOMMU feature reporting; 0x11/0x40: IOMMU attributes. */
  feature: number;
  /** EFR register image (types 0x11 and 0x40). */
  efr: string | null;
  /** x2APIC (XT) and guest virtual APIC (GA) support, as Linux reads them from this block. */
  xt: boolean;
  ga: boolean;
  entries: IvhdDeviceEntry[];
}

export interface Ivmd {
  offset: number;
  type: 0x20 | 0x21 | 0x22;
  flags: number;
  devid: number;
  auxData: number;
  startAddress: string;
  length: string;
}

export interface Ivrs {
  kind: 'IVRS';
  ivinfo: number;
  ivhds: Ivhd[];
  ivmds: Ivmd[];
  skipped: { type: number; length: number; offset: number }[];
  notes: string[];
}

// Bit positions as drivers/iommu/amd/amd_iommu_types.h names them: IVHD 0x10 feature info
// XTSup bit 0, GASup bit 6; EFR XTSup bit 2, GASup bit 7.
const FEAT_XTSUP = 0;
const FEAT_GASUP = 6;
const EFR_XTSUP = 2n;
const EFR_GASUP = 7n;

function deviceEntries(
  r: TableReader,
  from: number,
  to: number,
  notes: string[],
): IvhdDeviceEntry[] {
  const out: IvhdDeviceEntry[] = [];
  let rangeStart: { offset: number; devid: number; data: number; alias?: number } | null = null;
  for (let at = from; at < to;) {
    const type = r.u8(at, 'device entry Type');
    let len: number;
    if (type < 0x80) len = 4 << (type >> 6);
    else if (type === 0xf0) len = 22 + r.u8(at + 21, 'ACPI HID UID Length');
    else
      r.fail(
        at,
        `device entry type 0x${type.toString(16)} has no known length: the walk cannot go on`,
      );
    if (at + len > to)
      r.fail(at, `device entry type 0x${type.toString(16)} (${len} bytes) runs past its IVHD`);
    const devid = () => r.u16(at + 1, 'DeviceID');
    const data = () => r.u8(at + 3, 'Data Setting');
    switch (type) {
      case 0x00:
        break;
      case 0x01:
        out.push({ offset: at, type: 'all', data: data() });
        break;
      case 0x02:
      case 0x46:
        out.push({ offset: at, type: 'select', devid: devid(), data: data() });
        break;
      case 0x03:
      case 0x47:
        rangeStart = { offset: at, devid: devid(), data: data() };
        break;
      case 0x42:
        out.push({
          offset: at,
          type: 'alias-select',
          devid: devid(),
          data: data(),
          alias: r.u16(at + 5, 'Alias DeviceID'),
        });
        break;
      case 0x43:
        rangeStart = {
          offset: at,
          devid: devid(),
          data: data(),
          alias: r.u16(at + 5, 'Alias DeviceID'),
        };
        break;
      case 0x04: {
        if (!rangeStart) {
          notes.push(`range end at ${hex(at)} without a range start`);
          break;
        }
        const last = devid();
        if (rangeStart.alias !== undefined)
          out.push({
            offset: rangeStart.offset,
            type: 'alias-range',
            devid: rangeStart.devid,
            last_devid: last,
            alias: rangeStart.alias,
            data: rangeStart.data,
          });
        else
          out.push({
            offset: rangeStart.offset,
            type: 'range',
            devid: rangeStart.devid,
            last_devid: last,
            data: rangeStart.data,
          });
        rangeStart = null;
        break;
      }
      case 0x48: {
        const variety = r.u8(at + 7, 'Special device Variety');
        if (variety !== 1 && variety !== 2) {
          notes.push(
            `special device at ${hex(at)} has variety ${variety} (1 IOAPIC, 2 HPET): skipped`,
          );
          break;
        }
        out.push({
          offset: at,
          type: 'special',
          data: data(),
          handle: r.u8(at + 4, 'Handle'),
          devid: r.u16(at + 5, 'Special DeviceID'),
          variety: variety === 1 ? 'ioapic' : 'hpet',
        });
        break;
      }
      case 0xf0: {
        const uidLen = r.u8(at + 21, 'UID Length');
        const uidFormat = r.u8(at + 20, 'UID Format');
        let uid = '';
        if (uidFormat === 1 && uidLen === 8) uid = String(r.u64(at + 22, 'UID'));
        else if (uidLen > 0) uid = r.ascii(at + 22, uidLen, 'UID');
        out.push({
          offset: at,
          type: 'acpi-hid',
          devid: devid(),
          data: data(),
          hid: r.ascii(at + 4, 8, 'Hardware ID'),
          uid,
        });
        break;
      }
      default:
        if (type >= 0x80)
          notes.push(`device entry type 0x${type.toString(16)} at ${hex(at)} skipped`);
    }
    at += len;
  }
  return out;
}

export function decodeIvrs(table: AcpiTable, length: number): Ivrs {
  const r = new TableReader(table, length);
  const ivrs: Ivrs = {
    kind: 'IVRS',
    ivinfo: r.u32(36, 'IVinfo'),
    ivhds: [],
    ivmds: [],
    skipped: [],
    notes: [],
  };
  r.need(40, 8, 'Reserved');
  for (let at = 48; at < r.end;) {
    const type = r.u8(at, 'block Type');
    const len = r.u16(at + 2, 'block Length');
    if (len < 4)
      r.fail(at + 2, `block type 0x${type.toString(16)} has Length ${len}: the walk cannot go on`);
    r.need(at, len, `block type 0x${type.toString(16)} (Length ${len})`);
    if (type === 0x10 || type === 0x11 || type === 0x40) {
      const header = type === 0x10 ? 24 : 40;
      if (len < header)
        r.fail(
          at + 2,
          `IVHD type 0x${type.toString(16)} Length ${len}, its header alone is ${header}`,
        );
      const feature = r.u32(at + 20, 'IOMMU Feature Info');
      const efr = type === 0x10 ? null : r.u64(at + 24, 'EFR Register Image');
      ivrs.ivhds.push({
        offset: at,
        type,
        flags: r.u8(at + 1, 'IVHD Flags'),
        devid: r.u16(at + 4, 'IOMMU DeviceID'),
        capOffset: r.u16(at + 6, 'Capability Offset'),
        base: hex(r.u64(at + 8, 'IOMMU Base Address')),
        segment: r.u16(at + 16, 'PCI Segment Group'),
        info: r.u16(at + 18, 'IOMMU Info'),
        feature,
        efr: efr === null ? null : hex(efr),
        xt: efr === null ? ((feature >> FEAT_XTSUP) & 1) === 1 : ((efr >> EFR_XTSUP) & 1n) === 1n,
        ga: efr === null ? ((feature >> FEAT_GASUP) & 1) === 1 : ((efr >> EFR_GASUP) & 1n) === 1n,
        entries: deviceEntries(r, at + header, at + len, ivrs.notes),
      });
    } else if (type === 0x20 || type === 0x21 || type === 0x22) {
      if (len < 32) r.fail(at + 2, `IVMD Length ${len}, needs 32`);
      ivrs.ivmds.push({
        offset: at,
        type,
        flags: r.u8(at + 1, 'IVMD Flags'),
        devid: r.u16(at + 4, 'DeviceID'),
        auxData: r.u16(at + 6, 'Auxiliary Data'),
        startAddress: hex(r.u64(at + 16, 'IVMD Start Address')),
        length: hex(r.u64(at + 24, 'IVMD Memory Block Length')),
      });
    } else {
      ivrs.skipped.push({ type, length: len, offset: at });
    }
    at += len;
  }
  return ivrs;
}
