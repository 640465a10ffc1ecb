// ACPI tables out of the forms people have them in: `acpidump` text (several tables, each a
// "SIG @ 0x..." line and "offset: hex bytes  ascii" rows), the "Raw Table Data" listing of an
// `iasl -d` disassembly, and raw binary tables (/sys/firmware/acpi/tables/*, acpixtract's .dat).
import { ImportError } from '../errors';
import { SDT_HEADER_LENGTH, type AcpiTable } from './table';

const TABLE_LINE = /^\s*([A-Za-z0-9_!$]{4}) @ (0x[0-9A-Fa-f]+)\s*$/;
const RAW_DATA_LINE = /^\s*Raw Table Data: Length (\d+)/;
const HEX_ROW = /^\s*([0-9A-Fa-f]{4,8}):((?: [0-9A-Fa-f]{2}){1,16})(?=\s|$)/;

/** Every table of an acpidump / iasl text; empty when the text has none. */
export function readAcpiText(text: string, file: string): AcpiTable[] {
  const tables: AcpiTable[] = [];
  let current: { table: AcpiTable; bytes: number[] } | null = null;
  const close = () => {
    if (!current) return;
    current.table.bytes = Uint8Array.from(current.bytes);
    tables.push(current.table);
    current = null;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    const head = TABLE_LINE.exec(line);
    if (head || RAW_DATA_LINE.test(line)) {
      close();
      current = {
        table: {
          signature: head?.[1] ?? '',
          bytes: new Uint8Array(),
          file,
          line: lineNo,
          rows: [],
          ...(head ? { address: head[2]!.toLowerCase() } : {}),
        },
        bytes: [],
      };
      continue;
    }
    const row = HEX_ROW.exec(line);
    if (!row) {
      // A blank line (or any other text) ends a table's rows in an acpidump file.
      if (current && current.bytes.length > 0 && line.trim() === '') close();
      continue;
    }
    if (!current) {
      if (tables.length === 0 && /^\s*0{4,8}:/.test(line)) {
        // Rows without a "SIG @" line (a single table dumped on its own).
        current = {
          table: { signature: '', bytes: new Uint8Array(), file, line: lineNo, rows: [] },
          bytes: [],
        };
      } else continue;
    }
    const offset = parseInt(row[1]!, 16);
    if (offset !== current.bytes.length)
      throw new ImportError(
        { file, line: lineNo, table: current.table.signature || undefined },
        `row offset ${row[1]} does not follow the 0x${current.bytes.length.toString(16)} bytes before it`,
      );
    current.table.rows!.push({ offset, line: lineNo });
    for (const b of row[2]!.trim().split(' ')) current.bytes.push(parseInt(b, 16));
  }
  close();
  for (const t of tables) {
    const fromBytes = String.fromCharCode(...t.bytes.subarray(0, 4));
    if (t.bytes.length < 4)
      throw new ImportError(
        { file, line: t.line, table: t.signature || undefined, offset: 0 },
        `table of ${t.bytes.length} bytes has no signature`,
      );
    if (t.signature && t.signature !== fromBytes)
      throw new ImportError(
        { file, line: t.line, table: t.signature, offset: 0 },
        `the dump calls this table ${t.signature} but its bytes say ${JSON.stringify(fromBytes)}`,
      );
    t.signature = /^[\x20-\x7e]{4}$/.test(fromBytes) ? fromBytes : t.signature || '????';
  }
  return tables;
}

/** One or more binary tables laid end to end, each sized by its header's Length. */
export function readAcpiBinary(bytes: Uint8Array, file: string): AcpiTable[] {
  const tables: AcpiTable[] = [];
  let at = 0;
  while (at < bytes.length) {
    const left = bytes.length - at;
    const sig = String.fromCharCode(...bytes.subarray(at, at + Math.min(4, left)));
    const base = { file, table: /^[\x20-\x7e]{4}$/.test(sig) ? sig : undefined, offset: at };
    if (left < SDT_HEADER_LENGTH)
      throw new ImportError(
        base,
        `${left} bytes left: an ACPI table header is ${SDT_HEADER_LENGTH}`,
      );
    const length =
      (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>>
      0;
    if (length < SDT_HEADER_LENGTH)
      throw new ImportError(
        { ...base, offset: at + 4 },
        `Length 0x${length.toString(16)} is shorter than the header`,
      );
    if (length > left)
      throw new ImportError(
        { ...base, offset: at + 4 },
        `table truncated: Length says 0x${length.toString(16)} bytes, the file has 0x${left.toString(16)} left`,
      );
    tables.push({ signature: base.table ?? '????', bytes: bytes.slice(at, at + length), file });
    at += length;
  }
  return tables;
}
