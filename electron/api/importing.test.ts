// The app's import (the start page sends the dropped files here): an irqlab collect bundle is
// taken whole, as `irqlab import` takes it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedPath } from '../../core/testing/shared';
import { importFromArtefacts } from './importing';

describe('import.artefacts with a machine bundle', () => {
  const bundle = readFileSync(path.join(repoRoot, 'fixtures', 'collect', 'q35-ir-4cpu.tar.gz'));

  it('imports each of its files', () => {
    const r = importFromArtefacts([
      { name: 'machine-bundle.tar.gz', base64: bundle.toString('base64') },
    ]);
    expect(r.machineName).toBe('QEMU Standard PC (Q35 + ICH9, 2009)');
    expect(r.summary).toContain(
      "machine-bundle.tar.gz: dmesg.txt: kernel log: dmesg; 447 of 447 lines the kernel's",
    );
    expect(
      r.summary.some((l) => l.startsWith('machine-bundle.tar.gz: not collected: acpi/IVRS.dat')),
    ).toBe(true);
  });

  it('a cut bundle is an error naming it', () => {
    expect(() =>
      importFromArtefacts([
        { name: 'cut.tar.gz', base64: bundle.subarray(0, 4000).toString('base64') },
      ]),
    ).toThrow(/^cut\.tar\.gz: gzip data truncated or corrupt/);
  });
});

describe('import.artefacts review', () => {
  it('lists each assumption once: in "missing", not again in the summary', () => {
    const lspci = readFileSync(
      sharedPath('fixtures', 'real', 'lspci', 'amd-ryzen-5700u-minipc.lspci-nn-plain.txt'),
      'utf8',
    );
    const r = importFromArtefacts([{ name: 'lspci.txt', text: lspci }]);
    expect(r.missing.length).toBeGreaterThan(0);
    for (const m of r.missing) expect(r.summary.join('\n')).not.toContain(m);
    expect(r.summary.some((l) => /^(missing|conflict|note): /.test(l))).toBe(false);
    expect(r.summary.length).toBeGreaterThan(0);
  });
});
