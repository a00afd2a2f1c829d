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
  /** `update` or `retryOnConflict` gave up after its bounded number of attempts. */
  | 'RETRIES_EXHAUSTED'
  /** Any other error the database reported; `cause` holds the original. */
  | 'STORE_ERROR';

const CODES: ReadonlySet<string> = new Set<IfMatchErrorCode>([
  'TRANSPORT',
  'THROTTLED',
  'OUTCOME_UNKNOWN',
  'INVALID_VALUE',
  'NOT_SUPPORTED',
  'RETRIES_EXHAUSTED',
  'STORE_ERROR',
]);

/**
 * The brand every `IfMatchError` carries. `Symbol.for` gives the same symbol to every copy of
 * this package in a process, so two installed copies of `@ifmatch/core` (a common npm outcome)
 * still recognise each other's errors, where `instanceof` would not.
 */
const BRAND: unique symbol = Symbol.for('@ifmatch/core.IfMatchError') as never;

/** The one error class of ifmatch. Programmer mistakes are plain `TypeError`s instead. */
export class IfMatchError extends Error {
  readonly code: IfMatchErrorCode;

  constructor(code: IfMatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IfMatchError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True when `error` is an `IfMatchError` (from any copy of `@ifmatch/core`), optionally with
 * the given code. Recognises errors by their brand and code, never by `instanceof`.
 */
export function isIfMatchError(error: unknown, code?: IfMatchErrorCode): error is IfMatchError {
  if (typeof error !== 'object' || error === null || (error as { [BRAND]?: unknown })[BRAND] !== true) return false;
  const actual = (error as { code?: unknown }).code;
  return typeof actual === 'string' && CODES.has(actual) && (code === undefined || actual === code);
}

/** Whether a failing operation only read, or may have sent a write (its outcome then unknown). */
export type OperationKind = 'read' | 'write';

/**
 * `errorGuard`'s wrapper: an asynchronous operation gives a promise; a synchronous one its
 * result at once (or a rejected promise for what it threw), so that a driver on a synchronous
 * database answers without a turn of the event loop. Up to three arguments are passed on to
 * the operation: a driver on a synchronous database then guards a function it made once,
 * with no closure made per call.
 */
export interface ErrorGuard {
  <R>(kind: OperationKind, operation: () => Promise<R>): Promise<R>;
  <R>(kind: OperationKind, operation: () => R | Promise<R>): R | Promise<R>;
  <R, A, B = undefined, C = undefined>(
    kind: OperationKind,
    operation: (a: A, b: B, c: C) => R | Promise<R>,
    a: A,
    b?: B,
    c?: C,
  ): R | Promise<R>;
}

/**
 * The one wrapper adapters put around their driver calls: whatever the native client throws
 * leaves as the `IfMatchError` that `map` (the adapter's single mapping function) makes of it.
 * An `IfMatchError` thrown inside (an invalid value, say) passes through unchanged.
 */
export function errorGuard(map: (error: unknown, kind: OperationKind) => IfMatchError): ErrorGuard {
  const mapped = (error: unknown, kind: OperationKind) => (isIfMatchError(error) ? error : map(error, kind));
  return <R>(
    kind: OperationKind,
    operation: (a?: unknown, b?: unknown, c?: unknown) => R | Promise<R>,
    a?: unknown,
    b?: unknown,
    c?: unknown,
  ): R | Promise<R> => {
    try {
      const result = operation(a, b, c);
      return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(mapped(error, kind))) : result;
    } catch (error) {
      return Promise.reject(mapped(error, kind));
    }
  };
}
