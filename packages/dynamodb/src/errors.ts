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

type Failure = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; $metadata?: unknown } | null;

function statusOf(error: unknown): number | undefined {
  const status = ((error as Failure)?.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether a write's attempt that failed this way certainly wrote nothing, so that sending it
 * again is safe: DynamoDB refused it (a 4xx: a failed condition, throttling, a validation
 * error, a clock skew), or no connection was made (refused, no such host, a connection that
 * timed out before it was established, an HTTP/2 stream the server refused), said by the
 * failure or by one of its causes (fetch's "fetch failed" carries the socket's code there).
 * Anything else may have been applied: a 5xx ("may or may not have been applied"), a
 * connection lost or timed out once the request was sent, an answer that could not be read,
 * and every failure not known here.
 */
export function leftNothingWritten(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 400 && status < 500;
  let failure = error as Failure;
  for (let depth = 0; failure !== null && typeof failure === 'object' && depth <= 10; depth++) {
    const code = String(failure.code ?? '');
    const message = String(failure.message ?? '');
    if (NOT_SENT.has(code)) return true;
    if (/did not establish a connection/.test(message)) return true; // the SDK's connection timeout
    if (code === 'ERR_HTTP2_STREAM_ERROR' && message.includes('NGHTTP2_REFUSED_STREAM')) return true;
    failure = failure.cause as Failure;
  }
  return false;
}

/**
 * Thrown inside the SDK's retry loop in place of a write's failure that may have been applied
 * (see `resend.ts`), so that the SDK does not send the write again. It carries the failure as
 * `failure`, not `cause`: the SDK's retry strategy follows `cause` and would retry it all the
 * same.
 */
export class WriteNotResent extends Error {
  override readonly name = 'IfMatchWriteNotResent';
  constructor(readonly failure: unknown) {
    super(
      `a write that may have been applied is not sent again: ${failure instanceof Error ? failure.message : String(failure)}`,
    );
  }
}

/**
 * Maps what the AWS SDK throws to ifmatch's codes, keeping the original as `cause`. The one
 * place that knows DynamoDB's error names. A conditional-check failure never gets here: it
 * is a conflict, handled where the write is made.
 */
export function toIfMatchError(error: unknown, kind: 'read' | 'write'): IfMatchError {
  if (isIfMatchError(error)) return error;
  const stopped = error instanceof WriteNotResent;
  const failure = stopped ? error.failure : error;
  const name = String((failure as Failure)?.name ?? '');
  const code = String((failure as Failure)?.code ?? '');
  const message = failure instanceof Error ? failure.message : String(failure);
  const status = statusOf(failure);
  const wrap = (ifmatchCode: ConstructorParameters<typeof IfMatchError>[0], text: string) =>
    new IfMatchError(ifmatchCode, `${text}: ${message}`, { cause: failure });

  const lost = LOST.has(code) || LOST.has(name) || /socket hang up|ECONNRESET/.test(message);
  const failedWhileHandling = FAILED_WHILE_HANDLING.has(name) || (status !== undefined && status >= 500);
  // Before anything else: a write that may have been applied is never reported as one that
  // was not (a 503 is throttling for a read, an unknown outcome for a write).
  if (stopped || (kind === 'write' && (lost || failedWhileHandling))) {
    return wrap(
      'OUTCOME_UNKNOWN',
      failedWhileHandling
        ? 'DynamoDB failed while writing, and may have applied the write'
        : lost
          ? 'the connection was lost before DynamoDB answered, and the write may have been applied'
          : 'the write may have been applied: no answer said whether',
    );
  }
  if (THROTTLING.has(name)) return wrap('THROTTLED', 'DynamoDB asked to slow down');
  if (name === 'ValidationException') return wrap('INVALID_VALUE', 'DynamoDB refused the request');
  if (NOT_SENT.has(code) || NOT_SENT.has(name)) return wrap('TRANSPORT', 'DynamoDB cannot be reached');
  if (lost || failedWhileHandling) return wrap('TRANSPORT', 'DynamoDB failed, or the connection to it was lost');
  return wrap('STORE_ERROR', 'DynamoDB reported an error');
}
