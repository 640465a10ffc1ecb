import { useState } from 'react';
import type { ResponseOf } from '../../electron/api/channels';

type Result = ResponseOf<'machine.simulate'>;

interface Props {
  result: Result | null;
  running: boolean;
}

/** The outputs of a simulated boot: /proc/interrupts as the kernel would print it, and dmesg. */
export function RunPanel({ result, running }: Props) {
  const [tab, setTab] = useState<'interrupts' | 'dmesg'>('interrupts');
  if (!result && !running) return null;
  return (
    <section className="run-panel" data-testid="run-panel" aria-label="Simulation results">
      <div className="run-tabs" role="tablist">
        <button
          role="tab"
          aria-selected={tab === 'interrupts'}
          className={tab === 'interrupts' ? 'active' : ''}
          onClick={() => setTab('interrupts')}
        >
          /proc/interrupts
        </button>
        <button
          role="tab"
          aria-selected={tab === 'dmesg'}
          className={tab === 'dmesg' ? 'active' : ''}
          onClick={() => setTab('dmesg')}
        >
          dmesg
        </button>
        <span className="spacer" />
        {running ? (
          <span className="run-summary">Simulating boot…</span>
        ) : result?.ok ? (
          <span className="run-summary" data-testid="run-summary">
            profile {result.profile} · {result.irqs} irqs · {result.events.toLocaleString('en-US')}{' '}
            trace events · {result.milliseconds} ms
          </span>
        ) : null}
      </div>
      {result && !result.ok && (
        <div className="error" role="alert">
          The machine is not valid: {result.problems.length} problem
          {result.problems.length === 1 ? '' : 's'} (see below)
        </div>
      )}
      {result?.warnings.map((w) => (
        <div className="warning" key={w}>
          {w}
        </div>
      ))}
      {result?.ok && tab === 'interrupts' && (
        <pre className="run-output" data-testid="proc-interrupts">
          {result.procInterrupts}
          {result.truncated ? '… (cut: the full table is larger than the preview)\n' : ''}
        </pre>
      )}
      {result?.ok && tab === 'dmesg' && (
        <pre className="run-output" data-testid="dmesg">
          {result.dmesg.map((line, i) => (
            <div key={i} className={/fail|BUG|error|exceeds|broken/i.test(line) ? 'log-bad' : ''}>
              {line}
            </div>
          ))}
        </pre>
      )}
    </section>
  );
}
