// What a report reads from a stored run: its events in step order, page by page, and the names
// behind their ids. core/store's Session provides it; reports never load a whole run at once.
import type { ArgType, EventRow } from '../trace/events';

export type StoredEvent = EventRow;

export interface TraceSource {
  /** Events from `fromSeq` on, at most `limit`, in step order. */
  page(fromSeq: number, limit: number): StoredEvent[];
  string(id: number): string;
  symbol(
    id: number,
  ): { name: string; args: readonly { name: string; type: ArgType | string }[] } | undefined;
}

export const PAGE_SIZE = 50_000;

/** Every event of the run, fetched a page at a time. */
export function* allEvents(source: TraceSource): Generator<StoredEvent> {
  for (let from = 0; ;) {
    const page = source.page(from, PAGE_SIZE);
    if (page.length === 0) return;
    yield* page;
    from = page[page.length - 1]!.seq + 1;
  }
}

/** The named arguments of an event, as its symbol declares them. */
export function namedArgs(source: TraceSource, e: StoredEvent): Record<string, number | string> {
  const spec = source.symbol(e.fn);
  const values = [e.a0, e.a1, e.a2, e.a3];
  const out: Record<string, number | string> = {};
  spec?.args.forEach((arg, i) => {
    const v = values[i]!;
    out[arg.name] =
      arg.type === 'str' ? source.string(v) : arg.type === 'hex' ? `0x${v.toString(16)}` : v;
  });
  return out;
}
