/**
 * What a server does when a precondition is missing or malformed, and the two checks every
 * request goes through before any state is looked at.
 */
import { DEFAULT_PARSE_LIMITS, type ParseLimits, parseEntityTagList } from '../entity-tag.js';
import type { PreconditionHeader } from './fields.js';

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

/** A request refused by policy: a missing required precondition (428/400), or a malformed one (400). */
export type PolicyRefusal =
  /** The policy requires a precondition and the request has none (428, or 400 by policy). */
  | { readonly outcome: 'precondition-required'; readonly status: 428 | 400 }
  /** A malformed precondition refused by policy. */
  | {
      readonly outcome: 'bad-request';
      readonly status: 400;
      readonly header: PreconditionHeader;
      readonly reason: string;
    };

export const NO_POLICY: PreconditionPolicy = Object.freeze({});

/**
 * The checks every request goes through before any state is looked at: a missing required
 * precondition, and (with `malformedStatus: 400`) a malformed one.
 */
export function refuseByPolicy(
  method: string,
  ifMatch: string | undefined,
  ifNoneMatch: string | undefined,
  policy: PreconditionPolicy,
): PolicyRefusal | undefined {
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
