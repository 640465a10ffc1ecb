// The machine's graph, drawn as SVG. Only what is in view is rendered (a 2,000-device machine
// has thousands of nodes), so panning and zooming stay smooth; the layout runs in elk's worker.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Machine } from '../../../core/model/schema';
import { buildGraph, type GraphNode, type NodeKind } from './graph';
import { layoutGraph, structureKey, type Layout } from './layout';

interface Props {
  machine: Machine | null;
  selected: string | null;
  onSelect(id: string | null, node: GraphNode | null): void;
  /** The selected node after an edit (its label or place changed), or null when it is gone. */
  onSelectedChanged(node: GraphNode | null): void;
  /** A node to bring into view (e.g. found by search). */
  focus: { id: string; seq: number } | null;
}

interface View {
  x: number;
  y: number;
  scale: number;
}

/** The smallest scale at which node labels read comfortably. */
const READABLE_SCALE = 0.55;

const KIND_LABEL: Record<NodeKind, string> = {
  socket: 'socket',
  cpu: 'CPU',
  ioapic: 'IOAPIC',
  hpet: 'HPET',
  iommu: 'IOMMU',
  segment: 'segment',
  bridge: 'bridge',
  endpoint: 'device',
  vmd: 'VMD',
  vf: 'VF',
  vfs: 'VFs',
};

export function TopologyView({ machine, selected, onSelect, onSelectedChanged, focus }: Props) {
  const [expanded, setExpanded] = useState<Set<number> | null>(null);
  const graph = useMemo(
    () => (machine ? buildGraph(machine, expanded) : null),
    [machine, expanded],
  );
  const nodesById = useMemo(() => new Map(graph?.nodes.map((n) => [n.id, n]) ?? []), [graph]);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [layingOut, setLayingOut] = useState(false);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const fitPending = useRef(true);
  /** Until the user pans or zooms, the graph keeps fitting its pane (which changes size). */
  const autoFit = useRef(true);

  // Re-layout only when the structure changed (not for a property edit).
  const key = useMemo(() => (graph ? structureKey(graph) : ''), [graph]);
  useEffect(() => {
    if (!graph) return;
    if (layout?.key === key) return;
    let live = true;
    setLayingOut(true);
    layoutGraph(graph).then(
      (l) => {
        if (!live) return;
        setLayout(l);
        setLayingOut(false);
        setLayoutError(null);
      },
      (err: Error) => {
        if (!live) return;
        setLayingOut(false);
        setLayoutError(err.message);
      },
    );
    return () => {
      live = false;
    };
    // `graph` changes with every edit; the layout only with the structure.
  }, [key]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() =>
      setSize({ width: el.clientWidth, height: el.clientHeight }),
    );
    ro.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  /** Whole machine in view; `readable`: never so small that labels cannot be read. */
  const fit = useCallback(
    (readable = false) => {
      if (!layout) return;
      const whole = Math.min(
        1.2,
        Math.max(
          0.05,
          Math.min(size.width / (layout.width + 20), size.height / (layout.height + 20)),
        ),
      );
      if (readable && whole < READABLE_SCALE) {
        setView({ scale: READABLE_SCALE, x: 10, y: 44 });
        return;
      }
      setView({
        scale: whole,
        x: (size.width - layout.width * whole) / 2,
        y: Math.max(0, (size.height - layout.height * whole) / 2),
      });
    },
    [layout, size],
  );

  // A new machine is fitted into view once laid out; a big one starts readable, at its top left.
  useEffect(() => {
    if (!layout) return;
    if (fitPending.current) {
      fitPending.current = false;
      if (layout.nodes.size > 150) {
        // Too big to fit readably: start at the root of the PCI tree, readable.
        autoFit.current = false;
        const rootId = graph?.nodes.find((n) => n.kind === 'segment')?.id ?? graph?.nodes[0]?.id;
        const p = rootId ? layout.nodes.get(rootId) : undefined;
        const scale = 0.8;
        setView(
          p
            ? { scale, x: 20 - p.x * scale, y: size.height / 2 - (p.y + p.height / 2) * scale }
            : { x: 10, y: 40, scale },
        );
        return;
      }
      autoFit.current = true;
    }
    if (autoFit.current) fit(true);
  }, [layout, fit]);
  useEffect(() => {
    fitPending.current = true;
    setExpanded(null);
  }, [machine?.name]);

  useEffect(() => {
    if (!selected) return;
    onSelectedChanged(nodesById.get(selected) ?? null);
    // Only when the graph changes: selecting is the caller's.
  }, [nodesById]);

  const focusDone = useRef(0);
  useEffect(() => {
    if (!focus || !layout || focusDone.current === focus.seq) return;
    if (focus.id === '') {
      focusDone.current = focus.seq;
      autoFit.current = true;
      return fit();
    }
    const p = layout.nodes.get(focus.id);
    if (!p) return; // not laid out yet: again when the layout comes
    focusDone.current = focus.seq;
    autoFit.current = false;
    const n = nodesById.get(focus.id);
    if (n && n.id !== selected) onSelect(n.id, n);
    setView((v) => {
      const scale = Math.max(v.scale, 0.8);
      return {
        scale,
        x: size.width / 2 - (p.x + p.width / 2) * scale,
        y: size.height / 2 - (p.y + p.height / 2) * scale,
      };
    });
  }, [focus, layout, size]);

  // Pan by dragging the background; zoom with the wheel around the pointer.
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(
    null,
  );
  const onPointerDown = (e: React.PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!d.moved) (e.currentTarget as Element).setPointerCapture(e.pointerId);
    d.moved = true;
    autoFit.current = false;
    setView((v) => ({ ...v, x: d.vx + dx, y: d.vy + dy }));
  };
  const onPointerUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved && e.target === e.currentTarget) onSelect(null, null);
  };
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      autoFit.current = false;
      const rect = el.getBoundingClientRect();
      const px = e.clientX - rect.left;
      const py = e.clientY - rect.top;
      setView((v) => {
        const scale = Math.min(3, Math.max(0.03, v.scale * Math.exp(-e.deltaY * 0.0015)));
        return {
          scale,
          x: px - ((px - v.x) * scale) / v.scale,
          y: py - ((py - v.y) * scale) / v.scale,
        };
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);
  const zoom = (factor: number) => {
    autoFit.current = false;
    setView((v) => {
      const scale = Math.min(3, Math.max(0.03, v.scale * factor));
      const cx = size.width / 2;
      const cy = size.height / 2;
      return {
        scale,
        x: cx - ((cx - v.x) * scale) / v.scale,
        y: cy - ((cy - v.y) * scale) / v.scale,
      };
    });
  };

  // What is in view (graph coordinates, with a margin).
  const margin = 200 / view.scale;
  const vx0 = -view.x / view.scale - margin;
  const vy0 = -view.y / view.scale - margin;
  const vx1 = vx0 + size.width / view.scale + 2 * margin;
  const vy1 = vy0 + size.height / view.scale + 2 * margin;
  const inView = (x: number, y: number, w: number, h: number) =>
    x + w >= vx0 && x <= vx1 && y + h >= vy0 && y <= vy1;

  const visibleNodes: { n: GraphNode; x: number; y: number; width: number; height: number }[] = [];
  const edgePaths: { id: string; d: string; kind: string }[] = [];
  if (layout && graph) {
    for (const n of graph.nodes) {
      const p = layout.nodes.get(n.id);
      if (p && inView(p.x, p.y, p.width, p.height)) visibleNodes.push({ n, ...p });
    }
    for (const e of graph.edges) {
      const l = layout.edges.get(e.id);
      if (!l) continue;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const pt of l.points) {
        minX = Math.min(minX, pt.x);
        maxX = Math.max(maxX, pt.x);
        minY = Math.min(minY, pt.y);
        maxY = Math.max(maxY, pt.y);
      }
      if (!inView(minX, minY, maxX - minX, maxY - minY)) continue;
      edgePaths.push({
        id: e.id,
        kind: e.kind,
        d: 'M' + l.points.map((pt) => `${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join('L'),
      });
    }
  }
  const detailed = view.scale >= 0.45;

  const toggleSocket = (n: GraphNode) => {
    const pkg = Number(n.id.slice('socket:'.length));
    setExpanded((prev) => {
      const next = new Set(
        prev ??
          (graph?.nodes.filter((x) => x.kind === 'socket' && x.expanded) ?? []).map((x) =>
            Number(x.id.slice(7)),
          ),
      );
      if (next.has(pkg)) next.delete(pkg);
      else next.add(pkg);
      return next;
    });
  };

  return (
    <div className="topology" data-testid="topology">
      <div className="topology-tools">
        <button onClick={() => zoom(1.25)} title="Zoom in" aria-label="Zoom in">
          +
        </button>
        <button onClick={() => zoom(0.8)} title="Zoom out" aria-label="Zoom out">
          −
        </button>
        <button
          onClick={() => {
            autoFit.current = true;
            fit();
          }}
          title="Fit the whole machine in view (Ctrl+0)"
        >
          Fit
        </button>
        <span className="topology-count" data-testid="topology-count">
          {graph ? `${graph.nodes.length.toLocaleString('en-US')} nodes` : ''}
          {layingOut ? ' · laying out…' : ''}
        </span>
      </div>
      {layoutError && <div className="error">Layout failed: {layoutError}</div>}
      <div
        className="topology-canvas"
        ref={host}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      >
        {!layout && (
          <div className="topology-empty">{machine ? 'Laying out the machine…' : 'No machine'}</div>
        )}
        <svg width={size.width} height={size.height} role="group" aria-label="Machine topology">
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="6"
              markerHeight="6"
              orient="auto-start-reverse"
            >
              <path d="M0,0L10,5L0,10z" className="edge-arrow" />
            </marker>
          </defs>
          <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
            {edgePaths.map((e) => (
              <path
                key={e.id}
                d={e.d}
                className={`edge edge-${e.kind}`}
                markerEnd={e.kind === 'scope' ? undefined : 'url(#arrow)'}
              />
            ))}
            {visibleNodes.map(({ n, x, y, width, height }) => {
              const isSelected = n.id === selected;
              const compound = n.kind === 'socket' && n.expanded;
              return (
                <g
                  key={n.id}
                  transform={`translate(${x},${y})`}
                  className={`node node-${n.kind}${isSelected ? ' selected' : ''}${compound ? ' compound' : ''}`}
                  data-testid={`node-${n.id}`}
                  role="button"
                  aria-label={`${KIND_LABEL[n.kind]} ${n.label}`}
                  aria-pressed={isSelected}
                  onPointerUp={(e) => {
                    if (drag.current?.moved) return;
                    e.stopPropagation();
                    drag.current = null;
                    onSelect(n.id, nodesById.get(n.id) ?? n);
                  }}
                  onDoubleClick={() => n.kind === 'socket' && toggleSocket(n)}
                >
                  <rect width={width} height={height} rx={compound ? 8 : 5} />
                  {n.kind === 'cpu' ? (
                    <>
                      <text x={width / 2} y={15} textAnchor="middle" className="node-label">
                        {n.label}
                      </text>
                      {detailed && (
                        <text x={width / 2} y={28} textAnchor="middle" className="node-detail">
                          {n.detail}
                        </text>
                      )}
                    </>
                  ) : (
                    <>
                      <text x={10} y={compound || !detailed ? 19 : 18} className="node-label">
                        {truncate(n.label, 27)}
                      </text>
                      {detailed && (
                        <text x={10} y={compound ? 36 : 34} className="node-detail">
                          {truncate(n.detail, 34)}
                        </text>
                      )}
                    </>
                  )}
                  {n.kind === 'socket' && (
                    <g
                      className="socket-toggle"
                      transform={`translate(${width - 26},${8})`}
                      role="button"
                      aria-label={`${n.expanded ? 'Collapse' : 'Expand'} ${n.label}`}
                      onPointerUp={(e) => {
                        e.stopPropagation();
                        drag.current = null;
                        toggleSocket(n);
                      }}
                    >
                      <rect width={18} height={18} rx={3} />
                      <text x={9} y={13} textAnchor="middle">
                        {n.expanded ? '−' : '+'}
                      </text>
                    </g>
                  )}
                </g>
              );
            })}
          </g>
        </svg>
      </div>
    </div>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
