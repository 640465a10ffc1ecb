// Where to start: an allocation of the run (dmar_alloc_hwirq for a DMAR unit, pci_alloc_irq_vectors
// for a device, an IOAPIC pin, IMS slots, an HPET channel), read from the stored trace; picking
// one takes the debugger to that call.
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';
import { formatCount } from '../../../core/model/format';
import { invoke } from '../api/client';
import { filterPlaceholder } from './placeholder';

type Item = ResponseOf<'run.allocations'>['items'][number];

interface Props {
  sessionId: string;
  runId: number;
  currentSeq: number | null;
  onPick(seq: number): void;
}

export const AllocationPicker = memo(function AllocationPicker({
  sessionId,
  runId,
  currentSeq,
  onPick,
}: Props) {
  const [filter, setFilter] = useState('');
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const pick = useCallback((seq: number) => onPickRef.current(seq), []);
  const [data, setData] = useState<{ total: number; items: Item[] } | null>(null);
  // Examples from this run's own allocations (the unfiltered list), kept while the user types.
  const [placeholder, setPlaceholder] = useState('Filter allocations');
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      invoke('run.allocations', { sessionId, runId, filter, limit: 200 }).then(
        (d) => {
          if (!live) return;
          setData(d);
          if (filter === '') setPlaceholder(filterPlaceholder(d.items));
        },
        () => live && setData({ total: 0, items: [] }),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [sessionId, runId, filter]);
  // A step changes currentSeq: the list renders again only when the row shown as the current
  // step changes, and the filter box never (React sets a field's attributes again each time).
  const seqs = useMemo(() => new Set(data?.items.map((a) => a.seq)), [data]);
  const selected = currentSeq !== null && seqs.has(currentSeq) ? currentSeq : null;
  const head = useMemo(
    () => (
      <>
        <h4>
          Allocations {data ? <span className="dim">({formatCount(data.total)})</span> : null}
        </h4>
        <input
          type="search"
          placeholder={placeholder}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter allocations"
          spellCheck={false}
        />
      </>
    ),
    [data, placeholder, filter],
  );
  return (
    <div className="dbg-allocations" data-testid="allocations">
      {head}
      <AllocationList items={data?.items ?? NO_ITEMS} selected={selected} onPick={pick} />
      {data && data.total > data.items.length && (
        <p className="hint">
          {formatCount(data.total - data.items.length)} more: narrow the filter.
        </p>
      )}
    </div>
  );
});

const NO_ITEMS: Item[] = [];

const AllocationList = memo(function AllocationList({
  items,
  selected,
  onPick,
}: {
  items: Item[];
  selected: number | null;
  onPick(seq: number): void;
}) {
  return (
    <ul>
      {items.map((a) => (
        <AllocationRow key={a.seq} item={a} selected={selected === a.seq} onPick={onPick} />
      ))}
    </ul>
  );
});

const AllocationRow = memo(function AllocationRow({
  item: a,
  selected,
  onPick,
}: {
  item: Item;
  selected: boolean;
  onPick(seq: number): void;
}) {
  return (
    <li>
      <button
        className={selected ? 'selected' : ''}
        onClick={() => onPick(a.seq)}
        title={`${a.fn}(${a.args.map((x) => `${x.name}=${x.value}`).join(', ')}) at step ${a.seq}`}
      >
        <span className="alloc-label">{a.label}</span>
        <span className="alloc-seq mono">#{formatCount(a.seq)}</span>
      </button>
    </li>
  );
});
