// Trace events stored in blocks (schema version 2, migrations/0002_event_blocks.sql): one
// event_blocks row holds up to BLOCK_EVENTS consecutive events of a run, column by column, each
// column at the narrowest width that holds all of its values in that block. Writing a block is one
// row and one blob for SQLite instead of thousands of rows; reading a page decodes one block.
//
// Blob layout (little-endian):
//   byte 0          format: BLOCK_FORMAT, or CONVERTED_BLOCK_FORMAT
//   bytes 1..11     width code of each column, in BLOCK_COLUMNS order (see Width)
//   bytes 12..15    CRC-32 of the blob (computed with these four bytes zero); zero in converted
//                   blocks. SQLite checks the pages it reads, not what a blob holds: the CRC does.
//   then each column's values (count of them, from event_blocks.count), padded to 8 bytes.
// migrations/0002_event_blocks.sql builds the same layout in SQL from version-1 rows (format 1,
// no CRC, fixed widths: int8 kind, int64 arguments, int32 for the rest): keep the two in step.
import { crc32 } from 'node:zlib';
import type { TraceChunk } from '../trace/events';

export const BLOCK_FORMAT = 2;
/** Blocks made by the migration from version-1 rows: same layout, no CRC. */
export const CONVERTED_BLOCK_FORMAT = 1;
const NO_CRC = new Uint8Array(4);
export const BLOCK_EVENTS = 4096;
const HEADER_BYTES = 16;

/** Stored columns: those of core/trace's chunk, then `dev` (the device context, see RunWriter). */
export const BLOCK_COLUMNS = [
  'kind',
  'depth',
  'fn',
  'irq',
  'cpu',
  'a0',
  'a1',
  'a2',
  'a3',
  'text',
  'dev',
] as const;
export type BlockColumn = (typeof BLOCK_COLUMNS)[number];

/** Width codes (int64 only in blocks converted from version 1 by the migration). */
export const Width = {
  zero: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  float64: 4,
  int64: 5,
  uint32: 6,
} as const;
type WidthCode = (typeof Width)[keyof typeof Width];
const BYTES: Record<WidthCode, number> = { 0: 0, 1: 1, 2: 2, 3: 4, 4: 8, 5: 8, 6: 4 };

/** Where a column's values come from when encoding: a typed array and its window. */
export type ColumnSource = ArrayLike<number> & {
  subarray(begin: number, end: number): ArrayLike<number>;
};

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * The width of integer values from two ORs over them: `any` of the values (zero when all are) and
 * `magnitude` of each value's |v| - (v < 0) (v ^ (v >> 31)): below 0x80 every value fits int8,
 * below 0x8000 int16. An OR is a cheaper loop than a minimum and a maximum.
 */
function widthOfBits(any: number, magnitude: number): WidthCode {
  if (any === 0) return Width.zero;
  if (magnitude < 0x80) return Width.int8;
  if (magnitude < 0x8000) return Width.int16;
  return Width.int32;
}

// One scan per array type: each stays monomorphic (a single scan over the five column types was
// megamorphic, and the slowest part of encoding).
function widthOfUint8(values: Uint8Array, from: number, to: number): WidthCode {
  let bits = 0;
  for (let i = from; i < to; i++) bits |= values[i]!;
  return widthOfBits(bits, bits);
}

function widthOfUint16(values: Uint16Array, from: number, to: number): WidthCode {
  let bits = 0;
  for (let i = from; i < to; i++) bits |= values[i]!;
  return widthOfBits(bits, bits);
}

function widthOfUint32(values: Uint32Array, from: number, to: number): WidthCode {
  let bits = 0;
  for (let i = from; i < to; i++) bits |= values[i]!;
  // Past int32 (the top bit set: negative as an int32 OR): uint32, as addresses in hex arguments.
  return bits < 0 ? Width.uint32 : widthOfBits(bits, bits);
}

function widthOfInt32(values: Int32Array, from: number, to: number): WidthCode {
  let any = 0;
  let magnitude = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    any |= v;
    magnitude |= v ^ (v >> 31);
  }
  return widthOfBits(any, magnitude);
}

/**
 * An argument column (float64 in the chunk) into `out[0, to - from)` as int32, read once, and
 * its width: float64 when a value is not an integer of int32 or uint32 range (`out` unused),
 * else `out` holds the values (a uint32's bits are those of its int32 wrap-around). One pass
 * instead of a scan and a converting copy from float64 (a large boot has 18 million arguments).
 */
function encodeArgument(
  values: Float64Array,
  from: number,
  to: number,
  out: Int32Array,
): WidthCode {
  let any = 0;
  let magnitude = 0; // see widthOfBits
  let wide = false;
  for (let i = from, k = 0; i < to; i++, k++) {
    const v = values[i]!;
    const s = v | 0;
    out[k] = s;
    if (s === v) {
      any |= s;
      magnitude |= s ^ (s >> 31);
    } else wide = true;
  }
  if (wide) {
    // Fractions and NaN (which equals nothing), negatives beside values past int32, and values
    // past uint32 need float64.
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 0xffffffff && v === Math.trunc(v))) return Width.float64;
    }
    return Width.uint32; // addresses and MSI data in hex arguments
  }
  return widthOfBits(any, magnitude);
}

/**
 * Encodes events [from, to) of a chunk (plus their device column, or null when every event's
 * device is 0: none) into a reusable scratch.
 */
export class BlockEncoder {
  private scratch = new ArrayBuffer(HEADER_BYTES + BLOCK_COLUMNS.length * (BLOCK_EVENTS * 8 + 8));
  private argument = new Int32Array(BLOCK_EVENTS);

  encode(chunk: TraceChunk, dev: Int32Array | null, from: number, to: number): Uint8Array {
    const n = to - from;
    const need = HEADER_BYTES + BLOCK_COLUMNS.length * pad8(n * 8);
    if (need > this.scratch.byteLength) this.scratch = new ArrayBuffer(need);
    if (n > this.argument.length) this.argument = new Int32Array(n);
    const buf = this.scratch;
    const header = new Uint8Array(buf, 0, HEADER_BYTES);
    header.fill(0);
    header[0] = BLOCK_FORMAT;
    let offset = HEADER_BYTES;
    for (let c = 0; c < BLOCK_COLUMNS.length; c++) {
      const name = BLOCK_COLUMNS[c]!;
      let code: WidthCode;
      let values: ArrayLike<number>;
      switch (name) {
        case 'kind':
          code = widthOfUint8(chunk.kind, from, to);
          values = chunk.kind.subarray(from, to);
          break;
        case 'depth':
          code = widthOfUint16(chunk.depth, from, to);
          values = chunk.depth.subarray(from, to);
          break;
        case 'fn':
        case 'text':
          code = widthOfUint32(chunk[name], from, to);
          values = chunk[name].subarray(from, to);
          break;
        case 'irq':
        case 'cpu':
          code = widthOfInt32(chunk[name], from, to);
          values = chunk[name].subarray(from, to);
          break;
        case 'dev':
          code = dev === null ? Width.zero : widthOfInt32(dev, 0, n);
          values = dev === null ? [] : dev.subarray(0, n);
          break;
        default:
          code = encodeArgument(chunk[name], from, to, this.argument);
          values =
            code === Width.float64 ? chunk[name].subarray(from, to) : this.argument.subarray(0, n);
      }
      header[1 + c] = code;
      const bytes = BYTES[code] * n;
      switch (code) {
        case Width.zero:
          break;
        case Width.int8:
          new Int8Array(buf, offset, n).set(values);
          break;
        case Width.int16:
          new Int16Array(buf, offset, n).set(values);
          break;
        case Width.int32:
          new Int32Array(buf, offset, n).set(values);
          break;
        case Width.uint32:
          new Uint32Array(buf, offset, n).set(values);
          break;
        default:
          new Float64Array(buf, offset, n).set(values);
      }
      if (bytes !== pad8(bytes)) new Uint8Array(buf, offset + bytes, pad8(bytes) - bytes).fill(0);
      offset += pad8(bytes);
    }
    const blob = new Uint8Array(buf, 0, offset);
    new DataView(buf).setUint32(12, crc32(blob), true);
    return blob;
  }
}

/** Shared by every all-zero column (decoded blocks are read, never written). */
const ZEROS = new Int32Array(BLOCK_EVENTS);

/** A block's events, column by column. */
export interface DecodedBlock {
  readonly firstSeq: number;
  readonly count: number;
  readonly columns: Readonly<Record<BlockColumn, Int32Array | Float64Array>>;
}

/** Why a block could not be read (the session store turns it into a SessionError). */
export class BlockFormatError extends Error {}

/**
 * Why a block's header does not fit its row, or null: the count must be 1..BLOCK_EVENTS and the
 * blob exactly as long as the header's column widths make that many events (a count is never
 * believed on its own: the blob's length is what was written). `head` is the blob's first 16 bytes.
 */
export function decodeBlockHeader(
  firstSeq: number,
  count: unknown,
  head: Uint8Array,
  length: number,
): string | null {
  const format = head[0];
  if (length < HEADER_BYTES || (format !== BLOCK_FORMAT && format !== CONVERTED_BLOCK_FORMAT))
    return `block at step ${firstSeq}: unknown block format ${format ?? '(empty)'}`;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > BLOCK_EVENTS)
    return `block at step ${firstSeq}: event count ${String(count)} is not 1..${BLOCK_EVENTS}`;
  let expected = HEADER_BYTES;
  for (let c = 0; c < BLOCK_COLUMNS.length; c++) {
    const width = BYTES[head[1 + c] as WidthCode];
    if (width === undefined) return `block at step ${firstSeq}: unknown width code ${head[1 + c]}`;
    expected += pad8(width * count);
  }
  if (expected !== length)
    return `block at step ${firstSeq}: ${length} bytes, but ${count} events of its widths take ${expected}`;
  return null;
}

/** Decodes a stored block. Checks the layout against the row's event count. */
export function decodeBlock(firstSeq: number, count: number, data: Uint8Array): DecodedBlock {
  const problem = decodeBlockHeader(
    firstSeq,
    count,
    data.subarray(0, HEADER_BYTES),
    data.byteLength,
  );
  if (problem) throw new BlockFormatError(problem);
  const format = data[0];
  if (format === BLOCK_FORMAT) {
    const stored = new DataView(data.buffer, data.byteOffset, HEADER_BYTES).getUint32(12, true);
    const actual = crc32(data.subarray(HEADER_BYTES), crc32(NO_CRC, crc32(data.subarray(0, 12))));
    if (stored !== actual)
      throw new BlockFormatError(
        `block at step ${firstSeq}: checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`,
      );
  }
  // Typed-array views need aligned offsets; copy a blob that does not start on 8 bytes.
  const bytes = data.byteOffset % 8 === 0 ? data : data.slice();
  const buf = bytes.buffer;
  let offset = bytes.byteOffset + HEADER_BYTES;
  const end = bytes.byteOffset + bytes.byteLength;
  const columns = {} as Record<BlockColumn, Int32Array | Float64Array>;
  for (let c = 0; c < BLOCK_COLUMNS.length; c++) {
    const code = bytes[1 + c] as WidthCode;
    const width = BYTES[code];
    if (width === undefined)
      throw new BlockFormatError(`block at step ${firstSeq}: unknown width code ${code}`);
    const size = pad8(width * count);
    if (offset + size > end)
      throw new BlockFormatError(
        `block at step ${firstSeq}: ${bytes.byteLength} bytes, too short for ${count} events`,
      );
    // Integer columns are decoded to Int32Array, the others to Float64Array: code that reads
    // blocks sees two array types only (mixed typed-array types make each access site
    // megamorphic), and integers stay small integers in the objects built from them (a double
    // read from a Float64Array would be boxed in every row made of it).
    let column: Int32Array | Float64Array;
    switch (code) {
      case Width.zero:
        column = ZEROS.length >= count ? ZEROS.subarray(0, count) : new Int32Array(count);
        break;
      case Width.int8:
        column = Int32Array.from(new Int8Array(buf, offset, count));
        break;
      case Width.int16:
        column = Int32Array.from(new Int16Array(buf, offset, count));
        break;
      case Width.int32:
        column = new Int32Array(buf, offset, count);
        break;
      case Width.uint32:
        column = Float64Array.from(new Uint32Array(buf, offset, count));
        break;
      case Width.float64:
        column = new Float64Array(buf, offset, count);
        break;
      case Width.int64: {
        const words = new Int32Array(buf, offset, count * 2);
        column = new Float64Array(count);
        for (let i = 0; i < count; i++)
          column[i] = words[2 * i + 1]! * 2 ** 32 + (words[2 * i]! >>> 0);
        break;
      }
    }
    columns[BLOCK_COLUMNS[c]!] = column;
    offset += size;
  }
  return { firstSeq, count, columns };
}

/**
 * Posting lists: which blocks hold a value of a column. Blocks are taken in groups of up to
 * GROUP_BLOCKS consecutive blocks (a committed chunk is one or more groups); values in buckets
 * (value >> POSTING_BUCKET_BITS[key]). One event_postings row per group and bucket:
 *   uint32 n, then the first steps of the group's n blocks (uint32 each),
 *   then per value of the bucket that occurs in the group, in value order: uint32 value and a
 *   uint32 bit mask of the blocks that hold it (bit k = the group's block k).
 * So a chunk that touches 10,000 distinct irqs adds ~160 rows of a few KiB, and a CPU present in
 * every block costs 8 bytes per chunk, not 8 per block.
 */
export const POSTING_KEYS = ['irq', 'cpu', 'fn', 'kind', 'dev'] as const;
export type PostingKey = (typeof POSTING_KEYS)[number];
export const POSTING_BUCKET_BITS: Record<PostingKey, number> = {
  irq: 6,
  cpu: 4,
  fn: 0,
  kind: 0,
  dev: 6,
};
export const GROUP_BLOCKS = 32;

/** Appends to `into` the first steps of the blocks of one stored row that hold `value`. */
export function postingsOf(data: Uint8Array, value: number, into: number[]): void {
  const bytes = data.byteOffset % 4 === 0 ? data : data.slice();
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  const n = words[0] ?? 0;
  if (
    data.byteLength % 4 !== 0 ||
    n < 1 ||
    n > GROUP_BLOCKS ||
    words.length < 1 + n ||
    (words.length - 1 - n) % 2 !== 0
  )
    throw new BlockFormatError(`a posting list claims ${n} blocks in ${data.byteLength} bytes`);
  for (let i = 1 + n; i + 1 < words.length; i += 2) {
    const v = words[i]!;
    if (v > value) return;
    if (v !== value) continue;
    const mask = words[i + 1]!;
    for (let k = 0; k < n; k++) if (mask & (1 << k)) into.push(words[1 + k]!);
    return;
  }
}
