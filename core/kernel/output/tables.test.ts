// The analysis tables against what a real Linux 6.1 kernel reported for the same QEMU machine
// (irqdbg/domains.txt: every domain's name, parent and mapped count; the VECTOR matrix), and the
// IOAPIC entries against the irqs the run says each pin has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qemuFixtureMachine } from '../../testing/qemu';
import { sharedPath } from '../../testing/shared';
import { simulate } from '../../scenario';
import type { Kernel } from '../kernel';
import { domainTable, ioapicTables, matrixBitmaps } from './tables';

const FIXTURE = 'q35-ir-4cpu';
const debugfs = readFileSync(
  sharedPath('fixtures', 'qemu', FIXTURE, 'irqdbg', 'domains.txt'),
  'utf8',
);

/** `### domains/NAME` sections: the domain's own name, mapped count and first parent line. */
function realDomains(): { name: string; mapped: number; parent: string | null }[] {
  const out: { name: string; mapped: number; parent: string | null }[] = [];
  for (const section of debugfs.split(/^### /m)) {
    const head = /^domains\/(.+)\n/.exec(section);
    if (!head) continue;
    const name = /^name:\s+(\S+)/m.exec(section)?.[1];
    const mapped = /^ mapped:\s+(\d+)/m.exec(section)?.[1];
    if (!name || mapped === undefined) continue;
    const parent = /^ parent:\s+(\S+)/m.exec(section)?.[1] ?? null;
    out.push({ name, mapped: Number(mapped), parent });
  }
  return out;
}

function bootFixture() {
  let kernel: Kernel | null = null;
  const result = simulate(qemuFixtureMachine(FIXTURE), {
    profile: '6.1',
    onKernel: (k) => (kernel = k),
  });
  return { result, k: kernel! };
}

describe('analysis tables of a run', () => {
  const { result, k } = bootFixture();

  it('lists the irq domains the kernel had, each with its parent and mapped count (debugfs)', () => {
    const ours = new Map(domainTable(k).map((d) => [d.name, d]));
    const real = realDomains();
    expect(real.length).toBeGreaterThan(3);
    // Domains that hold irqs (the model does not create an empty HPET-MSI domain).
    for (const d of real.filter((x) => x.mapped > 0)) {
      expect(ours.get(d.name), d.name).toBeDefined();
      expect({
        name: d.name,
        parent: ours.get(d.name)!.parent,
        mapped: ours.get(d.name)!.mapped,
      }).toEqual(d);
    }
  });

  it('puts parents before children, VECTOR first', () => {
    const rows = domainTable(k);
    expect(rows[0]!.name).toBe('VECTOR');
    const seen = new Set<string>();
    for (const d of rows) {
      if (d.parent) expect(seen.has(d.parent), `${d.name} after ${d.parent}`).toBe(true);
      seen.add(d.name);
    }
  });

  it('decodes every IOAPIC entry of a mapped pin: its irq, trigger and the remappable format under IR', () => {
    const tables = ioapicTables(k);
    const byIrq = new Map(result.irqs.map((i) => [i.irq, i]));
    let checked = 0;
    for (const t of tables)
      for (const rte of t.rtes) {
        if (rte.irq < 0) continue;
        const irq = byIrq.get(rte.irq);
        if (!irq || !irq.domains[0]?.domain.startsWith('IO-APIC')) continue;
        expect(irq.domains[0]!.hwirq).toBe(rte.pin);
        // A pin no driver requested is left masked (never activated).
        if (rte.masked) continue;
        expect(rte.trigger).toBe(irq.trigger);
        // The run is under VT-d IR: the entry names an IRTE, whose index is the IR level's.
        expect(rte.remappable).toBe(true);
        const ir = irq.domains.find((d) => d.domain.startsWith('INTEL-IR-'))!;
        expect(rte.irteIndex).toBe(ir.hwirq >> 16);
        checked++;
      }
    expect(checked).toBeGreaterThan(3);
  });

  it('gives the vector matrix as bitmaps that count what debugfs counts per CPU', () => {
    const m = matrixBitmaps(k);
    const rows = [...debugfs.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d,-]+)$/gm)];
    const perCpu = new Map(rows.map((r) => [Number(r[1]), Number(r[5])]));
    expect(m.cpus).toEqual(
      [...perCpu.keys()].sort((a, b) => a - b).filter((c, i, a) => a.indexOf(c) === i),
    );
    const pop = (w: number) => {
      let n = 0;
      for (; w; w &= w - 1) n++;
      return n;
    };
    m.cpus.forEach((cpu, i) => {
      const words = m.allocated.slice(i * 8, i * 8 + 8);
      expect(
        words.reduce((a, w) => a + pop(w), 0),
        `cpu ${cpu}`,
      ).toBe(k.matrix.allocated[cpu]);
    });
    expect(m.system.length).toBe(8);
  });
});
