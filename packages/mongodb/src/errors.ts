import { IfMatchError, isIfMatchError } from '@ifmatch/core';

/** Server error codes meaning the server went away or cannot take writes now. */
const UNAVAILABLE = new Set([6, 7, 89, 91, 189, 10107, 11600, 11602, 13435, 13436]);
/** Server error codes meaning the document cannot be stored as it is. */
const INVALID = new Set([2, 14, 52, 53, 55, 56, 57, 121, 10334, 11000, 17419, 17280]);

/**
 * Maps what the MongoDB driver throws to ifmatch's codes, keeping the original as `cause`.
 * The one place that knows MongoDB's error classes and codes. A duplicate key on create
 * never gets here: it is a conflict, handled where the insert is made.
 */
export function toIfMatchError(error: unknown, kind: 'read' | 'write'): IfMatchError {
  if (isIfMatchError(error)) return error;
  const name = String((error as { name?: unknown })?.name ?? '');
  const code = Number((error as { code?: unknown })?.code);
  const message = error instanceof Error ? error.message : String(error);
  const wrap = (ifmatchCode: ConstructorParameters<typeof IfMatchError>[0], text: string) =>
    new IfMatchError(ifmatchCode, `${text}: ${message}`, { cause: error });

  // No server could be selected: nothing was sent.
  if (
    name === 'MongoServerSelectionError' ||
    name === 'MongoTopologyClosedError' ||
    name === 'MongoNotConnectedError'
  ) {
    return wrap('TRANSPORT', 'MongoDB cannot be reached');
  }
  // The connection failed after the request may have been sent.
  if (name.startsWith('MongoNetwork') || name === 'MongoOperationTimeoutError') {
    return kind === 'write'
      ? wrap('OUTCOME_UNKNOWN', 'the connection was lost before MongoDB answered')
      : wrap('TRANSPORT', 'the connection to MongoDB was lost');
  }
  // Applied on the primary, but not acknowledged as the write concern asks: it may roll back.
  if (name === 'MongoWriteConcernError' || (error as { writeConcernError?: unknown })?.writeConcernError) {
    return wrap('OUTCOME_UNKNOWN', 'the write concern was not satisfied');
  }
  if (UNAVAILABLE.has(code)) return wrap('TRANSPORT', 'MongoDB cannot take the request now');
  if (code === 50 || code === 16500) return wrap('THROTTLED', 'MongoDB refused the request for now');
  if (INVALID.has(code) || name === 'BSONError' || error instanceof TypeError || error instanceof RangeError) {
    return wrap('INVALID_VALUE', 'the document cannot be stored');
  }
  return wrap('STORE_ERROR', 'MongoDB reported an error');
}
