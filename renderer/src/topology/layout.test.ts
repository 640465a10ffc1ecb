import { describe, expect, it } from 'vitest';
import { largeMachine, PRESETS } from '../../../core/model/presets';
import { MachineSchema, type Machine } from '../../../core/model/schema';
import { buildGraph, groupGraph, nodeIdOfPci, type GroupChoices } from './graph';
import { layoutGraph, type Placed } from './layout';
import { nodeOfIrqOwner, searchGraph } from './search';

const large = () => MachineSchema.parse(PRESETS.large!.make());
const shown = (m: Machine, choices: GroupChoices | null = null) =>
  groupGraph(m, buildGraph(m, choices), choices);
const overlap = (a: Placed, b: Placed) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the graph grouped by root complex', () => {
  it('collapses the root complexes of a big machine into one node each, with a count', () => {
    const m = large();
    const g = shown(m);
    const hostBridges = m.pci.filter((f) => f.kind === 'host-bridge');
    const complexes = g.nodes.filter((n) => n.kind === 'complex');
    expect(complexes.map((n) => n.id)).toEqual(hostBridges.map((f) => `rc:${f.bdf}`));
    expect(complexes[0]!.detail).toMatch(/^13 functions · dmar0 · IOAPIC 8$/);
    // Its IOMMU and IOAPIC went with it; every PCI function is found in its group.
    expect(g.nodes.some((n) => n.kind === 'iommu' || n.kind === 'ioapic')).toBe(false);
    for (const f of m.pci) expect(g.hiddenIn.get(nodeIdOfPci(f.bdf))).toMatch(/^rc:/);
    // Edges end at what is drawn: the HPET and the segment are scoped by the first complex.
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    expect(
      g.edges
        .filter((e) => e.kind === 'scope')
        .map((e) => e.target)
        .sort(),
    ).toEqual(['hpet', 'segment:0']);
    expect(g.total).toBeGreaterThan(240);
  });

  it('opens a root complex on demand, and keeps small machines whole', () => {
    const m = large();
    const g = shown(m, new Map([['rc:0000:30:00.0', true]]));
    const group = g.groups.find((x) => x.id === 'rc:0000:30:00.0')!;
    expect(group.expanded).toBe(true);
    expect(group.attached).toEqual(['iommu:3', 'ioapic:3']);
    for (const id of group.members) expect(g.nodes.some((n) => n.id === id)).toBe(true);
    const small = PRESETS['dmar-server']!.make();
    const s = shown(MachineSchema.parse(small));
    expect(s.nodes.filter((n) => n.kind === 'complex')).toHaveLength(0);
    expect(s.nodes.length).toBe(s.total);
  });
});

describe('the layout', () => {
  for (const [name, make] of [
    ['large', large],
    ['example', () => MachineSchema.parse(PRESETS.example!.make())],
    ['dmar-server', () => MachineSchema.parse(PRESETS['dmar-server']!.make())],
  ] as const)
    it(`places every node of ${name}, none over another, sockets first`, () => {
      const m = make();
      const g = shown(m, new Map([['rc:0000:30:00.0', true]]));
      const l = layoutGraph(g, 800);
      const top = g.nodes.filter((n) => !n.parent).map((n) => l.nodes.get(n.id)!);
      expect(top.every(Boolean)).toBe(true);
      for (let i = 0; i < top.length; i++)
        for (let j = i + 1; j < top.length; j++) expect(overlap(top[i]!, top[j]!)).toBe(false);
      const sockets = g.nodes.filter((n) => n.kind === 'socket').map((n) => l.nodes.get(n.id)!);
      const lowestSocket = Math.max(...sockets.map((p) => p.y + p.height));
      // The PCI tree under the sockets; the platform devices after them.
      const platform = new Set(['socket', 'hpet', 'ioapic', 'iommu']);
      for (const n of g.nodes) {
        const p = l.nodes.get(n.id)!;
        if (n.parent) continue;
        if (!platform.has(n.kind)) expect(p.y).toBeGreaterThan(lowestSocket);
        else expect(p.y).toBeGreaterThanOrEqual(sockets[0]!.y);
      }
      for (const e of g.edges) expect(l.edges.get(e.id)?.points.length).toBeGreaterThanOrEqual(2);
    });

  it('is computed once per structure: the same machine again is the same layout', () => {
    const m = large();
    const first = layoutGraph(shown(m), 800);
    expect(layoutGraph(shown(structuredClone(m)), 800)).toBe(first);
    expect(layoutGraph(shown(m), 1000)).not.toBe(first);
  });

  it('places every node of a 2,000-device machine with all its root complexes open', () => {
    const m = MachineSchema.parse(
      largeMachine({
        sockets: 2,
        coresPerSocket: 16,
        threadsPerCore: 2,
        ioapics: 4,
        rootComplexes: 128,
        nicsPerRootComplex: 4,
        nicMsixTableSize: 64,
        nvmePerRootComplex: 3,
      }),
    );
    const all = new Map(
      m.pci.filter((f) => f.kind === 'host-bridge').map((f) => [`rc:${f.bdf}`, true] as const),
    );
    const g = shown(m, all);
    const l = layoutGraph(g, 800);
    expect(l.nodes.size).toBe(g.nodes.length);
    expect(g.nodes.length).toBeGreaterThan(2000);
  });
});

describe('the search box', () => {
  it('finds a BDF in either form, a VF, an irq number or a name', () => {
    const m = large();
    const full = buildGraph(m, null);
    expect(searchGraph('0000:b3:00.0', m, full)).toEqual({ id: 'pci:0000:b3:00.0' });
    expect(searchGraph(' b3:00.0 ', m, full)).toEqual({ id: 'pci:0000:b3:00.0' });
    expect(searchGraph('B3:0.0', m, full)).toEqual({ id: 'pci:0000:b3:00.0' });
    expect(searchGraph('120', m, full)).toEqual({ irq: 120 });
    expect(searchGraph('irq 7', m, full)).toEqual({ irq: 7 });
    expect(searchGraph('hpet', m, full)).toEqual({ id: 'hpet' });
    expect(searchGraph('0000:ff:1f.7', m, full)).toBeNull();
    const vf = structuredClone(m);
    vf.pci.find((f) => f.bdf === '0000:b3:00.0')!.sriov = {
      total_vfs: 8,
      num_vfs: 2,
      vf_device: '101e',
      first_vf_offset: 1,
      vf_stride: 1,
    };
    expect(searchGraph('b3:00.2', vf, buildGraph(vf, null))).toEqual({ id: 'vf:0000:b3:00.0:1' });
  });

  it('takes an irq to its owner: a device, an IOMMU, the HPET, an IOAPIC pin', () => {
    const m = large();
    const irq = (owner: string, chip = 'PCI-MSIX', n = 100) => ({ irq: n, owner, chip, hwirq: 0 });
    expect(nodeOfIrqOwner(m, irq('0000:26:00.0'))).toBe('pci:0000:26:00.0');
    expect(nodeOfIrqOwner(m, irq('dmar3', 'DMAR-MSI'))).toBe('iommu:3');
    expect(nodeOfIrqOwner(m, irq('hpet0', 'HPET-MSI'))).toBe('hpet');
    expect(nodeOfIrqOwner(m, irq('', 'IO-APIC', 30))).toBe('ioapic:1');
  });
});
