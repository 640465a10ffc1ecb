// Files the commands write (report -o, import -o / --provenance): never over an input or a session.
import { closeSync, openSync, readSync, realpathSync, statSync, writeSync } from 'node:fs';
import { IRQLAB_APPLICATION_ID } from '../store/session';
import { UsageError } from './common';

/** Whether a file starts as an irqlab session does (SQLite header, application_id 'irql'). */
function isSession(file: string): boolean {
  const header = Buffer.alloc(72);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return (
      readSync(fd, header, 0, 72, 0) === 72 &&
      header.toString('latin1', 0, 16) === 'SQLite format 3\0' &&
      header.readUInt32BE(68) === IRQLAB_APPLICATION_ID
    );
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses an output file that is one of the command's inputs (the same file by inode or real
 * path, or a session's -wal/-shm/-lock), or any irqlab session: opening it for writing would
 * truncate it before a byte of the output is written.
 */
export function checkOutput(out: string, inputs: readonly string[]): void {
  let st;
  try {
    st = statSync(out);
  } catch {
    return; // a new file
  }
  const real = realpathSync(out);
  for (const input of inputs) {
    let same = false;
    try {
      const ist = statSync(input);
      const ireal = realpathSync(input);
      same =
        (ist.dev === st.dev && ist.ino === st.ino) ||
        ireal === real ||
        ['-wal', '-shm', '-lock'].some((suffix) => real === ireal + suffix);
    } catch {
      // an input that is not a file (preset:NAME): nothing to overwrite
    }
    if (same) throw new UsageError(`${out}: is the input ${input}; refusing to write over it`);
  }
  if (isSession(out))
    throw new UsageError(`${out}: is an irqlab session; refusing to write over it`);
}

/** Writes to a file synchronously in 1 MiB pieces (a big report is never one string). */
export function fileWriter(file: string): { write(text: string): void; close(): void } {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length) writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}
