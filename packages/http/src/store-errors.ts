/**
 * Every error code of `@ifmatch/core` answered on purpose: one table, documented in the README,
 * so no store error becomes a silent 500 and none ever becomes a 412 (a failed database is
 * not a conflict: the client must not re-read and overwrite because of it).
 */
import type { IfMatchError, IfMatchErrorCode } from '@ifmatch/core';
import { problemResponse } from './problem.js';

/** How one error code is answered. */
export interface StoreErrorAnswer {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Seconds for `Retry-After` (RFC 9110 §10.2.3), when a retry later is expected to work. */
  readonly retryAfter?: number;
}

/** The table. `satisfies` makes the compiler refuse a code of core this table forgets. */
export const STORE_ERROR_ANSWERS = {
  TRANSPORT: {
    status: 503,
    title: 'Service Unavailable',
    detail: 'the database cannot be reached now; retry later',
    retryAfter: 1,
  },
  THROTTLED: {
    status: 503,
    title: 'Service Unavailable',
    detail: 'the database asked us to slow down; retry later',
    retryAfter: 1,
  },
  OUTCOME_UNKNOWN: {
    status: 504,
    title: 'Gateway Timeout',
    detail: 'the database did not answer: the write may have been applied; read the resource before retrying',
  },
  INVALID_VALUE: {
    status: 422,
    title: 'Unprocessable Content',
    detail: 'the database cannot store this value',
  },
  // The record kept changing between our read and our write (a PATCH under heavy contention):
  // nothing was written, and the same request is likely to succeed a moment later.
  RETRIES_EXHAUSTED: {
    status: 503,
    title: 'Service Unavailable',
    detail: 'the record changed too often to apply the change; retry later',
    retryAfter: 1,
  },
  // The store lacks a capability the server was configured to use: a deployment mistake,
  // which §15.6.2 names "not implemented".
  NOT_SUPPORTED: {
    status: 501,
    title: 'Not Implemented',
    detail: 'the store does not support what this server asked of it',
  },
  STORE_ERROR: {
    status: 500,
    title: 'Internal Server Error',
    detail: 'the database reported an error',
  },
} as const satisfies Record<IfMatchErrorCode, StoreErrorAnswer>;

/**
 * A store error as a problem response. The detail is the table's, not the error's message: a
 * database's message can carry table names, constraint names or values (INVALID_VALUE keeps
 * core's message, which describes the value, not the database).
 */
export function storeErrorResponse(error: IfMatchError): Response {
  const answer: StoreErrorAnswer = STORE_ERROR_ANSWERS[error.code] ?? STORE_ERROR_ANSWERS.STORE_ERROR;
  const detail = error.code === 'INVALID_VALUE' ? error.message : answer.detail;
  return problemResponse(
    { status: answer.status, title: answer.title, detail, code: error.code },
    answer.retryAfter === undefined ? {} : { 'Retry-After': String(answer.retryAfter) },
  );
}
