// Each IOAPIC's redirection table as the kernel programmed it: per pin its irq, trigger and
// polarity, mask, and either the CPU and vector (compatibility format) or the IRTE index
// (remappable format, under VT-d).
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import type { RunRef } from './AnalysisView';
import { plural } from '../../../core/model/format';

export function Ioapics({ refRun, onShowIrq }: { refRun: RunRef; onShowIrq(irq: number): void }) {
  const [data, setData] = useState<ResponseOf<'run.ioapics'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [all, setAll] = useState(false);
  useEffect(() => {
    invoke('run.ioapics', refRun).then(setData, (e: Error) => setError(e.message));
  }, [refRun.sessionId, refRun.runId]);
  if (error) return <div className="error">{error}</div>;
  if (!data) return <p className="hint">Loading…</p>;
  const hex = (n: number, w = 8) => `0x${n.toString(16).padStart(w, '0')}`;
  const shown = all ? data : data.slice(0, 4);
  return (
    <div className="ioapics" data-testid="ioapics">
      {shown.map((io) => (
        <section key={io.index}>
          <h4>
            IOAPIC {io.id}{' '}
            <span className="dim">
              (index {io.index}, GSI {io.gsiBase}-{io.gsiBase + io.pins - 1}, domain {io.domain},{' '}
              {io.type})
            </span>
          </h4>
          <table className="grid small rte-table">
            <thead>
              <tr>
                <th>pin</th>
                <th>GSI</th>
                <th>irq</th>
                <th>owner</th>
                <th>mask</th>
                <th>trigger</th>
                <th>polarity</th>
                <th>format</th>
                <th>vector</th>
                <th>destination / IRTE</th>
                <th>RTE (high:low)</th>
              </tr>
            </thead>
            <tbody>
              {io.rtes.map((r) => (
                <tr key={r.pin} className={r.masked ? 'dim-row' : ''}>
                  <td className="num">{r.pin}</td>
                  <td className="num">{r.gsi}</td>
                  <td className="num">
                    {r.irq >= 0 ? (
                      <button className="link" onClick={() => onShowIrq(r.irq)}>
                        {r.irq}
                      </button>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{r.owner}</td>
                  <td>{r.masked ? 'masked' : ''}</td>
                  <td>{r.masked ? '' : r.trigger}</td>
                  <td>{r.masked ? '' : r.polarity}</td>
                  <td>{r.masked ? '' : r.remappable ? 'remappable' : 'compatibility'}</td>
                  <td className="num mono">
                    {r.masked
                      ? ''
                      : r.remappable
                        ? `${r.vector} (pin)`
                        : `0x${r.vector.toString(16)}`}
                  </td>
                  <td className="mono">
                    {r.masked
                      ? ''
                      : r.remappable
                        ? `IRTE ${r.irteIndex}`
                        : `${r.destinationMode} ${hex(r.destination, 2)}`}
                  </td>
                  <td className="mono">
                    {hex(r.high)}:{hex(r.low)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {!all && data.length > shown.length && (
        <button onClick={() => setAll(true)}>Show all {plural(data.length, 'IOAPIC')}</button>
      )}
    </div>
  );
}
