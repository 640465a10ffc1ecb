// The machine mode: the graph and its property panel, the JSON beside it, the runs and their
// results below; the status bar with the machine's problems. Contributes the Edit menu and the
// graph's and JSON's View commands.
import { useMemo, useRef, useState } from 'react';
import type { ResponseOf, SessionState } from '../../../electron/api/channels';
import { MachineEditor } from '../editor/MachineEditor';
import { addDevice, duplicateDevice, removeDevice, setVfs } from '../model/devices';
import type { MachineDocument, Problem } from '../model/document';
import { parseJsonPath, type PathKey } from '../model/json-locate';
import type { RunControl } from '../runs/useRunControl';
import { RunsPanel } from '../runs/RunsPanel';
import type { Contribution, Dialogs } from '../shell/contributions';
import { invoke } from '../api/client';
import { FindDevice } from '../topology/FindDevice';
import { nodeIdOfPci, type GraphNode } from '../topology/graph';
import { PropertyPanel } from '../topology/PropertyPanel';
import { nodeOfIrqOwner } from '../topology/search';
import { TopologyView } from '../topology/TopologyView';
import { plural } from '../../../core/model/format';

type Info = ResponseOf<'app.info'>;
export type MachineModeState = ReturnType<typeof useMachineMode>;

export function useMachineMode({
  session,
  doc,
  dialogs,
}: {
  session: SessionState | null;
  doc: MachineDocument;
  dialogs: Dialogs;
}) {
  const [selected, setSelected] = useState<GraphNode | null>(null);
  const [reveal, setReveal] = useState<{ path: PathKey[]; seq: number } | null>(null);
  const [focus, setFocus] = useState<{ id: string; seq: number } | null>(null);
  const [formatSeq, setFormatSeq] = useState(0);
  const [showJson, setShowJson] = useState(true);
  const [showResults, setShowResults] = useState(false);
  const [editProblems, setEditProblems] = useState<Problem[]>([]);
  const seq = useRef(0);

  const selectedFn = useMemo(() => {
    if (!selected?.path || selected.path[0] !== 'pci' || !doc.shown) return null;
    return doc.shown.pci[selected.path[1] as number] ?? null;
  }, [selected, doc.shown]);

  const editable = doc.shownIsCurrent;
  const structural = (make: () => { problems: Problem[]; select?: string }) => {
    let result: { problems: Problem[]; select?: string };
    try {
      result = make();
    } catch (err) {
      result = { problems: [{ path: '$', message: (err as Error).message }] };
    }
    setEditProblems(result.problems);
    if (result.problems.length === 0 && result.select)
      setFocus({ id: result.select, seq: ++seq.current });
    return result.problems;
  };
  const actions = {
    addChild: (parent: Parameters<typeof addDevice>[1]) =>
      structural(() => {
        const { edit, bdf } = addDevice(doc.shown!, parent);
        const problems = doc.tryEdit(edit);
        if (!problems.length) setSelected(null);
        return { problems, select: nodeIdOfPci(bdf) };
      }),
    remove: (fn: Parameters<typeof removeDevice>[1]) =>
      structural(() => {
        const problems = doc.tryEdit(removeDevice(doc.shown!, fn));
        if (!problems.length) setSelected(null);
        return { problems };
      }),
    duplicate: (fn: Parameters<typeof duplicateDevice>[1]) =>
      structural(() => {
        const { edit, bdf } = duplicateDevice(doc.shown!, fn);
        return { problems: doc.tryEdit(edit), select: nodeIdOfPci(bdf) };
      }),
    setVfs: (fn: Parameters<typeof setVfs>[0], n: number) =>
      structural(() => ({ problems: doc.tryEdit(setVfs(fn, n)) })),
  };

  /** Shows a place of the JSON (the JSON pane opened). */
  const revealPath = (path: PathKey[]) => {
    setShowJson(true);
    setReveal({ path, seq: ++seq.current });
  };

  const open = session !== null;
  const commands: Contribution<
    | 'edit.undo'
    | 'edit.redo'
    | 'edit.addDevice'
    | 'edit.duplicate'
    | 'edit.delete'
    | 'view.find'
    | 'view.fit'
    | 'view.toggleJson'
    | 'view.formatJson'
    | 'view.toggleResults'
  > = {
    'edit.undo': { enabled: open && doc.canUndo, run: () => doc.undo() },
    'edit.redo': { enabled: open && doc.canRedo, run: () => doc.redo() },
    'edit.addDevice': {
      enabled: open && editable,
      run: () =>
        void actions.addChild(selectedFn && selectedFn.kind !== 'endpoint' ? selectedFn : null),
    },
    'edit.duplicate': {
      enabled: open && editable && selectedFn !== null,
      run: () => void (selectedFn && actions.duplicate(selectedFn)),
    },
    'edit.delete': {
      enabled: open && editable && selectedFn !== null,
      run: () => void (selectedFn && actions.remove(selectedFn)),
    },
    'view.find': { enabled: open, run: () => dialogs.show('find') },
    'view.fit': { enabled: open, run: () => setFocus({ id: '', seq: ++seq.current }) },
    'view.toggleJson': { enabled: open, run: () => setShowJson((v) => !v) },
    'view.formatJson': {
      enabled: open,
      run: () => {
        setShowJson(true);
        setFormatSeq((n) => n + 1);
      },
    },
    'view.toggleResults': { enabled: open, run: () => setShowResults((v) => !v) },
  };

  const dialogsShown = dialogs.open === 'find' && doc.shown && (
    <FindDevice
      machine={doc.shown}
      onClose={() => dialogs.show(null)}
      onPick={(id) => {
        dialogs.show(null);
        setFocus({ id, seq: ++seq.current });
      }}
    />
  );

  return {
    commands,
    /** Its dialog: find a device. */
    dialogs: dialogsShown,
    selected,
    setSelected,
    reveal,
    setReveal,
    revealPath,
    focus,
    formatSeq,
    showJson,
    setShowJson,
    showResults,
    setShowResults,
    editProblems,
    setEditProblems,
    editable,
    actions,
    seq,
    /** A session adopted: nothing selected, no refused edit, the results shown if it has runs. */
    adopt(s: SessionState) {
      setSelected(null);
      setEditProblems([]);
      setShowResults(s.runs.length > 0);
    },
  };
}

/** The toolbar's toggles of the machine mode's panes. */
export function MachinePaneToggles({ machine }: { machine: MachineModeState }) {
  return (
    <>
      <button
        className={machine.showJson ? 'toggle on' : 'toggle'}
        onClick={() => machine.setShowJson((v) => !v)}
        title="Show/hide the JSON (Ctrl+J)"
      >
        JSON
      </button>
      <button
        className={machine.showResults ? 'toggle on' : 'toggle'}
        onClick={() => machine.setShowResults((v) => !v)}
        title="Show/hide the results (Ctrl+R)"
      >
        Results
      </button>
    </>
  );
}

export function MachineMode({
  machine: m,
  shown,
  session,
  doc,
  schema,
  dark,
  info,
  runs,
}: {
  machine: MachineModeState;
  shown: boolean;
  session: SessionState;
  doc: MachineDocument;
  schema: Record<string, unknown> | null;
  dark: boolean;
  info: Info;
  runs: RunControl;
}) {
  return (
    <div className={`workspace${m.showResults ? ' with-results' : ''}${shown ? '' : ' hidden'}`}>
      <div className="editors">
        <div className="graph-pane">
          <TopologyView
            machine={doc.shown}
            selected={m.selected?.id ?? null}
            onSelect={(id, node) => {
              m.setSelected(id ? node : null);
              m.setEditProblems([]);
              if (node?.path) m.setReveal({ path: node.path, seq: ++m.seq.current });
            }}
            onSelectedChanged={m.setSelected}
            focus={m.focus}
            resolveIrq={
              runs.selectedRun !== null && doc.shown
                ? async (irq) => {
                    const shownMachine = doc.shown!;
                    const found = await invoke('run.irqInfo', {
                      sessionId: session.sessionId,
                      runId: runs.selectedRun!,
                      irqs: [irq],
                    }).catch(() => []);
                    return found[0] ? nodeOfIrqOwner(shownMachine, found[0]) : null;
                  }
                : undefined
            }
          />
          <PropertyPanel
            node={m.selected}
            machine={doc.shown}
            value={doc.analysis.value}
            schema={schema as never}
            editable={m.editable}
            tryEdit={doc.tryEdit}
            onReveal={m.revealPath}
            actions={m.actions}
          />
        </div>
        <div className={`json-pane${m.showJson ? '' : ' hidden'}`}>
          <MachineEditor
            text={doc.text}
            dark={dark}
            problems={doc.analysis.problems}
            reveal={m.reveal}
            onChange={doc.setTextFromEditor}
            onUndo={doc.undo}
            onRedo={doc.redo}
            formatSeq={m.formatSeq}
          />
        </div>
      </div>
      {m.showResults && (
        <RunsPanel
          sessionId={session.sessionId}
          runs={session.runs}
          selectedRun={runs.selectedRun}
          onSelectRun={runs.setSelectedRun}
          job={runs.runJob}
          onCancel={runs.cancelRun}
          onExport={(id) => runs.setExportRun(id)}
          explainAvailable={info.features.explain}
          onClose={() => m.setShowResults(false)}
        />
      )}
    </div>
  );
}

/** The status bar: the machine's problems (each opens its place in the JSON), its size. */
export function MachineStatusBar({
  machine: m,
  doc,
  session,
}: {
  machine: MachineModeState;
  doc: MachineDocument;
  session: SessionState;
}) {
  const problems = doc.analysis.problems;
  return (
    <footer className="statusbar" data-testid="status">
      {problems.length === 0 ? (
        <span className="ok">✓ valid machine</span>
      ) : (
        <details>
          <summary className="bad">
            {problems.length} problem{problems.length === 1 ? '' : 's'} in the machine
          </summary>
          <ul className="problems">
            {problems.slice(0, 50).map((p, i) => (
              <li key={i}>
                <button
                  className="link"
                  onClick={() => {
                    const k = parseJsonPath(p.path);
                    if (k) m.revealPath(k);
                  }}
                >
                  <code>{p.path}</code>
                </button>{' '}
                {p.message}
              </li>
            ))}
          </ul>
        </details>
      )}
      {m.editProblems.length > 0 && (
        <span className="bad" data-testid="last-edit-refused">
          Last edit refused: {m.editProblems[0]!.path} {m.editProblems[0]!.message}
        </span>
      )}
      <span className="spacer" />
      <span className="dim">
        {doc.shown
          ? [
              plural(doc.shown.cpus.list.length, 'CPU'),
              plural(doc.shown.ioapics.length, 'IOAPIC'),
              plural(doc.shown.pci.length, 'PCI function'),
            ].join(' · ')
          : ''}
      </span>
      <span className="dim">{session.location}</span>
    </footer>
  );
}
