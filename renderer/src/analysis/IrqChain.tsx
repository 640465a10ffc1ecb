// One irq from its leaf domain down to VECTOR: every level's domain, chip and hwirq, then the
// CPU and vector it ends on, its affinity, the message its device was given (decoded), its IRTE,
// and debugfs's own view of it when the run kept it.
import { useEffect, useState } from 'react';
import type { IrqSummary, ResponseOf } from '../../../electron/api/channels';
import { hexBig, hexNumber } from '../ui/hex';
import { decodeMsi } from '../../../core/hw/decode';
import { invoke } from '../api/client';
import type { RunRef } from './AnalysisView';
import { formatCount } from '../../../core/model/format';

type Chain = ResponseOf<'run.irqChain'>;

export function IrqChain({
  refRun,
  irq,
  onPick,
}: {
  refRun: RunRef;
  irq: number | null;
  onPick(irq: number): void;
}) {
  const [filter, setFilter] = useState('');
  const [list, setList] = useState<{ total: number; irqs: IrqSummary[] } | null>(null);
  const [chain, setChain] = useState<Chain | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      invoke('run.irqs', { ...refRun, filter, limit: 300 }).then(
        (r) => {
          if (!live) return;
          setList(r);
          if (irq === null && r.irqs[0]) onPick(r.irqs[0].irq);
        },
        (e: Error) => live && setError(e.message),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // The list follows the filter; the first irq is shown when none is chosen.
  }, [refRun.sessionId, refRun.runId, filter]);
  useEffect(() => {
    setChain(null);
    if (irq === null) return;
    invoke('run.irqChain', { ...refRun, irq }).then(setChain, (e: Error) => setError(e.message));
  }, [refRun.sessionId, refRun.runId, irq]);
  const hex = (n: number) => `0x${n.toString(16)}`;
  const msg = chain?.messages[0];
  const decoded = msg ? decodeMsi(hexBig(msg.address), hexNumber(msg.data)) : null;
  return (
    <div className="irq-chain" data-testid="irq-chain">
      <aside className="irq-list">
        <input
          type="search"
          placeholder="irq, chip, owner or action"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Find an irq"
          spellCheck={false}
        />
        <ul>
          {list?.irqs.map((q) => (
            <li key={q.irq}>
              <button className={q.irq === irq ? 'selected' : ''} onClick={() => onPick(q.irq)}>
                <span className="mono">{q.irq}</span> <span className="dim">{q.chip}</span>{' '}
                <span className="irq-owner">{q.actions[0] ?? q.owner}</span>
              </button>
            </li>
          ))}
        </ul>
        {list && list.total > list.irqs.length && (
          <p className="hint">
            {formatCount(list.total - list.irqs.length)} more: narrow the search.
          </p>
        )}
      </aside>
      <section className="chain-detail">
        {error && <div className="error">{error}</div>}
        {!chain ? (
          <p className="hint">Choose an irq.</p>
        ) : (
          <>
            <h3>
              irq {chain.irq.irq}{' '}
              <span className="dim">
                {chain.irq.actions.join(', ') || chain.irq.owner || chain.irq.chip}
              </span>
            </h3>
            <div className="chain-boxes" data-testid="chain-boxes">
              {chain.chain.map((c, i) => (
                <div className="chain-step" key={i}>
                  <div
                    className={`chain-box${/IR-\d|^INTEL-IR-\d|^AMD-IR-\d/.test(c.domain) ? ' ir' : ''}`}
                  >
                    <div className="chain-domain mono">{c.domain}</div>
                    <div className="chain-meta">chip {c.chip}</div>
                    <div className="chain-meta mono">hwirq {hex(c.hwirq)}</div>
                  </div>
                  <span className="chain-arrow">→</span>
                </div>
              ))}
              <div className="chain-box cpu">
                <div className="chain-domain">CPU {chain.irq.vector ? chain.irq.cpu : '—'}</div>
                <div className="chain-meta mono">
                  vector{' '}
                  {chain.irq.vector ? `${chain.irq.vector} (${hex(chain.irq.vector)})` : 'none'}
                </div>
                <div className="chain-meta">{chain.irq.managed ? 'managed' : ''}</div>
              </div>
            </div>
            <table className="grid small chain-facts">
              <tbody>
                <tr>
                  <th>owner</th>
                  <td className="mono">{chain.irq.owner || '—'}</td>
                </tr>
                <tr>
                  <th>smp_affinity_list</th>
                  <td className="mono">{chain.affinity}</td>
                </tr>
                <tr>
                  <th>effective_affinity_list</th>
                  <td className="mono">{chain.effective || '—'}</td>
                </tr>
                <tr>
                  <th>message</th>
                  <td className="mono">
                    {msg
                      ? `entry ${msg.entry}: address 0x${hexBig(msg.address).toString(16).padStart(8, '0')} data 0x${hexNumber(msg.data).toString(16).padStart(4, '0')}`
                      : '—'}
                  </td>
                </tr>
                {decoded && (
                  <tr>
                    <th>decoded</th>
                    <td>
                      {decoded.lines.map((l, i) => (
                        <div key={i}>{l}</div>
                      ))}
                    </td>
                  </tr>
                )}
                <tr>
                  <th>IRTE</th>
                  <td className="mono">
                    {chain.irte
                      ? `${chain.irte.unit} #${chain.irte.index}: vector ${chain.irte.vector}, dest ${hex(chain.irte.dest)}, sid ${hex(chain.irte.sid)}, svt ${chain.irte.svt}, sq ${chain.irte.sq}${chain.irte.present ? '' : ' (not present)'}`
                      : 'none (no remapping level)'}
                  </td>
                </tr>
              </tbody>
            </table>
            {chain.debugfs && (
              <details open>
                <summary>/sys/kernel/debug/irq/irqs/{chain.irq.irq}</summary>
                <pre className="debugfs">{chain.debugfs}</pre>
              </details>
            )}
          </>
        )}
      </section>
    </div>
  );
}
