// A device's MSI/MSI-X messages as the app stores them in a run's outputs (devices[].messageWords):
// (address_hi, address_lo, data) per entry, -1s for an entry not written. Since irqlab-app-run/5
// the words are a stored column (stored-column.ts) of their 32 bits as int32 (an x86 MSI's
// address_lo is 0xfee....., past int32's range: read back unsigned); irqlab-app-run/2 to /4 kept
// them as a list of numbers, the addresses as they are. As a list, a large machine's 300,000
// words took ~9-15 ms of its run's outputs to build and write as decimal text; as columns, ~4.
import { readStoredColumn, storedColumn, type StoredColumn } from './stored-column';

/** A message as the kernel composed it (struct msi_msg). */
interface MsiWords {
  address_hi: number;
  address_lo: number;
  data: number;
}

/** A message as the views show it: hex address (16 digits) and data (4); '' for both: not written. */
export interface ShownMessage {
  address: string;
  data: string;
}

/** The entries' words as stored (one triple per entry, -1s where `null`: not written). */
export function storedMessageWords(entries: readonly (MsiWords | null)[]): StoredColumn {
  const words = new Int32Array(entries.length * 3).fill(-1);
  for (let e = 0; e < entries.length; e++) {
    const m = entries[e];
    if (!m) continue;
    // Int32Array keeps each value's low 32 bits: 0xfee00000 is stored as a negative int32.
    words[e * 3] = m.address_hi;
    words[e * 3 + 1] = m.address_lo;
    words[e * 3 + 2] = m.data;
  }
  return storedColumn(words);
}

/**
 * A device's stored words (a column, or a list in runs before irqlab-app-run/5); absent: none.
 * Anything else is refused by `name`.
 */
export function readMessageWords(name: string, stored: unknown): ArrayLike<number> {
  if (stored === undefined || stored === null) return [];
  const words = readStoredColumn(name, stored);
  if (words.length % 3 !== 0)
    throw new Error(`${name}: ${words.length} words, not (address_hi, address_lo, data) triples`);
  return words;
}

/** Entries in a device's words. */
export const messageCount = (words: ArrayLike<number>): number => Math.floor(words.length / 3);

/** Entry `entry` of a device's words as the views show it. */
export function shownMessage(words: ArrayLike<number>, entry: number): ShownMessage {
  const [hi, lo, data] = [words[entry * 3], words[entry * 3 + 1], words[entry * 3 + 2]];
  if (typeof data !== 'number' || !(data >= 0)) return { address: '', data: '' };
  // Unsigned: a column holds the addresses' bits as int32; a list holds them as they are.
  const hex = (n: unknown, width: number) =>
    typeof n === 'number' && Number.isInteger(n) ? (n >>> 0).toString(16).padStart(width, '0') : '';
  return { address: hex(hi, 8) + hex(lo, 8), data: hex(data, 4) };
}
