// The interrupt remapping table of each IOMMU unit (the entries in use), virtualized: a unit of
// a 1536-CPU machine has tens of thousands.
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';
import { formatCount, formatIrteDest, formatSid, formatVector } from '../../../core/model/format';
import { invoke } from '../api/client';
import { useOffsetPages } from '../ui/useOffsetPages';
import { VirtualTable } from '../ui/VirtualTable';
import type { RunRef } from './AnalysisView';

type Row = ResponseOf<'run.irtes'>['rows'][number];
type Unit = ResponseOf<'run.irtes'>['units'][number];

export function Irtes({ refRun, onShowIrq }: { refRun: RunRef; onShowIrq(irq: number): void }) {
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [unit, setUnit] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    invoke('run.irtes', { ...refRun, limit: 1 }).then(
      (r) => {
        setUnits(r.units);
        setUnit(r.unit);
      },
      (e: Error) => setError(e.message),
    );
  }, [refRun.sessionId, refRun.runId]);
  const rows = useOffsetPages<Row>(
    `${refRun.sessionId}#${refRun.runId}#${unit}`,
    unit
      ? (offset, limit) =>
          invoke('run.irtes', { ...refRun, unit, offset, limit }).then((r) => ({
            total: r.total,
            items: r.rows,
          }))
      : null,
  );
  if (error) return <div className="error">{error}</div>;
  if (!units) return <p className="hint">Loading…</p>;
  if (units.length === 0)
    return (
      <div className="mode-empty" data-testid="irtes">
        <p>
          No interrupt remapping in this run: the machine has no IOMMU that remaps interrupts, or
          the kernel left it off.
        </p>
      </div>
    );
  return (
    <div className="irtes" data-testid="irtes">
      <div className="unit-tabs" role="tablist">
        {units.map((u) => (
          <button
            key={u.name}
            role="tab"
            aria-selected={u.name === unit}
            className={u.name === unit ? 'active' : ''}
            onClick={() => setUnit(u.name)}
          >
            {u.name}{' '}
            <span className="dim">
              ({formatCount(u.count)} entries · fault irq {u.irq})
            </span>
          </button>
        ))}
      </div>
      <VirtualTable
        testId="irte-table"
        ariaLabel={`IRTEs of ${unit}`}
        columns={[
          { key: 'index', label: 'index', width: '72px', className: 'num mono' },
          { key: 'p', label: 'P', width: '32px' },
          { key: 'vector', label: 'vector', width: '104px', className: 'num mono' },
          { key: 'dest', label: 'destination', width: '110px', className: 'mono' },
          { key: 'sid', label: 'source-id', width: '96px', className: 'mono' },
          { key: 'svt', label: 'SVT/SQ', width: '76px' },
          { key: 'irq', label: 'irq', width: '64px', className: 'num mono' },
          { key: 'owner', label: 'action / owner', width: '1fr' },
        ]}
        rowCount={rows.total ?? 0}
        row={(i) => {
          const r = rows.item(i);
          return r
            ? {
                index: r.index,
                p: r.present ? '1' : '0',
                vector: formatVector(r.vector),
                dest: formatIrteDest(r.dest),
                sid: formatSid(r.sid),
                svt: `${r.svt}/${r.sq}`,
                irq: r.irq,
                owner: r.owner,
              }
            : null;
        }}
        onRange={rows.ensure}
        onActivate={(i) => {
          const r = rows.item(i);
          if (r) onShowIrq(r.irq);
        }}
      />
    </div>
  );
}
