// The machine as a graph: CPUs grouped by socket, IOAPICs, HPET, IOMMUs with the devices in their
// scope, the PCI tree (segments, host bridges, bridges, endpoints, SR-IOV VFs, VMD domains).
// Large groups (sockets, root complexes) collapse into one node with a count.
// Pure: layout.ts places what this builds.
import type { Machine, PciFunction } from '../../../core/model/schema';
import type { PathKey } from '../model/json-locate';

export type NodeKind =
  | 'socket'
  | 'cpu'
  | 'ioapic'
  | 'hpet'
  | 'iommu'
  | 'segment'
  | 'bridge'
  | 'endpoint'
  | 'vmd'
  | 'vf'
  | 'vfs'
  /** A collapsed root complex: its host bridge, everything under it, its IOMMU and IOAPIC. */
  | 'complex';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  detail: string;
  /** Where it is in the machine's JSON (null: derived, e.g. a VF or a segment). */
  path: PathKey[] | null;
  /** The compound node it is drawn inside (an expanded socket). */
  parent: string | null;
  width: number;
  height: number;
  /** A socket or a root complex: whether its members are shown. */
  expanded?: boolean;
  /** A collapsed group: what it holds, in words (its tooltip). */
  summary?: string;
  /** A host bridge: the root of a root complex. */
  hostBridge?: boolean;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: 'pci' | 'scope' | 'vf' | 'vmd';
}

export interface MachineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const NODE_W = 248;
export const NODE_H = 50;
/** A collapsed root complex: room for its counts beside its button. */
const COMPLEX_W = 290;
const SOCKET_W = 200;
const CPU_W = 72;
const CPU_H = 40;
/** Sockets with more CPUs than this start collapsed. */
export const AUTO_EXPAND_CPUS = 16;
/** More VFs than this are one node. */
export const VFS_SHOWN = 8;

export const nodeIdOfPci = (bdf: string) => `pci:${bdf}`;

function parseBdf(bdf: string) {
  const [seg, bus, devfn] = bdf.split(':');
  const [dev, fn] = devfn!.split('.');
  return {
    segment: parseInt(seg!, 16),
    bus: parseInt(bus!, 16),
    dev: parseInt(dev!, 16),
    fn: parseInt(fn!, 16),
  };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** The BDF of VF `i` (0-based) of a PF: routing id + First VF Offset + i * VF Stride. */
export function vfBdf(pf: PciFunction, i: number): string {
  const { segment, bus, dev, fn } = parseBdf(pf.bdf);
  const rid = (bus << 8) | (dev << 3) | fn;
  const vf = rid + pf.sriov!.first_vf_offset + i * pf.sriov!.vf_stride;
  const seg = segment.toString(16).padStart(pf.bdf.indexOf(':'), '0');
  return `${seg}:${hex2((vf >> 8) & 0xff)}:${hex2((vf >> 3) & 0x1f)}.${vf & 7}`;
}

function compressCpuList(cpus: number[]): string {
  const sorted = [...cpus].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function pciKindOf(f: PciFunction): NodeKind {
  if (f.kind === 'vmd') return 'vmd';
  return f.kind === 'endpoint' ? 'endpoint' : 'bridge';
}

const KIND_NAMES: Record<PciFunction['kind'], string> = {
  'host-bridge': 'Host bridge',
  'root-port': 'Root port',
  'pcie-switch-upstream': 'Switch upstream port',
  'pcie-switch-downstream': 'Switch downstream port',
  'pcie-to-pci-bridge': 'PCIe-to-PCI bridge',
  'pci-bridge': 'PCI bridge',
  'isa-bridge': 'ISA bridge',
  endpoint: 'Device',
  vmd: 'VMD controller',
};

function pciLabel(f: PciFunction): string {
  if (f.name) return f.name;
  return f.kind === 'endpoint' ? `Device ${f.vendor_device}` : KIND_NAMES[f.kind];
}

function pciDetail(f: PciFunction): string {
  const caps = [
    f.msix ? `MSI-X ${f.msix.table_size}` : null,
    f.msi ? `MSI ${f.msi.vectors_max}` : null,
    !f.msi && !f.msix && f.intx_pin ? `INT${f.intx_pin}` : null,
    f.sriov ? `SR-IOV ${f.sriov.num_vfs}/${f.sriov.total_vfs}` : null,
    f.vmd ? `VMD ${f.vmd.domain.toString(16)}` : null,
  ].filter(Boolean);
  return [f.bdf, ...caps].join(' · ');
}

/** Which PCI functions an IOMMU's scope names (explicit scopes; INCLUDE_PCI_ALL: the segment). */
function scopeTargets(
  machine: Machine,
  iommuIndex: number,
  byBusDevFn: Map<string, PciFunction>,
): string[] {
  const unit = machine.iommus[iommuIndex]!;
  const out: string[] = [];
  if (unit.kind === 'intel-vtd') {
    if (unit.include_pci_all) out.push(`segment:${unit.segment}`);
    for (const scope of unit.scopes) {
      if (scope.type === 'ioapic' && scope.id !== undefined) {
        const i = machine.ioapics.findIndex((io) => io.id === scope.id);
        if (i >= 0) out.push(`ioapic:${i}`);
        continue;
      }
      if (scope.type === 'hpet') {
        if (machine.hpet) out.push('hpet');
        continue;
      }
      // Walk the path from the start bus: each hop is a bridge whose secondary bus is next.
      let bus = scope.bus;
      let target: PciFunction | undefined;
      for (const [dev, fn] of scope.path) {
        target = byBusDevFn.get(`${unit.segment}:${bus}:${dev}:${fn}`);
        if (!target) break;
        bus = target.secondary_bus ?? bus;
      }
      if (target) out.push(nodeIdOfPci(target.bdf));
    }
  } else {
    for (const dev of unit.devices) {
      if (dev.type === 'all') out.push(`segment:${unit.segment}`);
      else if (dev.type === 'special') {
        if (dev.variety === 'ioapic') {
          const i = machine.ioapics.findIndex((io) => io.id === dev.handle);
          if (i >= 0) out.push(`ioapic:${i}`);
        } else if (dev.variety === 'hpet' && machine.hpet) out.push('hpet');
      } else if (
        dev.devid !== undefined &&
        (dev.type === 'select' || dev.type === 'alias-select')
      ) {
        const bus = dev.devid >> 8;
        const f = byBusDevFn.get(
          `${unit.segment}:${bus}:${(dev.devid >> 3) & 0x1f}:${dev.devid & 7}`,
        );
        if (f) out.push(nodeIdOfPci(f.bdf));
      }
    }
  }
  return [...new Set(out)];
}

/**
 * The user's choice per group (`socket:<package>`, `rc:<host bridge BDF>`): shown expanded or
 * collapsed. A group with no choice takes its default (collapsed when large).
 */
export type GroupChoices = ReadonlyMap<string, boolean>;

export function buildGraph(machine: Machine, choices: GroupChoices | null): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edge = (source: string, target: string, kind: GraphEdge['kind']) =>
    edges.push({ id: `${kind}:${source}>${target}`, source, target, kind });

  // CPUs by socket.
  const sockets = new Map<number, number[]>();
  machine.cpus.list.forEach((c, i) => {
    let list = sockets.get(c.package);
    if (!list) sockets.set(c.package, (list = []));
    list.push(i);
  });
  const total = machine.cpus.list.length;
  for (const [pkg, indexes] of [...sockets].sort((a, b) => a[0] - b[0])) {
    const id = `socket:${pkg}`;
    const expanded = choices?.get(id) ?? total <= AUTO_EXPAND_CPUS;
    const cpus = indexes.map((i) => machine.cpus.list[i]!.cpu);
    const offline = indexes.filter((i) => !machine.cpus.list[i]!.online).length;
    nodes.push({
      id,
      kind: 'socket',
      label: `Socket ${pkg} · ${indexes.length} CPU${indexes.length === 1 ? '' : 's'}`,
      detail: `CPUs ${compressCpuList(cpus)}${offline ? ` · ${offline} offline` : ''}${expanded ? ` · ${machine.cpus.apic_mode}` : ''}`,
      path: null,
      parent: null,
      // Collapsed, narrow: eight of them take two rows, not four.
      width: expanded ? NODE_W : SOCKET_W,
      height: NODE_H,
      expanded,
    });
    if (expanded) {
      for (const i of indexes) {
        const c = machine.cpus.list[i]!;
        nodes.push({
          id: `cpu:${i}`,
          kind: 'cpu',
          label: `CPU ${c.cpu}`,
          detail: `APIC ${c.apic_id}${c.online ? '' : ' · off'}`,
          path: ['cpus', 'list', i],
          parent: id,
          width: CPU_W,
          height: CPU_H,
        });
      }
    }
  }

  machine.ioapics.forEach((io, i) =>
    nodes.push({
      id: `ioapic:${i}`,
      kind: 'ioapic',
      label: `IOAPIC ${io.id}`,
      detail: `GSI ${io.gsi_base}-${io.gsi_base + io.pins - 1} · ${io.address}`,
      path: ['ioapics', i],
      parent: null,
      width: NODE_W,
      height: NODE_H,
    }),
  );
  if (machine.hpet) {
    const h = machine.hpet;
    nodes.push({
      id: 'hpet',
      kind: 'hpet',
      label: `HPET ${h.id}`,
      detail: `${h.timers} timers${h.msi_timers.length ? ` · ${h.msi_timers.length} MSI` : ''} · ${h.address}`,
      path: ['hpet'],
      parent: null,
      width: NODE_W,
      height: NODE_H,
    });
  }

  // PCI: segments, then every function under its parent (or the host bridge of its bus).
  const byBdf = new Map(machine.pci.map((f, i) => [f.bdf, { f, i }]));
  const byBusDevFn = new Map<string, PciFunction>();
  for (const f of machine.pci) {
    const b = parseBdf(f.bdf);
    byBusDevFn.set(`${b.segment}:${b.bus}:${b.dev}:${b.fn}`, f);
  }
  const vmdByDomain = new Map<number, PciFunction>();
  for (const f of machine.pci) if (f.vmd) vmdByDomain.set(f.vmd.domain, f);
  const hostBridgeOfBus = new Map<string, PciFunction>();
  for (const f of machine.pci) {
    if (f.kind !== 'host-bridge') continue;
    const b = parseBdf(f.bdf);
    const key = `${b.segment}:${b.bus}`;
    if (!hostBridgeOfBus.has(key)) hostBridgeOfBus.set(key, f);
  }
  const segments = new Set<number>();
  machine.pci.forEach((f, i) => {
    const b = parseBdf(f.bdf);
    const id = nodeIdOfPci(f.bdf);
    nodes.push({
      id,
      kind: pciKindOf(f),
      label: pciLabel(f),
      detail: pciDetail(f),
      path: ['pci', i],
      parent: null,
      width: NODE_W,
      height: NODE_H,
      ...(f.kind === 'host-bridge' ? { hostBridge: true } : {}),
    });
    if (f.parent !== null && byBdf.has(f.parent)) {
      edge(nodeIdOfPci(f.parent), id, 'pci');
    } else if (b.segment >= 0x10000 && vmdByDomain.has(b.segment)) {
      edge(nodeIdOfPci(vmdByDomain.get(b.segment)!.bdf), id, 'vmd');
    } else {
      const host = hostBridgeOfBus.get(`${b.segment}:${b.bus}`);
      if (host && host !== f) edge(nodeIdOfPci(host.bdf), id, 'pci');
      else {
        segments.add(b.segment);
        edge(`segment:${b.segment}`, id, 'pci');
      }
    }
    if (f.sriov && f.sriov.num_vfs > 0) {
      const n = f.sriov.num_vfs;
      if (n > VFS_SHOWN) {
        const vid = `vfs:${f.bdf}`;
        nodes.push({
          id: vid,
          kind: 'vfs',
          label: `${n} VFs`,
          detail: `${vfBdf(f, 0)} … ${vfBdf(f, n - 1)}`,
          path: ['pci', i, 'sriov'],
          parent: null,
          width: NODE_W,
          height: NODE_H,
        });
        edge(id, vid, 'vf');
      } else {
        for (let v = 0; v < n; v++) {
          const vid = `vf:${f.bdf}:${v}`;
          nodes.push({
            id: vid,
            kind: 'vf',
            label: `VF ${v}`,
            detail: `${vfBdf(f, v)} · ${f.vendor_device.split(':')[0]}:${f.sriov.vf_device}`,
            path: ['pci', i, 'sriov'],
            parent: null,
            width: NODE_W,
            height: NODE_H,
          });
          edge(id, vid, 'vf');
        }
      }
    }
  });
  machine.iommus.forEach((unit) => {
    if (
      unit.kind === 'intel-vtd' ? unit.include_pci_all : unit.devices.some((d) => d.type === 'all')
    )
      segments.add(unit.segment);
  });
  for (const seg of [...segments].sort((a, b) => a - b)) {
    nodes.push({
      id: `segment:${seg}`,
      kind: 'segment',
      label: `PCI segment ${seg.toString(16).padStart(4, '0')}`,
      detail: 'root buses',
      path: null,
      parent: null,
      width: NODE_W,
      height: NODE_H,
    });
  }

  const ids = new Set(nodes.map((n) => n.id));
  machine.iommus.forEach((unit, i) => {
    const id = `iommu:${i}`;
    const ir =
      unit.kind === 'intel-vtd' ? (BigInt(unit.ecap) & 8n ? 'IR' : 'no IR') : unit.xt ? 'XT' : '';
    nodes.push({
      id,
      kind: 'iommu',
      label: unit.kind === 'intel-vtd' ? `DMAR unit ${i} (VT-d)` : `AMD-Vi IOMMU ${i}`,
      detail: `${unit.register_base}${unit.kind === 'intel-vtd' && unit.include_pci_all ? ' · INCLUDE_PCI_ALL' : ''}${ir ? ` · ${ir}` : ''}`,
      path: ['iommus', i],
      parent: null,
      width: NODE_W,
      height: NODE_H,
    });
    for (const target of scopeTargets(machine, i, byBusDevFn))
      if (ids.has(target)) edge(id, target, 'scope');
  });
  return { nodes, edges };
}

/** A root complex: its host bridge, everything under it, the IOMMU that scopes only it, and the
 * IOAPICs that IOMMU scopes (the IIO stack of a server socket). */
export interface GraphGroup {
  id: string;
  label: string;
  /** Its node ids, the host bridge first, then the IOMMUs and IOAPICs drawn beside it. */
  members: string[];
  /** The IOMMUs and IOAPICs of the group (drawn under the host bridge). */
  attached: string[];
  expanded: boolean;
}

/** The graph as drawn: large groups collapsed into one node each. */
export interface ShownGraph extends MachineGraph {
  groups: GraphGroup[];
  /** A node hidden in a collapsed group -> that group (CPUs -> their socket). */
  hiddenIn: Map<string, string>;
  /** Nodes of the machine with every root complex expanded (sockets as shown). */
  total: number;
}

/** Root complexes with more members than this start collapsed when the graph is big. */
const RC_COLLAPSE = 6;
/** Graphs with more nodes than this collapse their large root complexes by default. */
export const BIG_GRAPH = 120;

const rcOf = (hostBridgeBdf: string) => `rc:${hostBridgeBdf}`;

/** Groups a machine's graph by root complex; collapsed ones become one node with a count. */
export function groupGraph(
  machine: Machine,
  full: MachineGraph,
  choices: GroupChoices | null,
): ShownGraph {
  const kids = new Map<string, string[]>();
  const scopesOf = new Map<string, string[]>();
  const scopedBy = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const e of full.edges) {
    if (e.kind === 'scope') {
      push(scopesOf, e.source, e.target);
      push(scopedBy, e.target, e.source);
    } else push(kids, e.source, e.target);
  }
  const groupOf = new Map<string, string>();
  const groups: GraphGroup[] = [];
  for (const n of full.nodes) {
    if (!n.hostBridge) continue;
    const id = rcOf(n.id.slice(4));
    const members = [n.id];
    for (let i = 0; i < members.length; i++)
      for (const k of kids.get(members[i]!) ?? []) if (!groupOf.has(k)) members.push(k);
    for (const m of members) groupOf.set(m, id);
    groups.push({ id, label: '', members, attached: [], expanded: true });
  }
  const byId = new Map(groups.map((g) => [g.id, g]));
  // An IOMMU whose PCI scopes are all in one root complex belongs to it, and so do the IOAPICs
  // only it scopes.
  for (const n of full.nodes) {
    if (n.kind !== 'iommu') continue;
    const pci = (scopesOf.get(n.id) ?? []).filter((t) => t.startsWith('pci:'));
    const homes = new Set(pci.map((t) => groupOf.get(t)));
    const home = homes.size === 1 ? [...homes][0] : undefined;
    if (!home) continue;
    groupOf.set(n.id, home);
    byId.get(home)!.attached.push(n.id);
  }
  for (const n of full.nodes) {
    if (n.kind !== 'ioapic') continue;
    const homes = new Set((scopedBy.get(n.id) ?? []).map((s) => groupOf.get(s)));
    const home = homes.size === 1 ? [...homes][0] : undefined;
    if (!home) continue;
    groupOf.set(n.id, home);
    byId.get(home)!.attached.push(n.id);
  }
  const big = full.nodes.length > BIG_GRAPH;
  const hiddenIn = new Map<string, string>();
  const collapsedNode = new Map<string, GraphNode>();
  const nodesById = new Map(full.nodes.map((n) => [n.id, n]));
  for (const g of groups) {
    g.members.push(...g.attached);
    const hb = g.members[0]!.slice(4);
    g.label = `Root complex ${hb.slice(0, hb.lastIndexOf(':'))}`;
    g.expanded = choices?.get(g.id) ?? !(big && g.members.length > RC_COLLAPSE);
    if (g.expanded) continue;
    for (const m of g.members) hiddenIn.set(m, g.id);
    const members = g.members.map((m) => nodesById.get(m)!);
    const functions = members.filter((m) => m.path?.[0] === 'pci').length;
    const iommus = members.filter((m) => m.kind === 'iommu').map((m) => m.id.slice(6));
    const ioapics = members.filter((m) => m.kind === 'ioapic').map((m) => m.label.slice(7));
    const devices = new Map<string, number>();
    for (const m of members)
      if (m.kind === 'endpoint' || m.kind === 'vmd')
        devices.set(m.label, (devices.get(m.label) ?? 0) + 1);
    collapsedNode.set(g.members[0]!, {
      id: g.id,
      kind: 'complex',
      label: g.label,
      detail: [
        `${functions} function${functions === 1 ? '' : 's'}`,
        iommus.length ? iommus.map((i) => `dmar${i}`).join(',') : null,
        ioapics.length ? `IOAPIC ${ioapics.join(',')}` : null,
      ]
        .filter(Boolean)
        .join(' · '),
      summary: [...devices].map(([name, n]) => `${n} × ${name}`).join(', '),
      path: null,
      parent: null,
      width: COMPLEX_W,
      height: NODE_H,
      expanded: false,
    });
  }
  // CPUs of collapsed sockets are not in the graph: they are found through their socket.
  machine.cpus.list.forEach((c, i) => {
    const socket = `socket:${c.package}`;
    if (!nodesById.get(socket)?.expanded) hiddenIn.set(`cpu:${i}`, socket);
  });
  const nodes: GraphNode[] = [];
  for (const n of full.nodes) {
    const c = collapsedNode.get(n.id);
    if (c) nodes.push(c);
    else if (!hiddenIn.has(n.id)) nodes.push(n);
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const e of full.edges) {
    const source = hiddenIn.get(e.source) ?? e.source;
    const target = hiddenIn.get(e.target) ?? e.target;
    if (source === target) continue;
    const id = source === e.source && target === e.target ? e.id : `${e.kind}:${source}>${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, source, target, kind: e.kind });
  }
  return { nodes, edges, groups, hiddenIn, total: full.nodes.length };
}
