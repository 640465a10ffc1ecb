// The one size limit on what the page hands the app, stated once.
//
// A machine file, a session file, an imported artefact (dmesg, acpidump, lspci, ...): each is at
// most MAX_FILE_BYTES, counted in bytes as it sits on disk (UTF-8 for text, the raw bytes for a
// binary file sent as base64). Every path checks it the same way: the channel table (so Electron
// IPC and the browser-mode WebSocket, through dispatch), the browser-mode host's upload endpoint
// (the byte cap of a streamed upload) and the renderer before it sends a file. Transports never
// add a smaller limit of their own: the browser-mode socket moves large strings to uploads
// (electron/api/wire.ts), so JSON escaping cannot push a valid call over a frame limit.
// Common code: zod only.
import { z } from 'zod';

/** The largest file the page may hand the app, in bytes. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The same, for messages: "64 MiB". */
export const MAX_FILE_SIZE_TEXT = `${MAX_FILE_BYTES / (1024 * 1024)} MiB`;

/** Bytes of `s` in UTF-8 (what the file took on disk), without allocating the encoding. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Is this text at most MAX_FILE_BYTES in UTF-8? (Short strings are decided by their length.) */
export function fitsFileLimit(s: string): boolean {
  if (s.length > MAX_FILE_BYTES) return false;
  if (s.length * 3 <= MAX_FILE_BYTES) return true;
  return utf8Length(s) <= MAX_FILE_BYTES;
}

/** The text of a file: at most MAX_FILE_BYTES in UTF-8. `what`: "a machine file". */
export function fileTextSchema(what: string) {
  return z.string().refine(fitsFileLimit, `${what} is at most ${MAX_FILE_SIZE_TEXT}`);
}

/** Base64 characters of a binary file of MAX_FILE_BYTES. */
export const MAX_FILE_BASE64_CHARS = Math.ceil(MAX_FILE_BYTES / 3) * 4;

/** A binary file as base64: at most MAX_FILE_BYTES once decoded. */
export function fileBase64Schema(what: string) {
  return z
    .string()
    .max(MAX_FILE_BASE64_CHARS, `${what} is at most ${MAX_FILE_SIZE_TEXT}`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
}

/** The error the page shows before sending a file over the limit. */
export function fileTooLarge(name: string, bytes: number): string {
  return `${name} is ${(bytes / (1024 * 1024)).toFixed(1)} MiB: irqlab takes files of at most ${MAX_FILE_SIZE_TEXT}`;
}
