import { IfMatchError, isIfMatchError } from '@ifmatch/core';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionConflictException',
  'ServiceUnavailable',
]);
/** Failures before anything reached the server: nothing can have been written. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Failures after the request may have reached the server. */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'TimeoutError', 'RequestTimeout', 'AbortError']);

/**
 * Maps what the AWS SDK throws to ifmatch's codes, keeping the original as `cause`. The one
 * place that knows DynamoDB's error names. A conditional-check failure never gets here: it
 * is a conflict, handled where the write is made.
 */
export function toIfMatchError(error: unknown, kind: 'read' | 'write'): IfMatchError {
  if (isIfMatchError(error)) return error;
  const name = String((error as { name?: unknown })?.name ?? '');
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  const wrap = (ifmatchCode: ConstructorParameters<typeof IfMatchError>[0], text: string) =>
    new IfMatchError(ifmatchCode, `${text}: ${message}`, { cause: error });

  if (THROTTLING.has(name)) return wrap('THROTTLED', 'DynamoDB asked to slow down');
  if (name === 'ValidationException') return wrap('INVALID_VALUE', 'DynamoDB refused the request');
  if (NOT_SENT.has(code) || NOT_SENT.has(name)) return wrap('TRANSPORT', 'DynamoDB cannot be reached');
  if (LOST.has(code) || LOST.has(name) || /socket hang up|ECONNRESET/.test(message)) {
    return kind === 'write'
      ? wrap('OUTCOME_UNKNOWN', 'the connection was lost before DynamoDB answered')
      : wrap('TRANSPORT', 'the connection to DynamoDB was lost');
  }
  // A 500 from DynamoDB means the request may or may not have been applied.
  if (name === 'InternalServerError') {
    return kind === 'write'
      ? wrap('OUTCOME_UNKNOWN', 'DynamoDB failed internally')
      : wrap('TRANSPORT', 'DynamoDB failed');
  }
  return wrap('STORE_ERROR', 'DynamoDB reported an error');
}
