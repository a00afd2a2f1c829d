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
/** DynamoDB's own failures (its 500 and 503): the request may or may not have been applied. */
const FAILED_WHILE_HANDLING = new Set(['InternalServerError', 'ServiceUnavailable']);

/**
 * What a write's attempt that failed this way may have done: DynamoDB answered it, but not
 * with a refusal (a 5xx, whose request "may or may not have been applied"; an answer that
 * could not be read), or the connection was lost or timed out once it was sent. A refusal
 * (4xx: a failed condition, throttling, a validation error) and a connection never made leave
 * nothing written.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status < 400 || status >= 500;
  const name = String((error as { name?: unknown } | null)?.name ?? '');
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = error instanceof Error ? error.message : '';
  return (
    LOST.has(code) || LOST.has(name) || FAILED_WHILE_HANDLING.has(name) || /socket hang up|ECONNRESET/.test(message)
  );
}

/**
 * Thrown in place of such a failure inside the SDK's retry loop (see `resend.ts`), so that
 * the SDK does not send the write again. It carries the failure as `failure`, not `cause`:
 * the SDK's retry strategy follows `cause` and would retry it all the same.
 */
export class WriteNotResent extends Error {
  override readonly name = 'IfMatchWriteNotResent';
  constructor(readonly failure: unknown) {
    super('a write that may have been applied is not sent again');
  }
}

/**
 * Maps what the AWS SDK throws to ifmatch's codes, keeping the original as `cause`. The one
 * place that knows DynamoDB's error names. A conditional-check failure never gets here: it
 * is a conflict, handled where the write is made.
 */
export function toIfMatchError(error: unknown, kind: 'read' | 'write'): IfMatchError {
  if (isIfMatchError(error)) return error;
  const failure = error instanceof WriteNotResent ? error.failure : error;
  const name = String((failure as { name?: unknown })?.name ?? '');
  const code = String((failure as { code?: unknown })?.code ?? '');
  const message = failure instanceof Error ? failure.message : String(failure);
  const wrap = (ifmatchCode: ConstructorParameters<typeof IfMatchError>[0], text: string) =>
    new IfMatchError(ifmatchCode, `${text}: ${message}`, { cause: failure });

  // Before anything else: a write that may have been applied is never reported as one that
  // was not (a 503 is throttling for a read, and an unknown outcome for a write).
  if (kind === 'write' && (error instanceof WriteNotResent || mayHaveBeenApplied(failure))) {
    const status = statusOf(failure);
    if (status !== undefined)
      return wrap('OUTCOME_UNKNOWN', `DynamoDB answered ${status}, and may have applied the write`);
    return FAILED_WHILE_HANDLING.has(name)
      ? wrap('OUTCOME_UNKNOWN', 'DynamoDB failed while writing, and may have applied the write')
      : wrap('OUTCOME_UNKNOWN', 'the connection was lost before DynamoDB answered');
  }
  if (THROTTLING.has(name)) return wrap('THROTTLED', 'DynamoDB asked to slow down');
  if (name === 'ValidationException') return wrap('INVALID_VALUE', 'DynamoDB refused the request');
  if (NOT_SENT.has(code) || NOT_SENT.has(name)) return wrap('TRANSPORT', 'DynamoDB cannot be reached');
  if (mayHaveBeenApplied(failure)) return wrap('TRANSPORT', 'DynamoDB failed, or the connection to it was lost');
  return wrap('STORE_ERROR', 'DynamoDB reported an error');
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}
