// The kernel's state at the stop: the event, what it means (diagnosis.ts), the irq and the
// irq_data chain being built, its vector, the message composed (decoded), the IRTEs touched, the
// matrix of the CPUs involved, the last kernel log lines. Each section is memoized on its part of
// the state: a step renders again only the sections whose part it changed (the store keeps the
// identity of unchanged parts, useDebugger.ts sharedWith).
import { memo, useMemo } from 'react';
import type { StepStateView } from '../../../electron/api/channels';
import { hexBig, hexNumber } from '../ui/hex';
import { decodeMsi } from '../../../core/hw/decode';
import { formatCount, formatVector } from '../../../core/model/format';
import { diagnose, matrixRowsInUse, stopReason, type Finding } from './diagnosis';

interface Props {
  state: StepStateView;
  isVf(bdf: string): boolean;
  onDecode?(address: string, data: string): void;
}

type S = StepStateView;

export const StatePanel = memo(function StatePanel({ state: s, isVf, onDecode }: Props) {
  const findings = useMemo(() => diagnose(s, isVf), [s, isVf]);
  return (
    <div className="dbg-state" data-testid="state-panel">
      <EventSection seq={s.seq} event={s.event} reason={s.reason} done={s.done} />
      <Findings findings={findings} />
      {/* No irq, no message, no IRTE at this step (the start of the boot): one line, not three
          empty boxes. */}
      {s.irq === null && !s.message && s.irtes.length === 0 ? (
        <p className="hint" data-testid="state-no-irq">
          No interrupt is being set up at this step.
        </p>
      ) : (
        <>
          <ChainSection irq={s.irq} chain={s.chain} vector={s.vector} />
          <MessageSection message={s.message} onDecode={onDecode} />
          <IrteSection irtes={s.irtes} remapping={s.remapping} />
        </>
      )}
      {/* Nothing empty: the matrix once a CPU holds vectors, the log once a line is written. */}
      <MatrixSection matrix={s.matrix} vectorCpu={s.vector?.cpu ?? null} />
      {s.dmesgTail.length > 0 && <DmesgSection lines={s.dmesgTail} />}
    </div>
  );
});

const EventSection = memo(function EventSection({
  seq,
  event: ev,
  reason,
  done,
}: Pick<S, 'seq' | 'event' | 'reason' | 'done'>) {
  return (
    <section>
      <h4>Event #{formatCount(seq)}</h4>
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
        {stopReason({ seq, reason })}
        {done ? ' · end of the run' : ''}
      </div>
    </section>
  );
});

const Findings = memo(
  function Findings({ findings }: { findings: Finding[] }) {
    return (
      <>
        {findings.map((f, i) => (
          <section key={i} className={`dbg-finding ${f.level}`} data-testid="finding">
            <h4>{f.title}</h4>
            {f.lines.map((l, k) => (
              <p key={k}>{l}</p>
            ))}
          </section>
        ))}
      </>
    );
  },
  // Findings are made again at each step: equal ones are the same section.
  (a, b) => JSON.stringify(a.findings) === JSON.stringify(b.findings),
);

const ChainSection = memo(function ChainSection({
  irq,
  chain,
  vector,
}: Pick<S, 'irq' | 'chain' | 'vector'>) {
  return (
    <section data-testid="state-chain">
      <h4>irq_data chain{irq !== null ? ` of irq ${irq}` : ''}</h4>
      {irq === null ? (
        <p className="hint">No irq at this step.</p>
      ) : chain.length === 0 ? (
        <p className="hint">Not built yet.</p>
      ) : (
        <ol className="chain">
          {chain.map((c, i) => (
            <li key={i}>
              <span className="chain-domain mono">{c.domain}</span>
              <span className="chain-meta mono">
                hwirq {c.hwirq} · {c.chip}
              </span>
            </li>
          ))}
        </ol>
      )}
      {vector && (
        <p className="mono small" data-testid="state-vector">
          vector {formatVector(vector.vector)} on CPU {vector.cpu}
          {vector.managed ? ' · managed' : ''}
          {vector.reserved ? ' · reserved' : ''}
        </p>
      )}
    </section>
  );
});

const MessageSection = memo(function MessageSection({
  message,
  onDecode,
}: Pick<S, 'message'> & Pick<Props, 'onDecode'>) {
  const decoded = useMemo(
    () => (message ? decodeMsi(hexBig(message.address), hexNumber(message.data)) : null),
    [message],
  );
  return (
    <section data-testid="state-message">
      <h4>Message in the device</h4>
      {message ? (
        <>
          <p className="mono small">
            {message.device} entry {message.entry}: address {message.address} data {message.data}{' '}
            {onDecode && (
              <button
                className="link"
                onClick={() => onDecode(message.address, message.data)}
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
  );
});

const IrteSection = memo(function IrteSection({
  irtes,
  remapping,
}: Pick<S, 'irtes' | 'remapping'>) {
  return (
    <section>
      <h4>IRTEs touched</h4>
      {irtes.length === 0 ? (
        <p className="hint">
          {remapping === 'off' ? 'Interrupt remapping is off.' : 'None at this level.'}
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
            {irtes.map((e) => (
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
  );
});

const MatrixSection = memo(function MatrixSection({
  matrix: all,
  vectorCpu,
}: Pick<S, 'matrix'> & { vectorCpu: number | null }) {
  const matrix = useMemo(() => matrixRowsInUse({ matrix: all }), [all]);
  if (matrix.length === 0) return null;
  return (
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
            <tr key={m.cpu} className={vectorCpu === m.cpu ? 'hl' : ''}>
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
  );
});

const DmesgSection = memo(function DmesgSection({ lines }: { lines: S['dmesgTail'] }) {
  return (
    <section data-testid="state-dmesg">
      <h4>dmesg (last lines)</h4>
      <pre className="dbg-dmesg">{lines.join('\n')}</pre>
    </section>
  );
});
