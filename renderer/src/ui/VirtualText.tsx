// A monospace text that draws only what is in view: the rows scrolled to, and of each only the
// characters across the view. The predicted /proc/interrupts of a 1536-CPU machine is 2 MB in
// lines of 17,000 characters; laid out whole in a <pre> it held the page ~0.3 s after each run
// (issue #17). Every character of the font is as wide as every other, so a column of text is a
// column of pixels and a line can be cut to the part in view.
//
// Like the kernel's table, its first line (the CPUs) stays on top as it scrolls down and each
// line's label (the irq, up to its colon) stays on the left as it scrolls across. "Copy" puts the
// whole text on the clipboard, since a selection only reaches what is drawn.
import { useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** Lines and characters drawn beyond each edge of the view, so a scroll shows no gap first. */
const OVERSCAN_LINES = 8;
const OVERSCAN_CHARS = 80;
const PAD_X = 12;
const PAD_Y = 8;

interface Props {
  text: string;
  /** Below the text, in the flow (e.g. that the text was cut). */
  trailer?: string;
  /** The first line stays on top, and each line's label up to its first ':' on the left. */
  table?: boolean;
  testId?: string;
  ariaLabel: string;
}

/** The lines of `text` (no empty last line for a final newline) and the longest one's length. */
function splitLines(text: string): { lines: string[]; width: number } {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let width = 0;
  for (const line of lines) if (line.length > width) width = line.length;
  return { lines, width };
}

/** How many characters of each line are its label: up to the first body line's colon. */
function labelWidth(lines: readonly string[]): number {
  const colon = lines[1]?.indexOf(':') ?? -1;
  return colon >= 0 && colon < 16 ? colon + 1 : 0;
}

export function VirtualText({ text, trailer, table = false, testId, ariaLabel }: Props) {
  const { lines, width } = useMemo(() => splitLines(text), [text]);
  const label = table ? labelWidth(lines) : 0;
  const scroller = useRef<HTMLDivElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const [cell, setCell] = useState({ w: 7.2, h: 17 });
  const [view, setView] = useState({ top: 0, left: 0, width: 800, height: 400 });
  const [copied, setCopied] = useState<string | null>(null);

  useLayoutEffect(() => {
    const el = scroller.current;
    const p = probe.current;
    if (!el || !p) return;
    // One character's box in this font: the probe holds 100 of them.
    const box = p.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) setCell({ w: box.width / 100, h: box.height });
    const measure = () =>
      setView({
        top: el.scrollTop,
        left: el.scrollLeft,
        width: el.clientWidth,
        height: el.clientHeight,
      });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);

  // The header is drawn over line 0's place; the body's rows start below it either way.
  const first = Math.max(0, Math.floor((view.top - PAD_Y) / cell.h) - OVERSCAN_LINES);
  const last = Math.min(
    lines.length - 1,
    Math.ceil((view.top + view.height) / cell.h) + OVERSCAN_LINES,
  );
  const from = Math.max(0, Math.floor((view.left - PAD_X) / cell.w) - OVERSCAN_CHARS);
  const to = Math.ceil((view.left + view.width) / cell.w) + OVERSCAN_CHARS;

  /** Line i's characters [start, end), at their place in the text. */
  const line = (i: number, start: number, end: number, className = 'vtext-line') => (
    <div
      key={i}
      className={className}
      style={{ top: PAD_Y + i * cell.h, left: PAD_X + start * cell.w }}
    >
      {lines[i]!.slice(start, end)}
    </div>
  );
  const rows: ReactNode[] = [];
  const labels: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    rows.push(line(i, from, to));
    if (label > 0 && i > 0) labels.push(line(i, 0, label));
  }
  // Pinned parts are drawn over the text they repeat, on the background: the same pixels until
  // the text scrolls from under them.
  const pinWidth = PAD_X + label * cell.w;
  const pinHeight = PAD_Y + cell.h;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch (err) {
      setCopied(`Not copied: ${(err as Error).message}`);
    }
    setTimeout(() => setCopied(null), 2500);
  };

  return (
    <div className="vtext" data-testid={testId}>
      <div
        ref={scroller}
        className="vtext-scroller"
        role="document"
        aria-label={ariaLabel}
        tabIndex={0}
      >
        <span ref={probe} className="vtext-probe" aria-hidden="true">
          {'0'.repeat(100)}
        </span>
        <div
          className="vtext-sizer"
          style={{
            width: PAD_X * 2 + width * cell.w,
            height: PAD_Y * 2 + lines.length * cell.h + (trailer ? cell.h : 0),
          }}
        >
          {rows}
          {trailer && (
            <div
              className="vtext-line vtext-trailer"
              style={{ top: PAD_Y + lines.length * cell.h, left: PAD_X }}
            >
              {trailer}
            </div>
          )}
          {label > 0 && (
            <div
              className="vtext-pin"
              style={{ top: 0, left: view.left, width: pinWidth, height: '100%' }}
            >
              {labels}
            </div>
          )}
          {table && (
            <div
              className={`vtext-pin${view.top > 0 ? ' vtext-pin-shadow' : ''}`}
              style={{ top: view.top, left: 0, width: '100%', height: pinHeight }}
            >
              {line(0, from, to)}
            </div>
          )}
          {table && label > 0 && (
            <div
              className="vtext-pin"
              style={{ top: view.top, left: view.left, width: pinWidth, height: pinHeight }}
            >
              {line(0, 0, label)}
            </div>
          )}
        </div>
      </div>
      <button className="vtext-copy" onClick={() => void copy()} title="Copy the whole text">
        {copied ?? 'Copy'}
      </button>
    </div>
  );
}
