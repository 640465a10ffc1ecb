// A ustar writer for tests: bundles built entry by entry, hostile ones included (links, `..`
// names, sizes that lie), to hold core/import/bundle.ts's reader to its limits.
export interface TestTarEntry {
  name: string;
  data?: Uint8Array | string;
  /** ustar type flag: '0' file, '2' symlink, '5' directory... */
  type?: string;
  /** The size the header claims (defaults to the data's). */
  size?: number;
  linkname?: string;
}

export function makeTar(entries: TestTarEntry[], { end = true } = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const e of entries) {
    const data = typeof e.data === 'string' ? enc.encode(e.data) : (e.data ?? new Uint8Array());
    const h = new Uint8Array(512);
    const put = (off: number, len: number, s: string) => h.set(enc.encode(s).subarray(0, len), off);
    put(0, 100, e.name);
    put(100, 8, '0000644\0');
    put(108, 8, '0000000\0');
    put(116, 8, '0000000\0');
    put(124, 12, (e.size ?? data.length).toString(8).padStart(11, '0') + '\0');
    put(136, 12, '00000000000\0');
    h[156] = (e.type ?? '0').charCodeAt(0);
    if (e.linkname) put(157, 100, e.linkname);
    put(257, 6, 'ustar\0');
    put(263, 2, '00');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const c of h) sum += c;
    put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(h);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  if (end) blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}
