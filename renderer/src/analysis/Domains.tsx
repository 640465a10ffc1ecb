// The irq domain hierarchy as /sys/kernel/debug/irq/domains shows it: every domain under its
// parent (VECTOR at the root), its chip, bus token, how many irqs it maps and its MSI flags; a
// domain's irqs beside it.
import { useEffect, useMemo, useState } from 'react';
import type { IrqSummary, ResponseOf } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import { useOffsetPages } from '../ui/useOffsetPages';
import { VirtualTable } from '../ui/VirtualTable';
import type { RunRef } from './AnalysisView';
import { formatCount } from '../../../core/model/format';

type Domain = ResponseOf<'run.domains'>['domains'][number];

export function Domains({ refRun, onShowIrq }: { refRun: RunRef; onShowIrq(irq: number): void }) {
  const [data, setData] = useState<ResponseOf<'run.domains'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    invoke('run.domains', refRun).then(
      (d) => {
        setData(d);
        setSelected(
          d.domains.find((x) => x.mapped > 0 && x.parent)?.name ?? d.domains[0]?.name ?? null,
        );
      },
      (e: Error) => setError(e.message),
    );
  }, [refRun.sessionId, refRun.runId]);
  // Depth-first order under each root, with each domain's depth.
  const rows = useMemo(() => {
    if (!data) return [];
    const children = new Map<string | null, Domain[]>();
    const names = new Set(data.domains.map((d) => d.name));
    for (const d of data.domains) {
      const p = d.parent && names.has(d.parent) ? d.parent : null;
      children.set(p, [...(children.get(p) ?? []), d]);
    }
    const out: { d: Domain; depth: number }[] = [];
    const walk = (p: string | null, depth: number) => {
      for (const d of children.get(p) ?? []) {
        out.push({ d, depth });
        walk(d.name, depth + 1);
      }
    };
    walk(null, 0);
    return out;
  }, [data]);
  const irqs = useOffsetPages<IrqSummary>(
    `${refRun.sessionId}#${refRun.runId}#${selected}`,
    selected
      ? (offset, limit) =>
          invoke('run.irqs', { ...refRun, domain: selected, offset, limit }).then((r) => ({
            total: r.total,
            items: r.irqs,
          }))
      : null,
  );
  if (error) return <div className="error">{error}</div>;
  if (!data) return <p className="hint">Loading…</p>;
  return (
    <div className="domains" data-testid="domains">
      <div className="domain-tree">
        <table className="grid">
          <thead>
            <tr>
              <th>domain</th>
              <th>chip</th>
              <th>bus token</th>
              <th className="num">mapped</th>
              <th>MSI flags</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ d, depth }) => (
              <tr
                key={d.name}
                className={`clickable${selected === d.name ? ' selected' : ''}`}
                onClick={() => setSelected(d.name)}
                data-testid={`domain-${d.name}`}
              >
                <td className="mono" style={{ paddingLeft: 8 + depth * 18 }}>
                  {depth > 0 && <span className="tree-branch">└ </span>}
                  {d.name}
                </td>
                <td>{d.chip}</td>
                <td className="small mono">{d.bus.replace(/^DOMAIN_BUS_/, '')}</td>
                <td className="num">{formatCount(d.mapped)}</td>
                <td className="mono small">
                  {d.msiFlags === null ? '' : `0x${d.msiFlags.toString(16)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">
          Interrupt remapping: {data.remapping}. Parents before children; "mapped" is debugfs's
          count of the irqs each domain holds a level of.
        </p>
      </div>
      <div className="domain-irqs">
        <h4>
          {selected ? (
            <>
              Irqs in <span className="mono">{selected}</span>
              {irqs.total !== null && ` (${formatCount(irqs.total)})`}
            </>
          ) : (
            'Select a domain'
          )}
        </h4>
        {selected && (
          <VirtualTable
            testId="domain-irqs"
            ariaLabel={`Irqs of ${selected}`}
            columns={[
              { key: 'irq', label: 'irq', width: '64px', className: 'num mono' },
              { key: 'chip', label: 'chip', width: '110px' },
              { key: 'hwirq', label: 'hwirq', width: '90px', className: 'num mono' },
              { key: 'cpu', label: 'CPU:vector', width: '90px', className: 'mono' },
              { key: 'owner', label: 'action / owner', width: '1fr' },
            ]}
            rowCount={irqs.total ?? 0}
            row={(i) => {
              const q = irqs.item(i);
              return q
                ? {
                    irq: q.irq,
                    chip: q.chip,
                    hwirq: `0x${q.hwirq.toString(16)}`,
                    cpu: q.vector ? `${q.cpu}:0x${q.vector.toString(16)}` : '—',
                    owner: q.actions.join(', ') || q.owner,
                  }
                : null;
            }}
            onRange={irqs.ensure}
            onActivate={(i) => {
              const q = irqs.item(i);
              if (q) onShowIrq(q.irq);
            }}
            empty="This domain maps no irq."
          />
        )}
        <p className="hint">Double click an irq for its chain.</p>
      </div>
    </div>
  );
}
