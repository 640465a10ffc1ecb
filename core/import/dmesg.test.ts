// The dmesg importer against every log in shared/fixtures/real/{dmesg,faults}: the facts
// SOURCES.md lists for each file are read from it at test time and checked against the parse.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyFacts, realFixtures, realPath } from '../testing/sources';
import { DmesgParser, kernelMessage, parseDmesg } from './dmesg';
import { MAX_SOURCES_PER_FACT } from './errors';
import { parseFaultLine } from './faults';

const files = [...realFixtures('dmesg'), ...realFixtures('faults')];
const hexNorm = (s: string) => `0x${BigInt(s.startsWith('0x') ? s : `0x${s}`).toString(16)}`;

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
      const p = r.part;
      const o = r.observations;
      const facts = bullets(f);
      const all = facts.join(' ');

      it('reads every line, whatever the prefix (timestamps, dmesg -T, journal, printk levels, CRLF)', () => {
        expect(r.lines).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
        expect(r.kernelLines).toBeGreaterThan(0);
      });

      it('has the IOAPICs with their ids, addresses and GSI ranges', () => {
        for (const b of facts.filter(
          (x) => /IOAPIC/.test(x) && /GSI|\d+-\d+/.test(x) && !/->|under/.test(x),
        )) {
          const version = /version (\d+)/.exec(b);
          for (const m of b.matchAll(/(?:id )?(\d+) (?:@(0x[0-9a-f]+),? )?(?:GSI )?(\d+)-(\d+)/g)) {
            const io = p.ioapics?.find((x) => x.id === Number(m[1]));
            expect(io, m[0]).toBeDefined();
            expect([io!.gsi_base, io!.gsi_base! + (io!.pins ?? 24) - 1]).toEqual([
              Number(m[3]),
              Number(m[4]),
            ]);
            if (m[2]) expect(io!.address).toBe(m[2]);
            if (version) expect(io!.version).toBe(Number(version[1]));
          }
        }
      });

      it('counts the CPUs the kernel allowed and brought up', () => {
        const allow =
          /Allowing (\d+) CPUs(?:, (\d+) hotplug CPUs)?|Allowing (\d+) present CPUs plus (\d+) hotplug/.exec(
            all,
          );
        if (allow)
          expect(p.cpus?.possible).toBe(
            allow[1] ? Number(allow[1]) : Number(allow[3]) + Number(allow[4]),
          );
        const up = /Brought up (\d+) nodes?, (\d+) CPUs/.exec(all);
        if (up) expect(p.cpus?.online_count).toBe(Number(up[2]));
        if (/x2apic: enabled by BIOS/.test(all)) expect(p.cpus?.apic_mode).toBe('x2apic');
        const routing = /(physical flat|cluster x2apic|physical x2apic)/.exec(all);
        if (routing) expect(o.apicRouting).toContain(routing[1]);
        const ignored = /(\d+) lines APIC: NR_CPUS\/possible_cpus limit/.exec(all);
        if (ignored) expect(o.ignoredProcessors).toBe(Number(ignored[1]));
      });

      it('has the interrupt source overrides', () => {
        for (const m of all.matchAll(/IRQ(\d+) -> GSI (\d+)(?: (high|low) (level|edge))?/g)) {
          const o2 = p.interrupt_source_overrides?.find((x) => x.bus_irq === Number(m[1]));
          expect(o2, m[0]).toBeDefined();
          expect(o2!.gsi).toBe(Number(m[2]));
          if (m[3]) expect([o2!.polarity, o2!.trigger]).toEqual([m[3], m[4]]);
        }
      });

      it('has the HPET', () => {
        const base = /HPET id 0x[0-9a-f]+ base (0x[0-9a-f]+)/.exec(all);
        if (base) expect(p.hpet?.address).toBe(base[1]);
        const cmp = /(\d+) comparators/.exec(all);
        if (cmp) expect(p.hpet?.timers).toBe(Number(cmp[1]));
        const per = /(\d+) channels of (\d+) reserved for per-cpu timers/.exec(all);
        if (per && Number(per[2]) > 0) {
          expect(p.cpus?.arat).toBe(false);
          expect(p.hpet?.msi_timers?.length).toBe(Number(per[2]));
        }
      });

      it('has the DMAR header, DRHDs with flags and cap/ecap, RMRRs, ATSRs and opt-out', () => {
        const haw = /(?:host address width|HAW) (\d+)/.exec(all);
        if (haw) expect(p.dmar?.host_address_width).toBe(Number(haw[1]));
        if (/no DMAR(?!-)/.test(all) && o.acpiTables.size) expect(p.dmar).toBeNull();
        const n = /(\d+) DRHDs/.exec(all);
        if (n) expect(p.iommus?.length).toBe(Number(n[1]));
        for (const m of all.matchAll(/dmar(\d+) (0x[0-9a-f]+)/g))
          expect(p.iommus?.[Number(m[1])]?.register_base, m[0]).toBe(m[2]);
        for (const m of all.matchAll(/DRHD (0x[0-9a-f]+) flags (0x[01])/g)) {
          const u = p.iommus?.find((x) => x.register_base === m[1]);
          expect(u, m[0]).toBeDefined();
          expect(u!.kind === 'intel-vtd' && u!.include_pci_all).toBe(m[2] === '0x1');
        }
        const cap = /\(all cap ([0-9a-f]+) ecap ([0-9a-f]+)\)/.exec(all);
        if (cap)
          for (const u of p.iommus ?? [])
            expect(u.kind === 'intel-vtd' && [u.cap, u.ecap]).toEqual([
              hexNorm(cap[1]!),
              hexNorm(cap[2]!),
            ]);
        const ecapAll = /ecap = (0x[0-9a-f]+) on all/.exec(all);
        if (ecapAll)
          for (const u of p.iommus ?? []) expect(u.kind === 'intel-vtd' && u.ecap).toBe(ecapAll[1]);
        const ver = /DRHD (0x[0-9a-f]+) flags 0x[01] \(dmar\d+(?:,)? ver (\d+:\d+)/.exec(all);
        if (ver)
          expect(p.iommus?.find((x) => x.register_base === ver[1])).toMatchObject({
            version: ver[2],
          });
        for (const m of all.matchAll(/RMRR (0x[0-9a-f]+)-(0x[0-9a-f]+)/g))
          expect(p.dmar?.rmrr, m[0]).toContainEqual(
            expect.objectContaining({ base: m[1], end: m[2] }),
          );
        const rmrrs = /(\d+) RMRRs/.exec(all);
        if (rmrrs) expect(p.dmar?.rmrr?.length).toBe(Number(rmrrs[1]));
        const atsr = /(\d+) ATSR/.exec(all);
        if (atsr) expect(p.dmar?.atsr?.length).toBe(Number(atsr[1]));
        if (/x2APIC opt-out|x2apic opt out/.test(all)) expect(p.dmar?.x2apic_opt_out).toBe(true);
      });

      it('has which DRHD each IOAPIC and HPET is under, and the IR mode', () => {
        for (const m of all.matchAll(
          /((?:IOAPIC|HPET) \d+(?: and (?:IOAPIC |HPET )?\d+)*)(?: both)? (?:->|under) (?:DRHD base )?(0x[0-9a-f]+)/g,
        )) {
          let type: 'ioapic' | 'hpet' = 'ioapic';
          for (const x of m[1]!.matchAll(/(IOAPIC|HPET)? ?(\d+)/g)) {
            if (x[1]) type = x[1] === 'IOAPIC' ? 'ioapic' : 'hpet';
            expect(o.irScopes, `${type} ${x[2]} under ${m[2]}`).toContainEqual(
              expect.objectContaining({ type, id: Number(x[2]), drhd: m[2] }),
            );
          }
        }
        if (/no DMAR-IR lines/.test(all)) expect(o.irScopes).toEqual([]);
        const ir = /(?:IRQ remapping|IR) in (x2apic|xapic) mode/.exec(all);
        if (ir) expect(o.irqRemapping).toBe(ir[1]);
        if (/AMD-Vi: Interrupt remapping enabled/.test(all)) expect(o.irqRemapping).toBe('amd');
      });

      it('has the AMD IOMMUs and their EFR', () => {
        const eight = /(\d+) AMD IOMMUs/.exec(all);
        if (eight) expect(o.amdIommus.length).toBe(Number(eight[1]));
        const one = /one IOMMU at ([0-9a-f:.]+) \(cap (0x[0-9a-f]+)\)/.exec(all);
        if (one)
          expect(o.amdIommus).toEqual([
            expect.objectContaining({ bdf: one[1], capOffset: parseInt(one[2]!, 16) }),
          ]);
        const efr = /EFR (0x[0-9a-f]+)/.exec(all);
        if (efr) expect(o.amdEfr).toBe(efr[1]);
      });

      it('has the PCI functions, VFs and VMD domains the log names', () => {
        for (const m of all.matchAll(
          /(?:VFs? (?:appears as )?)((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.\d)(?: and ([0-9a-f]{2}:[0-9a-f]{2}\.\d))? \[([0-9a-f]{4}:[0-9a-f]{4})\]/g,
        )) {
          for (const b of [m[1], m[2]].filter(Boolean)) {
            const bdf = b!.length === 7 ? `${m[1]!.slice(0, 5)}${b}` : b!;
            expect(p.pci?.find((x) => x.bdf === bdf)?.vendor_device, bdf).toBe(m[3]);
          }
        }
        const vmd = /VMD at ([0-9a-f:.]+) creates PCI domain ([0-9a-f]+)/.exec(all);
        if (vmd) {
          expect(o.probeEvents).toContainEqual({ bdf: vmd[1], driver: 'vmd' });
          expect(o.probeEvents).toContainEqual(
            expect.objectContaining({ bdf: `${vmd[2]}:e1:00.0` }),
          );
        }
        for (const m of all.matchAll(/(\w+) ([0-9a-f]{2}:[0-9a-f]{2}\.\d) irq (\d+)/g))
          expect(o.msiIrqs, m[0]).toContainEqual(
            expect.objectContaining({ bdf: `0000:${m[2]}`, irq: Number(m[3]) }),
          );
      });

      it('has the kernel version the log names', () => {
        const k =
          /kernel (\d+\.\d+\S*)|Debian 12 kernel (\d+\.\d+\.\d+-\d+)|kernel (\d+\.\d+\.\d+)/.exec(
            all,
          );
        if (k && text.includes('Linux version'))
          expect(p.kernel?.version).toContain((k[1] ?? k[2] ?? k[3])!.replace(/[.,;]$/, ''));
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
