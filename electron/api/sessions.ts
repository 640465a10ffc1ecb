// The sessions the app has open, and where their files live. Node-only.
//
// The page never names a path. It gets an opaque session id for every session it opens; in
// browser mode it may name a file only by a bare name inside the host's sessions folder (checked
// by the channel table and again here). The desktop app also opens and saves anywhere, but only
// where the user chose in a native dialog (the main process asks; the page never sees the path).
//
// A new session starts in a scratch file, so its runs are stored (autosaved) from the first one;
// "save as" copies the file, runs and all, to its name.
//
// "In the sessions folder" means the file's real path is there: a symlink in the folder to a file
// elsewhere is refused, not opened (and rewritten by save). The recent list lives in the user's
// config folder, one per sessions folder (keyed by the folder's real path); in browser mode it
// lists and opens only files in that folder.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionError } from '../../core/store/errors';
import { Session } from '../../core/store/session';
import { SessionFileNameSchema, type SessionState } from './channels';

/**
 * How long saving waits for another connection's checkpoint to end: a run's store folds the run
 * into the file once it is stored (electron/node/run-store.ts; ~0.2 s for a 1536-CPU boot on the
 * 2-core VM), and only one checkpoint runs at a time. "Save as" copies the file, so it waits
 * longer and fails rather than copy a file that is not whole.
 */
const SAVE_FOLD_WAIT_MS = 2_000;
const SAVE_AS_FOLD_WAIT_MS = 10_000;
/** Between two tries of a checkpoint another one kept from completing. */
const FOLD_RETRY_MS = 20;

/**
 * Folds a session's WAL into its file and empties it (a TRUNCATE checkpoint), trying again while
 * another connection's checkpoint (or reader) keeps it from completing, for up to `waitMs` (each
 * try may itself wait, up to the connection's busy timeout). Whether it completed: the file alone
 * is then the whole session.
 */
async function foldWalIntoFile(session: Session, waitMs: number): Promise<boolean> {
  const until = performance.now() + waitMs;
  for (;;) {
    const [row] = session.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (row?.busy === 0) return true;
    if (performance.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, FOLD_RETRY_MS));
  }
}

export interface SessionLibraryOptions {
  /** Where browser-mode sessions (and uploads) live. */
  sessionsDir: string;
  /** Where untitled sessions live until saved. */
  scratchDir: string;
  /**
   * Where the recent-sessions lists live (default: configDirOf(), the user's config folder):
   * `recent/<hash of the sessions folder's real path>.json`.
   */
  configDir?: string;
  /** Desktop: the paths of the user's choice in native dialogs. Absent in browser mode. */
  chooseOpenPath?: () => Promise<string | null>;
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Desktop: a file was opened or saved (the OS's recent documents). */
  opened?: (file: string) => void;
}

interface OpenSession {
  id: string;
  file: string;
  titled: boolean;
  session: Session;
}

interface RecentEntry {
  file: string;
  openedAt: string;
}

const RECENT_MAX = 12;

/** irqlab's config folder: $IRQLAB_CONFIG_DIR, else $XDG_CONFIG_HOME/irqlab, else ~/.config/irqlab. */
export function configDirOf(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IRQLAB_CONFIG_DIR) return path.resolve(env.IRQLAB_CONFIG_DIR);
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(
    xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config'),
    'irqlab',
  );
}

/**
 * Sessions open at once in the whole app. Each holds its SQLite file (and WAL) open; a page that
 * opened sessions in a loop would otherwise run the host out of file descriptors and memory.
 */
export const MAX_OPEN_SESSIONS = 64;

export class SessionLibrary {
  private readonly open = new Map<string, OpenSession>();
  private next = 1;
  private scratchCount = 0;

  /** The sessions folder's real path. */
  private readonly dir: string;
  /** This sessions folder's recent list. */
  readonly recentFile: string;

  constructor(private readonly options: SessionLibraryOptions) {
    mkdirSync(options.sessionsDir, { recursive: true });
    mkdirSync(options.scratchDir, { recursive: true });
    this.dir = realpathSync(options.sessionsDir);
    const key = createHash('sha256').update(this.dir).digest('hex').slice(0, 32);
    this.recentFile = path.join(options.configDir ?? configDirOf(), 'recent', `${key}.json`);
  }

  /** Whether a file's real path is in the sessions folder (a symlink out of it is not). */
  private inFolder(file: string): boolean {
    try {
      return path.dirname(realpathSync(file)) === this.dir;
    } catch {
      return false;
    }
  }

  get sessionsDir(): string {
    return this.options.sessionsDir;
  }

  get canUseDialogs(): boolean {
    return this.options.chooseOpenPath !== undefined;
  }

  /** A file name in the sessions folder, refusing anything that could leave it. */
  fileInSessionsDir(name: string): string {
    const checked = SessionFileNameSchema.safeParse(name);
    if (!checked.success) throw new Error(checked.error.issues[0]!.message);
    const file = path.resolve(this.dir, name);
    if (path.dirname(file) !== this.dir)
      throw new Error(`${name}: not a file in the sessions folder`);
    // A name that exists must be a file of the folder, not a link to one elsewhere.
    if (existsSync(file) && !this.inFolder(file))
      throw new Error(`${name}: links to a file outside the sessions folder; not opened`);
    return file;
  }

  /** Refuses one more session when the app has MAX_OPEN_SESSIONS open. */
  private roomForOne(): void {
    if (this.open.size >= MAX_OPEN_SESSIONS)
      throw new Error(
        `irqlab has ${this.open.size} sessions open, the most it keeps at once: close some first`,
      );
  }

  get openCount(): number {
    return this.open.size;
  }

  create(
    machineName: string,
    machineText: string,
    realInterrupts?: { fileName: string; text: string; missing: string[] },
  ): SessionState {
    this.roomForOne();
    const file = path.join(
      this.options.scratchDir,
      `untitled-${process.pid}-${++this.scratchCount}.irqlab`,
    );
    rmSync(file, { force: true });
    const session = Session.open(file, { create: true });
    session.saveMachine(machineName, machineText);
    if (realInterrupts) session.saveRealInterrupts(realInterrupts);
    return this.state(this.register(file, false, session));
  }

  openByName(name: string): SessionState {
    const file = this.fileInSessionsDir(name);
    return this.openFile(file);
  }

  openRecent(recentId: string): SessionState {
    const candidates = [...this.recentEntries().map((e) => e.file), ...this.folderFiles()];
    const file = candidates.find((f) => recentIdOf(f) === recentId);
    if (!file || !existsSync(file)) throw new Error('that session is no longer there');
    // Browser mode opens only the folder's files (the list may be older than a symlink swap).
    if (!this.canUseDialogs && !this.inFolder(file))
      throw new Error(`${path.basename(file)}: not a file in the sessions folder; not opened`);
    return this.openFile(file);
  }

  async openDialog(): Promise<SessionState | null> {
    if (!this.options.chooseOpenPath)
      throw new Error('browser mode has no file dialog: upload the file instead');
    const file = await this.options.chooseOpenPath();
    return file === null ? null : this.openFile(file);
  }

  /** A session file the page read (drag and drop, file picker): kept in the sessions folder. */
  upload(fileName: string, bytes: Buffer): SessionState {
    const base =
      fileName
        .split(/[\\/]/)
        .pop()!
        .replace(/\.irqlab$/i, '')
        .replace(/[^A-Za-z0-9 ._()+-]/g, '_')
        .replace(/\.\.+/g, '.')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 100) || 'uploaded';
    let name = `${base}.irqlab`;
    for (let n = 2; existsSync(path.join(this.options.sessionsDir, name)); n++)
      name = `${base} (${n}).irqlab`;
    const file = this.fileInSessionsDir(name);
    writeFileSync(file, bytes, { flag: 'wx' });
    try {
      return this.openFile(file, fileName);
    } catch (err) {
      // Not a session we can open: do not keep it.
      rmSync(file, { force: true });
      throw err;
    }
  }

  async save(id: string, machineName: string, machineText: string): Promise<SessionState> {
    const s = this.get(id);
    if (!s.titled) throw new Error('an untitled session is saved with "save as"');
    s.session.saveMachine(machineName, machineText);
    // Saved means the file alone is complete (to mail, attach, copy): fold the WAL into it, after
    // the fold of a run just stored if that one is under way. (While a run is being written the
    // WAL cannot be emptied: what is committed is folded, the rest once the run is stored.)
    await foldWalIntoFile(s.session, SAVE_FOLD_WAIT_MS);
    this.remember(s.file);
    return this.state(s);
  }

  async saveAs(
    id: string,
    machineName: string,
    machineText: string,
    name: string | undefined,
    overwrite: boolean,
    busy: (file: string) => boolean,
  ): Promise<SessionState | null> {
    const s = this.get(id);
    if (busy(s.file)) throw new Error('a run is still going on in this session: wait or cancel it');
    let target: string;
    if (name !== undefined) {
      target = this.fileInSessionsDir(name);
      if (existsSync(target) && !overwrite) throw new Error(`${name} exists already`);
    } else {
      if (!this.options.chooseSavePath) throw new Error('give the session a name');
      const chosen = await this.options.chooseSavePath(
        s.titled ? path.basename(s.file) : `${machineName}.irqlab`,
      );
      if (chosen === null) return null;
      target = chosen.endsWith('.irqlab') ? chosen : `${chosen}.irqlab`;
    }
    if (path.resolve(target) === path.resolve(s.file))
      return this.save(id, machineName, machineText);
    if ([...this.open.values()].some((o) => path.resolve(o.file) === path.resolve(target)))
      throw new Error(`${path.basename(target)} is open in this window: close it first`);
    s.session.saveMachine(machineName, machineText);
    // The file copied must be the whole session, and consistent: its WAL folded in and emptied,
    // after the fold of a run just stored if that one is under way (closing folds it in only when
    // this connection is the last one, which that run's store may still have open).
    if (!(await foldWalIntoFile(s.session, SAVE_AS_FOLD_WAIT_MS)))
      throw new Error(
        'the session file is still being written (its last run is being folded in): try again in a moment',
      );
    s.session.close();
    const temp = `${target}.saving-${process.pid}`;
    try {
      copyFileSync(s.file, temp);
      for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
      renameSync(temp, target);
    } catch (err) {
      rmSync(temp, { force: true });
      s.session = Session.open(s.file);
      throw err;
    }
    if (!s.titled) removeSessionFile(s.file);
    s.file = target;
    s.titled = true;
    s.session = Session.open(target);
    this.remember(target);
    return this.state(s);
  }

  close(id: string): void {
    const s = this.open.get(id);
    if (!s) return;
    s.session.close();
    this.open.delete(id);
    if (!s.titled) removeSessionFile(s.file);
  }

  /** Closes every session; the scratch folder (this process's own) goes with its files. */
  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
    removeScratchDir(this.options.scratchDir);
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  get(id: string): OpenSession {
    const s = this.open.get(id);
    if (!s) throw new Error(`no open session ${id} (it was closed)`);
    return s;
  }

  state(s: OpenSession): SessionState {
    return {
      sessionId: s.id,
      title: s.titled ? path.basename(s.file) : 'Untitled',
      titled: s.titled,
      location: s.titled ? this.displayLocation(s.file) : 'not saved yet',
      machine: machineOf(s.session),
      runs: s.session.runs(),
    };
  }

  /** Recently opened sessions that still exist, then the sessions folder's other files. */
  recent(): {
    recentId: string;
    title: string;
    location: string;
    modifiedAt: string;
    bytes: number;
  }[] {
    const seen = new Set<string>();
    const out: {
      recentId: string;
      title: string;
      location: string;
      modifiedAt: string;
      bytes: number;
    }[] = [];
    const add = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      try {
        const st = statSync(file);
        if (!st.isFile()) return;
        out.push({
          recentId: recentIdOf(file),
          title: path.basename(file),
          location: this.displayLocation(file),
          modifiedAt: st.mtime.toISOString(),
          bytes: st.size,
        });
      } catch {
        // gone since: not listed
      }
    };
    for (const e of this.recentEntries()) add(e.file);
    for (const f of this.folderFiles().slice(0, 50)) add(f);
    return out;
  }

  /** The sessions folder's files (not links out of it), newest first. */
  private folderFiles(): string[] {
    const dir = this.dir;
    return readdirSync(dir)
      .filter((f) => SessionFileNameSchema.safeParse(f).success)
      .map((f) => path.join(dir, f))
      .filter((f) => this.inFolder(f))
      .map((f) => ({ f, t: statSync(f).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .map((x) => x.f);
  }

  private recentEntries(): RecentEntry[] {
    let entries: RecentEntry[] = [];
    try {
      const doc = JSON.parse(readFileSync(this.recentFile, 'utf8')) as {
        sessionsDir?: unknown;
        entries?: unknown;
      };
      const raw = doc?.sessionsDir === this.dir ? doc.entries : null;
      if (Array.isArray(raw))
        entries = raw.filter(
          (e): e is RecentEntry =>
            typeof e === 'object' &&
            e !== null &&
            typeof (e as RecentEntry).file === 'string' &&
            typeof (e as RecentEntry).openedAt === 'string',
        );
    } catch {
      // no list yet, or an unreadable one: start afresh
    }
    // Browser mode: only the folder's files (a desktop user chose the others in a dialog).
    return this.canUseDialogs ? entries : entries.filter((e) => this.inFolder(e.file));
  }

  private remember(file: string): void {
    if (!this.canUseDialogs && !this.inFolder(file)) return;
    this.options.opened?.(file);
    const entries = this.recentEntries()
      .filter((e) => e.file !== file)
      .slice(0, RECENT_MAX - 1);
    entries.unshift({ file, openedAt: new Date().toISOString() });
    try {
      mkdirSync(path.dirname(this.recentFile), { recursive: true });
      writeFileSync(this.recentFile, JSON.stringify({ sessionsDir: this.dir, entries }, null, 2));
    } catch {
      // a read-only config folder costs the recent list, nothing else
    }
  }

  private openFile(file: string, shownName = path.basename(file)): SessionState {
    const already = [...this.open.values()].find(
      (o) => path.resolve(o.file) === path.resolve(file),
    );
    if (already) return this.state(already);
    this.roomForOne();
    let session: Session;
    try {
      session = Session.open(file);
    } catch (err) {
      if (err instanceof SessionError)
        throw new Error(`${shownName}: ${err.message.slice(err.file.length + 2)}`);
      throw err;
    }
    const s = this.register(file, true, session);
    this.remember(file);
    return this.state(s);
  }

  private register(file: string, titled: boolean, session: Session): OpenSession {
    const s: OpenSession = { id: `s${this.next++}`, file, titled, session };
    this.open.set(s.id, s);
    return s;
  }

  private displayLocation(file: string): string {
    return path.dirname(path.resolve(file)) === this.dir && !this.canUseDialogs
      ? `sessions folder: ${path.basename(file)}`
      : file;
  }
}

function recentIdOf(file: string): string {
  return 'r' + createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 20);
}

/**
 * A scratch folder holds only this process's untitled sessions (named untitled-<pid>-N): once
 * they are closed it is removed, and with it the -wal/-shm a crash could have left.
 */
function removeScratchDir(dir: string): void {
  try {
    for (const name of readdirSync(dir))
      if (/^untitled-\d+-\d+\.irqlab(-wal|-shm|-lock)?$/.test(name))
        rmSync(path.join(dir, name), { force: true });
    rmdirSync(dir);
  } catch {
    // not there, or holds something that is not ours: leave it
  }
}

function removeSessionFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-lock']) rmSync(file + suffix, { force: true });
}

function machineOf(session: Session): { name: string; text: string } | null {
  const m = session.machine();
  return m ? { name: m.name, text: m.json } : null;
}
