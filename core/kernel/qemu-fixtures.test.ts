// The simulator against what a real Linux 6.1 kernel reported after booting known QEMU machines
// (shared/fixtures/qemu). Every expectation is read from the fixture at test time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qemuFixtureMachine as machineOf } from '../testing/qemu';
import { sharedPath } from '../testing/shared';
import { simulate, type SimulationResult } from '../scenario';

const fixture = (name: string, file: string) =>
  readFileSync(sharedPath('fixtures', 'qemu', name, file), 'utf8');

interface TsvIrq {
  irq: number;
  chip: string;
  hwirq: string;
  type: string;
  handler: string;
  actions: string;
  effective: string;
  affinity: string;
}

function parseIrqsTsv(text: string): TsvIrq[] {
  const [header, ...rows] = text.trim().split('\n');
  const cols = header!.split('\t');
  const at = (name: string) => cols.indexOf(name);
  return rows.map((row) => {
    const f = row.split('\t');
    return {
      irq: Number(f[at('irq')]),
      chip: f[at('chip_name')] ?? '',
      hwirq: f[at('hwirq')] ?? '',
      type: f[at('type')] ?? '',
      handler: f[at('name')] ?? '',
      actions: f[at('actions')] ?? '',
      effective: f[at('effective_affinity_list')] ?? '',
      affinity: f[at('smp_affinity_list')] ?? '',
    };
  });
}

/** irqdbg/domains.txt: per irq, the VECTOR level's Vector and Target. */
function debugfsVectors(text: string): Map<number, { vector: number; target: number }> {
  const out = new Map<number, { vector: number; target: number }>();
  for (const block of text.split(/^### irqs\//m).slice(1)) {
    const irq = Number(block.slice(0, block.indexOf('\n')));
    const v = /Vector:\s+(\d+)\s+Target:\s+(\d+)/.exec(block);
    if (v) out.set(irq, { vector: Number(v[1]), target: Number(v[2]) });
  }
  return out;
}

function cpusOf(r: SimulationResult): number {
  return r.vectorUsage.length;
}

function vectorSection(text: string): string[] {
  const start = text.indexOf('Online bitmaps:');
  const lines = text.slice(start).split('\n');
  const end = lines.findIndex((l) => l.startsWith('###'));
  return lines.slice(0, end).filter((l) => l.length > 0);
}

/** irqdbg/iommu.txt, ir_translation_struct: index -> (SrcID, DstID, vector, IRTE high, IRTE low). */
function irtesOf(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const start = text.indexOf('ir_translation_struct');
  if (start < 0) return out;
  for (const line of text.slice(start).split('\n')) {
    const m =
      /^ (\d+)\s+(\S+)\s+([0-9a-f]{8})\s+([0-9a-f]+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})$/.exec(line);
    if (m) out.set(Number(m[1]), [m[2]!, m[3]!, m[4]!, m[5]!, m[6]!]);
  }
  return out;
}

const FIXTURES: { name: string; title: string; remapped: boolean }[] = [
  { name: 'q35-noir-2cpu', title: 'no interrupt remapping, 2 CPUs, Linux 6.1', remapped: false },
  {
    name: 'q35-ir-4cpu',
    title: 'Intel VT-d interrupt remapping (xAPIC), 4 CPUs, Linux 6.1',
    remapped: true,
  },
];

describe.each(FIXTURES)('$name: $title', ({ name, remapped }) => {
  const real = parseIrqsTsv(fixture(name, 'irqs.tsv'));
  let sim: SimulationResult;
  const simulated = () => (sim ??= simulate(machineOf(name), { profile: '6.1' }));
  const simIrq = (irq: number) => simulated().irqs.find((i) => i.irq === irq);

  it('allocates exactly the Linux irqs the kernel had (but the cascade, irq 2, left to XT-PIC)', () => {
    const expected = real.filter((r) => r.chip !== 'XT-PIC').map((r) => r.irq);
    expect(simulated().irqs.map((i) => i.irq)).toEqual(expected);
  });

  it('gives every irq the same chip, hwirq, trigger and flow handler', () => {
    for (const r of real.filter((x) => x.chip !== 'XT-PIC')) {
      const s = simIrq(r.irq)!;
      expect({
        irq: r.irq,
        chip: s.chip,
        hwirq: String(s.hwirq),
        type: s.trigger,
        handler: s.handler,
      }).toEqual({
        irq: r.irq,
        chip: r.chip,
        hwirq: r.hwirq,
        type: r.type,
        handler: r.handler,
      });
    }
  });

  it('registers the same actions on the same irqs (drivers, instance and interface names)', () => {
    for (const r of real.filter((x) => x.chip !== 'XT-PIC')) {
      expect([r.irq, simIrq(r.irq)!.actions.join(',')]).toEqual([r.irq, r.actions]);
    }
  });

  it('uses MSI-X and MSI for the same devices and irqs as the kernel', () => {
    const sysfs = fixture(name, 'pci-sysfs.txt');
    const modes = [...sysfs.matchAll(/msi_irq: (\d+) (msix?)/g)].map(([, irq, mode]) => [
      Number(irq),
      mode,
    ]);
    expect(modes.length).toBeGreaterThan(0);
    for (const [irq, mode] of modes) expect([irq, simIrq(irq as number)?.msi]).toEqual([irq, mode]);
  });

  it('picks the same CPU for every vector the kernel had assigned (effective affinity)', () => {
    for (const r of real.filter((x) => x.effective !== '')) {
      expect([r.irq, simIrq(r.irq)!.effectiveAffinity]).toEqual([r.irq, r.effective]);
    }
  });

  // Under IR an affinity hint moves the vector at once; the old vector is freed when the cleanup
  // IPI runs on the old CPU, which in the real boot happened at no fixed point. From the first
  // such move on, vector numbers (not CPUs) depend on that timing; the model frees at once.
  const firstMovedIrq = () =>
    remapped
      ? Math.min(
          ...simulated()
            .irqs.filter(
              (i) =>
                !i.managed &&
                i.affinity !== '' &&
                i.affinity !== `0-${cpusOf(simulated()) - 1}` &&
                i.msi,
            )
            .map((i) => i.irq),
        )
      : Infinity;
  const vectorIsDeterministic = (irq: number) =>
    irq < firstMovedIrq() || simIrq(irq)?.chip.includes('IO-APIC');

  it('picks the same vector numbers as the kernel (irqdbg debugfs, same kernel source), up to the first vector moved by an affinity hint under IR', () => {
    const vectors = debugfsVectors(fixture(name, 'irqdbg/domains.txt'));
    expect(vectors.size).toBeGreaterThan(0);
    for (const [irq, v] of vectors) {
      const s = simIrq(irq);
      if (!s || !vectorIsDeterministic(irq)) continue; // irq 2 (XT-PIC); timing-dependent
      const assigned = v.vector !== 0;
      expect([irq, assigned ? s.vector : 0, assigned ? s.cpu : 0]).toEqual([
        irq,
        v.vector,
        assigned ? v.target : 0,
      ]);
    }
  });

  it('builds the same irq_data chain for every irq: domains, hwirqs, chips, vector state (debugfs irqs/N)', () => {
    const text = fixture(name, 'irqdbg/domains.txt');
    const blocks = text.split(/^### irqs\//m).slice(1);
    expect(blocks.length).toBeGreaterThan(30);
    for (const block of blocks) {
      const irq = Number(block.slice(0, block.indexOf('\n')));
      const sim = simIrq(irq);
      if (!sim) continue; // irq 2, the cascade, stays with the legacy PIC
      let real = block.slice(block.indexOf('domain:'));
      let simulatedChain = sim.debugfs;
      if (!vectorIsDeterministic(irq)) {
        real = real.replace(/Vector:\s+\d+/, 'Vector: <moved>');
        simulatedChain = simulatedChain.replace(/Vector:\s+\d+/, 'Vector: <moved>');
      }
      expect([irq, simulatedChain]).toEqual([irq, real.endsWith('\n') ? real : real + '\n']);
    }
  });

  it('ends with the same vector matrix (debugfs domains/VECTOR)', () => {
    expect(vectorSection(simulated().vectorDebugfs)).toEqual(
      vectorSection(fixture(name, 'irqdbg/domains.txt')),
    );
  });

  it('sets the same smp_affinity (driver hints and managed spreading)', () => {
    for (const r of real.filter((x) => x.affinity !== '' && x.chip !== 'XT-PIC')) {
      expect([r.irq, simIrq(r.irq)!.affinity]).toEqual([r.irq, r.affinity]);
    }
  });

  it('logs only lines the real kernel logged, in the same order (dmesg, timestamps aside)', () => {
    const real = fixture(name, 'dmesg.txt')
      .split('\n')
      .map((l) => l.replace(/^\[\s*\d+\.\d+\] /, ''));
    let from = 0;
    for (const line of simulated().dmesg) {
      const at = real.indexOf(line, from);
      expect(at, `"${line}" (after line ${from} of the real dmesg)`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
    expect(simulated().dmesg.length).toBeGreaterThan(10);
  });

  it('writes the same MSI messages into the devices (lspci Address/Data, flat logical xAPIC)', () => {
    const lspci = fixture(name, 'lspci.txt');
    let compared = 0;
    for (const dev of simulated().devices) {
      const start = lspci.indexOf(`\n${dev.bdf} `);
      if (start < 0) continue;
      const end = lspci.indexOf('\n\n', start + 1);
      const section = lspci.slice(start, end < 0 ? undefined : end);
      const real = [
        ...section.matchAll(
          /Capabilities: \[[0-9a-f]+\] (MSI(?:-X)?: .*)\n\t\t((?:Address|Vector table): .*)/g,
        ),
      ].flatMap((m) => [m[1]!.trim(), '\t' + m[2]!.trim()]);
      expect([dev.bdf, dev.lspci]).toEqual([dev.bdf, real]);
      compared += real.length;
    }
    expect(compared).toBeGreaterThan(4);
  });

  it('prints /proc/interrupts in the kernel format, byte for byte but the counts', () => {
    // Every line but its count columns (%10u each, one per online CPU) must be identical.
    const cpus = simulated()
      .procInterrupts()
      .split('\n')[0]!
      .match(/CPU\d+/g)!.length;
    const shape = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((line, n) => {
          if (n === 0) return line;
          const colon = line.indexOf(':');
          const counts = line.slice(colon + 2, colon + 2 + cpus * 11);
          expect(counts, line).toMatch(/^( *\d+ ?)+$/);
          return line.slice(0, colon + 1) + ' <counts> ' + line.slice(colon + 2 + cpus * 11);
        });
    expect(shape(simulated().procInterrupts())).toEqual(shape(fixture(name, 'interrupts.txt')));
  });

  it.runIf(remapped)(
    'fills the same IRTEs: index, source-id, destination and, where deterministic, vector (irqdbg ir_translation_struct)',
    () => {
      const real = irtesOf(fixture(name, 'irqdbg/iommu.txt'));
      expect(real.size).toBeGreaterThan(10);
      const unit = simulated().remapping.units[0]!;
      const sim = irtesOf('ir_translation_struct\n' + unit.debugfs);
      expect([...sim.keys()]).toEqual([...real.keys()]);
      for (const [index, [src, dst, vct, high, low]] of real) {
        const s = sim.get(index)!;
        const irq = unit.irtes.find((e) => e.index === index)!.irq;
        const det = vectorIsDeterministic(irq);
        expect([index, s[0], s[1], s[3], det ? s[2] : vct, det ? s[4] : low]).toEqual([
          index,
          src,
          dst,
          high,
          vct,
          low,
        ]);
      }
    },
  );

  it.runIf(remapped)(
    'gives the DMAR unit its fault interrupt first, in DMAR-MSI (never remapped), on CPU 0',
    () => {
      const real = parseIrqsTsv(fixture(name, 'irqs.tsv')).filter((r) => r.chip === 'DMAR-MSI');
      expect(real.length).toBe(1);
      const sim = simIrq(real[0]!.irq)!;
      expect([
        sim.chip,
        String(sim.hwirq),
        sim.actions.join(','),
        sim.effectiveAffinity,
        sim.affinity,
      ]).toEqual([
        'DMAR-MSI',
        real[0]!.hwirq,
        real[0]!.actions,
        real[0]!.effective,
        real[0]!.affinity,
      ]);
      expect(sim.domains.map((d) => d.domain)).toEqual(['DMAR-MSI', 'VECTOR']);
    },
  );
});
