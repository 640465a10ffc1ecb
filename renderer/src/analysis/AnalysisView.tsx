// The analysis views of a run: the irq domain hierarchy (with each domain's irqs), one irq's
// chain from its leaf domain to VECTOR, the vector matrix as a heatmap, the IRTE tables of the
// remapping units, the IOAPIC redirection entries, and the MSI message decoder.
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';
import { Decoder } from './Decoder';
import { Domains } from './Domains';
import { Ioapics } from './Ioapics';
import { IrqChain } from './IrqChain';
import { Irtes } from './Irtes';
import { VectorHeatmap } from './VectorHeatmap';

type RunSummary = ResponseOf<'runs.list'>[number];

export type AnalysisTab = 'domains' | 'chain' | 'matrix' | 'irtes' | 'ioapic' | 'decoder';

/** Something another view asks to show here (a message to decode, an irq's chain). */
export type AnalysisTarget =
  | { tab: 'decoder'; address: string; data: string; nonce: number }
  | { tab: 'chain'; irq: number; nonce: number };

const TABS: [AnalysisTab, string][] = [
  ['domains', 'Domain hierarchy'],
  ['chain', 'IRQ chain'],
  ['matrix', 'Vector matrix'],
  ['irtes', 'IRTE tables'],
  ['ioapic', 'IOAPIC RTEs'],
  ['decoder', 'Message decoder'],
];

interface Props {
  sessionId: string;
  runs: RunSummary[];
  runId: number | null;
  target: AnalysisTarget | null;
}

export function AnalysisView({ sessionId, runs, runId, target }: Props) {
  const [tab, setTab] = useState<AnalysisTab>('domains');
  const [chainIrq, setChainIrq] = useState<number | null>(null);
  const [message, setMessage] = useState<{ address: string; data: string; nonce: number } | null>(
    null,
  );
  const run = runs.find((r) => r.id === runId && r.status === 'complete') ?? null;

  useEffect(() => {
    if (!target) return;
    setTab(target.tab);
    if (target.tab === 'chain') setChainIrq(target.irq);
    else setMessage({ address: target.address, data: target.data, nonce: target.nonce });
  }, [target]);

  const showChain = (irq: number) => {
    setChainIrq(irq);
    setTab('chain');
  };
  const ref = run ? { sessionId, runId: run.id } : null;
  return (
    <div className="analysis" data-testid="analysis">
      <div className="run-tabs analysis-tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'active' : ''}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
        <span className="spacer" />
        {run && (
          <span className="hint">
            run {run.id} · profile {run.profile}
          </span>
        )}
      </div>
      <div className="analysis-body">
        {tab === 'decoder' ? (
          <Decoder refRun={ref} preset={message} />
        ) : !ref ? (
          <div className="mode-empty">
            <p>Choose a complete run (the selector above), or run the boot first.</p>
          </div>
        ) : tab === 'domains' ? (
          <Domains key={ref.runId} refRun={ref} onShowIrq={showChain} />
        ) : tab === 'chain' ? (
          <IrqChain key={ref.runId} refRun={ref} irq={chainIrq} onPick={setChainIrq} />
        ) : tab === 'matrix' ? (
          <VectorHeatmap key={ref.runId} refRun={ref} onShowIrq={showChain} />
        ) : tab === 'irtes' ? (
          <Irtes key={ref.runId} refRun={ref} onShowIrq={showChain} />
        ) : (
          <Ioapics key={ref.runId} refRun={ref} onShowIrq={showChain} />
        )}
      </div>
    </div>
  );
}

export interface RunRef {
  sessionId: string;
  runId: number;
}
