// Why a session file could not be opened. Every case names the file and leaves it untouched.
export type SessionErrorCode =
  'not-found' | 'not-sqlite' | 'truncated' | 'foreign' | 'newer' | 'corrupt' | 'read-only-query';

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
