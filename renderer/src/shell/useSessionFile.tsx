// The session file: new, open (dialog, recent, upload, drop, an example), save, save as, close,
// and the prompt before unsaved changes are dropped. Contributes the File menu's session commands.
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { LargeMachineKnobs, ResponseOf, SessionState } from '../../../electron/api/channels';
import { fileAsBase64, invoke } from '../api/client';
import type { MachineDocument } from '../model/document';
import type { Mode } from '../modes/ModeArea';
import { Modal } from '../ui/Modal';
import { SessionFileInput } from '../ui/SessionFileInput';
import type { Contribution, Dialogs } from './contributions';

type Info = ResponseOf<'app.info'>;
type Pending = { action: () => void; verb: string } | null;

export function useSessionFile({
  info,
  session,
  setSession,
  doc,
  setError,
  dialogs,
  onAdopt,
  onClose,
  onJob,
}: {
  info: Info | null;
  session: SessionState | null;
  setSession: Dispatch<SetStateAction<SessionState | null>>;
  doc: MachineDocument;
  setError(message: string | null): void;
  dialogs: Dialogs;
  /** A session opened: each part starts it afresh, `startIn` shown. */
  onAdopt(s: SessionState, startIn: Mode): void;
  onClose(): void;
  /** The job that boots an opened example. */
  onJob(jobId: string): void;
}) {
  const [pending, setPending] = useState<Pending>(null);
  const openInput = useRef<HTMLInputElement>(null);

  const machineName =
    doc.analysis.machine?.name ?? doc.shown?.name ?? session?.machine?.name ?? 'machine';
  const needsSave = session !== null && (doc.dirty || (!session.titled && session.runs.length > 0));

  useEffect(() => {
    document.title = session ? `${needsSave ? '• ' : ''}${session.title} — irqlab` : 'irqlab';
  }, [session, needsSave]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (needsSave) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [needsSave]);

  const adopt = (s: SessionState, startIn: Mode = 'machine') => {
    setSession(s);
    onAdopt(s, startIn);
    doc.reset(s.machine?.text ?? '');
    setError(null);
  };

  /** Runs `action` once the current session is saved or the user chose not to. */
  const guard = (verb: string, action: () => void) => {
    if (needsSave) setPending({ action, verb });
    else action();
  };

  const closeSession = async () => {
    if (session) await invoke('session.close', { sessionId: session.sessionId }).catch(() => {});
    setSession(null);
    onClose();
  };

  const newSession = async (
    name: string,
    text: string,
    realInterrupts?: { fileName: string; text: string; missing: string[] },
  ) => {
    try {
      await closeSession();
      adopt(await invoke('session.new', { machineName: name, machineText: text, realInterrupts }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  /** A new session on a generated machine, made on the host; a failure is the caller's to show. */
  const generateSession = async (knobs: LargeMachineKnobs) => {
    await closeSession();
    adopt(await invoke('session.generate', knobs));
  };

  /** An example of the start page: a new session booted under the kernel that had the bug. */
  const openExample = async (name: string) => {
    try {
      await closeSession();
      const { session: s, jobId } = await invoke('examples.open', { name });
      adopt(s, 'debugger');
      onJob(jobId);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const openWith = async (open: () => Promise<SessionState | null>) => {
    try {
      const s = await open();
      if (!s) return;
      if (session && s.sessionId !== session.sessionId) await closeSession();
      adopt(s);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const uploadFile = (file: File) =>
    void openWith(async () => {
      if (!file.name.toLowerCase().endsWith('.irqlab'))
        throw new Error(`${file.name}: not an irqlab session (a .irqlab file)`);
      return invoke('session.upload', { fileName: file.name, base64: await fileAsBase64(file) });
    });

  const save = async (): Promise<boolean> => {
    if (!session) return false;
    if (!session.titled) {
      if (info?.mode === 'electron') return saveAs();
      dialogs.show('saveAs');
      return false;
    }
    try {
      const s = await invoke('session.save', {
        sessionId: session.sessionId,
        machineName,
        machineText: doc.text,
      });
      setSession(s);
      doc.markSaved(doc.text);
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };

  const saveAs = async (name?: string, overwrite = false): Promise<boolean> => {
    if (!session) return false;
    const s = await invoke('session.saveAs', {
      sessionId: session.sessionId,
      machineName,
      machineText: doc.text,
      name,
      overwrite,
    });
    if (!s) return false;
    setSession(s);
    doc.markSaved(doc.text);
    return true;
  };

  const open = session !== null;
  const commands: Contribution<
    'file.new' | 'file.open' | 'file.save' | 'file.saveAs' | 'file.close'
  > = {
    'file.new': {
      enabled: true,
      run: () => guard('start a new session', () => void closeSession()),
    },
    'file.open': {
      enabled: true,
      run: () =>
        guard('open another session', () => {
          if (info?.mode === 'electron') void openWith(() => invoke('session.openDialog', {}));
          else openInput.current?.click();
        }),
    },
    'file.save': { enabled: open, run: () => void save() },
    'file.saveAs': {
      enabled: open,
      run: () => {
        if (info?.mode === 'electron')
          return void saveAs().catch((e: Error) => setError(e.message));
        dialogs.show('saveAs');
      },
    },
    'file.close': { enabled: open, run: () => guard('close it', () => void closeSession()) },
  };

  const hiddenOpenInput = (
    <SessionFileInput inputRef={openInput} testId="app-open-input" onFile={uploadFile} />
  );

  const dialogsShown = (
    <>
      {pending && session && (
        <UnsavedPrompt
          session={session}
          verb={pending.verb}
          onCancel={() => setPending(null)}
          onDiscard={() => {
            setPending(null);
            pending.action();
          }}
          onSave={async () => {
            setPending(null);
            if (await save()) pending.action();
          }}
        />
      )}
      {dialogs.open === 'saveAs' && session && (
        <SaveAsDialog
          suggested={session.titled ? session.title : `${machineName}.irqlab`}
          onCancel={() => dialogs.show(null)}
          onSave={async (name, overwrite) => {
            await saveAs(name, overwrite);
            dialogs.show(null);
          }}
        />
      )}
    </>
  );

  return {
    commands,
    needsSave,
    save,
    guard,
    newSession,
    generateSession,
    openExample,
    openWith,
    uploadFile,
    hiddenOpenInput,
    /** Its dialogs: the unsaved-changes prompt, save as. */
    dialogs: dialogsShown,
  };
}

function UnsavedPrompt({
  session,
  verb,
  onCancel,
  onDiscard,
  onSave,
}: {
  session: SessionState;
  verb: string;
  onCancel(): void;
  onDiscard(): void;
  onSave(): Promise<void>;
}) {
  return (
    <Modal
      title="Unsaved changes"
      onClose={onCancel}
      testId="unsaved-prompt"
      footer={
        <>
          <button onClick={onCancel}>Cancel</button>
          <button onClick={onDiscard}>Don’t save</button>
          <button className="primary" onClick={() => void onSave()}>
            Save
          </button>
        </>
      }
    >
      <p>
        {session.titled ? (
          <>
            <strong>{session.title}</strong> has changes that are not saved.
          </>
        ) : (
          <>
            This session has never been saved
            {session.runs.length > 0
              ? ` (it has ${session.runs.length} run${session.runs.length === 1 ? '' : 's'})`
              : ''}
            .
          </>
        )}{' '}
        Save before you {verb}?
      </p>
    </Modal>
  );
}

function SaveAsDialog({
  suggested,
  onCancel,
  onSave,
}: {
  suggested: string;
  onCancel(): void;
  onSave(name: string, overwrite: boolean): Promise<void>;
}) {
  const [name, setName] = useState(suggested.replace(/[^A-Za-z0-9 ._()+-]/g, '_'));
  const [error, setError] = useState<string | null>(null);
  const [exists, setExists] = useState(false);
  const fileName = name.endsWith('.irqlab') ? name : `${name}.irqlab`;
  const submit = async (overwrite: boolean) => {
    try {
      await onSave(fileName, overwrite);
    } catch (err) {
      const message = (err as Error).message;
      setExists(/exists already/.test(message));
      setError(message.replace(/^session\.saveAs failed: /, ''));
    }
  };
  return (
    <Modal
      title="Save session as"
      onClose={onCancel}
      testId="save-as-dialog"
      footer={
        <>
          <button onClick={onCancel}>Cancel</button>
          {exists ? (
            <button className="primary danger" onClick={() => void submit(true)}>
              Replace it
            </button>
          ) : (
            <button className="primary" onClick={() => void submit(false)}>
              Save
            </button>
          )}
        </>
      }
    >
      <label className="stacked">
        File name (in the sessions folder)
        <input
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setExists(false);
            setError(null);
          }}
          onKeyDown={(e) => e.key === 'Enter' && void submit(exists)}
          aria-label="Session file name"
          spellCheck={false}
        />
      </label>
      {error && (
        <div className="error" role="alert">
          {error}
          {exists ? ' — replace it?' : ''}
        </div>
      )}
    </Modal>
  );
}
