/**
 * The resource's precondition policy: which writes must carry a precondition (RFC 6585 §3),
 * how a malformed one is answered, and the order of RFC 9110 §13.2.1 — preconditions are
 * evaluated before the request's content is processed.
 *
 * On the success path the store evaluates them, atomically with the write, in one round trip.
 * Only when the content is refused before any write (415, 400, 413, 422) does the resource
 * read the current record and evaluate them first here, so that a stale `If-Match` with a
 * bad body is still the 412 the client needs to hear.
 */
import {
  evaluatePreconditions,
  type PreconditionPolicy,
  preconditionsToWriteCondition,
  type StoredRecord,
  type WriteCondition,
} from '@ifmatch/core';
import { problem } from './problem.js';
import { lastModifiedOf } from './responses.js';

/** Which writes need a precondition, and with which status when it is missing. */
export type RequirePolicy = Partial<Record<'PUT' | 'PATCH' | 'DELETE', 428 | 400>>;

/** The default: every write to a record says what it expects (POST creates, and needs none). */
export const DEFAULT_REQUIRE: RequirePolicy = { PUT: 428, PATCH: 428, DELETE: 428 };

/** Core's policy for one method. */
export function policyFor(
  method: string,
  require: RequirePolicy,
  malformedStatus: 412 | 400 | undefined,
): PreconditionPolicy {
  const status = require[method as keyof RequirePolicy];
  return {
    ...(status === undefined ? {} : { requireFor: [method], missingStatus: status }),
    ...(malformedStatus === undefined ? {} : { malformedStatus }),
  };
}

/**
 * The write condition the store applies atomically, or the problem the policy answers before
 * anything is read or written: 428 (or 400) for a missing precondition, 400 for a malformed
 * one under `malformedStatus: 400`.
 */
export function writeCondition(request: Request, policy: PreconditionPolicy): WriteCondition {
  const result = preconditionsToWriteCondition(request.method, request.headers, policy);
  if (result.outcome === 'condition') return result.condition;
  if (result.outcome === 'precondition-required') {
    throw problem(
      result.status,
      result.status === 428 ? 'Precondition Required' : 'Bad Request',
      'send If-Match with the ETag you last read, or If-None-Match: * to create',
    );
  }
  throw problem(400, 'Bad Request', `malformed ${result.header}: ${result.reason}`);
}

/** What answers a request whose content was refused, once the preconditions have been evaluated. */
export type BeforeContent = 'content-refusal' | 'precondition-failed' | 'not-found';

/**
 * §13.2.1 for a request whose content was refused: evaluated against `current` (the record
 * read after the refusal). A method that needs an existing record answers 404 when there is
 * none, whatever its preconditions (`missing: 404`: PATCH, DELETE); a PUT evaluates them
 * against the absent record (`If-Match` fails, `If-None-Match: *` holds).
 */
export function beforeContent(
  request: Request,
  current: StoredRecord<unknown, unknown> | undefined,
  missing: 404 | 412,
  policy: PreconditionPolicy,
): BeforeContent {
  if (current === undefined && missing === 404) return 'not-found';
  const target =
    current === undefined
      ? { exists: false }
      : { exists: true, etag: current.etag, lastModified: lastModifiedOf(current) };
  const decision = evaluatePreconditions(request.method, request.headers, target, policy);
  return decision.outcome === 'precondition-failed' ? 'precondition-failed' : 'content-refusal';
}

/** Whether a write method's precondition headers are present: for code that writes its own handlers. */
export function hasPrecondition(request: Request): boolean {
  return request.headers.has('if-match') || request.headers.has('if-none-match');
}
