// The current kernel function as readable pseudo-source: a read-only listing (C highlighting),
// the current line highlighted, lines with a function breakpoint marked in the gutter (a click
// there sets or clears it), a cursor line for Run to cursor and F9 (a click, or the arrow keys).
//
// Why not Monaco here: the pane is never edited, and most steps show another function. Monaco
// set a new text in ~10 ms of a step on this VM (tokenizing, its view model, the lines' HTML,
// then measuring the cursor's pixel offset with a forced layout in its animation frame), most of
// a frame's budget. Each function's listing is built once (highlighted by Monaco's own colorizer,
// so the colours are the editor theme's) and kept; a step that changes the function swaps the
// kept listing in, with its own scroll position, and a step that moves the line moves two
// classes. Where the line is comes from the line height, never from reading the layout.
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';

interface Props {
  /** The shown function's pseudo-source ('' for none). */
  text: string;
  /** The current line (1-based), 0 for none. */
  line: number;
  dark: boolean;
  /** Lines of the shown function whose callee has a function breakpoint. */
  breakpointLines: number[];
  onGutterClick(line: number): void;
  /** Tells the debugger where the cursor is (run to cursor, toggle breakpoint). */
  onCursor(line: number): void;
}

/** Height of a line (px): `.dbg-src-line` in styles.css. */
export const SOURCE_LINE_PX = 18;
/** Space above the first line (px): `.dbg-src-lines` padding. */
const TOP_PX = 2;

/** One function's listing, built once and kept (its element keeps its own scroll position). */
interface Listing {
  /** The listing's scroller: shown in the pane, or kept in it hidden (content-visibility). */
  root: HTMLDivElement;
  lines: HTMLDivElement[];
  /** Where it is scrolled to (from its scroll events: a step never reads the layout). */
  scrollTop: number;
  current: number;
  cursor: number;
  marked: Set<number>;
}

/** Listings by text: the pseudo-source has ~80 functions of ~25 lines. */
const listings = new Map<string, Listing>();
const LISTINGS_KEPT = 200;
/** Listings kept in the pane, hidden, once shown: showing one again keeps its style and layout. */
const ATTACHED_KEPT = 16;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function buildListing(text: string): Listing {
  const root = document.createElement('div');
  root.className = 'dbg-src dbg-src-hidden';
  const rows = text ? text.split('\n') : [];
  root.innerHTML =
    '<div class="dbg-src-lines">' +
    rows
      .map(
        (l, i) =>
          `<div class="dbg-src-line"><span class="dbg-src-glyph"></span>` +
          `<span class="dbg-src-num">${i + 1}</span><span class="dbg-src-text">${escapeHtml(l)}</span></div>`,
      )
      .join('') +
    '</div>';
  const lines = [...root.firstElementChild!.children] as HTMLDivElement[];
  const listing: Listing = { root, lines, scrollTop: 0, current: 0, cursor: 0, marked: new Set() };
  if (!text) return listing;
  // Highlighted once Monaco's C tokenizer has run (plain text until then, the same characters).
  void monaco.editor.colorize(text, 'cpp', { tabSize: 4 }).then(
    (html) => {
      const colored = html.split('<br/>');
      lines.forEach((el, i) => {
        const span = el.lastElementChild as HTMLElement;
        // The colorizer writes spaces as no-break spaces (Monaco's view lines do): copied text
        // keeps plain spaces here, with white-space: pre.
        if (colored[i] !== undefined) span.innerHTML = colored[i]!.replace(/\u00a0/g, ' ');
      });
    },
    () => undefined,
  );
  return listing;
}

function listingOf(text: string): Listing {
  let l = listings.get(text);
  if (!l) {
    l = buildListing(text);
    if (listings.size >= LISTINGS_KEPT) listings.delete(listings.keys().next().value!);
    listings.set(text, l);
  }
  return l;
}

/** Builds the listings of `texts` ahead (in idle time), so a step only shows one. */
export function prepareListings(texts: Iterable<string>): () => void {
  const todo = [...texts].filter((t) => t && !listings.has(t));
  let handle = 0;
  const work = (deadline: IdleDeadline) => {
    while (todo.length && deadline.timeRemaining() > 2) listingOf(todo.pop()!);
    if (todo.length) handle = requestIdleCallback(work);
  };
  handle = requestIdleCallback(work);
  return () => cancelIdleCallback(handle);
}

function setClass(el: Element | null | undefined, name: string, on: boolean): void {
  if (el) el.classList.toggle(name, on);
}

function markBreakpoint(el: Element | null | undefined, on: boolean): void {
  if (!el) return;
  el.classList.toggle('dbg-breakpoint-glyph', on);
  if (on) el.setAttribute('title', 'Function breakpoint');
  else el.removeAttribute('title');
}

/** The glyph margin of a line (1-based) of a listing. */
const glyph = (l: Listing, n: number) => l.lines[n - 1]?.firstElementChild;

export const SourceView = memo(function SourceView({
  text,
  line,
  dark,
  breakpointLines,
  onGutterClick,
  onCursor,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const shown = useRef<Listing | null>(null);
  /** The listings in the pane, the shown one last. */
  const attached = useRef<Listing[]>([]);
  /** The pane's height (px), from its observer: a step never measures it. */
  const viewport = useRef(0);
  const callbacks = useRef({ onGutterClick, onCursor });
  callbacks.current = { onGutterClick, onCursor };

  useEffect(() => {
    // Token colours are the Monaco theme's (the colorizer's classes).
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  useEffect(() => {
    const el = host.current!;
    const observer = new ResizeObserver((entries) => {
      viewport.current = entries[entries.length - 1]!.contentRect.height;
    });
    observer.observe(el);
    // Scroll events do not bubble: caught on the way down to the listing scrolled. Only the
    // shown one's: a hidden scroller reports 0 (its content is not laid out) and gets its offset
    // back once shown.
    const onScroll = (e: Event) => {
      const l = shown.current;
      if (l && l.root === e.target) l.scrollTop = l.root.scrollTop;
    };
    el.addEventListener('scroll', onScroll, { capture: true, passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll, { capture: true });
      for (const l of attached.current) hide(l);
      attached.current = [];
      shown.current = null;
    };
  }, []);

  /** Scrolls `line` of the shown listing into view (centred) when it is outside. */
  const reveal = (l: Listing, n: number) => {
    const height = viewport.current;
    if (!height) return;
    const top = TOP_PX + (n - 1) * SOURCE_LINE_PX;
    if (top >= l.scrollTop && top + SOURCE_LINE_PX <= l.scrollTop + height) return;
    l.scrollTop = Math.max(0, Math.round(top - (height - SOURCE_LINE_PX) / 2));
    l.root.scrollTop = l.scrollTop;
  };

  const moveCursor = (l: Listing, n: number, scroll: boolean) => {
    const to = Math.min(Math.max(1, n), l.lines.length);
    setClass(l.lines[l.cursor - 1], 'dbg-src-cursor', false);
    setClass(l.lines[to - 1], 'dbg-src-cursor', true);
    l.cursor = to;
    if (scroll) reveal(l, to);
    callbacks.current.onCursor(to);
  };

  /** Shows `l` in the pane; the one shown before stays there hidden, with its layout. */
  const show = (l: Listing) => {
    const before = shown.current;
    if (before === l) return;
    if (before) hide(before);
    const list = attached.current.filter((a) => a !== l);
    if (l.root.parentElement !== host.current) host.current!.appendChild(l.root);
    list.push(l);
    while (list.length > ATTACHED_KEPT) list.shift()!.root.remove();
    attached.current = list;
    l.root.classList.remove('dbg-src-hidden');
    l.root.dataset.testid = 'pseudo-source';
    shown.current = l;
  };

  // Before the frame is painted: the listing, its line and its marks are in the step's frame.
  useLayoutEffect(() => {
    const l = listingOf(text);
    show(l);
    l.root.dataset.line = String(line);
    const marks = new Set(breakpointLines);
    for (const n of l.marked) if (!marks.has(n)) markBreakpoint(glyph(l, n), false);
    for (const n of marks) if (!l.marked.has(n)) markBreakpoint(glyph(l, n), true);
    l.marked = marks;
    if (l.current !== line) {
      setClass(l.lines[l.current - 1], 'dbg-current-line', false);
      setClass(glyph(l, l.current), 'dbg-current-glyph', false);
      setClass(l.lines[line - 1], 'dbg-current-line', true);
      setClass(glyph(l, line), 'dbg-current-glyph', true);
      l.current = line;
    }
    // A step puts the cursor on its line, as the editor did (F9 and Run to cursor act there).
    if (line > 0 && text) moveCursor(l, line, true);
  }, [text, line, breakpointLines]);

  /** The line (1-based) of the listing shown under a pointer event's target, or 0. */
  const lineAt = (l: Listing, target: HTMLElement): number =>
    l.lines.indexOf(target.closest('.dbg-src-line') as HTMLDivElement) + 1;

  return (
    // The shown listing inside carries data-testid="pseudo-source" and data-line.
    <div
      className="dbg-source-host"
      ref={host}
      tabIndex={0}
      role="region"
      aria-label="pseudo-source of the current kernel function"
      onMouseDown={(e) => {
        const l = shown.current;
        const target = e.target as HTMLElement;
        const n = l ? lineAt(l, target) : 0;
        if (!l || n === 0 || e.button !== 0) return;
        // The glyph margin sets or clears a breakpoint, as the editor's did.
        if (target.closest('.dbg-src-glyph')) callbacks.current.onGutterClick(n);
        else moveCursor(l, n, false);
      }}
      onKeyDown={(e) => {
        const l = shown.current;
        if (!l || l.lines.length === 0) return;
        const page = Math.max(1, Math.floor(viewport.current / SOURCE_LINE_PX) - 1);
        const last = l.lines.length;
        const moves: Record<string, number> = {
          ArrowUp: l.cursor - 1,
          ArrowDown: l.cursor + 1,
          PageUp: l.cursor - page,
          PageDown: l.cursor + page,
          Home: e.ctrlKey || e.metaKey ? 1 : l.cursor,
          End: e.ctrlKey || e.metaKey ? last : l.cursor,
        };
        if (e.key in moves && !e.altKey && !e.shiftKey) {
          e.preventDefault();
          moveCursor(l, moves[e.key]!, true);
        } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
          // Select all: the function's text, not the page's.
          e.preventDefault();
          const range = document.createRange();
          range.selectNodeContents(l.root);
          const sel = window.getSelection();
          sel?.removeAllRanges();
          sel?.addRange(range);
        }
      }}
    />
  );
});

/** Kept in the pane but not shown: not rendered, its style and layout kept for the next time. */
function hide(l: Listing): void {
  l.root.classList.add('dbg-src-hidden');
  delete l.root.dataset.testid;
  delete l.root.dataset.line;
}
