// The compare mode: two runs side by side (or a run made under another profile to compare with).
import type { ResponseOf, SessionState } from '../../../electron/api/channels';
import { CompareView } from '../compare/CompareView';
import type { RunControl } from '../runs/useRunControl';

type Profile = ResponseOf<'profiles.list'>[number];

export function CompareMode({
  session,
  profiles,
  runs,
  machineText,
}: {
  session: SessionState;
  profiles: Profile[];
  runs: RunControl;
  machineText: string;
}) {
  return (
    <CompareView
      sessionId={session.sessionId}
      runs={session.runs}
      profiles={profiles}
      runId={runs.selectedRun}
      machineText={machineText}
      onRunsChanged={(select) => runs.refreshRuns(session.sessionId, select)}
    />
  );
}
