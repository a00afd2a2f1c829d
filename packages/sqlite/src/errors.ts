import { IfMatchError, isIfMatchError } from '@ifmatch/core';

/**
 * Maps what better-sqlite3 throws to ifmatch's codes, keeping the original as `cause`.
 * The one place that knows SQLite's error codes.
 */
export function toIfMatchError(error: unknown): IfMatchError {
  if (isIfMatchError(error)) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new IfMatchError('THROTTLED', `the database is locked: ${message}`, { cause: error });
  }
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') {
    return new IfMatchError('INVALID_VALUE', `the value cannot be stored: ${message}`, { cause: error });
  }
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_NOTADB' ||
    code.startsWith('SQLITE_CORRUPT') ||
    (error instanceof TypeError && /database connection is not open/.test(message))
  ) {
    return new IfMatchError('TRANSPORT', `the database file cannot be used: ${message}`, { cause: error });
  }
  if (error instanceof TypeError && /busy executing a query/.test(message)) {
    // A call made while a statement of the same connection is being iterated (`iterate()`).
    return new IfMatchError('STORE_ERROR', `the connection is busy: ${message}`, { cause: error });
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    // better-sqlite3 throws these for values it cannot bind (booleans, objects, …).
    return new IfMatchError('INVALID_VALUE', `the value cannot be stored: ${message}`, { cause: error });
  }
  return new IfMatchError('STORE_ERROR', message, { cause: error });
}
