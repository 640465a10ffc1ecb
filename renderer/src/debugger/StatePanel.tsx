// The kernel's state at the stop: the event, what it means (diagnosis.ts), the irq and the
// irq_data chain being built, its vector, the message composed (decoded), the IRTEs touched, the
// matrix of the CPUs involved, the last kernel log lines.
import type { StepStateView } from '../../../electron/api/channels';
import { hexBig, hexNumber } from '../ui/hex';
import { decodeMsi } from '../../../core/hw/decode';
import { formatCount, formatVector } from '../../../core/model/format';
import { diagnose, matrixRowsInUse, stopReason } from './diagnosis';

interface Props {
  state: StepStateView;
  isVf(bdf: string): boolean;
  onDecode?(address: string, data: string): void;
}

export function StatePanel({ state: s, isVf, onDecode }: Props) {
  const findings = diagnose(s, isVf);
  const matrix = matrixRowsInUse(s);
  const ev = s.event;
  const decoded = s.message
    ? decodeMsi(hexBig(s.message.address), hexNumber(s.message.data))
    : null;
  return (
    <div className="dbg-state" data-testid="state-panel">
      <section>
        <h4>Event #{formatCount(s.seq)}</h4>
        <div className={`dbg-event kind-${ev.kind}`} data-testid="state-event">
          <span className="badge">{ev.kind}</span>{' '}
          {ev.kind === 'log' ? (
            <span className="mono">{ev.text}</span>
          ) : (
            <span className="mono">
              {ev.fn}
              {ev.kind !== 'ret' && `(${ev.args.map((a) => `${a.name}=${a.value}`).join(', ')})`}
              {ev.kind === 'ret' && ` → ${ev.args[0]?.value ?? ''}`}
            </span>
          )}
          {ev.kind === 'fault' && ev.text && <div className="mono bad-text">{ev.text}</div>}
        </div>
        <div className="hint">
          {stopReason(s)}
          {s.done ? ' · end of the run' : ''}
        </div>
      </section>
      {findings.map((f, i) => (
        <section key={i} className={`dbg-finding ${f.level}`} data-testid="finding">
          <h4>{f.title}</h4>
          {f.lines.map((l, k) => (
            <p key={k}>{l}</p>
          ))}
        </section>
      ))}
      {/* No irq, no message, no IRTE at this step (the start of the boot): one line, not three
          empty boxes. */}
      {s.irq === null && !s.message && s.irtes.length === 0 ? (
        <p className="hint" data-testid="state-no-irq">
          No interrupt is being set up at this step.
        </p>
      ) : (
        <>
          <section data-testid="state-chain">
            <h4>irq_data chain{s.irq !== null ? ` of irq ${s.irq}` : ''}</h4>
            {s.irq === null ? (
              <p className="hint">No irq at this step.</p>
            ) : s.chain.length === 0 ? (
              <p className="hint">Not built yet.</p>
            ) : (
              <ol className="chain">
                {s.chain.map((c, i) => (
                  <li key={i}>
                    <span className="chain-domain mono">{c.domain}</span>
                    <span className="chain-meta mono">
                      hwirq {c.hwirq} · {c.chip}
                    </span>
                  </li>
                ))}
              </ol>
            )}
            {s.vector && (
              <p className="mono small" data-testid="state-vector">
                vector {formatVector(s.vector.vector)} on CPU {s.vector.cpu}
                {s.vector.managed ? ' · managed' : ''}
                {s.vector.reserved ? ' · reserved' : ''}
              </p>
            )}
          </section>
          <section data-testid="state-message">
            <h4>Message in the device</h4>
            {s.message ? (
              <>
                <p className="mono small">
                  {s.message.device} entry {s.message.entry}: address {s.message.address} data{' '}
                  {s.message.data}{' '}
                  {onDecode && (
                    <button
                      className="link"
                      onClick={() => onDecode(s.message!.address, s.message!.data)}
                      title="Open it in the message decoder"
                    >
                      decode…
                    </button>
                  )}
                </p>
                {decoded && (
                  <ul className="decoded small">
                    {decoded.lines.map((l, i) => (
                      <li key={i}>{l}</li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              <p className="hint">No message written for this irq yet.</p>
            )}
          </section>
          <section>
            <h4>IRTEs touched</h4>
            {s.irtes.length === 0 ? (
              <p className="hint">
                {s.remapping === 'off' ? 'Interrupt remapping is off.' : 'None at this level.'}
              </p>
            ) : (
              <table className="grid small">
                <thead>
                  <tr>
                    <th>unit</th>
                    <th>index</th>
                    <th>P</th>
                    <th>vector</th>
                    <th>dest</th>
                    <th>sid</th>
                    <th>svt/sq</th>
                  </tr>
                </thead>
                <tbody>
                  {s.irtes.map((e) => (
                    <tr key={`${e.unit}:${e.index}`}>
                      <td>{e.unit}</td>
                      <td className="num">{e.index}</td>
                      <td>{e.present ? '1' : '0'}</td>
                      <td className="num">{e.vector}</td>
                      <td className="mono">{e.dest}</td>
                      <td className="mono">{e.sid}</td>
                      <td>
                        {e.svt}/{e.sq}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
      {/* Nothing empty: the matrix once a CPU holds vectors, the log once a line is written. */}
      {matrix.length > 0 && (
        <section>
          <h4>Vector matrix of the CPUs involved</h4>
          <table className="grid small" data-testid="state-matrix">
            <thead>
              <tr>
                <th>CPU</th>
                <th title="available">avl</th>
                <th title="managed reserved">man</th>
                <th title="managed allocated">mac</th>
                <th title="allocated">act</th>
                <th>vectors</th>
              </tr>
            </thead>
            <tbody>
              {matrix.map((m) => (
                <tr key={m.cpu} className={s.vector?.cpu === m.cpu ? 'hl' : ''}>
                  <td className="num">{m.cpu}</td>
                  <td className="num">{formatCount(m.available)}</td>
                  <td className="num">{formatCount(m.managed)}</td>
                  <td className="num">{formatCount(m.managedAllocated)}</td>
                  <td className="num">{formatCount(m.allocated)}</td>
                  <td className="mono wrap">{m.vectors}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {s.dmesgTail.length > 0 && (
        <section data-testid="state-dmesg">
          <h4>dmesg (last lines)</h4>
          <pre className="dbg-dmesg">{s.dmesgTail.join('\n')}</pre>
        </section>
      )}
    </div>
  );
}
