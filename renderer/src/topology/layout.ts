// The machine's layout, computed directly from what a machine is (no general graph layout): the
// sockets in a row on top, the platform devices (IOAPICs, HPET, IOMMUs outside any root complex)
// under them, then the PCI tree from left to right, one column per level, each parent beside its
// first child. A root complex's IOMMU and IOAPIC sit under its host bridge, inside its frame.
// Linear in the nodes: the 1536-CPU machine or a 2,000-device one is placed in milliseconds, on
// the UI thread, and a structure laid out once is never laid out again (a boot, a mode switch).
import {
  BIG_GRAPH,
  NODE_W,
  type GraphEdge,
  type GraphGroup,
  type GraphNode,
  type ShownGraph,
} from './graph';

export interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  /** Absolute positions of every node (children of an expanded socket included). */
  nodes: Map<string, Placed>;
  /** Each edge as a polyline. */
  edges: Map<string, { points: { x: number; y: number }[] }>;
  /** The frame of each expanded root complex. */
  frames: Map<string, Placed>;
  width: number;
  height: number;
  /** The structure it was computed for (nodes, sizes, edges): same key, same layout. */
  key: string;
}

const PAD = 24;
const COL_GAP = 64;
const ROW_GAP = 14;
const BAND_GAP = 44;
/** Room above a root complex's host bridge for its frame's title and button. */
const GROUP_HEAD = 30;
const GROUP_PAD = 10;
const SOCKET_HEAD = 50;
const SOCKET_PAD = 10;
const CPU_GAP = 6;
const GRID_GAP = 28;

export function structureKey(graph: ShownGraph): string {
  const parts: string[] = [];
  for (const n of graph.nodes) parts.push(`${n.id}/${n.parent ?? ''}/${n.width}x${n.height}`);
  for (const e of graph.edges) parts.push(e.id);
  for (const g of graph.groups) if (g.expanded) parts.push(g.id);
  return parts.join('|');
}

/** Layouts by structure key: a boot or an undo back to a shape seen before costs nothing. */
const cache = new Map<string, Layout>();
const CACHE_SIZE = 8;

/**
 * Places a graph for a pane `paneWidth` wide (graph units): the rows of sockets and platform
 * devices wrap, and the collapsed root complexes form a grid, at that width.
 */
export function layoutGraph(graph: ShownGraph, paneWidth: number, structure?: string): Layout {
  const key = `${paneWidth}#${structure ?? structureKey(graph)}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const layout = place(graph, key, paneWidth);
  cache.set(key, layout);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return layout;
}

/** The PCI tree; its segments head it from the rows above (a column of their own is too wide). */
const TREE_KINDS = new Set(['bridge', 'endpoint', 'vmd', 'vf', 'vfs', 'complex']);

function place(graph: ShownGraph, key: string, paneWidth: number): Layout {
  const pos = new Map<string, Placed>();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const expandedGroups = graph.groups.filter((g) => g.expanded && byId.has(g.members[0]!));
  const groupOfHost = new Map<string, GraphGroup>();
  const attached = new Set<string>();
  for (const g of expandedGroups) {
    groupOfHost.set(g.members[0]!, g);
    for (const a of g.attached) if (byId.has(a)) attached.add(a);
  }

  // The PCI forest (tree edges only, both ends in the tree).
  const isTree = (n: GraphNode | undefined) => !!n && TREE_KINDS.has(n.kind) && !attached.has(n.id);
  const kids = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const e of graph.edges) {
    if (e.kind === 'scope' || !isTree(byId.get(e.source)) || !isTree(byId.get(e.target))) continue;
    if (hasParent.has(e.target)) continue;
    hasParent.add(e.target);
    const list = kids.get(e.source);
    if (list) list.push(e.target);
    else kids.set(e.source, [e.target]);
  }
  const roots = graph.nodes.filter((n) => isTree(n) && !hasParent.has(n.id));

  let treeRight = 0;
  const colX = (depth: number) => PAD + depth * (NODE_W + COL_GAP);
  const placeTree = (id: string, depth: number, top: number): number => {
    const n = byId.get(id)!;
    const group = groupOfHost.get(id);
    if (group) top += GROUP_HEAD;
    const x = colX(depth);
    pos.set(id, { x, y: top, width: n.width, height: n.height });
    treeRight = Math.max(treeRight, x + n.width);
    let bottom = top + n.height;
    for (const a of group?.attached ?? []) {
      const an = byId.get(a);
      if (!an) continue;
      pos.set(a, { x, y: bottom + ROW_GAP, width: an.width, height: an.height });
      bottom += ROW_GAP + an.height;
    }
    bottom = placeChildren(kids.get(id) ?? [], depth + 1, top, bottom);
    return group ? bottom + GROUP_PAD : bottom;
  };
  /** Children from `top` in column `depth`, one under the other; runs of collapsed groups as a
   * grid to the pane's width, so that the machine stays on a screen or two and opening one
   * group leaves the others where they were. */
  function placeChildren(children: string[], depth: number, top: number, bottom: number): number {
    let y = top;
    for (let i = 0; i < children.length;) {
      let j = i;
      while (j < children.length && byId.get(children[j]!)!.kind === 'complex') j++;
      if (j - i >= 2) {
        const run = children.slice(i, j);
        const slot = byId.get(run[0]!)!.width + GRID_GAP;
        const room = paneWidth - PAD - colX(depth) + GRID_GAP;
        const cols = Math.max(1, Math.min(run.length, Math.floor(room / slot)));
        let runBottom = y;
        run.forEach((c, k) => {
          const cn = byId.get(c)!;
          const cx = colX(depth) + (k % cols) * slot;
          const cy = y + Math.floor(k / cols) * (cn.height + ROW_GAP);
          pos.set(c, { x: cx, y: cy, width: cn.width, height: cn.height });
          treeRight = Math.max(treeRight, cx + cn.width);
          runBottom = Math.max(runBottom, cy + cn.height);
        });
        bottom = Math.max(bottom, runBottom);
        y = runBottom + ROW_GAP;
        i = j;
        continue;
      }
      const b = placeTree(children[i]!, depth, y);
      bottom = Math.max(bottom, b);
      y = b + ROW_GAP;
      i++;
    }
    return bottom;
  }
  const treeBottom = placeChildren(
    roots.map((r) => r.id),
    0,
    0,
    0,
  );

  // Sockets (with their CPUs when expanded), then the platform devices, as rows that wrap.
  const cpusOf = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (!n.parent) continue;
    const list = cpusOf.get(n.parent);
    if (list) list.push(n);
    else cpusOf.set(n.parent, [n]);
  }
  const sizeOf = (n: GraphNode) => {
    const cpus = cpusOf.get(n.id);
    if (!cpus?.length) return { width: n.width, height: n.height };
    const c = cpus[0]!;
    const cols = Math.min(cpus.length, Math.max(4, Math.ceil(Math.sqrt(cpus.length * 1.4))));
    const rows = Math.ceil(cpus.length / cols);
    return {
      width: Math.max(n.width, 2 * SOCKET_PAD + cols * (c.width + CPU_GAP) - CPU_GAP),
      height: SOCKET_HEAD + SOCKET_PAD + rows * (c.height + CPU_GAP) - CPU_GAP,
    };
  };
  // A big machine's rows wrap at the pane's width, whatever the tree's: opening a root complex
  // does not move the sockets. A small machine's take the width of its tree.
  const rowWidth =
    graph.total > BIG_GRAPH ? paneWidth - 2 * PAD : Math.max(paneWidth - 2 * PAD, treeRight - PAD);
  let y = PAD;
  let rowsRight = 0;
  const flow = (items: GraphNode[]) => {
    if (!items.length) return;
    let x = PAD;
    let rowH = 0;
    for (const n of items) {
      const s = sizeOf(n);
      if (x > PAD && x + s.width > PAD + rowWidth) {
        x = PAD;
        y += rowH + ROW_GAP;
        rowH = 0;
      }
      pos.set(n.id, { x, y, ...s });
      const cpus = cpusOf.get(n.id);
      if (cpus?.length) {
        const cols = Math.floor((s.width - 2 * SOCKET_PAD + CPU_GAP) / (cpus[0]!.width + CPU_GAP));
        cpus.forEach((c, i) =>
          pos.set(c.id, {
            x: x + SOCKET_PAD + (i % cols) * (c.width + CPU_GAP),
            y: y + SOCKET_HEAD + Math.floor(i / cols) * (c.height + CPU_GAP),
            width: c.width,
            height: c.height,
          }),
        );
      }
      rowsRight = Math.max(rowsRight, x + s.width);
      x += s.width + ROW_GAP;
      rowH = Math.max(rowH, s.height);
    }
    y += rowH + BAND_GAP;
  };
  // One flow: on a big machine the platform devices and segments follow the sockets on their
  // last row.
  const platform = graph.nodes.filter(
    (n) =>
      ((n.kind === 'ioapic' || n.kind === 'hpet' || n.kind === 'iommu') && !attached.has(n.id)) ||
      n.kind === 'segment',
  );
  const sockets = graph.nodes.filter((n) => n.kind === 'socket');
  const rowItems = new Set([...sockets, ...platform].map((n) => n.id));
  if (graph.total > BIG_GRAPH) flow([...sockets, ...platform]);
  else {
    flow(sockets);
    flow(platform);
  }
  // The tree under the rows.
  const treeTop = y;
  for (const [id, p] of pos) if (!rowItems.has(id) && !byId.get(id)?.parent) p.y += treeTop;
  const frames = new Map<string, Placed>();
  for (const g of expandedGroups) {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const m of g.members) {
      const p = pos.get(m);
      if (!p) continue;
      x0 = Math.min(x0, p.x);
      y0 = Math.min(y0, p.y);
      x1 = Math.max(x1, p.x + p.width);
      y1 = Math.max(y1, p.y + p.height);
    }
    if (x0 === Infinity) continue;
    frames.set(g.id, {
      x: x0 - GROUP_PAD,
      y: y0 - GROUP_HEAD + 2,
      width: x1 - x0 + 2 * GROUP_PAD,
      height: y1 - y0 + GROUP_HEAD - 2 + GROUP_PAD,
    });
  }

  const edges = new Map<string, { points: { x: number; y: number }[] }>();
  const bandY = treeTop - BAND_GAP / 2;
  for (const e of graph.edges) {
    const s = pos.get(e.source);
    const t = pos.get(e.target);
    if (!s || !t) continue;
    edges.set(e.id, { points: route(e, s, t, rowItems, bandY) });
  }
  return {
    nodes: pos,
    edges,
    frames,
    width: Math.max(treeRight, rowsRight) + PAD + GROUP_PAD,
    height: treeTop + treeBottom + PAD,
    key,
  };
}

/** An edge as right-angled segments through the gaps between columns and bands. */
function route(
  e: GraphEdge,
  s: Placed,
  t: Placed,
  rowItems: Set<string>,
  bandY: number,
): { x: number; y: number }[] {
  const p = (x: number, y: number) => ({ x, y });
  const scope = e.kind === 'scope';
  const sRow = rowItems.has(e.source);
  const tRow = rowItems.has(e.target);
  const scx = s.x + s.width / 2;
  const scy = s.y + s.height / 2;
  const tcx = t.x + t.width / 2;
  const tcy = t.y + t.height / 2;
  const overlapY = s.y < t.y + t.height && t.y < s.y + s.height;
  if (sRow && tRow && overlapY) {
    // Two devices of one row: under the row.
    const under = Math.max(s.y + s.height, t.y + t.height) + 10;
    return [p(scx, s.y + s.height), p(scx, under), p(tcx, under), p(tcx, t.y + t.height)];
  }
  if (sRow && !tRow) {
    // A platform IOMMU to a device of the tree: down to the band, then the gap left of it.
    return [
      p(scx, s.y + s.height),
      p(scx, bandY),
      p(t.x - 14, bandY),
      p(t.x - 14, tcy),
      p(t.x, tcy),
    ];
  }
  if (!sRow && tRow) {
    return [
      p(s.x, scy),
      p(s.x - 14, scy),
      p(s.x - 14, bandY),
      p(tcx, bandY),
      p(tcx, t.y + t.height),
    ];
  }
  const off = scope ? 10 : 0;
  if (t.x >= s.x + s.width) {
    const x1 = s.x + s.width;
    if (Math.abs(scy - tcy) < 0.5) return [p(x1, scy), p(t.x, tcy)];
    const mx = Math.min(x1 + COL_GAP / 2, t.x - 12) + off;
    return [p(x1, scy), p(mx, scy), p(mx, tcy), p(t.x, tcy)];
  }
  if (t.x + t.width <= s.x) {
    const x2 = t.x + t.width;
    const mx = Math.max(x2 + COL_GAP / 2, s.x - 12) - off;
    return [p(s.x, scy), p(mx, scy), p(mx, tcy), p(x2, tcy)];
  }
  if (t.y >= s.y + s.height) return [p(scx + off, s.y + s.height), p(scx + off, t.y)];
  return [p(scx + off, s.y), p(scx + off, t.y + t.height)];
}
