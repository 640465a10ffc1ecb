// Who is writing a session: `<file>-lock`, a small JSON file (pid, host, the process's start time)
// made by the process that opens the session read-write and removed when it closes it. SQLite's
// own locks say nothing once a transaction ends (a writer commits every trace chunk), and Node
// cannot take fcntl/flock locks, so liveness is this file plus a check that its process still
// exists (kill(pid, 0), and on Linux the start time in /proc/<pid>/stat, so a reused pid does not
// pass for the writer). A writer killed before it could remove the file leaves it behind: any
// reader then sees a dead pid, and the next writer replaces it.
//
// Threads of one process share the lock (the app writes runs in a worker while the window's
// session stays open): the first opener in the process makes and removes the file; later openers
// in the same process neither make nor remove it.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { SessionError } from './errors';

export interface WriterInfo {
  pid: number;
  host: string;
  /** Start time of the process (Linux: clock ticks after boot, /proc/<pid>/stat field 22). */
  start: string | null;
}

export const lockFileOf = (file: string) => `${file}-lock`;

function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

const self = (): WriterInfo => ({
  pid: process.pid,
  host: os.hostname(),
  start: startTimeOf(process.pid),
});

/** The lock's content, or null when there is none (or it is not one). */
export function readWriter(file: string): WriterInfo | null {
  try {
    const value: unknown = JSON.parse(readFileSync(lockFileOf(file), 'utf8'));
    const v = value as WriterInfo;
    if (
      typeof v === 'object' &&
      v !== null &&
      Number.isSafeInteger(v.pid) &&
      v.pid > 0 &&
      typeof v.host === 'string' &&
      (v.start === null || typeof v.start === 'string')
    )
      return { pid: v.pid, host: v.host, start: v.start };
  } catch {
    // no lock, or an unreadable one
  }
  return null;
}

/** Whether the process that wrote this lock still runs (another host's: assumed so). */
export function isAlive(writer: WriterInfo): boolean {
  if (writer.host !== os.hostname()) return true;
  if (writer.pid === process.pid) return true;
  try {
    process.kill(writer.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (writer.start === null) return true;
  const start = startTimeOf(writer.pid);
  return start === null || start === writer.start;
}

/** A live writer of the file other than this process, or null. */
export function liveWriter(file: string): WriterInfo | null {
  const w = readWriter(file);
  return w && isAlive(w) ? w : null;
}

/**
 * The process whose lock this one writes under: a job process the app started for one run
 * (electron/node/simulation-runner.ts) names its parent in IRQLAB_WRITER_LOCK_OF, and is then
 * one more thread of it as far as the lock goes.
 */
function lender(): number | null {
  const pid = Number(process.env.IRQLAB_WRITER_LOCK_OF);
  return pid > 0 && pid === process.ppid ? pid : null;
}

export interface WriterLock {
  /** False when another opener in this process holds it. */
  readonly owned: boolean;
  release(): void;
}

/** Takes the writer lock of a session file, or throws a SessionError ('busy') naming the writer. */
export function acquireWriterLock(file: string): WriterLock {
  const lock = lockFileOf(file);
  const me = self();
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole, then linked into place: link() fails if the lock exists, and no one ever
    // reads a half-written lock.
    const temp = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      writeFileSync(temp, JSON.stringify(me), { flag: 'wx' });
    } catch (err) {
      // A folder irqlab cannot write in: neither could SQLite write the session's WAL there.
      throw new SessionError(
        'unwritable',
        file,
        `cannot be opened for writing: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    try {
      linkSync(temp, lock);
      return {
        owned: true,
        release: () => {
          const w = readWriter(file);
          if (w && w.pid === me.pid && w.host === me.host) rmSync(lock, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(temp, { force: true });
    }
    const holder = readWriter(file);
    if (holder && holder.host === me.host && (holder.pid === me.pid || holder.pid === lender()))
      return { owned: false, release: () => {} };
    if (holder && isAlive(holder))
      throw new SessionError(
        'busy',
        file,
        `in use: irqlab process ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`} is writing it (open it read-only, or close it there first)`,
      );
    // A writer that died (or a lock that is not one): its runs are cut off; take over.
    rmSync(lock, { force: true });
  }
  throw new SessionError('busy', file, `in use: cannot take ${lock}`);
}
