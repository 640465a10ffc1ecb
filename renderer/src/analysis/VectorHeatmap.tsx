// The vector matrix as a heatmap: a row per online CPU, a column per vector (0x00-0xff), drawn on
// a canvas (1536 CPUs x 256 vectors is 400,000 cells). System vectors, allocated vectors,
// managed ones and managed reservations each have their colour; hovering a cell says who holds
// that vector on that CPU.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { IrqSummary, ResponseOf } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import { irqTip, matrixSummary } from './heatmap-text';
import type { RunRef } from './AnalysisView';

type Matrix = ResponseOf<'run.vectorMatrix'>;

const LABEL_W = 64;
const HEAD_H = 20;

const bit = (words: number[], row: number, v: number) =>
  (words[row * 8 + (v >>> 5)]! & (1 << (v & 31))) !== 0;

function cssVar(name: string, fallback: string) {
  const el = document.querySelector('.app');
  return (el && getComputedStyle(el).getPropertyValue(name).trim()) || fallback;
}

export function VectorHeatmap({
  refRun,
  onShowIrq,
}: {
  refRun: RunRef;
  onShowIrq(irq: number): void;
}) {
  const [m, setM] = useState<Matrix | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; row: number; v: number } | null>(null);
  const [info, setInfo] = useState<Map<number, IrqSummary>>(new Map());
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);

  useEffect(() => {
    invoke('run.vectorMatrix', refRun).then(setM, (e: Error) => setError(e.message));
  }, [refRun.sessionId, refRun.runId]);
  // Measured before the first paint: a matrix drawn at a guessed width and redrawn a frame later
  // would flash, and a pointer over it would read cells of the wrong size.
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, [m !== null]);

  const owners = useMemo(() => {
    const map = new Map<number, number>();
    if (m)
      for (let k = 0; k < m.owners.length; k += 3)
        map.set(m.owners[k]! * 256 + m.owners[k + 1]!, m.owners[k + 2]!);
    return map;
  }, [m]);

  const rows = m?.cpus.length ?? 0;
  const cellW = Math.max(2, Math.min(6, Math.floor((width - LABEL_W - 16) / 256)));
  const cellH = rows ? Math.max(2, Math.min(16, Math.floor(560 / rows))) : 8;
  const w = LABEL_W + 256 * cellW;
  const h = HEAD_H + rows * cellH;

  useEffect(() => {
    const c = canvas.current;
    if (!c || !m) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const colors = {
      free: cssVar('--bg-side', '#f5f6f8'),
      system: cssVar('--fg-dim', '#59636e'),
      alloc: cssVar('--accent', '#0b62d6'),
      managed: '#1a9c8c',
      reserved: 'rgba(26, 156, 140, 0.35)',
      text: cssVar('--fg', '#1f2328'),
      grid: cssVar('--border', '#d0d7de'),
    };
    g.clearRect(0, 0, w, h);
    g.font = '10px ui-monospace, monospace';
    g.fillStyle = colors.text;
    for (let v = 0; v < 256; v += 0x20)
      g.fillText(`0x${v.toString(16)}`, LABEL_W + v * cellW + 1, 12);
    const labelEvery = Math.max(1, Math.ceil(12 / cellH));
    for (let r = 0; r < rows; r++) {
      const y = HEAD_H + r * cellH;
      if (r % labelEvery === 0 && cellH * labelEvery >= 10) {
        g.fillStyle = colors.text;
        g.fillText(`CPU ${m.cpus[r]}`, 2, y + Math.min(cellH, 10));
      }
      for (let v = 0; v < 256; v++) {
        const sys = bit(m.system, 0, v);
        const alloc = bit(m.allocated, r, v);
        const man = bit(m.managed, r, v);
        g.fillStyle = sys
          ? colors.system
          : alloc && man
            ? colors.managed
            : alloc
              ? colors.alloc
              : man
                ? colors.reserved
                : colors.free;
        g.fillRect(
          LABEL_W + v * cellW,
          y,
          cellW - (cellW > 3 ? 1 : 0),
          cellH - (cellH > 3 ? 1 : 0),
        );
      }
    }
    g.strokeStyle = colors.grid;
    for (let v = 0; v <= 256; v += 0x20) {
      g.beginPath();
      g.moveTo(LABEL_W + v * cellW - 0.5, HEAD_H - 4);
      g.lineTo(LABEL_W + v * cellW - 0.5, h);
      g.stroke();
    }
  }, [m, w, h, cellW, cellH, rows]);

  // Who holds the hovered vector (fetched once per irq).
  const hoveredIrq = hover ? owners.get(hover.row * 256 + hover.v) : undefined;
  useEffect(() => {
    if (hoveredIrq === undefined || info.has(hoveredIrq)) return;
    const t = setTimeout(() => {
      void invoke('run.irqInfo', { ...refRun, irqs: [hoveredIrq] }).then((list) =>
        setInfo((old) => new Map([...old, ...list.map((i) => [i.irq, i] as const)])),
      );
    }, 60);
    return () => clearTimeout(t);
  }, [hoveredIrq]);

  if (error) return <div className="error">{error}</div>;
  if (!m) return <p className="hint">Loading…</p>;

  const cell = (e: React.MouseEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const v = Math.floor((x - LABEL_W) / cellW);
    const row = Math.floor((y - HEAD_H) / cellH);
    if (v < 0 || v > 255 || row < 0 || row >= rows) return null;
    return { x, y, row, v };
  };
  let tip = '';
  if (hover) {
    const cpu = m.cpus[hover.row]!;
    const head = `CPU ${cpu} · vector 0x${hover.v.toString(16).padStart(2, '0')} (${hover.v})`;
    if (bit(m.system, 0, hover.v)) tip = `${head}: system vector`;
    else if (hoveredIrq !== undefined) {
      tip = `${head}: ${irqTip(hoveredIrq, info.get(hoveredIrq))}`;
    } else if (bit(m.allocated, hover.row, hover.v))
      tip = `${head}: allocated (legacy or no irq left)`;
    else if (bit(m.managed, hover.row, hover.v))
      tip = `${head}: reserved for a managed irq, not allocated`;
    else tip = `${head}: free`;
  }
  const counts = m.cpus.map((_, r) => {
    let n = 0;
    for (let v = 0; v < 256; v++) if (bit(m.allocated, r, v)) n++;
    return n;
  });
  return (
    <div className="heatmap" data-testid="vector-heatmap">
      <div className="heatmap-legend">
        <span className="lg system" /> system <span className="lg alloc" /> allocated{' '}
        <span className="lg managed" /> managed <span className="lg reserved" /> managed reserved{' '}
        <span className="lg free" /> free
        <span className="spacer" />
        <span className="hint" data-testid="heatmap-summary">
          {matrixSummary(m.cpus, counts, m.owners.length / 3)}
        </span>
      </div>
      <div className="heatmap-wrap" ref={wrap}>
        <canvas
          ref={canvas}
          style={{ width: w, height: h }}
          onMouseMove={(e) => setHover(cell(e))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const c = cell(e);
            const irq = c ? owners.get(c.row * 256 + c.v) : undefined;
            if (irq !== undefined) onShowIrq(irq);
          }}
          aria-label="Vector matrix: CPUs by vectors"
          data-testid="heatmap-canvas"
          data-cell={`${cellW}x${cellH}`}
          data-origin={`${LABEL_W},${HEAD_H}`}
        />
        {hover && (
          <div
            className="heatmap-tip"
            data-testid="heatmap-tip"
            style={{ left: Math.min(hover.x + 14, w - 340), top: hover.y + 14 }}
          >
            {tip}
          </div>
        )}
      </div>
    </div>
  );
}
