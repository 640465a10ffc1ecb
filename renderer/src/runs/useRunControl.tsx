// Runs of the session: the options of the next run (profile, edited profile, fault injections),
// starting and cancelling one (a job polled for progress), the run shown, the export. Contributes
// the Run menu and File > Export.
import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { JobStatus, ResponseOf, SessionState } from '../../../electron/api/channels';
import type { Injection } from '../../../core/kernel/injections';
import type { KernelProfile } from '../../../core/kernel/profiles';
import { invoke } from '../api/client';
import { analyse, type MachineDocument } from '../model/document';
import type { Contribution, Dialogs } from '../shell/contributions';
import { ExportDialog } from './ExportDialog';
import { injectionLabel, InjectionsDialog, ProfileEditor } from './RunOptions';
import { WatchedRunProgress } from './RunsPanel';
import { useJobRunning, useJobWatch } from './useJob';

type Profile = ResponseOf<'profiles.list'>[number];

/** The value of the profile select that stands for the edited profile. */
const CUSTOM_PROFILE = '\u0000custom';

export type RunControl = ReturnType<typeof useRunControl>;

export function useRunControl({
  session,
  setSession,
  doc,
  setError,
  dialogs,
  onStart,
}: {
  session: SessionState | null;
  setSession: Dispatch<SetStateAction<SessionState | null>>;
  doc: MachineDocument;
  setError(message: string | null): void;
  dialogs: Dialogs;
  /** A run starts (the machine mode shows the results). */
  onStart(): void;
}) {
  const [profile, setProfile] = useState<string>('');
  const [customProfile, setCustomProfile] = useState<KernelProfile | null>(null);
  const [injections, setInjections] = useState<Injection[]>([]);
  const [selectedRun, setSelectedRun] = useState<number | null>(null);
  const [runJobId, setRunJobId] = useState<string | null>(null);
  const [exportRun, setExportRun] = useState<number | null>(null);

  const onRunEnd = useCallback(
    async (status: JobStatus) => {
      if (!session) return;
      const runs = await invoke('runs.list', { sessionId: session.sessionId }).catch(() => null);
      if (runs) setSession((s) => (s ? { ...s, runs } : s));
      if (status.runId !== null) setSelectedRun(status.runId);
      else if (runs?.length) setSelectedRun(runs[runs.length - 1]!.id);
      if (status.state === 'failed') setError(`The run failed: ${status.error}`);
    },
    [session],
  );
  // The run's job: its progress is drawn by what shows it (WatchedRunProgress), its start and end
  // here.
  const runJob = useJobWatch(runJobId, (s) => void onRunEnd(s));
  const running = useJobRunning(runJob);

  const runBoot = async () => {
    if (!session || running) return;
    // What is typed is analysed after a pause: a run started sooner judges the text it runs.
    const analysis = doc.analysis.text === doc.text ? doc.analysis : analyse(doc.text);
    if (!analysis.machine) {
      const problems = analysis.problems;
      const first = problems[0];
      setError(
        `The machine is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}${first ? `; first, at ${first.path}: ${first.message}` : ''}): fix it before running.`,
      );
      return;
    }
    try {
      setError(null);
      onStart();
      const { jobId } = await invoke('run.start', {
        sessionId: session.sessionId,
        machineText: doc.text,
        profile: profile && profile !== CUSTOM_PROFILE ? profile : undefined,
        customProfile: profile === CUSTOM_PROFILE && customProfile ? customProfile : undefined,
        injections,
      });
      setRunJobId(jobId);
      // The new run shows in the list while it goes.
      const runs = await invoke('runs.list', { sessionId: session.sessionId });
      setSession((s) => (s ? { ...s, runs } : s));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  // While a run goes, its row in the runs list shows (and its event count grows).
  useEffect(() => {
    if (!running || !session) return;
    const id = session.sessionId;
    const timer = setInterval(() => {
      void invoke('runs.list', { sessionId: id }).then(
        (runs) => setSession((s) => (s && s.sessionId === id ? { ...s, runs } : s)),
        () => {},
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [running, session?.sessionId]);

  const cancelRun = () => {
    if (runJob?.get()?.state === 'running') void invoke('job.cancel', { jobId: runJob.jobId });
  };

  const open = session !== null;
  const commands: Contribution<
    'file.export' | 'run.boot' | 'run.cancel' | 'run.injections' | 'run.editProfile'
  > = {
    'file.export': {
      enabled:
        open &&
        selectedRun !== null &&
        session.runs.some((r) => r.id === selectedRun && r.status === 'complete'),
      run: () => setExportRun(selectedRun),
    },
    'run.boot': { enabled: open && !running, run: () => void runBoot() },
    'run.cancel': { enabled: running, run: cancelRun },
    'run.injections': { enabled: open, run: () => dialogs.show('injections') },
    'run.editProfile': { enabled: open, run: () => dialogs.show('profile') },
  };

  const dialogsShown = (
    <>
      {dialogs.open === 'injections' && (
        <InjectionsDialog
          injections={injections}
          onChange={setInjections}
          onClose={() => dialogs.show(null)}
        />
      )}
      {dialogs.open === 'profile' && (
        <ProfileEditor
          current={customProfile}
          onClose={() => dialogs.show(null)}
          onSave={(p) => {
            setCustomProfile(p);
            setProfile(CUSTOM_PROFILE);
            dialogs.show(null);
          }}
        />
      )}
      {exportRun !== null && session && (
        <ExportDialog
          sessionId={session.sessionId}
          runId={exportRun}
          onClose={() => setExportRun(null)}
        />
      )}
    </>
  );

  return {
    commands,
    /** Its dialogs: injections, the profile editor, the export. */
    dialogs: dialogsShown,
    profile,
    setProfile,
    customProfile,
    injections,
    selectedRun,
    setSelectedRun,
    runJob,
    running,
    runBoot,
    cancelRun,
    setExportRun,
    /** A session adopted: its last run shown. */
    adopt(s: SessionState) {
      setSelectedRun(s.runs[s.runs.length - 1]?.id ?? null);
    },
    /** The session closed: its run's job is no longer watched. */
    forgetJob: () => setRunJobId(null),
    /** A job started elsewhere (an example's boot): watched as the session's run. */
    watchJob: (jobId: string) => setRunJobId(jobId),
    /** The runs list read again (after a comparison made a run), `select` shown if given. */
    async refreshRuns(sessionId: string, select?: number) {
      const runs = await invoke('runs.list', { sessionId });
      setSession((x) => (x ? { ...x, runs } : x));
      if (select !== undefined) setSelectedRun(select);
    },
  };
}

/** The toolbar's run part: the profile, its editor, the injections and the run button. */
export function RunToolbar({
  runs,
  profiles,
  dialogs,
  showProgress,
}: {
  runs: RunControl;
  profiles: Profile[];
  dialogs: Dialogs;
  /** The results panel is hidden: the progress shows here instead. */
  showProgress: boolean;
}) {
  const { profile, customProfile, injections, running, runJob } = runs;
  return (
    <>
      <label className="inline">
        Profile
        <select
          value={profile}
          onChange={(e) => runs.setProfile(e.target.value)}
          aria-label="Kernel profile"
          title={
            profiles.find((p) => p.name === profile)?.description ??
            'The profile the machine’s kernel version picks'
          }
        >
          <option value="">auto (from kernel.version)</option>
          {profiles.map((p) => (
            <option key={p.name} value={p.name} title={p.description}>
              {p.name}
            </option>
          ))}
          {customProfile && (
            <option value={CUSTOM_PROFILE} title={customProfile.description}>
              {customProfile.name} (edited)
            </option>
          )}
        </select>
      </label>
      <button
        onClick={() => dialogs.show('profile')}
        title="Clone a profile and change its behaviour flags"
      >
        Edit profile…
      </button>
      <button
        className={injections.length ? 'toggle on' : ''}
        onClick={() => dialogs.show('injections')}
        title={
          injections.length
            ? `The next run injects: ${injections.map(injectionLabel).join('; ')}`
            : 'Fault injections for the next run'
        }
        data-testid="injections-button"
      >
        Injections{injections.length ? ` (${injections.length})` : '…'}
      </button>
      <button
        className="primary"
        onClick={() => void runs.runBoot()}
        disabled={running}
        title="Run the kernel's boot on this machine (Ctrl+Enter)"
      >
        {running ? 'Running…' : '▶ Run boot'}
      </button>
      {runJob && showProgress && <WatchedRunProgress watch={runJob} onCancel={runs.cancelRun} />}
    </>
  );
}

/** The run the debugger, trace, analysis and compare modes show. */
export function RunShownSelect({ runs, session }: { runs: RunControl; session: SessionState }) {
  return (
    <label className="inline">
      Run
      <select
        value={runs.selectedRun ?? ''}
        onChange={(e) => runs.setSelectedRun(Number(e.target.value))}
        aria-label="Run shown"
      >
        {session.runs.length === 0 && <option value="">no runs yet</option>}
        {[...session.runs].reverse().map((r) => (
          <option key={r.id} value={r.id} disabled={r.status !== 'complete'}>
            Run {r.id} · {r.profile}
            {r.status !== 'complete' ? ` (${r.status})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
