// What a session file holds by itself, without the WAL beside it: read from a copy of the file
// alone. For the tests of when a run's pages reach the file (the app folds a run into its session
// once it is stored: electron/node/run-store.ts), where reading the file itself would read its WAL.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Session } from './session';

/** `read` of the session `file` holds by itself (a copy of it alone, opened read-only). */
export function readFileAlone<T>(file: string, read: (session: Session) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-file-alone-'));
  try {
    const copy = path.join(dir, path.basename(file));
    copyFileSync(file, copy);
    const session = Session.open(copy, { readonly: true });
    try {
      return read(session);
    } finally {
      session.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
