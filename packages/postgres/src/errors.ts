import { IfMatchError, isIfMatchError } from '@ifmatch/core';

/** SQLSTATE classes and codes, and Node socket errors, that mean the database is out of reach. */
const TRANSPORT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * Maps what node-postgres, postgres.js and PGlite throw (through Drizzle) to ifmatch's codes,
 * keeping the original as `cause`. The one place that knows PostgreSQL's error codes.
 * `sent` tells whether the statement may have reached the server: a connection lost after
 * that leaves the outcome of a write unknown.
 */
export function toIfMatchError(error: unknown, sent: 'read' | 'write'): IfMatchError {
  if (isIfMatchError(error)) return error;
  // Drizzle wraps driver errors in a DrizzleQueryError whose `cause` is the driver's error.
  const driverError =
    (error as { cause?: unknown })?.cause instanceof Error ? (error as { cause: Error }).cause : error;
  const code = String((driverError as { code?: unknown })?.code ?? '');
  const message = driverError instanceof Error ? driverError.message : String(driverError);
  const wrap = (ifmatchCode: ConstructorParameters<typeof IfMatchError>[0], text: string) =>
    new IfMatchError(ifmatchCode, `${text}: ${message}`, { cause: error });

  // 57P01-57P03: the server ended the session (pg_terminate_backend, shutdown, cannot
  // connect now). It aborted the transaction and said so: nothing was written.
  if (code.startsWith('57P') || code.startsWith('08') || TRANSPORT_CODES.has(code)) {
    return wrap('TRANSPORT', 'the database connection failed');
  }
  if (
    /Connection terminated|connection closed|CONNECTION_(CLOSED|ENDED|DESTROYED)|Client has encountered a connection error/i.test(
      message,
    ) ||
    code.startsWith('CONNECTION_')
  ) {
    // The socket died without an answer from the server: a write may have been applied.
    return sent === 'write'
      ? wrap('OUTCOME_UNKNOWN', 'the connection was lost before the database answered')
      : wrap('TRANSPORT', 'the connection was lost');
  }
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 53xxx resources.
  if (code === '40001' || code === '40P01' || code === '55P03' || code.startsWith('53')) {
    return wrap('THROTTLED', 'the database refused the write for now');
  }
  if (code === '57014') return wrap('THROTTLED', 'the statement was cancelled (timeout)');
  // 23xxx integrity constraints, 22xxx data exceptions (bad value for the column's type).
  if (code.startsWith('23') || code.startsWith('22') || driverError instanceof TypeError) {
    return wrap('INVALID_VALUE', 'the value cannot be stored');
  }
  return wrap('STORE_ERROR', 'the database reported an error');
}
