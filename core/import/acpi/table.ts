// One ACPI table as bytes, wherever it came from (an acpidump text block, the raw data of an
// `iasl -d` listing, a binary .dat), and a reader that checks every access against the table's
// bounds. Errors name the table, the byte offset, and (for text dumps) the line.
import { ImportError, type SourceLocation } from '../errors';

export interface AcpiTable {
  signature: string;
  bytes: Uint8Array;
  file: string;
  /** Physical address from the dump's "SIG @ 0x..." line, when it has one. */
  address?: string;
  /** Line of the table's header line in a text dump. */
  line?: number;
  /** For text dumps: the byte offset each hex row starts at, and its line, to locate offsets. */
  rows?: { offset: number; line: number }[];
}

export function locate(table: AcpiTable, offset: number): SourceLocation {
  const at: SourceLocation = { file: table.file, table: table.signature, offset };
  const rows = table.rows;
  if (rows && rows.length > 0) {
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rows[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    at.line = rows[lo]!.line;
  }
  return at;
}

/** Little-endian reads, each checked against `end` (the table's declared length). */
export class TableReader {
  readonly end: number;
  constructor(
    readonly table: AcpiTable,
    end?: number,
  ) {
    this.end = Math.min(end ?? table.bytes.length, table.bytes.length);
  }

  fail(offset: number, what: string): never {
    throw new ImportError(locate(this.table, offset), what);
  }

  need(offset: number, size: number, field: string): void {
    if (offset < 0 || offset + size > this.end)
      this.fail(
        offset,
        `${field} runs past the end of the table (length 0x${this.end.toString(16)})`,
      );
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.table.bytes[offset]!;
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    const b = this.table.bytes;
    return b[offset]! | (b[offset + 1]! << 8);
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    const b = this.table.bytes;
    return (
      (b[offset]! | (b[offset + 1]! << 8) | (b[offset + 2]! << 16) | (b[offset + 3]! << 24)) >>> 0
    );
  }

  u64(offset: number, field: string): bigint {
    this.need(offset, 8, field);
    const lo = BigInt(this.u32(offset, field));
    const hi = BigInt(this.u32(offset + 4, field));
    return (hi << 32n) | lo;
  }

  ascii(offset: number, length: number, field: string): string {
    this.need(offset, length, field);
    let s = '';
    for (let i = 0; i < length; i++) {
      const c = this.table.bytes[offset + i]!;
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0 ? '' : '?';
    }
    return s;
  }
}

export const hex = (n: number | bigint) => `0x${n.toString(16)}`;

/** The 36-byte System Description Table header every ACPI table starts with. */
export interface SdtHeader {
  signature: string;
  length: number;
  revision: number;
  checksum: number;
  oemId: string;
  oemTableId: string;
  oemRevision: number;
  creatorId: string;
  creatorRevision: number;
  /** The 8-bit sum of all `length` bytes: 0 for a valid table. */
  checksumOk: boolean;
}

export const SDT_HEADER_LENGTH = 36;

export function readSdtHeader(table: AcpiTable): SdtHeader {
  const r = new TableReader(table);
  if (table.bytes.length < SDT_HEADER_LENGTH)
    r.fail(0, `only ${table.bytes.length} bytes: an ACPI table header is 36`);
  const length = r.u32(4, 'Length');
  if (length < SDT_HEADER_LENGTH)
    r.fail(4, `Length 0x${length.toString(16)} is shorter than the 36-byte header`);
  if (length > table.bytes.length)
    r.fail(
      table.bytes.length,
      `table truncated: Length says 0x${length.toString(16)} bytes, the dump has 0x${table.bytes.length.toString(16)}`,
    );
  let sum = 0;
  for (let i = 0; i < length; i++) sum = (sum + table.bytes[i]!) & 0xff;
  return {
    signature: r.ascii(0, 4, 'Signature'),
    length,
    revision: r.u8(8, 'Revision'),
    checksum: r.u8(9, 'Checksum'),
    oemId: r.ascii(10, 6, 'OEM ID').trimEnd(),
    oemTableId: r.ascii(16, 8, 'OEM Table ID').trimEnd(),
    oemRevision: r.u32(24, 'OEM Revision'),
    creatorId: r.ascii(28, 4, 'Creator ID').trimEnd(),
    creatorRevision: r.u32(32, 'Creator Revision'),
    checksumOk: sum === 0,
  };
}
