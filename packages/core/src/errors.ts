/**
 * Stable error codes. They are part of the public API: a code is never renamed or reused.
 * Conflicts are not errors: a failed precondition is a normal `WriteOutcome`.
 */
export type IfMatchErrorCode =
  /** The database could not be reached, the connection dropped, or the server went away. */
  | 'TRANSPORT'
  /** The database asked us to slow down (throttling, lock timeout, SQLITE_BUSY past its timeout). */
  | 'THROTTLED'
  /** The request was sent but no answer came back: the write may or may not have happened. */
  | 'OUTCOME_UNKNOWN'
  /** The value cannot be stored (not JSON-serialisable, unknown column, wrong type). */
  | 'INVALID_VALUE'
  /** The store does not support what was asked (declared through its capabilities). */
  | 'NOT_SUPPORTED'
  /** `modify` or `retryOnConflict` gave up after its bounded number of attempts. */
  | 'RETRIES_EXHAUSTED'
  /** Any other error the database reported; `cause` holds the original. */
  | 'STORE_ERROR';

/** The one error class of ifmatch. Programmer mistakes are plain `TypeError`s instead. */
export class IfMatchError extends Error {
  readonly code: IfMatchErrorCode;

  constructor(code: IfMatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IfMatchError';
    this.code = code;
  }
}

/** True when `error` is an `IfMatchError`, optionally with the given code. */
export function isIfMatchError(error: unknown, code?: IfMatchErrorCode): error is IfMatchError {
  return error instanceof IfMatchError && (code === undefined || error.code === code);
}

/** Whether a failing operation only read, or may have sent a write (its outcome then unknown). */
export type OperationKind = 'read' | 'write';

/**
 * The one wrapper adapters put around their driver calls: whatever the native client throws
 * leaves as the `IfMatchError` that `map` (the adapter's single mapping function) makes of it.
 */
export function errorGuard(
  map: (error: unknown, kind: OperationKind) => IfMatchError,
): <R>(kind: OperationKind, operation: () => R | Promise<R>) => Promise<R> {
  return async (kind, operation) => {
    try {
      return await operation();
    } catch (error) {
      throw map(error, kind);
    }
  };
}
