// The machine's graph, drawn as SVG. Large groups (sockets, root complexes) start collapsed and
// open on a click; only what is in view is drawn, with less detail when zoomed out, so a
// 2,000-device machine pans and zooms smoothly. The layout is computed from the machine's
// structure in milliseconds and kept: an edit, a boot or a mode switch reuses it, and the user's
// zoom, pan and open groups stay as they were.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Machine } from '../../../core/model/schema';
import {
  BIG_GRAPH,
  buildGraph,
  groupGraph,
  NODE_W,
  type GraphGroup,
  type GraphNode,
  type NodeKind,
} from './graph';
import { layoutGraph, structureKey, type Placed } from './layout';
import { searchGraph } from './search';

interface Props {
  machine: Machine | null;
  selected: string | null;
  onSelect(id: string | null, node: GraphNode | null): void;
  /** The selected node after an edit (its label or place changed), or null when it is gone. */
  onSelectedChanged(node: GraphNode | null): void;
  /** A node to bring into view (e.g. found by search). */
  focus: { id: string; seq: number } | null;
  /** The node of an irq of the run shown (null: no run shown, or no such irq). */
  resolveIrq?(irq: number): Promise<string | null>;
}

interface View {
  x: number;
  y: number;
  scale: number;
}

/** The smallest scale at which node labels read comfortably. */
const READABLE_SCALE = 0.8;
/** The smallest scale a whole small machine is fitted at: below it, readable from the top left. */
const LEGIBLE_SCALE = 0.5;
/** Below this scale nodes show their label only; below NO_TEXT_SCALE, nothing but boxes. */
const DETAIL_SCALE = 0.45;
const NO_TEXT_SCALE = 0.22;

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
  complex: 'root complex',
};

/** Characters of a node's subtitle that fit its width (monospace, .node-detail's size). */
const detailChars = (width: number) => Math.floor((width - 18) / 7.2);

export function TopologyView({
  machine,
  selected,
  onSelect,
  onSelectedChanged,
  focus,
  resolveIrq,
}: Props) {
  const [choices, setChoices] = useState<Map<string, boolean>>(() => new Map());
  const full = useMemo(() => (machine ? buildGraph(machine, choices) : null), [machine, choices]);
  const graph = useMemo(
    () => (machine && full ? groupGraph(machine, full, choices) : null),
    [machine, full, choices],
  );
  const nodesById = useMemo(() => new Map(graph?.nodes.map((n) => [n.id, n]) ?? []), [graph]);
  const root = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const fitPending = useRef(true);
  /** Until the user pans, zooms or opens a group, the graph keeps fitting its pane. */
  const autoFit = useRef(true);

  // The pane's width at a readable scale (by 50 units): rows and grids wrap to it. Its height does
  // not matter, so the results opening under the graph after a boot does not move anything.
  const paneWidth = size
    ? Math.max(2 * (NODE_W + 14), Math.floor(size.width / READABLE_SCALE / 50) * 50)
    : 0;
  const key = useMemo(() => (graph ? structureKey(graph) : ''), [graph]);
  const layout = useMemo(
    () => (graph && paneWidth ? layoutGraph(graph, paneWidth, key) : null),
    // `graph` changes with every edit; the layout only with the structure.
    [key, paneWidth],
  );

  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = () => {
      // A hidden pane (another mode shown) measures 0: keep the last size and layout.
      if (el.clientWidth > 0 && el.clientHeight > 0)
        setSize((s) =>
          s?.width === el.clientWidth && s.height === el.clientHeight
            ? s
            : { width: el.clientWidth, height: el.clientHeight },
        );
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  /**
   * The whole machine in view. When that would be too small to read: readable,
   * from the top left, where the sockets' rows (wrapped to the pane's width) show whole, the PCI
   * tree under them.
   */
  const big = (graph?.total ?? 0) > BIG_GRAPH;
  const fit = useCallback(() => {
    if (!layout || !size) return;
    const whole = Math.min(1.2, size.width / layout.width, size.height / layout.height);
    // A small machine may show whole a little smaller than a big one's rows, but never below
    // what can be read (a root complex of 20 functions in a short pane fitted at 30%).
    if (whole >= (big ? READABLE_SCALE : LEGIBLE_SCALE)) {
      setView({
        scale: whole,
        x: (size.width - layout.width * whole) / 2,
        y: Math.max(0, (size.height - layout.height * whole) / 2),
      });
      return;
    }
    setView({ scale: READABLE_SCALE, x: 0, y: 0 });
  }, [layout, size, big]);

  // The view follows the layout: fitted while the user has not moved it; after a group opens or
  // closes, that group stays where it was on screen.
  const anchor = useRef<{ id: string; sx: number; sy: number } | null>(null);
  useEffect(() => {
    if (!layout) return;
    if (fitPending.current) {
      fitPending.current = false;
      autoFit.current = true;
    }
    const a = anchor.current;
    anchor.current = null;
    const p = a && (layout.nodes.get(a.id) ?? layout.frames.get(a.id));
    if (a && p) {
      setView((v) => ({ ...v, x: a.sx - p.x * v.scale, y: a.sy - p.y * v.scale }));
      return;
    }
    if (autoFit.current) fit();
  }, [layout, fit]);
  useEffect(() => {
    fitPending.current = true;
    setChoices(new Map());
  }, [machine?.name]);

  // Drawn: the first task after the frame that shows this layout (bench/ui-graph.ts waits for it).
  useEffect(() => {
    if (!layout || !size) return;
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        root.current?.setAttribute('data-drawn', String(performance.now()));
        root.current?.setAttribute('data-layout', layout.key.slice(0, layout.key.indexOf('#')));
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [layout, size]);

  useEffect(() => {
    if (!selected) return;
    onSelectedChanged(nodesById.get(selected) ?? null);
    // Only when the graph changes: selecting is the caller's.
  }, [nodesById]);

  /** Opens or closes a group, keeping it where it is on screen. */
  const toggleGroup = (id: string, expanded: boolean) => {
    const p = layout?.nodes.get(id) ?? layout?.frames.get(id);
    if (p) anchor.current = { id, sx: view.x + p.x * view.scale, sy: view.y + p.y * view.scale };
    autoFit.current = false;
    setChoices((prev) => new Map(prev).set(id, !expanded));
  };

  // A node to centre: found by search or by the Find dialog. Hidden in a collapsed group, the
  // group opens first and the node is centred once laid out.
  const [target, setTarget] = useState<{ id: string; seq: number } | null>(null);
  useEffect(() => {
    if (focus) setTarget(focus);
  }, [focus]);
  const targetDone = useRef(-1);
  useEffect(() => {
    if (!target || !layout || !graph || !size || targetDone.current === target.seq) return;
    if (target.id === '') {
      targetDone.current = target.seq;
      autoFit.current = true;
      return fit();
    }
    const p = layout.nodes.get(target.id);
    if (!p) {
      const group = graph.hiddenIn.get(target.id);
      if (group && !choices.get(group)) setChoices((prev) => new Map(prev).set(group, true));
      else targetDone.current = target.seq; // not in this machine
      return;
    }
    targetDone.current = target.seq;
    autoFit.current = false;
    const n = nodesById.get(target.id);
    if (n && n.id !== selected) onSelect(n.id, n);
    setView((v) => {
      const scale = Math.max(v.scale, 0.8);
      return {
        scale,
        x: size.width / 2 - (p.x + p.width / 2) * scale,
        y: size.height / 2 - (p.y + p.height / 2) * scale,
      };
    });
  }, [target, layout, size]);

  // The search box.
  const [query, setQuery] = useState('');
  const [searchNote, setSearchNote] = useState<string | null>(null);
  const searchSeq = useRef(1_000_000);
  const search = async () => {
    if (!machine || !full) return;
    const hit = searchGraph(query, machine, full);
    let id: string | null = null;
    if (hit && 'irq' in hit) {
      id = resolveIrq ? await resolveIrq(hit.irq) : null;
      if (!id) {
        setSearchNote(
          resolveIrq ? `no irq ${hit.irq} in the run shown` : 'run a boot to find irqs',
        );
        return;
      }
    } else id = hit?.id ?? null;
    if (!id) {
      setSearchNote(`nothing matches “${query.trim()}”`);
      return;
    }
    setSearchNote(null);
    setTarget({ id, seq: ++searchSeq.current });
  };

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
    if (!size) return;
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
  const width = size?.width ?? 0;
  const height = size?.height ?? 0;
  const margin = 200 / view.scale;
  const vx0 = -view.x / view.scale - margin;
  const vy0 = -view.y / view.scale - margin;
  const vx1 = vx0 + width / view.scale + 2 * margin;
  const vy1 = vy0 + height / view.scale + 2 * margin;
  const inView = (p: Placed) =>
    p.x + p.width >= vx0 && p.x <= vx1 && p.y + p.height >= vy0 && p.y <= vy1;

  const visibleNodes: { n: GraphNode; p: Placed }[] = [];
  const visibleFrames: { g: GraphGroup; p: Placed }[] = [];
  const edgePaths: { id: string; d: string; kind: string }[] = [];
  if (layout && graph) {
    for (const n of graph.nodes) {
      const p = layout.nodes.get(n.id);
      if (p && inView(p)) visibleNodes.push({ n, p });
    }
    for (const g of graph.groups) {
      const p = g.expanded ? layout.frames.get(g.id) : undefined;
      if (p && inView(p)) visibleFrames.push({ g, p });
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
      if (!inView({ x: minX, y: minY, width: maxX - minX, height: maxY - minY })) continue;
      edgePaths.push({
        id: e.id,
        kind: e.kind,
        d: 'M' + l.points.map((pt) => `${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join('L'),
      });
    }
  }
  const text = view.scale >= NO_TEXT_SCALE;
  const detailed = view.scale >= DETAIL_SCALE;

  const toggle = (id: string, expanded: boolean, label: string, x: number, y: number) => (
    <g
      className="group-toggle"
      transform={`translate(${x},${y})`}
      role="button"
      aria-label={`${expanded ? 'Collapse' : 'Expand'} ${label}`}
      onPointerUp={(e) => {
        e.stopPropagation();
        drag.current = null;
        toggleGroup(id, expanded);
      }}
    >
      <rect width={22} height={22} rx={4} />
      <text x={11} y={16} textAnchor="middle">
        {expanded ? '−' : '+'}
      </text>
    </g>
  );

  return (
    <div className="topology" data-testid="topology" ref={root}>
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
          title="Fit the machine in view (Ctrl+0)"
        >
          Fit
        </button>
        <input
          className="topology-search"
          type="search"
          placeholder="BDF or irq (3b:00.0, 120)"
          aria-label="Search the graph"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setSearchNote(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void search();
          }}
        />
        {searchNote && (
          <span className="topology-note" data-testid="search-note">
            {searchNote}
          </span>
        )}
        <span className="topology-count" data-testid="topology-count">
          {graph
            ? `${graph.nodes.length.toLocaleString('en-US')} nodes` +
              (graph.total > graph.nodes.length
                ? ` shown of ${graph.total.toLocaleString('en-US')}`
                : '')
            : ''}
        </span>
      </div>
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
        <svg width={width} height={height} role="group" aria-label="Machine topology">
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
            {visibleFrames.map(({ g, p }) => {
              const functions = g.members.filter((m) => m.startsWith('pci:')).length;
              return (
                <g
                  key={g.id}
                  transform={`translate(${p.x},${p.y})`}
                  className="group-frame"
                  data-testid={`group-${g.id}`}
                >
                  <rect width={p.width} height={p.height} rx={8} />
                  {text && (
                    <text x={10} y={19} className="group-title">
                      {g.label} · {functions} function{functions === 1 ? '' : 's'}
                    </text>
                  )}
                  {toggle(g.id, true, g.label, p.width - 28, 4)}
                </g>
              );
            })}
            {edgePaths.map((e) => (
              <path
                key={e.id}
                d={e.d}
                className={`edge edge-${e.kind}`}
                markerEnd={e.kind === 'scope' ? undefined : 'url(#arrow)'}
              />
            ))}
            {visibleNodes.map(({ n, p: { x, y, width, height } }) => {
              const isSelected = n.id === selected;
              const compound = n.kind === 'socket' && n.expanded;
              const group = n.kind === 'socket' || n.kind === 'complex';
              const right = group ? 34 : 0;
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
                  onDoubleClick={() => group && toggleGroup(n.id, !!n.expanded)}
                >
                  <title>{[n.label, n.detail, n.summary].filter(Boolean).join('\n')}</title>
                  <rect width={width} height={height} rx={compound ? 8 : 5} />
                  {text &&
                    (n.kind === 'cpu' ? (
                      <>
                        <text x={width / 2} y={17} textAnchor="middle" className="node-label">
                          {n.label}
                        </text>
                        {detailed && (
                          <text x={width / 2} y={33} textAnchor="middle" className="node-detail">
                            {n.detail}
                          </text>
                        )}
                      </>
                    ) : (
                      <>
                        <text x={10} y={detailed ? 20 : 30} className="node-label">
                          {truncate(n.label, Math.floor((width - 20 - right) / 7.4))}
                        </text>
                        {detailed && (
                          <text x={10} y={39} className="node-detail">
                            {truncate(n.detail, detailChars(width - right))}
                          </text>
                        )}
                      </>
                    ))}
                  {group &&
                    toggle(
                      n.id,
                      !!n.expanded,
                      n.label,
                      width - 30,
                      compound ? 8 : (height - 22) / 2,
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
