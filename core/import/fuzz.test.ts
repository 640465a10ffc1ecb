// Fuzzing the importers (fast-check): truncated, bit-flipped and random inputs never crash a
// parser, never hang it, and every failure is an ImportError that says where (file, and line or
// byte offset).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared';
import { realPath } from '../testing/sources';
import { acpiToMachineParts, parseAcpiTables } from './acpi';
import { parseDmesg } from './dmesg';
import { ImportError } from './errors';
import { explainLine } from './explain';
import { importArtefacts, parseArtefact } from './index';
import { parseProcInterrupts } from './interrupts';
import { parseLspci } from './lspci';
import { parseBundle } from './node/bundle';
import { makeTar, type TestTarEntry } from '../testing/tar';

const RUNS = { numRuns: 300 };

const binaries = [
  'acpi/lenovo-legion-pro-5-16irx9-raptorlake.DMAR.dat',
  'acpi/lenovo-legion-pro-5-16irx9-raptorlake.APIC.dat',
  'acpi/gpd-win-max-2-hx370-strixpoint.IVRS.dat',
  'acpi/lenovo-legion-go-z1e-N3CN39WW.IVRS.dat',
  'acpi/gpd-win-max-2-hx370-strixpoint.HPET.dat',
].map((f) => new Uint8Array(readFileSync(realPath(f))));
const acpiText = readFileSync(
  sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'acpi.acpidump.txt'),
  'utf8',
);
const dmesg = readFileSync(
  realPath('dmesg/supermicro-x11dai-2x-xeon-gold5215-8drhd-9ioapic.dmesg.txt'),
  'utf8',
);
const lspci = readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'lspci.txt'), 'utf8');
const lspciX = readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'lspci-x.txt'), 'utf8');
const faults = readFileSync(
  realPath('faults/lkml-2022-thunderbolt-intr-remap-0x8080-revert.txt'),
  'utf8',
);
const interrupts = readFileSync(
  sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'interrupts.txt'),
  'utf8',
);

/** Runs `f`; any throw must be an ImportError naming the file and, if `located`, a line or offset. */
function onlyLocatedErrors(file: string, f: () => unknown, located = true): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    expect(err.at.file).toBe(file);
    if (located && !/no ACPI table found|not an artefact/.test(err.what))
      expect(err.at.line !== undefined || err.at.offset !== undefined, err.message).toBe(true);
  }
}

const mutatedBytes = fc.record({
  which: fc.nat(binaries.length - 1),
  cut: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { maxLength: 8 }),
});

function mutate(bytes: Uint8Array, cut: number | undefined, flips: [number, number][]): Uint8Array {
  const b = bytes.slice(0, cut === undefined ? bytes.length : cut % (bytes.length + 1));
  for (const [at, bit] of flips) if (b.length) b[at % b.length]! ^= 1 << bit;
  return b;
}

function mutateText(text: string, cut: number | undefined, edits: [number, string][]): string {
  let t = cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  for (const [at, s] of edits) {
    const i = t.length ? at % t.length : 0;
    t = t.slice(0, i) + s + t.slice(i + s.length);
  }
  return t;
}
const textEdits = fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 6 })), { maxLength: 10 });

describe('fuzzing the importers', () => {
  it('binary ACPI tables: truncated and bit-flipped tables give located ImportErrors or decode', () => {
    fc.assert(
      fc.property(mutatedBytes, ({ which, cut, flips }) => {
        onlyLocatedErrors('t.dat', () =>
          acpiToMachineParts(parseAcpiTables(mutate(binaries[which]!, cut, flips), 't.dat')),
        );
      }),
      RUNS,
    );
  });

  it('binary ACPI tables: random bytes behind a valid-looking header', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('APIC', 'DMAR', 'IVRS', 'HPET', 'FACP', 'SRAT'),
        fc.uint8Array({ maxLength: 400 }),
        (sig, body) => {
          const b = new Uint8Array(36 + body.length);
          b.set([...sig].map((c) => c.charCodeAt(0)));
          const len = b.length;
          b.set([len & 0xff, (len >> 8) & 0xff, 0, 0], 4);
          b.set(body, 36);
          onlyLocatedErrors('r.dat', () => acpiToMachineParts(parseAcpiTables(b, 'r.dat')));
        },
      ),
      RUNS,
    );
  });

  it('acpidump text: cut and edited dumps give located ImportErrors or decode', () => {
    fc.assert(
      fc.property(fc.option(fc.nat(), { nil: undefined }), textEdits, (cut, edits) => {
        onlyLocatedErrors('a.txt', () =>
          acpiToMachineParts(parseAcpiTables(mutateText(acpiText, cut, edits), 'a.txt')),
        );
      }),
      RUNS,
    );
  });

  it("dmesg: any text at all is read without an error (lines that are not the kernel's are skipped)", () => {
    fc.assert(
      fc.property(fc.option(fc.nat(), { nil: undefined }), textEdits, (cut, edits) => {
        parseDmesg(mutateText(dmesg, cut, edits), 'd.txt');
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => void parseDmesg(s, 'd.txt')),
      RUNS,
    );
    fc.assert(
      fc.property(
        textEdits,
        (edits) => void parseDmesg(mutateText(faults, undefined, edits), 'f.txt'),
      ),
      RUNS,
    );
  });

  it('lspci: cut, edited or random text never throws', () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat(), { nil: undefined }),
        textEdits,
        (cut, edits) => void parseLspci(mutateText(lspci, cut, edits), 'l.txt'),
      ),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => void parseLspci(s, 'l.txt')),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.option(fc.nat(), { nil: undefined }),
        textEdits,
        (cut, edits) => void parseLspci(mutateText(lspciX, cut, edits), 'x.txt'),
      ),
      RUNS,
    );
  });

  it('/proc/interrupts: cut and edited files give ImportErrors with their line', () => {
    fc.assert(
      fc.property(fc.option(fc.nat(), { nil: undefined }), textEdits, (cut, edits) => {
        onlyLocatedErrors('i.txt', () =>
          parseProcInterrupts(mutateText(interrupts, cut, edits), 'i.txt'),
        );
      }),
      RUNS,
    );
  });

  it('any file: recognised and parsed, or refused with an ImportError, and merged without a crash', () => {
    const seeds = [acpiText, dmesg, lspci, interrupts];
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.option(fc.nat(), { nil: undefined }),
        textEdits,
        (i, cut, edits) => {
          onlyLocatedErrors(
            'x',
            () => importArtefacts([parseArtefact('x', mutateText(seeds[i]!, cut, edits))]),
            false,
          );
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) =>
        onlyLocatedErrors('y', () => importArtefacts([parseArtefact('y', b)]), false),
      ),
      RUNS,
    );
  });

  it('explain: any line gets an explanation or null, never an exception', () => {
    const fault =
      '[INTR-REMAP] Request device [42:00.2] fault index 1600 [fault reason 37] Blocked a compatibility format interrupt request';
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => void explainLine(s)),
      RUNS,
    );
    fc.assert(
      fc.property(textEdits, (edits) => void explainLine(mutateText(fault, undefined, edits))),
      RUNS,
    );
  });

  it('a long line of repeated fragments is read without pathological slowness', () => {
    // Bounded work per line: the parser cuts lines at 64 KiB.
    const line = '[    0.000000] ' + 'DMAR: [INTR-REMAP] Request device [00:00.0] '.repeat(20000);
    expect(parseDmesg(line + '\n' + line, 'long.txt').lines).toBe(2);
  });
});

describe('machine bundles (irqlab collect) that are hostile', () => {
  const manifest = 'ok\tinterrupts.txt\tcat /proc/interrupts\n';
  const good = (extra: TestTarEntry[] = []) =>
    makeTar([
      { name: 'machine-bundle/MANIFEST', data: manifest },
      { name: 'machine-bundle/interrupts.txt', data: interrupts },
      ...extra,
    ]);
  const fails = (gz: Uint8Array, what: RegExp, entry?: string, maxTotal = 16 << 20) => {
    let err: unknown;
    try {
      parseBundle('b.tar.gz', gz, { maxTotal, maxEntry: 256 * 1024, maxEntries: 50 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    const e = err as ImportError;
    expect(e.at.file).toBe(entry ? `b.tar.gz: ${entry}` : 'b.tar.gz');
    expect(e.what).toMatch(what);
  };

  it('a good bundle is read, each entry under the bundle name', () => {
    const b = parseBundle('b.tar.gz', gzipSync(good()));
    expect(b.artefacts.map((a) => [a.kind, a.file])).toEqual([
      ['proc-interrupts', 'b.tar.gz: interrupts.txt'],
    ]);
  });
  it('truncated gzip', () => {
    const gz = gzipSync(good());
    fails(gz.subarray(0, gz.length - 100), /gzip data truncated or corrupt/);
  });
  it('a gzip bomb stops at the size bound', () => {
    fails(
      gzipSync(new Uint8Array(4 << 20)),
      /unpacks to more than 1048576 bytes/,
      undefined,
      1 << 20,
    );
  });
  it('a huge entry', () => {
    fails(
      gzipSync(good([{ name: 'machine-bundle/dmesg.txt', data: 'x'.repeat(300 * 1024) }])),
      /entry of 307200 bytes, more than the 262144/,
      'machine-bundle/dmesg.txt',
    );
  });
  it('a size that runs past the end', () => {
    fails(
      gzipSync(makeTar([{ name: 'MANIFEST', data: 'ok', size: 5000 }], { end: false })),
      /entry of 5000 bytes cut short/,
      'MANIFEST',
    );
  });
  it('../ and absolute names', () => {
    fails(
      gzipSync(good([{ name: '../etc/passwd', data: 'x' }])),
      /leaves the bundle/,
      '../etc/passwd',
    );
    fails(
      gzipSync(good([{ name: 'machine-bundle/../../x', data: 'x' }])),
      /leaves the bundle/,
      'machine-bundle/../../x',
    );
    fails(gzipSync(good([{ name: '/etc/shadow', data: 'x' }])), /leaves the bundle/, '/etc/shadow');
  });
  it('symlinks and hard links', () => {
    fails(
      gzipSync(good([{ name: 'machine-bundle/dmesg.txt', type: '2', linkname: '/etc/shadow' }])),
      /symbolic link/,
      'machine-bundle/dmesg.txt',
    );
    fails(
      gzipSync(good([{ name: 'machine-bundle/x', type: '1', linkname: 'MANIFEST' }])),
      /hard link/,
      'machine-bundle/x',
    );
  });
  it('10k entries', () => {
    const many = Array.from({ length: 10000 }, (_, i) => ({
      name: `machine-bundle/f${i}`,
      data: '',
    }));
    fails(gzipSync(good(many)), /more than 50 entries/, 'machine-bundle/f48');
  });
  it('no MANIFEST, not a tar, a broken entry', () => {
    fails(gzipSync(makeTar([{ name: 'dmesg.txt', data: 'x' }])), /no MANIFEST/);
    fails(gzipSync(new TextEncoder().encode('hello '.repeat(200))), /offset 0x0|checksum wrong/);
    fails(
      gzipSync(
        good([
          {
            name: 'machine-bundle/sysfs-irqs.tsv',
            data: 'irq\tchip_name\thwirq\ttype\tname\tactions\n0\tIO-APIC\tx\tedge\tedge\ttimer\n',
          },
        ]),
      ),
      /hwirq "x" is not a number/,
      'sysfs-irqs.tsv',
    );
  });
  it('random damage gives an ImportError naming the bundle, never a crash', () => {
    const gz = gzipSync(good());
    fc.assert(
      fc.property(fc.nat(gz.length - 1), fc.nat(255), fc.nat(gz.length), (at, byte, cut) => {
        const bad = gz.slice(0, Math.max(cut, 1));
        if (at < bad.length) bad[at] = byte;
        try {
          parseBundle('b.tar.gz', bad);
        } catch (err) {
          if (!(err instanceof ImportError)) throw err;
          expect(err.at.file.startsWith('b.tar.gz')).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
