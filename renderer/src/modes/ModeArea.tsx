// The views of a session ("modes"): the machine (graph, JSON, runs), the debugger, the trace,
// the analysis views, the comparison. Each owns its state and contributes its commands; the
// shell shows one at a time.
import type { ReactNode } from 'react';
import type { CommandId } from '../shell/commands';
import { ErrorBoundary } from '../ui/ErrorBoundary';

export type Mode = 'machine' | 'debugger' | 'trace' | 'analysis' | 'compare';

export const MODES: { mode: Mode; label: string; command: CommandId }[] = [
  { mode: 'machine', label: 'Machine', command: 'view.machine' },
  { mode: 'debugger', label: 'Debugger', command: 'view.debugger' },
  { mode: 'trace', label: 'Trace', command: 'view.trace' },
  { mode: 'analysis', label: 'Analysis', command: 'view.analysis' },
  { mode: 'compare', label: 'Compare', command: 'view.compare' },
];

/** A mode's area: mounted on its first visit, then kept (hidden) so its state survives. */
export function ModeArea({
  mode,
  shown,
  visited,
  what,
  children,
}: {
  mode: Mode;
  shown: Mode;
  visited: ReadonlySet<Mode>;
  what: string;
  children: ReactNode;
}) {
  if (!visited.has(mode)) return null;
  return (
    <div className={`mode-area${mode === shown ? '' : ' hidden'}`}>
      <ErrorBoundary what={what}>{children}</ErrorBoundary>
    </div>
  );
}
