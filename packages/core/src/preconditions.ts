/**
 * RFC 9110 §13: reading a request's preconditions, the §13.2.2 decision table, and the
 * translation of the same preconditions into a `WriteCondition` for a store.
 */

import {
  DEFAULT_PARSE_LIMITS,
  type EntityTag,
  type EntityTagList,
  matchEntityTagList,
  type ParseLimits,
  parseEntityTagList,
} from './entity-tag.js';
import { type HeaderSource, readHeader } from './headers.js';
import { parseHttpDate } from './http-date.js';
import type { WriteCondition } from './store/write-condition.js';

/** The four preconditions of a request, parsed. An invalid date is dropped (§13.1.3-4). */
export interface Preconditions {
  readonly ifMatch?: EntityTagList;
  readonly ifNoneMatch?: EntityTagList;
  /** Milliseconds since the epoch; absent when the header is absent or not a valid date. */
  readonly ifModifiedSince?: number;
  readonly ifUnmodifiedSince?: number;
}

/** What the server does when a precondition is missing or malformed. */
export interface PreconditionPolicy {
  /**
   * Methods (upper case) whose requests must carry `If-Match` or `If-None-Match`; a request
   * with neither is refused before anything is read or written. Default: none.
   */
  readonly requireFor?: readonly string[];
  /** Status for a missing precondition: 428 (RFC 6585 §3, the default) or 400. */
  readonly missingStatus?: 428 | 400;
  /**
   * Status for a malformed `If-Match` or `If-None-Match`. With 412 (the default) a
   * malformed field matches no tag: `If-Match` fails, and `If-None-Match` fails on writes
   * (an unreadable create-only guard must not let a write through) and is ignored on
   * GET/HEAD. With 400 the request is refused as a bad request.
   */
  readonly malformedStatus?: 412 | 400;
  /** Bounds for header parsing. */
  readonly limits?: ParseLimits;
}

/** Everything the decision needs to know about the target resource. */
export interface TargetState {
  readonly exists: boolean;
  /** Absent when the resource has no entity tag. */
  readonly etag?: EntityTag;
  /** Milliseconds since the epoch; absent when the resource has no modification date. */
  readonly lastModified?: number;
}

export type PreconditionHeader = 'If-Match' | 'If-None-Match' | 'If-Modified-Since' | 'If-Unmodified-Since';

/** The outcome of evaluating a request's preconditions. */
export type Decision =
  | { readonly outcome: 'proceed' }
  /** 304: only for GET and HEAD. */
  | { readonly outcome: 'not-modified'; readonly status: 304; readonly header: PreconditionHeader }
  | { readonly outcome: 'precondition-failed'; readonly status: 412; readonly header: PreconditionHeader }
  /** The policy requires a precondition and the request has none (428, or 400 by policy). */
  | { readonly outcome: 'precondition-required'; readonly status: 428 | 400 }
  /** A malformed precondition refused by policy. */
  | {
      readonly outcome: 'bad-request';
      readonly status: 400;
      readonly header: PreconditionHeader;
      readonly reason: string;
    };

/** The result of translating a request's preconditions for a write. */
export type WriteConditionResult =
  | { readonly outcome: 'condition'; readonly condition: WriteCondition }
  | Extract<Decision, { outcome: 'precondition-required' | 'bad-request' }>;

const PROCEED: Decision = Object.freeze({ outcome: 'proceed' });
const NO_POLICY: PreconditionPolicy = Object.freeze({});

/** Reads and parses the precondition headers of a request. */
export function readPreconditions(headers: HeaderSource, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Preconditions {
  const fetchHeaders = isFetchHeaders(headers);
  const ifMatch = field(headers, fetchHeaders, 'if-match');
  const ifNoneMatch = field(headers, fetchHeaders, 'if-none-match');
  const ifModifiedSince = field(headers, fetchHeaders, 'if-modified-since');
  const ifUnmodifiedSince = field(headers, fetchHeaders, 'if-unmodified-since');
  return {
    ifMatch: ifMatch === undefined ? undefined : parseEntityTagList(ifMatch, limits),
    ifNoneMatch: ifNoneMatch === undefined ? undefined : parseEntityTagList(ifNoneMatch, limits),
    ifModifiedSince: ifModifiedSince === undefined ? undefined : parseHttpDate(ifModifiedSince),
    ifUnmodifiedSince: ifUnmodifiedSince === undefined ? undefined : parseHttpDate(ifUnmodifiedSince),
  };
}

/** Reads a lower-case header name; a direct property read on a plain object (the hot path). */
function field(headers: HeaderSource, fetchHeaders: boolean, name: string): string | undefined {
  if (fetchHeaders) return readHeader(headers, name);
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return value === undefined || typeof value === 'string' ? value : value.join(', ');
}

function isFetchHeaders(headers: HeaderSource): boolean {
  return typeof headers.get === 'function';
}

/**
 * The checks every request goes through before any state is looked at: a missing required
 * precondition, and (with `malformedStatus: 400`) a malformed one.
 */
function refuseByPolicy(
  method: string,
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
  policy: PreconditionPolicy,
): Extract<Decision, { outcome: 'precondition-required' | 'bad-request' }> | undefined {
  if (policy.requireFor?.includes(method) && ifMatch === undefined && ifNoneMatch === undefined) {
    return { outcome: 'precondition-required', status: policy.missingStatus ?? 428 };
  }
  if (policy.malformedStatus === 400) {
    const limits = policy.limits ?? DEFAULT_PARSE_LIMITS;
    for (const [header, value] of [
      ['If-Match', ifMatch],
      ['If-None-Match', ifNoneMatch],
    ] as const) {
      const parsed = value === undefined ? undefined : parseEntityTagList(value, limits);
      if (parsed?.kind === 'invalid') return { outcome: 'bad-request', status: 400, header, reason: parsed.reason };
    }
  }
  return undefined;
}

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
  const refused = refuseByPolicy(method, ifMatch, ifNoneMatch, policy);
  if (refused) return refused;
  const safe = method === 'GET' || method === 'HEAD';

  if (ifMatch !== undefined) {
    // §13.1.1: `*` matches any current representation; a list matches by strong comparison.
    const match = target.exists ? matchEntityTagList(ifMatch, target.etag, 'strong', limits) : 'none';
    if (match !== 'any' && match !== 'match') {
      return { outcome: 'precondition-failed', status: 412, header: 'If-Match' };
    }
  } else if (target.exists && target.lastModified !== undefined) {
    const value = field(headers, fetchHeaders, 'if-unmodified-since');
    const since = value === undefined ? undefined : parseHttpDate(value);
    if (since !== undefined && toSeconds(target.lastModified) > toSeconds(since)) {
      return { outcome: 'precondition-failed', status: 412, header: 'If-Unmodified-Since' };
    }
  }

  if (ifNoneMatch !== undefined) {
    // §13.1.2: `*` fails if a representation exists; a list fails on a weak match. A
    // malformed field is ignored on GET/HEAD and fails a write (see PreconditionPolicy).
    const match = matchEntityTagList(ifNoneMatch, target.etag, 'weak', limits);
    const passes = match === 'invalid' ? safe : !target.exists || match === 'none';
    if (!passes) {
      return safe
        ? { outcome: 'not-modified', status: 304, header: 'If-None-Match' }
        : { outcome: 'precondition-failed', status: 412, header: 'If-None-Match' };
    }
  } else if (safe && target.exists && target.lastModified !== undefined) {
    const value = field(headers, fetchHeaders, 'if-modified-since');
    const since = value === undefined ? undefined : parseHttpDate(value);
    if (since !== undefined && toSeconds(target.lastModified) <= toSeconds(since)) {
      return { outcome: 'not-modified', status: 304, header: 'If-Modified-Since' };
    }
  }
  return PROCEED;
}

/** A condition no record satisfies: the store reports the current state without writing. */
const NEVER: readonly EntityTag[] = Object.freeze([]);

/**
 * Translates a write request's preconditions into the `WriteCondition` a store applies
 * atomically (the table in the README). It is the same logic as `evaluatePreconditions`,
 * expressed as a predicate on the stored record instead of evaluated on a read:
 *
 * - `If-Match: *` → the record exists; `If-Match: "a", "b"` → its tag is one of the strong
 *   tags listed (weak ones are dropped: they never match strongly); malformed → never.
 * - `If-Unmodified-Since` (only without If-Match) → last modified at or before that second.
 * - `If-None-Match: *` → the record is absent; a list → its tag is none of them; malformed →
 *   never.
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
    else etagIn = NEVER;
  } else if (pre.ifUnmodifiedSince !== undefined) {
    unmodifiedSince = pre.ifUnmodifiedSince + 999;
  }

  if (pre.ifNoneMatch !== undefined) {
    if (pre.ifNoneMatch.kind === 'invalid') etagIn = NEVER;
    else if (pre.ifNoneMatch.kind === 'tags') etagNotIn = pre.ifNoneMatch.tags;
    else if (exists === true || etagIn !== undefined)
      etagIn = NEVER; // must exist and be absent
    else exists = false;
  }

  const condition: { -readonly [K in keyof WriteCondition]: WriteCondition[K] } = {};
  if (exists !== undefined) condition.exists = exists;
  if (etagIn !== undefined) condition.etagIn = etagIn;
  if (etagNotIn !== undefined) condition.etagNotIn = etagNotIn;
  if (unmodifiedSince !== undefined) condition.unmodifiedSince = unmodifiedSince;
  return { outcome: 'condition', condition };
}
