// /proc/interrupts of real machines (facts from SOURCES.md, read at test time), and "real vs
// predicted" on the QEMU captures.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../testing/shared';
import { keyFacts, realFixtures, realPath } from '../testing/sources';
import { compareInterrupts, describeDifference } from './compare';
import { ImportError } from './errors';
import { decodePciMsiHwirq, gpioChipOf, parseProcInterrupts } from './interrupts';
import { readArtefact } from './node/read';

const files = realFixtures('interrupts');
const text = (f: string) =>
  f.endsWith('.bz2')
    ? execFileSync('bzip2', ['-dc', realPath(f)], { maxBuffer: 1 << 26 }).toString()
    : readFileSync(realPath(f), 'utf8');

describe('/proc/interrupts of real machines (facts from SOURCES.md)', () => {
  for (const f of files) {
    describe(f, () => {
      const r = parseProcInterrupts(text(f), f);
      const facts = keyFacts(f).replace(/\s+/g, ' ');
      const withAction = (a: string) =>
        r.rows.filter((x) => x.actions.some((y) => y === a || y.startsWith(a)));

      it('has the CPU columns, and a count per CPU on every irq row', () => {
        const n = /(\d+) CPU columns|(\d+) CPUs|(\d+)-CPU host/.exec(facts)!;
        expect(r.cpus.length).toBe(Number(n[1] ?? n[2] ?? n[3]));
        for (const row of r.rows) expect(row.counts.length).toBe(r.cpus.length);
      });

      it('counts the rows of each chip SOURCES.md counts', () => {
        for (const m of facts.matchAll(
          /\b(\d+) (IR-IO-APIC|DMAR-MSI|IR-PCI-MSI|IO-APIC|PCI-MSI)(-edge)?\b/g,
        )) {
          const rows = r.rows.filter((x) => x.chip === m[2] && (!m[3] || x.handler === 'edge'));
          expect(rows.length, m[0]).toBe(Number(m[1]));
        }
      });

      it('reads the hwirq column as the kernel encodes PCI MSI (segment, bus, devfn, vector)', () => {
        for (const m of facts.matchAll(
          /(\w+?)(?:q0\.\.q\d+)? (?:hwirq )?(\d{5,})(?:\.\.(\d+))? \(=? ?([0-9a-f]{2}:[0-9a-f]{2}\.\d)/g,
        )) {
          expect(decodePciMsiHwirq(Number(m[2])).bdf, m[0]).toBe(`0000:${m[4]}`);
          expect(
            r.rows.some((x) => x.hwirq === Number(m[2])),
            m[0],
          ).toBe(true);
        }
        for (const m of facts.matchAll(/hwirq (\d{5,})\.\. = ([0-9a-f]{2}:[0-9a-f]{2}\.\d)/g)) {
          expect(decodePciMsiHwirq(Number(m[1])).bdf).toBe(`0000:${m[2]}`);
          expect(r.rows.some((x) => x.hwirq === Number(m[1]))).toBe(true);
        }
        const pme = /hwirq (\d+) \(= bus (0x[0-9a-f]+)\)/.exec(facts);
        if (pme) expect(decodePciMsiHwirq(Number(pme[1])).bdf.slice(5, 7)).toBe(pme[2]!.slice(2));
        const seg = /hwirqs >= 2\^27 \(e\.g\. (\d+)\)/.exec(facts);
        if (seg) {
          expect(decodePciMsiHwirq(Number(seg[1])).bdf.startsWith('0000')).toBe(false);
          expect(r.rows.some((x) => x.hwirq === Number(seg[1]))).toBe(true);
        }
        const range = /(\d+) vectors on ([0-9a-f]{2}:[0-9a-f]{2}\.\d) \(hwirq (\d+)-(\d+)\)/.exec(
          facts,
        );
        if (range) {
          const first = Number(range[3]);
          expect(decodePciMsiHwirq(first)).toEqual({ bdf: `0000:${range[2]}`, index: 0 });
          expect(
            r.rows.filter(
              (x) => x.hwirq !== null && x.hwirq >= first && x.hwirq < first + Number(range[1]),
            ).length,
          ).toBe(Number(range[1]));
        }
      });

      it('reads per-device MSI domains, non-APIC chips, DMAR-MSI rows and the legacy layout', () => {
        const perDev = /(IR-PCI-MSIX-[0-9a-f:.]+) (\d+)\.\.(\d+)-edge/.exec(facts);
        if (perDev) {
          const rows = r.rows.filter((x) => x.chip === perDev[1]);
          expect(rows.map((x) => x.hwirq)).toEqual(
            Array.from(
              { length: Number(perDev[3]) - Number(perDev[2]) + 1 },
              (_, i) => Number(perDev[2]) + i,
            ),
          );
        }
        const plain = /non-APIC chip row ([\w-]+) (\d+) (\w+) \(no trigger suffix\)/.exec(facts);
        if (plain)
          expect(r.rows).toContainEqual(
            expect.objectContaining({
              chip: plain[1],
              hwirq: Number(plain[2]),
              handler: null,
              actions: [plain[3]],
            }),
          );
        for (const m of facts.matchAll(/(\d+)-edge (dmar\d)/g))
          expect(withAction(m[2]!)[0]).toMatchObject({
            chip: 'DMAR-MSI',
            hwirq: Number(m[1]),
            handler: 'edge',
          });
        const dmarIrqs =
          /DMAR-MSI \d-edge dmar0 \/ \d-edge dmar1 \(IRQ (\d+)\/(\d+)\)|DMAR-MSI at IRQ (\d+)\/(\d+)/.exec(
            facts,
          );
        if (dmarIrqs)
          for (const irq of [dmarIrqs[1] ?? dmarIrqs[3], dmarIrqs[2] ?? dmarIrqs[4]])
            expect(r.rows.find((x) => x.irq === Number(irq))?.chip).toBe('DMAR-MSI');
        const onPin = /(\w+) on (IR-IO-APIC) (\d+)-(edge|fasteoi)/.exec(facts);
        if (onPin)
          expect(withAction(onPin[1]!)[0]).toMatchObject({
            chip: onPin[2],
            hwirq: Number(onPin[3]),
            handler: onPin[4],
          });
        if (/pre-4\.x format/.test(facts)) {
          expect(r.layout).toBe('legacy');
          expect(r.rows.every((x) => x.hwirq === null)).toBe(true);
          for (const m of facts.matchAll(/(IR-IO-APIC|IR-PCI-MSI|DMAR_MSI)-(edge|fasteoi)/g))
            expect(
              r.rows.some((x) => x.chip === m[1] && x.handler === m[2]),
              m[0],
            ).toBe(true);
        } else if (r.rows.some((x) => x.hwirq !== null)) expect(r.layout).toBe('modern');
        const bare = /by bare name (\d{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d)/.exec(facts);
        if (bare) expect(withAction(bare[1]!).length).toBe(1);
        const amdgpu = /(\d+) amdgpu MSI vectors/.exec(facts);
        if (amdgpu) expect(withAction('amdgpu').length).toBe(Number(amdgpu[1]));
      });

      it('reads the per-CPU counter rows', () => {
        for (const m of facts.matchAll(
          /rows ([A-Z]{3}(?:\/[A-Z]{3})+) present|include ([A-Z]{3}(?:\/[A-Z]{3})+)/g,
        ))
          for (const label of (m[1] ?? m[2])!.split('/'))
            expect(r.counters.map((c) => c.label)).toContain(label);
        if (/partial snapshot \(no NMI\/LOC/.test(facts)) expect(r.counters).toEqual([]);
        if (/10 digits/.test(facts))
          expect(Math.max(...r.rows.flatMap((x) => x.counts))).toBeGreaterThanOrEqual(1e9);
      });
    });
  }

  it('streams a bzip2-compressed capture through bzip2 -dc, recognised by its content', async () => {
    const a = await readArtefact(realPath('interrupts/pcp-qa-1152cpu-x86_64.interrupts.txt.bz2'));
    expect(a.kind).toBe('proc-interrupts');
    if (a.kind === 'proc-interrupts')
      expect(a.interrupts.rows.length).toBe(
        parseProcInterrupts(text('interrupts/pcp-qa-1152cpu-x86_64.interrupts.txt.bz2'), 'x').rows
          .length,
      );
  });

  it("reads a GPIO pin's row: the controller's chip, the pin as hwirq, no flow handler name", () => {
    const r = parseProcInterrupts(
      [
        '            CPU0       CPU1',
        ' 135:          0          1  intel-gpio   87  rt5682s',
        '  60:          0          3  amd_gpio    5  ELAN0001:00',
        '  14:          0          1  IR-IO-APIC   14-fasteoi   INTC1057:00',
      ].join('\n'),
      'gpio.txt',
    );
    expect(r.rows.map((x) => [x.chip, x.hwirq, x.handler, x.trigger, x.actions])).toEqual([
      ['intel-gpio', 87, null, null, ['rt5682s']],
      ['amd_gpio', 5, null, null, ['ELAN0001:00']],
      ['IR-IO-APIC', 14, 'fasteoi', 'level', ['INTC1057:00']],
    ]);
    expect(r.rows.map(gpioChipOf)).toEqual(['intel-gpio', 'amd_gpio', null]);
  });

  it('names the line of a row that is not /proc/interrupts', () => {
    expect(() =>
      parseProcInterrupts(
        '           CPU0       CPU1\n  0:   1 2 IO-APIC 2-edge timer\n  1:   1 IO-APIC 1-edge i8042\n',
        'p.txt',
      ),
    ).toThrow(new ImportError({ file: 'p.txt', line: 3 }, 'irq 1 has 1 counts for 2 CPUs'));
    expect(() => parseProcInterrupts('hello\n', 'q.txt')).toThrow(
      /q\.txt: line 1: not a \/proc\/interrupts header/,
    );
  });
});

describe('real vs predicted', () => {
  const real = parseProcInterrupts(
    readFileSync(sharedPath('fixtures', 'qemu', 'q35-noir-2cpu', 'interrupts.txt'), 'utf8'),
    'interrupts.txt',
  );

  it('finds nothing to report between a file and itself, counts aside', () => {
    const other = structuredClone(real);
    for (const row of other.rows) row.counts = row.counts.map(() => 0);
    expect(compareInterrupts(real, other)).toMatchObject({
      differences: [],
      matched: real.rows.length,
    });
  });

  it('reports each difference: a missing irq, another chip, another hwirq, other actions, CPUs, counters', () => {
    const other = structuredClone(real);
    other.rows.splice(0, 1);
    other.rows[0]!.chip = 'IR-IO-APIC';
    other.rows[1]!.hwirq = 99;
    other.rows[2]!.actions = ['x'];
    other.cpus = other.cpus.slice(0, 1);
    other.counters = other.counters.filter((c) => c.label !== 'NMI');
    const d = compareInterrupts(real, other).differences.map(describeDifference);
    expect(d).toEqual([
      'CPUs: real 2, predicted 1',
      `irq ${real.rows[0]!.irq} (line ${real.rows[0]!.at.line}): real "${real.rows[0]!.chip} ${real.rows[0]!.hwirq}-${real.rows[0]!.handler} ${real.rows[0]!.actions.join(', ')}", not predicted`,
      `irq ${real.rows[1]!.irq} (line ${real.rows[1]!.at.line}): chip real "${real.rows[1]!.chip}", predicted "IR-IO-APIC"`,
      `irq ${real.rows[2]!.irq} (line ${real.rows[2]!.at.line}): hwirq real "${real.rows[2]!.hwirq}", predicted "99"`,
      `irq ${real.rows[3]!.irq} (line ${real.rows[3]!.at.line}): actions real "${real.rows[3]!.actions.join(', ')}", predicted "x"`,
      'NMI: in the real file only',
    ]);
  });
});
