/**
 * The RFC 9110 §13.2.2 decision table, evaluated against the target resource's current state:
 * for reads (304s) and for an early answer to a write.
 */
import { DEFAULT_PARSE_LIMITS, type EntityTag, matchEntityTagList } from '../entity-tag.js';
import { parseHttpDate } from '../http-date.js';
import { field, type HeaderSource, isFetchHeaders, type PreconditionHeader } from './fields.js';
import { NO_POLICY, type PolicyRefusal, type PreconditionPolicy, refuseByPolicy } from './policy.js';

/** Everything the decision needs to know about the target resource. */
export interface TargetState {
  readonly exists: boolean;
  /** Absent (or undefined) when the resource has no entity tag. */
  readonly etag?: EntityTag | undefined;
  /** Milliseconds since the epoch; absent (or undefined) when the resource has no modification date. */
  readonly lastModified?: number | undefined;
}

/** The outcome of evaluating a request's preconditions. */
export type Decision =
  | { readonly outcome: 'proceed' }
  /** 304: only for GET and HEAD. */
  | { readonly outcome: 'not-modified'; readonly status: 304; readonly header: PreconditionHeader }
  | { readonly outcome: 'precondition-failed'; readonly status: 412; readonly header: PreconditionHeader }
  | PolicyRefusal;

// Decisions are answered as shared frozen objects: this runs on every GET, and allocates nothing.
const PROCEED: Decision = Object.freeze({ outcome: 'proceed' });
const FAILED_IF_MATCH: Decision = Object.freeze({ outcome: 'precondition-failed', status: 412, header: 'If-Match' });
const FAILED_IF_UNMODIFIED_SINCE: Decision = Object.freeze({
  outcome: 'precondition-failed',
  status: 412,
  header: 'If-Unmodified-Since',
});
const FAILED_IF_NONE_MATCH: Decision = Object.freeze({
  outcome: 'precondition-failed',
  status: 412,
  header: 'If-None-Match',
});
const NOT_MODIFIED_IF_NONE_MATCH: Decision = Object.freeze({
  outcome: 'not-modified',
  status: 304,
  header: 'If-None-Match',
});
const NOT_MODIFIED_IF_MODIFIED_SINCE: Decision = Object.freeze({
  outcome: 'not-modified',
  status: 304,
  header: 'If-Modified-Since',
});

/** HTTP dates carry whole seconds: compare the modification time at that precision. */
function toSeconds(time: number): number {
  return Math.floor(time / 1000);
}

/**
 * The RFC 9110 §13.2.2 decision table: If-Match, then If-Unmodified-Since (only without
 * If-Match), then If-None-Match, then If-Modified-Since (only without If-None-Match, and
 * only for GET/HEAD). `method` is upper case. If-Range is not evaluated: it only concerns
 * range requests.
 *
 * Call it only when the request would otherwise succeed (§13.2.1): a GET, PATCH or DELETE
 * of a missing resource is a 404 whatever its preconditions; a PUT that would create it is
 * not, so there `If-Match` makes it a 412.
 *
 * On a write, run it for an early answer if you like, but let the store decide: the write
 * itself must carry `preconditionsToWriteCondition(...)` into the database.
 */
export function evaluatePreconditions(
  method: string,
  headers: HeaderSource,
  target: TargetState,
  policy: PreconditionPolicy = NO_POLICY,
): Decision {
  // Each field is read only when its step of the table is reached: this runs on every GET.
  const fetchHeaders = isFetchHeaders(headers);
  const limits = policy.limits ?? DEFAULT_PARSE_LIMITS;
  const ifMatch = field(headers, fetchHeaders, 'if-match');
  const ifNoneMatch = field(headers, fetchHeaders, 'if-none-match');
  const refused = policy === NO_POLICY ? undefined : refuseByPolicy(method, ifMatch, ifNoneMatch, policy);
  if (refused) return refused;
  const safe = method === 'GET' || method === 'HEAD';

  if (ifMatch !== undefined) {
    // §13.1.1: `*` matches any current representation; a list matches by strong comparison.
    const match = target.exists ? matchEntityTagList(ifMatch, target.etag, 'strong', limits) : 'none';
    if (match !== 'any' && match !== 'match') return FAILED_IF_MATCH;
  } else if (target.exists && target.lastModified !== undefined) {
    const value = field(headers, fetchHeaders, 'if-unmodified-since');
    const since = value === undefined ? undefined : parseHttpDate(value);
    if (since !== undefined && toSeconds(target.lastModified) > toSeconds(since)) return FAILED_IF_UNMODIFIED_SINCE;
  }

  if (ifNoneMatch !== undefined) {
    // §13.1.2: `*` fails if a representation exists; a list fails on a weak match. A
    // malformed field is ignored on GET/HEAD and fails a write (see PreconditionPolicy).
    const match = matchEntityTagList(ifNoneMatch, target.etag, 'weak', limits);
    const passes = match === 'invalid' ? safe : !target.exists || match === 'none';
    if (!passes) return safe ? NOT_MODIFIED_IF_NONE_MATCH : FAILED_IF_NONE_MATCH;
  } else if (safe && target.exists && target.lastModified !== undefined) {
    const value = field(headers, fetchHeaders, 'if-modified-since');
    const since = value === undefined ? undefined : parseHttpDate(value);
    if (since !== undefined && toSeconds(target.lastModified) <= toSeconds(since))
      return NOT_MODIFIED_IF_MODIFIED_SINCE;
  }
  return PROCEED;
}
