/**
 * A write request's preconditions, translated into the `WriteCondition` a store applies
 * atomically in the database (the table under "Write conditions" in the README): the same
 * rules as the RFC 9110 §13.2.2 decision table, expressed as a predicate on the stored record
 * instead of evaluated on a read.
 */
import type { EntityTag } from '../entity-tag.js';
import type { WriteCondition } from '../store/write-condition.js';
import { field, type HeaderSource, isFetchHeaders, readPreconditions } from './fields.js';
import { NO_POLICY, type PolicyRefusal, type PreconditionPolicy, refuseByPolicy } from './policy.js';

/** The result of translating a request's preconditions for a write. */
export type WriteConditionResult =
  | { readonly outcome: 'condition'; readonly condition: WriteCondition }
  | PolicyRefusal;

/**
 * An `If-Match` list no tag is in: no record can satisfy it, so the store writes nothing (it
 * compiles to the store's `NO_RECORD_MATCHES`, `store/compile.ts`).
 */
const NO_RECORD_MATCHES: readonly EntityTag[] = Object.freeze([]);

/**
 * Translates a write request's preconditions (the table in the README):
 *
 * - `If-Match: *` → the record exists; `If-Match: "a", "b"` → its tag is one of the strong
 *   tags listed (weak ones are dropped: they never match strongly); malformed → no record.
 * - `If-Unmodified-Since` (only without If-Match) → last modified at or before that second.
 * - `If-None-Match: *` → the record is absent; a list → its tag is none of them; malformed →
 *   no record (an unreadable create-only guard must not let a write through).
 * - No precondition → unconditional, unless the policy requires one for `method`.
 * - `If-Modified-Since` does not apply to writes and is ignored.
 */
export function preconditionsToWriteCondition(
  method: string,
  headers: HeaderSource,
  policy: PreconditionPolicy = NO_POLICY,
): WriteConditionResult {
  const fetchHeaders = isFetchHeaders(headers);
  const ifMatch = field(headers, fetchHeaders, 'if-match');
  const refused = refuseByPolicy(method, ifMatch, field(headers, fetchHeaders, 'if-none-match'), policy);
  if (refused) return refused;
  const pre = readPreconditions(headers, policy.limits);

  let exists: boolean | undefined;
  let etagIn: readonly EntityTag[] | undefined;
  let etagNotIn: readonly EntityTag[] | undefined;
  let unmodifiedSince: number | undefined;

  if (pre.ifMatch !== undefined) {
    if (pre.ifMatch.kind === 'any') exists = true;
    else if (pre.ifMatch.kind === 'tags') etagIn = pre.ifMatch.tags.filter((tag) => !tag.weak);
    else etagIn = NO_RECORD_MATCHES;
  } else if (pre.ifUnmodifiedSince !== undefined) {
    // HTTP dates have whole seconds: anything modified within that second passes.
    unmodifiedSince = pre.ifUnmodifiedSince + 999;
  }

  if (pre.ifNoneMatch !== undefined) {
    if (pre.ifNoneMatch.kind === 'invalid') etagIn = NO_RECORD_MATCHES;
    else if (pre.ifNoneMatch.kind === 'tags') etagNotIn = pre.ifNoneMatch.tags;
    // `If-None-Match: *` with `If-Match`: it must exist and be absent at once.
    else if (exists === true || etagIn !== undefined) etagIn = NO_RECORD_MATCHES;
    else exists = false;
  }

  const condition: { -readonly [K in keyof WriteCondition]: WriteCondition[K] } = {};
  if (exists !== undefined) condition.exists = exists;
  if (etagIn !== undefined) condition.etagIn = etagIn;
  if (etagNotIn !== undefined) condition.etagNotIn = etagNotIn;
  if (unmodifiedSince !== undefined) condition.unmodifiedSince = unmodifiedSince;
  return { outcome: 'condition', condition };
}
