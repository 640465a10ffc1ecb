// The run at a glance: where in its steps the kernel logged, allocated and faulted (a bin per
// pixel column), the part the table shows, and where the debugger is. Click to go there.
import { useEffect, useRef, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';

type TimelineData = ResponseOf<'trace.timeline'>;

interface Props {
  data: TimelineData | null;
  /** The table's window: first step and how many steps it shows. */
  windowStart: number;
  windowSize: number;
  debuggerSeq: number | null;
  onJump(seq: number): void;
}

const HEIGHT = 46;

function cssVar(el: Element, name: string, fallback: string) {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

export function Timeline({ data, windowStart, windowSize, debuggerSeq, onJump }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<{ x: number; text: string } | null>(null);

  useEffect(() => {
    const el = canvas.current?.parentElement;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !data) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(HEIGHT * dpr);
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, HEIGHT);
    const n = data.logs.length;
    const colW = width / n;
    const max = (xs: number[]) => Math.max(1, ...xs);
    const logMax = max(data.logs);
    const allocMax = max(data.allocations);
    const dim = cssVar(c, '--fg-dim', '#888');
    const accent = cssVar(c, '--accent', '#0b62d6');
    const bad = cssVar(c, '--bad', '#cf222e');
    // Allocations (upper band) and log lines (lower band), as density.
    for (let i = 0; i < n; i++) {
      const a = data.allocations[i]!;
      if (a) {
        g.fillStyle = accent;
        g.globalAlpha = 0.25 + 0.75 * (a / allocMax);
        g.fillRect(i * colW, 6, Math.max(1, colW), 16);
      }
      const l = data.logs[i]!;
      if (l) {
        g.fillStyle = dim;
        g.globalAlpha = 0.3 + 0.7 * (l / logMax);
        g.fillRect(i * colW, 26, Math.max(1, colW), 10);
      }
    }
    g.globalAlpha = 1;
    // Faults: full-height red ticks.
    g.fillStyle = bad;
    for (let i = 0; i < n; i++)
      if (data.faults[i]) g.fillRect(i * colW, 0, Math.max(2, colW), HEIGHT);
    if (!data.faults.some(Boolean) && !data.logs.some(Boolean) && !data.allocations.some(Boolean)) {
      g.fillStyle = dim;
      g.font = '12px system-ui, sans-serif';
      g.fillText('No allocations, log lines or faults in this run', 10, 28);
    }
    const total = Math.max(1, data.eventCount);
    // The table's window.
    g.strokeStyle = cssVar(c, '--fg', '#222');
    g.lineWidth = 1;
    const wx = (windowStart / total) * width;
    const ww = Math.max(3, (windowSize / total) * width);
    g.strokeRect(wx + 0.5, 0.5, ww, HEIGHT - 1);
    if (debuggerSeq !== null) {
      g.fillStyle = cssVar(c, '--warn', '#9a6700');
      g.fillRect((debuggerSeq / total) * width - 1, 0, 3, HEIGHT);
    }
  }, [data, width, windowStart, windowSize, debuggerSeq]);

  const seqAt = (x: number) => (data ? Math.round((x / width) * data.eventCount) : 0);
  return (
    <div className="timeline" data-testid="timeline">
      <canvas
        ref={canvas}
        style={{ width: '100%', height: HEIGHT }}
        onClick={(e) => {
          const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
          onJump(Math.max(0, Math.min((data?.eventCount ?? 1) - 1, seqAt(x))));
        }}
        onMouseMove={(e) => {
          if (!data) return;
          const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
          const seq = seqAt(x);
          const near = (data.eventCount / width) * 4;
          const mark = data.marks.find((m) => Math.abs(m.seq - seq) <= near);
          setHover({
            x,
            text: mark
              ? `${mark.kind === 'fault' ? 'FAULT' : 'allocation'} at step ${mark.seq.toLocaleString('en-US')}: ${mark.label}`
              : `step ${seq.toLocaleString('en-US')}`,
          });
        }}
        onMouseLeave={() => setHover(null)}
        aria-label="Timeline of the run: allocations, log lines and faults"
      />
      {hover && (
        <div className="timeline-tip" style={{ left: Math.min(hover.x + 8, width - 320) }}>
          {hover.text}
        </div>
      )}
      <div className="timeline-legend">
        <span className="lg alloc" /> allocations <span className="lg log" /> log lines{' '}
        <span className="lg fault" /> faults <span className="lg window" /> rows shown{' '}
        <span className="lg dbg" /> debugger
      </div>
    </div>
  );
}
