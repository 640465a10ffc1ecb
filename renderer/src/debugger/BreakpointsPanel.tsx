// The session's breakpoints: on a function, a domain, an irq, a device, a CPU, or a condition
// ("irq_matrix_alloc on cpu 3", "fn=modify_irte irq=25", "first fault", "fn=dmar_alloc_hwirq
// ret<0"). Kept in the session file; a malformed condition is refused with the reason.
import { memo, useState } from 'react';
import type { StoredBreakpoint } from '../../../electron/api/channels';
import { parseCondition, type Breakpoint } from '../../../core/step/breakpoints';

const KINDS: { kind: Breakpoint['kind']; label: string; placeholder: string }[] = [
  { kind: 'function', label: 'Function', placeholder: 'dmar_alloc_hwirq' },
  { kind: 'irq', label: 'irq', placeholder: '25' },
  { kind: 'device', label: 'Device', placeholder: '0000:42:00.2' },
  { kind: 'cpu', label: 'CPU', placeholder: '3' },
  { kind: 'domain', label: 'Domain', placeholder: 'INTEL-IR-0' },
  { kind: 'condition', label: 'Condition', placeholder: 'fn=modify_irte irq=25 · first fault' },
];

interface Props {
  breakpoints: StoredBreakpoint[];
  onChange(list: Breakpoint[]): Promise<string | null>;
}

export const BreakpointsPanel = memo(function BreakpointsPanel({ breakpoints, onChange }: Props) {
  const [kind, setKind] = useState<Breakpoint['kind']>('function');
  const [spec, setSpec] = useState('');
  const [error, setError] = useState<string | null>(null);
  const plain = breakpoints.map((b) => ({ kind: b.kind, spec: b.spec, enabled: b.enabled }));
  const add = async () => {
    const s = spec.trim();
    if (!s) return;
    if (kind === 'condition') {
      try {
        parseCondition(s);
      } catch (err) {
        setError((err as Error).message);
        return;
      }
    }
    const refused = await onChange([...plain, { kind, spec: s, enabled: true }]);
    setError(refused);
    if (!refused) setSpec('');
  };
  return (
    <div className="dbg-breakpoints" data-testid="breakpoints">
      <h4>Breakpoints</h4>
      {breakpoints.length === 0 && <p className="hint">None. They are kept in the session.</p>}
      <ul>
        {breakpoints.map((b, i) => (
          <li key={b.id} className={b.enabled ? '' : 'disabled'}>
            <input
              type="checkbox"
              checked={b.enabled}
              aria-label={`Enable breakpoint ${b.kind} ${b.spec}`}
              onChange={() =>
                void onChange(plain.map((p, k) => (k === i ? { ...p, enabled: !p.enabled } : p)))
              }
            />
            <span className="bp-kind">{b.kind}</span>
            <span className="bp-spec mono" title={b.spec}>
              {b.spec}
            </span>
            <button
              className="icon"
              aria-label={`Remove breakpoint ${b.kind} ${b.spec}`}
              onClick={() => void onChange(plain.filter((_, k) => k !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="bp-add">
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as Breakpoint['kind'])}
          aria-label="Breakpoint kind"
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <input
          value={spec}
          placeholder={KINDS.find((k) => k.kind === kind)!.placeholder}
          onChange={(e) => {
            setSpec(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => e.key === 'Enter' && void add()}
          aria-label="Breakpoint"
          spellCheck={false}
        />
        <button onClick={() => void add()}>Add</button>
      </div>
      {error && (
        <div className="error small" role="alert" data-testid="breakpoint-error">
          {error}
        </div>
      )}
    </div>
  );
});
