// A run's events as the trace table sees them: row i of the unfiltered table is step i; pages of
// 200 come from the host as they scroll into view, and only the last 64 pages are kept. With a
// filter the rows are the matching events, found forward page by page (where page k starts is
// known once page k-1 is read), so the table grows as it is scrolled.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TraceEvent, TraceFilter } from '../../../electron/api/channels';
import { invoke } from '../api/client';

export const PAGE = 200;
const KEEP_PAGES = 64;

export interface PagedEvents {
  rowCount: number;
  /** All matching events have been found (always true without a filter). */
  complete: boolean;
  event(row: number): TraceEvent | null;
  ensure(first: number, last: number): void;
  error: string | null;
}

export function usePagedEvents(
  sessionId: string,
  runId: number | null,
  eventCount: number,
  filter: TraceFilter,
): PagedEvents {
  const filtered = Object.keys(filter).length > 0;
  const key = `${sessionId}#${runId}#${JSON.stringify(filter)}`;
  const store = useRef({
    key: '',
    pages: new Map<number, TraceEvent[]>(),
    starts: [0] as number[],
    done: false,
    total: 0,
    inFlight: new Set<number>(),
  });
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  if (store.current.key !== key)
    store.current = {
      key,
      pages: new Map(),
      starts: [0],
      done: !filtered,
      total: 0,
      inFlight: new Set(),
    };
  const st = store.current;

  useEffect(() => setError(null), [key]);

  const fetchPage = useCallback(
    (page: number) => {
      const s = store.current;
      if (runId === null || s.pages.has(page) || s.inFlight.has(page)) return;
      const from = filtered ? s.starts[page] : page * PAGE;
      if (from === undefined) return;
      s.inFlight.add(page);
      invoke('trace.page', { sessionId, runId, fromSeq: from, limit: PAGE, filter }).then(
        (r) => {
          if (store.current !== s) return;
          s.inFlight.delete(page);
          s.pages.set(page, r.events);
          if (filtered) {
            if (r.nextSeq === null) {
              s.done = true;
              s.total = page * PAGE + r.events.length;
            } else s.starts[page + 1] = r.nextSeq;
          }
          // Keep the most recent pages only.
          while (s.pages.size > KEEP_PAGES) s.pages.delete(s.pages.keys().next().value!);
          setVersion((v) => v + 1);
        },
        (err: Error) => {
          s.inFlight.delete(page);
          if (store.current === s) setError(err.message);
        },
      );
    },
    [sessionId, runId, key],
  );

  const ensure = useCallback(
    (first: number, last: number) => {
      const s = store.current;
      const a = Math.floor(first / PAGE);
      const b = Math.floor(last / PAGE);
      for (let p = Math.max(0, a - 1); p <= b + 1; p++) {
        if (filtered && (s.starts[p] === undefined || (s.done && p >= s.starts.length))) break;
        fetchPage(p);
      }
    },
    [fetchPage, filtered],
  );

  // With a filter: the rows found so far, and a page of placeholders while there may be more.
  const found = st.done ? st.total : (st.starts.length - 1) * PAGE;
  return {
    rowCount: filtered ? found + (st.done ? 0 : PAGE) : eventCount,
    complete: !filtered || st.done,
    event: (row) => st.pages.get(Math.floor(row / PAGE))?.[row % PAGE] ?? null,
    ensure,
    error,
  };
}
