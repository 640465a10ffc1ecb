// Why a session file could not be opened or read. Every case names the file and leaves it
// untouched.
export type SessionErrorCode =
  | 'not-found'
  | 'not-sqlite'
  | 'truncated'
  | 'foreign'
  | 'newer'
  | 'corrupt'
  /** SQLite and irqlab's, but its schema or rows are not what irqlab writes (hostile or altered). */
  | 'invalid'
  /** Another live process is writing it. */
  | 'busy'
  /** Its folder cannot be written in (a writer needs its lock and WAL beside it). */
  | 'unwritable'
  | 'read-only-query';

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'SessionError';
  }
}

/** What every file irqlab refuses to read is told: `<file>: not a valid irqlab session: <what>`. */
export const NOT_VALID = 'not a valid irqlab session';

export function notValid(
  file: string,
  what: string,
  code: SessionErrorCode = 'invalid',
): SessionError {
  return new SessionError(code, file, `${NOT_VALID}: ${what}`);
}

/**
 * Why the user's own SQL gave no answer: SQLite's message as SQLite gave it (`no such column:
 * name`), or which statement was refused for writing. Never names the file (an untitled
 * session's is a scratch path the user never chose): the statement is the user's, not the file's.
 */
export class QueryError extends Error {
  constructor(
    readonly code: 'sql' | 'read-only',
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
