// A machine bundle (`irqlab collect`'s machine-bundle.tar.gz), taken whole: a small ustar reader
// of our own over the already gunzipped bytes (core/import/node/ gunzips, bounded), entries read
// by name into memory and never written anywhere, so a hostile bundle can do no more than fail
// with an ImportError naming the bundle and the entry: no `..` nor absolute names, no links or
// devices, bounded entry count and sizes. Each known entry is then parsed by the usual importers.
import { ImportError } from './errors';
import { parseArtefact, type ParsedArtefact } from './index';

export const BUNDLE_LIMITS = {
  /** Uncompressed size of the whole tar (a dmesg of a big box is tens of MB). */
  maxTotal: 512 * 1024 * 1024,
  maxEntry: 256 * 1024 * 1024,
  maxEntries: 1000,
};

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const ascii = (b: Uint8Array) => {
  let s = '';
  for (const c of b) {
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
};

function octal(b: Uint8Array): number | null {
  const s = ascii(b).trim();
  if (s === '') return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null;
}

/** The regular files of a tar (directories skipped). Throws ImportError naming bundle and entry. */
export function readTar(tar: Uint8Array, bundle: string, limits = BUNDLE_LIMITS): TarEntry[] {
  const entries: TarEntry[] = [];
  const names = new Set<string>();
  let off = 0;
  let longName: string | null = null;
  let count = 0;
  for (;;) {
    if (off + 512 > tar.length)
      throw new ImportError(
        { file: bundle, offset: off },
        off === 0 ? 'empty tar: no entry' : 'tar cut short: no end-of-archive blocks',
      );
    const h = tar.subarray(off, off + 512);
    if (h.every((c) => c === 0)) break;
    const headerName = longName ?? joinName(ascii(h.subarray(345, 500)), ascii(h.subarray(0, 100)));
    longName = null;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    // Before the checksum holds, the name is noise: the bundle and the offset say where.
    if (octal(h.subarray(148, 156)) !== sum)
      throw new ImportError(
        { file: bundle, offset: off },
        'tar header checksum wrong (not a tar, or corrupt)',
      );
    const where = (what: string) =>
      new ImportError({ file: `${bundle}: ${headerName || '(unnamed)'}`, offset: off }, what);
    const size = octal(h.subarray(124, 136));
    if (size === null) throw where('tar header size field is not octal');
    if (size > limits.maxEntry)
      throw where(
        `entry of ${size} bytes, more than the ${limits.maxEntry} a bundle entry may have`,
      );
    const start = off + 512;
    if (start + size > tar.length)
      throw where(`entry of ${size} bytes cut short: the tar ends ${tar.length - start} bytes in`);
    if (++count > limits.maxEntries)
      throw where(`more than ${limits.maxEntries} entries: not a machine bundle`);
    const type = String.fromCharCode(h[156]!);
    const data = tar.subarray(start, start + size);
    off = start + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      // GNU long name: the next header's name.
      longName = ascii(data);
      continue;
    }
    if (type === 'x' || type === 'g') continue; // pax attributes: nothing we use
    if (type === '5') continue;
    if (type !== '0' && type !== '\0' && type !== '7')
      throw where(
        `entry of type ${JSON.stringify(type)} (${type === '2' ? 'symbolic link' : type === '1' ? 'hard link' : 'not a regular file'}): a bundle holds regular files only`,
      );
    const name = headerName.replace(/^\.\//, '');
    if (name.startsWith('/') || name.split('/').some((p) => p === '..'))
      throw where('entry name leaves the bundle (absolute or with ..)');
    if (names.has(name)) throw where('entry repeats an earlier one');
    names.add(name);
    entries.push({ name, data });
  }
  return entries;
}

function joinName(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

export interface BundleManifestLine {
  status: string;
  file: string;
  detail: string;
}

export interface ParsedBundle {
  artefacts: ParsedArtefact[];
  manifest: BundleManifestLine[];
  /** Entries present but not imported (facts irqlab does not read, or kept for a person). */
  skipped: string[];
  /** What the MANIFEST says was missing or removed, for the import's summary. */
  summary: string[];
}

/** Entries (names relative to the bundle's folder) irqlab imports, and those it keeps for reading. */
const IMPORTED =
  /^(dmesg\.txt|lspci-vvv\.txt|interrupts\.txt|sysfs-irqs\.tsv|acpi\/[A-Z0-9_!]{4}\.dat)$/;

/** The bundle's tar (gunzipped) -> its artefacts, each parsed. */
export function parseBundleTar(
  tar: Uint8Array,
  bundle: string,
  limits = BUNDLE_LIMITS,
): ParsedBundle {
  const entries = readTar(tar, bundle, limits);
  // The collector puts everything in one folder (machine-bundle/); names are read inside it.
  const tops = new Set(entries.map((e) => (e.name.includes('/') ? e.name.split('/')[0] : '')));
  const strip = tops.size === 1 && !tops.has('') ? [...tops][0]! + '/' : '';
  const byName = new Map(entries.map((e) => [e.name.slice(strip.length), e.data]));
  const manifestBytes = byName.get('MANIFEST');
  if (!manifestBytes)
    throw new ImportError(
      { file: bundle },
      'no MANIFEST: not a machine bundle of irqlab collect (import its files one by one)',
    );
  const manifest: BundleManifestLine[] = [];
  for (const line of new TextDecoder().decode(manifestBytes).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [status = '', file = '', ...rest] = line.split('\t');
    manifest.push({ status, file, detail: rest.join('\t') });
  }
  const artefacts: ParsedArtefact[] = [];
  const skipped: string[] = [];
  // lspci -xxx adds config space to what -vvv says; without -vvv (no pciutils) it is all there is.
  const hasVerbose = byName.has('lspci-vvv.txt');
  for (const [name, data] of [...byName].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === 'MANIFEST') continue;
    if (!IMPORTED.test(name) && !(name === 'lspci-xxx.txt' && !hasVerbose)) {
      skipped.push(name);
      continue;
    }
    if (data.length === 0) {
      skipped.push(name);
      continue;
    }
    artefacts.push(parseArtefact(`${bundle}: ${name}`, data));
  }
  const summary: string[] = [];
  for (const m of manifest)
    if (m.status === 'missing') summary.push(`${bundle}: not collected: ${m.file}: ${m.detail}`);
    else if (m.status === 'removed' && m.detail !== '0')
      summary.push(`${bundle}: personal data removed by collect: ${m.detail} ${m.file}`);
  if (skipped.length)
    summary.push(`${bundle}: kept for reading, not imported: ${skipped.join(', ')}`);
  return { artefacts, manifest, skipped, summary };
}
