import { describe, expect, it } from 'vitest';
import { largeMachine, PRESETS } from '../../../core/model/presets';
import { MachineSchema, PciFunctionSchema, type Machine } from '../../../core/model/schema';
import { AUTO_EXPAND_CPUS, buildGraph, nodeIdOfPci, vfBdf } from './graph';

const example = () => PRESETS.example!.make();

function incoming(graph: ReturnType<typeof buildGraph>, id: string) {
  return graph.edges.filter((e) => e.target === id);
}

describe('the machine as a graph', () => {
  it('has a node for every socket, IOAPIC, the HPET and every PCI function', () => {
    const m = example();
    const g = buildGraph(m, null);
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const pkg of new Set(m.cpus.list.map((c) => c.package)))
      expect(ids).toContain(`socket:${pkg}`);
    m.ioapics.forEach((_, i) => expect(ids).toContain(`ioapic:${i}`));
    expect(ids.has('hpet')).toBe(m.hpet !== null);
    for (const f of m.pci) expect(ids).toContain(nodeIdOfPci(f.bdf));
  });

  it('hangs every PCI function under exactly one parent: its bridge, its host bridge or its segment', () => {
    const m = example();
    const g = buildGraph(m, null);
    for (const f of m.pci) {
      const parents = incoming(g, nodeIdOfPci(f.bdf)).filter((e) => e.kind !== 'scope');
      expect(parents, f.bdf).toHaveLength(1);
      if (f.parent) expect(parents[0]!.source).toBe(nodeIdOfPci(f.parent));
    }
  });

  it('shows the CPUs of small machines and collapses sockets of big ones', () => {
    const small = buildGraph(example(), null);
    expect(small.nodes.filter((n) => n.kind === 'cpu')).toHaveLength(example().cpus.list.length);
    const big = MachineSchema.parse(PRESETS.large!.make());
    expect(big.cpus.list.length).toBeGreaterThan(AUTO_EXPAND_CPUS);
    const g = buildGraph(big, null);
    expect(g.nodes.filter((n) => n.kind === 'cpu')).toHaveLength(0);
    const one = buildGraph(big, new Map([['socket:0', true]]));
    expect(one.nodes.filter((n) => n.kind === 'cpu').length).toBe(
      big.cpus.list.filter((c) => c.package === 0).length,
    );
  });

  it('draws enabled VFs at their routing ids (First VF Offset, VF Stride)', () => {
    const m: Machine = structuredClone(example());
    const nic = m.pci.find((f) => f.bdf === '0000:02:00.0')!;
    nic.sriov = {
      total_vfs: 8,
      num_vfs: 3,
      vf_device: '1520',
      first_vf_offset: 0x80,
      vf_stride: 2,
    };
    const g = buildGraph(m, null);
    const vfs = g.edges.filter((e) => e.kind === 'vf' && e.source === nodeIdOfPci(nic.bdf));
    expect(vfs).toHaveLength(3);
    // Routing id = bus << 8 | devfn: the VF's is the PF's + offset + i * stride.
    const rid = (bdf: string) => {
      const [, bus, devfn] = bdf.split(':');
      const [dev, fn] = devfn!.split('.');
      return (parseInt(bus!, 16) << 8) | (parseInt(dev!, 16) << 3) | Number(fn);
    };
    for (let i = 0; i < 3; i++) expect(rid(vfBdf(nic, i))).toBe(rid(nic.bdf) + 0x80 + i * 2);
  });

  it('puts the functions of a VMD domain under the VMD controller', () => {
    const m = structuredClone(example());
    m.pci.push(
      PciFunctionSchema.parse({
        bdf: '0000:00:0e.0',
        vendor_device: '8086:467f',
        class: '0x010400',
        kind: 'vmd',
        vmd: { domain: 0x10000 },
      }),
      PciFunctionSchema.parse({
        bdf: '10000:e1:00.0',
        vendor_device: '144d:a80a',
        class: '0x010802',
      }),
    );
    const g = buildGraph(MachineSchema.parse(m), null);
    expect(incoming(g, nodeIdOfPci('10000:e1:00.0'))).toMatchObject([
      { source: nodeIdOfPci('0000:00:0e.0'), kind: 'vmd' },
    ]);
  });

  it('links an IOMMU to the devices its scopes name, and to the segment with INCLUDE_PCI_ALL', () => {
    const m = structuredClone(example());
    const unit = (extra: object) => ({
      kind: 'intel-vtd' as const,
      register_base: '0xfed90000',
      size: 0,
      segment: 0,
      include_pci_all: false,
      scopes: [],
      version: '1:0',
      cap: '0xd2008c40660462',
      ecap: '0xf050da',
      ...extra,
    });
    m.iommus = [
      unit({
        scopes: [
          {
            type: 'endpoint',
            bus: 0,
            path: [
              [0x1c, 0],
              [0, 0],
            ],
          },
        ],
      }),
      unit({
        register_base: '0xfed91000',
        include_pci_all: true,
        scopes: [{ type: 'ioapic', id: m.ioapics[0]!.id, bus: 0xf0, path: [[0x1f, 0]] }],
      }),
    ] as never;
    const g = buildGraph(MachineSchema.parse(m), null);
    const scope = (i: number) =>
      g.edges.filter((e) => e.kind === 'scope' && e.source === `iommu:${i}`).map((e) => e.target);
    // 00:1c.0 is a root port whose secondary bus holds 02:00.0.
    expect(scope(0)).toEqual([nodeIdOfPci('0000:02:00.0')]);
    expect(scope(1).sort()).toEqual(['ioapic:0', 'segment:0']);
  });

  it('gives every function of a 2,000-device machine its node', () => {
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
    const g = buildGraph(m, null);
    expect(g.nodes.filter((n) => n.path?.[0] === 'pci')).toHaveLength(m.pci.length);
    expect(m.pci.length).toBeGreaterThanOrEqual(1900);
  });
});
