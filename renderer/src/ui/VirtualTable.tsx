// A table that shows any number of rows (10 million trace events) by drawing only those in view.
// It scrolls itself (wheel, keys, its own scrollbar) instead of through a tall page: a browser
// cannot lay out an element 200 million pixels high, and a scaled native scrollbar would jump
// thousands of rows per wheel notch. Rows come from the caller, which pages them in from the host
// for the range in view (onRange); a row not there yet shows as a placeholder.
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

export interface Column {
  key: string;
  label: string;
  /** A CSS grid track: "80px", "1fr", "minmax(120px, 2fr)". */
  width: string;
  className?: string;
  /** Its right edge can be dragged in the header (double click: back to `width`). */
  resizable?: boolean;
}

interface Props {
  columns: Column[];
  rowCount: number;
  rowHeight?: number;
  /** The cells of a row, or null while it is being fetched. */
  row(index: number): Record<string, ReactNode> | null;
  rowClass?(index: number): string;
  /**
   * How many columns a row's cell covers (default 1); the columns it covers get no cell of their
   * own. A message beside an empty column takes that column's room instead of being cut.
   */
  cellSpan?(index: number, key: string): number;
  /** The rows in view changed (fetch them). */
  onRange?(first: number, last: number): void;
  selected?: number | null;
  onSelect?(index: number): void;
  /** Double click or Enter on a row. */
  onActivate?(index: number): void;
  /** Brings a row into view each time `nonce` changes. */
  scrollTo?: { row: number; nonce: number } | null;
  /** The first row in view, as it scrolls. */
  onTopChange?(row: number): void;
  testId?: string;
  ariaLabel: string;
  empty?: ReactNode;
}

/** The columns that get a cell, each with how many columns it covers. */
function spanned(columns: Column[], span: (key: string) => number) {
  const out: { column: Column; span: number }[] = [];
  for (let k = 0; k < columns.length;) {
    const n = Math.max(1, Math.min(columns.length - k, Math.floor(span(columns[k]!.key))));
    out.push({ column: columns[k]!, span: n });
    k += n;
  }
  return out;
}

export function VirtualTable({
  columns,
  rowCount,
  rowHeight = 22,
  row,
  rowClass,
  cellSpan,
  onRange,
  selected = null,
  onSelect,
  onActivate,
  scrollTo,
  onTopChange,
  testId,
  ariaLabel,
  empty,
}: Props) {
  const body = useRef<HTMLDivElement>(null);
  const track = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(400);
  const [top, setTop] = useState(0);
  const drag = useRef<{ y: number; top: number } | null>(null);
  /** Widths the user dragged columns to, in pixels, by column key. */
  const [widths, setWidths] = useState<Record<string, number>>({});
  const resize = useRef<{ key: string; x: number; width: number } | null>(null);

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const visible = Math.max(1, Math.floor(height / rowHeight));
  const maxTop = Math.max(0, rowCount - visible);
  const clamp = useCallback((t: number) => Math.min(maxTop, Math.max(0, t)), [maxTop]);
  const shownTop = clamp(top);
  const first = Math.floor(shownTop);
  const last = Math.min(rowCount - 1, first + visible + 1);

  useEffect(() => {
    if (rowCount > 0) onRange?.(first, last);
  }, [first, last, rowCount, onRange]);
  useEffect(() => onTopChange?.(first), [first, onTopChange]);

  useEffect(() => {
    if (!scrollTo) return;
    const r = scrollTo.row;
    setTop((t) => {
      const now = clamp(t);
      if (r >= now && r < now + visible - 1) return now;
      return clamp(r - Math.floor(visible / 3));
    });
  }, [scrollTo?.nonce]);

  // The wheel is ours (not passive, so the page does not scroll instead).
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rows =
        e.deltaMode === 1
          ? e.deltaY
          : e.deltaMode === 2
            ? e.deltaY * visible
            : e.deltaY / rowHeight;
      setTop((t) => clamp(clamp(t) + rows));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [clamp, rowHeight, visible]);

  const select = (i: number) => {
    const r = Math.min(rowCount - 1, Math.max(0, i));
    onSelect?.(r);
    setTop((t) => {
      const now = clamp(t);
      if (r < now) return r;
      if (r >= now + visible) return clamp(r - visible + 1);
      return now;
    });
  };

  const onKey = (e: KeyboardEvent) => {
    const cur = selected ?? first;
    const moves: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur - 1,
      PageDown: cur + visible,
      PageUp: cur - visible,
      Home: 0,
      End: rowCount - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      select(moves[e.key]!);
    } else if (e.key === 'Enter' && selected !== null) {
      e.preventDefault();
      onActivate?.(selected);
    }
  };

  const trackHeight = Math.max(1, height);
  const thumb = rowCount > visible ? Math.max(24, (trackHeight * visible) / rowCount) : trackHeight;
  const thumbTop = maxTop > 0 ? (shownTop / maxTop) * (trackHeight - thumb) : 0;

  const grid = {
    gridTemplateColumns: columns
      .map((c) => (widths[c.key] !== undefined ? `${widths[c.key]}px` : c.width))
      .join(' '),
  };
  const rows: ReactNode[] = [];
  for (let i = first; i <= last && i < rowCount; i++) {
    const cells = row(i);
    rows.push(
      <div
        key={i}
        role="row"
        aria-rowindex={i + 1}
        className={`vt-row${i === selected ? ' selected' : ''}${cells ? '' : ' loading'} ${rowClass?.(i) ?? ''}`}
        style={{
          ...grid,
          height: rowHeight,
          transform: `translateY(${(i - shownTop) * rowHeight}px)`,
        }}
        onClick={() => {
          body.current?.focus();
          select(i);
        }}
        onDoubleClick={() => onActivate?.(i)}
        data-row={i}
      >
        {cells
          ? spanned(columns, (key) => cellSpan?.(i, key) ?? 1).map(({ column: c, span }) => (
              <div
                key={c.key}
                role="cell"
                className={`vt-cell ${c.className ?? ''}`}
                style={span > 1 ? { gridColumn: `span ${span}` } : undefined}
              >
                {cells[c.key]}
              </div>
            ))
          : columns.map((c, k) => (
              <div key={c.key} role="cell" className="vt-cell dim">
                {k === 0 ? '…' : ''}
              </div>
            ))}
      </div>,
    );
  }

  return (
    <div
      className="vt"
      data-testid={testId}
      role="table"
      aria-label={ariaLabel}
      aria-rowcount={rowCount}
    >
      <div className="vt-header" role="row" style={grid}>
        {columns.map((c) => (
          <div key={c.key} role="columnheader" className={`vt-cell ${c.className ?? ''}`}>
            {c.label}
            {c.resizable && (
              <div
                className="vt-resize"
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize the ${c.label} column`}
                title="Drag to resize (double click: as it was)"
                onPointerDown={(e) => {
                  e.preventDefault();
                  (e.target as HTMLElement).setPointerCapture(e.pointerId);
                  const cell = (e.target as HTMLElement).parentElement!;
                  resize.current = {
                    key: c.key,
                    x: e.clientX,
                    width: cell.getBoundingClientRect().width,
                  };
                }}
                onPointerMove={(e) => {
                  const r = resize.current;
                  if (!r) return;
                  const width = Math.max(60, Math.round(r.width + e.clientX - r.x));
                  setWidths((w) => ({ ...w, [r.key]: width }));
                }}
                onPointerUp={() => (resize.current = null)}
                onDoubleClick={() =>
                  setWidths((w) =>
                    Object.fromEntries(Object.entries(w).filter(([k]) => k !== c.key)),
                  )
                }
              />
            )}
          </div>
        ))}
      </div>
      <div className="vt-main">
        <div className="vt-body" ref={body} tabIndex={0} onKeyDown={onKey} data-top={first}>
          {rowCount === 0 ? <div className="vt-empty">{empty ?? 'Nothing to show.'}</div> : rows}
        </div>
        {rowCount > visible && (
          <div
            className="vt-track"
            ref={track}
            onPointerDown={(e) => {
              if (e.target !== track.current) return;
              const y = e.clientY - track.current.getBoundingClientRect().top;
              setTop((t) => clamp(clamp(t) + (y < thumbTop ? -visible : visible)));
            }}
          >
            <div
              className="vt-thumb"
              data-testid={testId ? `${testId}-thumb` : undefined}
              style={{ height: thumb, transform: `translateY(${thumbTop}px)` }}
              onPointerDown={(e) => {
                e.preventDefault();
                (e.target as HTMLElement).setPointerCapture(e.pointerId);
                drag.current = { y: e.clientY, top: thumbTop };
              }}
              onPointerMove={(e) => {
                if (!drag.current) return;
                const y = drag.current.top + (e.clientY - drag.current.y);
                const span = trackHeight - thumb;
                setTop(clamp(span > 0 ? (y / span) * maxTop : 0));
              }}
              onPointerUp={() => (drag.current = null)}
            />
          </div>
        )}
      </div>
    </div>
  );
}
