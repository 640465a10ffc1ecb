// Automatic layout with elk, in elk's own web worker: laying out a 2,000-device machine takes
// seconds and must never freeze the window.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { GraphEdge, GraphNode, MachineGraph } from './graph';

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
  width: number;
  height: number;
  /** The structure it was computed for (nodes, sizes, edges): same key, same layout. */
  key: string;
}

let elk: InstanceType<typeof ELK> | null = null;
function engine(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl });
  return elk;
}

export function structureKey(graph: MachineGraph): string {
  const parts: string[] = [];
  for (const n of graph.nodes) parts.push(`${n.id}/${n.parent ?? ''}/${n.width}x${n.height}`);
  for (const e of graph.edges) parts.push(e.id);
  return parts.join('|');
}

export async function layoutGraph(graph: MachineGraph): Promise<Layout> {
  const big = graph.nodes.length > 600;
  const children = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (!n.parent) continue;
    let list = children.get(n.parent);
    if (!list) children.set(n.parent, (list = []));
    list.push(n);
  }
  const elkNode = (n: GraphNode): ElkNode => {
    const kids = children.get(n.id);
    if (!kids) return { id: n.id, width: n.width, height: n.height };
    return {
      id: n.id,
      layoutOptions: {
        'elk.algorithm': 'rectpacking',
        'elk.padding': '[top=50,left=10,bottom=10,right=10]',
        'elk.spacing.nodeNode': '6',
        'elk.aspectRatio': '1.6',
        // Room for the socket's title and its expand button, however few CPUs it has.
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': '(196, 60)',
      },
      children: kids.map(elkNode),
    };
  };
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.thoroughness': big ? '1' : '7',
      // Seconds faster on thousands of nodes, and just as readable for a tree.
      ...(big ? { 'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS' } : {}),
      'elk.spacing.nodeNode': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.componentComponent': '28',
      'elk.padding': '[top=24,left=24,bottom=24,right=24]',
    },
    children: graph.nodes.filter((n) => !n.parent).map(elkNode),
    edges: graph.edges.map((e: GraphEdge) => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
    })),
  };
  const laid = await engine().layout(root);
  const nodes = new Map<string, Placed>();
  const walk = (n: ElkNode, ox: number, oy: number) => {
    for (const c of n.children ?? []) {
      const x = ox + (c.x ?? 0);
      const y = oy + (c.y ?? 0);
      nodes.set(c.id, { x, y, width: c.width ?? 0, height: c.height ?? 0 });
      walk(c, x, y);
    }
  };
  walk(laid, 0, 0);
  const edges = new Map<string, { points: { x: number; y: number }[] }>();
  for (const e of laid.edges ?? []) {
    const s = e.sections?.[0];
    if (!s) continue;
    edges.set(e.id, { points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] });
  }
  return {
    nodes,
    edges,
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    key: structureKey(graph),
  };
}
