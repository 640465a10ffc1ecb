// A column of numbers as the app stores it in a run's outputs (runs.outputs_json): `{"<type>":
// base64}`, the bytes of a typed array (little-endian) in the narrowest of STORED_TYPES that holds
// every value. Hundreds of thousands of numbers written as decimal text cost longer than the boot's
// last tenth; as bytes they cost a copy, and a base64 text is read back without parsing a number.
// Used by the irq table (irq-table.ts) and the IRTE tables (irte-table.ts).

/** Element types a column may be stored as, narrowest first. */
const STORED_TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  i32: Int32Array,
  f64: Float64Array,
} as const;
export type StoredType = keyof typeof STORED_TYPES;
const TYPE_NAMES: Record<StoredType, string> = {
  u8: 'uint8',
  u16: 'uint16',
  i32: 'int32',
  f64: 'float64',
};

const ALL_STORED_TYPES = Object.keys(STORED_TYPES) as StoredType[];

/** A column as stored: `{"<type>": base64}`, or (runs stored before columns) a plain list. */
export type StoredColumn = { [T in StoredType]?: string } | number[];

/**
 * The column's values in the narrowest type that holds them, as bytes: a view of `values` when
 * that is their own type, else a copy.
 */
export function narrowColumn(values: Int32Array | Float64Array): {
  type: StoredType;
  bytes: Uint8Array;
} {
  const type = narrowestType(values);
  const column = values instanceof STORED_TYPES[type] ? values : new STORED_TYPES[type](values);
  return { type, bytes: new Uint8Array(column.buffer, column.byteOffset, column.byteLength) };
}

/** The column as stored (`{"<type>": base64}`, the narrowest type). */
export function storedColumn(values: Int32Array | Float64Array): StoredColumn {
  const { type, bytes } = narrowColumn(values);
  return { [type]: toBase64(bytes) };
}

/** The narrowest stored type that holds every value exactly. */
function narrowestType(values: Int32Array | Float64Array): StoredType {
  let min = 0;
  let max = 0;
  // One loop per array type: each stays monomorphic (a generic one cost 18 ms on large).
  if (values instanceof Int32Array)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      else if (v > max) max = v;
    }
  else
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // A fraction or NaN (infinities: past every integer type below).
      if (v !== Math.floor(v)) return 'f64';
      if (v < min) min = v;
      else if (v > max) max = v;
    }
  if (min >= 0 && max <= 0xff) return 'u8';
  if (min >= 0 && max <= 0xffff) return 'u16';
  if (min >= -(2 ** 31) && max < 2 ** 31) return 'i32';
  return 'f64';
}

/**
 * A stored column (`{"<type>": base64}`, one of `types`; or a plain list) as numbers; anything else
 * is refused by `name`.
 */
export function readStoredColumn(
  name: string,
  v: unknown,
  types: readonly StoredType[] = ALL_STORED_TYPES,
): ArrayLike<number> {
  if (Array.isArray(v)) return v as number[];
  const stored = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const type = types.find((t) => typeof stored[t] === 'string');
  const bytes = type ? fromBase64(stored[type] as string) : null;
  const Type = type ? STORED_TYPES[type] : null;
  if (!type || !Type || !bytes || bytes.length % Type.BYTES_PER_ELEMENT !== 0)
    throw new Error(
      `${name}: not a column of ${types.map((t) => TYPE_NAMES[t]).join(' or ')} in base64`,
    );
  // Copied into a buffer of its own: aligned, and little-endian read as the platform's (x86, ARM).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Type(copy.buffer);
}

/**
 * Stored columns read back as rows, one after another (row r: each column's entry r, in the
 * order of `names`). Each column is read from `where` + its name; one not as long as the first
 * is refused by that name.
 */
export function readColumnsAsRows(
  stored: Record<string, unknown>,
  names: readonly string[],
  where = '',
): Float64Array {
  const columns = names.map((name) => readStoredColumn(`${where}${name}`, stored[name]));
  const count = columns[0]!.length;
  columns.forEach((column, c) => {
    if (column.length !== count)
      throw new Error(`${where}${names[c]}: not a column of ${count} entries (as ${names[0]})`);
  });
  const n = names.length;
  const rows = new Float64Array(count * n);
  for (let c = 0; c < n; c++) {
    const column = columns[c]!;
    for (let r = 0; r < count; r++) rows[r * n + c] = column[r]!;
  }
  return rows;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
type BufferLike = {
  from(
    data: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { toString(e: 'base64'): string };
  from(text: string, encoding: 'base64'): Uint8Array;
};
/** Node's Buffer where there is one (the host, the CLI); a plain codec elsewhere. */
const nodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

export function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer)
    return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return plainToBase64(bytes);
}

/** Base64 without Buffer (a browser); exported for its test. */
export function plainToBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + BASE64[(n >> 6) & 63]! + BASE64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest > 1 ? bytes[i + 1]! << 8 : 0);
    out +=
      BASE64[n >> 18]! + BASE64[(n >> 12) & 63]! + (rest > 1 ? BASE64[(n >> 6) & 63]! : '=') + '=';
  }
  return out;
}

/** The bytes of a base64 text, or null if it is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  if (nodeBuffer) return nodeBuffer.from(text, 'base64');
  return plainFromBase64(text);
}

/** Base64 read without Buffer (a browser); exported for its test. `text` is checked first. */
export function plainFromBase64(text: string): Uint8Array {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (BASE64.indexOf(text[i]!) << 18) |
      (BASE64.indexOf(text[i + 1]!) << 12) |
      ((BASE64.indexOf(text[i + 2]!) & 63) << 6) |
      (BASE64.indexOf(text[i + 3]!) & 63);
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
