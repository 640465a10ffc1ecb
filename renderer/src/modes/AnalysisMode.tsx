// The analysis mode: domains, IRQ chain, vector heatmap, IRTEs, IOAPIC RTEs, the decoder; the
// debugger opens the decoder on a message.
import { useState } from 'react';
import type { SessionState } from '../../../electron/api/channels';
import { AnalysisView, type AnalysisTarget } from '../analysis/AnalysisView';

export type AnalysisModeState = ReturnType<typeof useAnalysisMode>;

export function useAnalysisMode() {
  const [target, setTarget] = useState<AnalysisTarget | null>(null);
  return {
    target,
    /** Opens the decoder on a message (each call a new target, even the same message). */
    decode: (address: string, data: string) =>
      setTarget((t) => ({ tab: 'decoder', address, data, nonce: (t?.nonce ?? 0) + 1 })),
  };
}

export function AnalysisMode({
  analysis,
  session,
  selectedRun,
}: {
  analysis: AnalysisModeState;
  session: SessionState;
  selectedRun: number | null;
}) {
  return (
    <AnalysisView
      sessionId={session.sessionId}
      runs={session.runs}
      runId={selectedRun}
      target={analysis.target}
    />
  );
}
