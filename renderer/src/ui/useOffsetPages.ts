// Rows of a long list fetched from the host by offset, 200 at a time, as they come into view
// (the domain irqs, the irq list, the IRTE tables). Only the last 32 pages are kept.
import { useCallback, useEffect, useRef, useState } from 'react';

const PAGE = 200;

export function useOffsetPages<T>(
  key: string,
  fetch: ((offset: number, limit: number) => Promise<{ total: number; items: T[] }>) | null,
) {
  const store = useRef({ key: '', pages: new Map<number, T[]>(), inFlight: new Set<number>() });
  const [total, setTotal] = useState<number | null>(null);
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  if (store.current.key !== key) store.current = { key, pages: new Map(), inFlight: new Set() };

  const load = useCallback((page: number) => {
    const s = store.current;
    const f = fetchRef.current;
    if (!f || s.pages.has(page) || s.inFlight.has(page)) return;
    s.inFlight.add(page);
    f(page * PAGE, PAGE).then(
      (r) => {
        if (store.current !== s) return;
        s.inFlight.delete(page);
        s.pages.set(page, r.items);
        while (s.pages.size > 32) s.pages.delete(s.pages.keys().next().value!);
        setTotal(r.total);
        setVersion((v) => v + 1);
      },
      (err: Error) => {
        s.inFlight.delete(page);
        if (store.current === s) setError(err.message);
      },
    );
  }, []);

  useEffect(() => {
    setTotal(null);
    setError(null);
    if (fetch) load(0);
    // `key` names what is listed; a new one starts again.
  }, [key, load]);

  const ensure = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) load(p);
    },
    [load],
  );
  return {
    total,
    error,
    item: (i: number): T | null =>
      store.current.pages.get(Math.floor(i / PAGE))?.[i % PAGE] ?? null,
    ensure,
  };
}
