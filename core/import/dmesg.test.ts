// The dmesg importer against every log in shared/fixtures/real/{dmesg,faults}: every line read
// under its prefix, and the fault records SOURCES.md quotes read from it at test time and checked
// against the parse. The machine facts of each dmesg (IR mode, DRHDs and scopes, CPUs, IOAPICs,
// devices, kernel, AMD-Vi), with the line each came from, are real-dmesg-facts.test.ts's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyFacts, realFixtures, realPath } from '../testing/sources';
import { DmesgParser, kernelMessage, parseDmesg } from './dmesg';
import { MAX_SOURCES_PER_FACT } from './errors';
import { parseFaultLine } from './faults';

const files = [...realFixtures('dmesg'), ...realFixtures('faults')];

/** SOURCES bullets as one line each. */
function bullets(f: string): string[] {
  return keyFacts(f)
    .split(/\n\s*\* /)
    .map((b) => b.replace(/\s+/g, ' ').trim());
}

describe('kernel logs of real machines (facts from SOURCES.md)', () => {
  for (const f of files) {
    describe(f, () => {
      const text = readFileSync(realPath(f), 'utf8');
      const r = parseDmesg(text, f);
      const o = r.observations;
      const facts = bullets(f);
      const all = facts.join(' ');

      it('reads every line, whatever the prefix (timestamps, dmesg -T, journal, printk levels, CRLF)', () => {
        expect(r.lines).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
        expect(r.kernelLines).toBeGreaterThan(0);
      });

      it('has the DMAR fault records SOURCES.md quotes, decoded the same way', () => {
        const quoted = [
          ...keyFacts(f)
            .replace(/\s+/g, ' ')
            .matchAll(
              /\[(?:INTR-REMAP|DMA \w+(?: NO_PASID)?)\] Request device \[[^\]]+\][^[]*\[fault reason [^\]]+\][^;]*/g,
            ),
        ];
        for (const q of quoted) {
          const want = parseFaultLine(q[0]);
          expect(want, q[0]).not.toBeNull();
          const key =
            want!.kind === 'INTR-REMAP' ? { index: want!.index } : { address: want!.address };
          expect(o.faults.map((x) => x.fault)).toContainEqual(
            expect.objectContaining({
              kind: want!.kind,
              device: want!.device,
              reason: want!.reason,
              ...key,
            }),
          );
        }
        const idx = /fault index (0x[0-9a-f]+|\d+), reason (0x[0-9a-f]+)/.exec(all);
        if (idx)
          expect(o.faults[0]!.fault).toMatchObject({
            index: parseInt(idx[1]!, 16),
            reason: parseInt(idx[2]!, 16),
          });
        const status = [...all.matchAll(/fault status reg (\d+)/g)].map((m) => parseInt(m[1]!, 16));
        for (const s of status)
          expect(
            o.faults.some((x) => x.status === s),
            `status ${s}`,
          ).toBe(true);
        const supp = /(\d+) callbacks suppressed/.exec(all);
        if (supp) expect(o.faultsSuppressed).toBeGreaterThanOrEqual(Number(supp[1]));
      });
    });
  }
});

describe('dmesg prefixes and robustness', () => {
  it('strips timestamps, dmesg -T dates, journal and printk prefixes and CR', () => {
    const want = 'DMAR: Host address width 46';
    for (const line of [
      `[    0.123456] ${want}`,
      `[Thu Oct 22 08:54:51 2020] ${want}`,
      `Jan 01 12:00:00 host kernel: ${want}`,
      `[    0.000000] host.lan kernel: ${want}`,
      `<6>[    0.000000] ${want}`,
      `<12>${want}\r`,
      `  [    1.000000] ${want}`,
    ])
      expect(kernelMessage(line)?.trim()).toBe(want);
    expect(kernelMessage('$ echo 2 > sriov_numvfs')).toBeNull();
  });

  it('joins a fault record the log wrapped over several lines', () => {
    const r = parseDmesg(
      'DMAR: [INTR-REMAP] Request device [09:00.0] fault index 0x8080\n       [fault reason 0x25]\n       Blocked a compatibility format interrupt request\n',
      't.txt',
    );
    expect(r.observations.faults.map((f) => f.fault)).toEqual([
      expect.objectContaining({
        device: '09:00.0',
        index: 0x8080,
        reason: 0x25,
        text: 'Blocked a compatibility format interrupt request',
      }),
    ]);
  });

  it('describes the last boot of a log that holds several', () => {
    const a = readFileSync(realPath('dmesg/alienware-m11x-core2-gm45-no-ir.dmesg.txt'), 'utf8');
    const b = readFileSync(
      realPath('dmesg/lenovo-ideapad-z510-haswell-no-dmar-kernel3.13.dmesg.txt'),
      'utf8',
    );
    const both = parseDmesg(a + '\n' + b, 'two.txt');
    const last = parseDmesg(b, 'b.txt');
    expect(both.part.kernel).toEqual(last.part.kernel);
    expect(both.part.cpus).toEqual(last.part.cpus);
    expect(both.part.pci?.map((f) => f.bdf)).toEqual(last.part.pci?.map((f) => f.bdf));
    expect(both.notes.join('\n')).toMatch(/the log holds 2 boots/);
  });

  it('sees SR-IOV PFs by their VF BAR lines', () => {
    const text = readFileSync(
      realPath('dmesg/google-craask-chromebook-alderlake-n-printk-levels.dmesg.txt'),
      'utf8',
    );
    const line = /pci (\S+): VF\(n\) BAR0 space: .*for (\d+) VFs/.exec(text)!;
    expect(parseDmesg(text, 'c').observations.sriovTotalVfs.get(line[1]!)).toBe(Number(line[2]));
  });

  it('keeps a bounded number of fault records from a fault storm and counts the rest', () => {
    const p = new DmesgParser('storm.txt');
    for (let i = 0; i < 5000; i++)
      p.push(
        `[ ${i}.000000] DMAR: [INTR-REMAP] Request device [02:00.0] fault index 0x0 [fault reason 0x25] Blocked a compatibility format interrupt request`,
      );
    const r = p.finish();
    expect(r.observations.faults.length + r.observations.faultsDropped).toBe(5000);
    expect(r.observations.faults.length).toBeLessThan(5000);
  });

  it('keeps the first few sources of a fact the log repeats, not one per line', () => {
    const p = new DmesgParser('resumes.txt');
    for (let i = 0; i < 1000; i++) p.push(`[ ${i}.000000] DMI: Example Board/Example, BIOS 1.0`);
    const r = p.finish();
    expect(r.part.name).toBe('Example Board/Example');
    expect(r.provenance['$.name']!.map((at) => at.line)).toEqual(
      Array.from({ length: MAX_SOURCES_PER_FACT }, (_, i) => i + 1),
    );
  });
});
