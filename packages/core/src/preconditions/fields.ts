/**
 * Reading the four precondition fields of a request (RFC 9110 §13.1), from a Fetch `Headers`
 * or Node's plain `req.headers`.
 */
import { DEFAULT_PARSE_LIMITS, type EntityTagList, type ParseLimits, parseEntityTagList } from '../entity-tag.js';
import { parseHttpDate } from '../http-date.js';

/**
 * Where request headers come from: a Fetch `Headers` object, or a plain object such as
 * Node's `IncomingHttpHeaders` (lower-case names, repeated fields as arrays).
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export type PreconditionHeader = 'If-Match' | 'If-None-Match' | 'If-Modified-Since' | 'If-Unmodified-Since';

/** The four preconditions of a request, parsed. An invalid date is dropped (§13.1.3-4). */
export interface Preconditions {
  readonly ifMatch?: EntityTagList;
  readonly ifNoneMatch?: EntityTagList;
  /** Milliseconds since the epoch; absent when the header is absent or not a valid date. */
  readonly ifModifiedSince?: number;
  readonly ifUnmodifiedSince?: number;
}

export function isFetchHeaders(headers: HeaderSource): boolean {
  return typeof headers.get === 'function';
}

/**
 * One field by its lower-case name: a direct property read on a plain object (the hot path,
 * no allocation), `get` on Fetch headers. Repeated lines are joined with ", " (§5.3).
 */
export function field(headers: HeaderSource, fetchHeaders: boolean, name: string): string | undefined {
  if (fetchHeaders) return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return value === undefined || typeof value === 'string' ? value : value.join(', ');
}

/** Reads and parses the precondition headers of a request. */
export function readPreconditions(headers: HeaderSource, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Preconditions {
  const fetchHeaders = isFetchHeaders(headers);
  const ifMatch = field(headers, fetchHeaders, 'if-match');
  const ifNoneMatch = field(headers, fetchHeaders, 'if-none-match');
  const ifModifiedSince = field(headers, fetchHeaders, 'if-modified-since');
  const ifUnmodifiedSince = field(headers, fetchHeaders, 'if-unmodified-since');
  const preconditions: { -readonly [P in keyof Preconditions]: Preconditions[P] } = {};
  if (ifMatch !== undefined) preconditions.ifMatch = parseEntityTagList(ifMatch, limits);
  if (ifNoneMatch !== undefined) preconditions.ifNoneMatch = parseEntityTagList(ifNoneMatch, limits);
  const modifiedSince = ifModifiedSince === undefined ? undefined : parseHttpDate(ifModifiedSince);
  if (modifiedSince !== undefined) preconditions.ifModifiedSince = modifiedSince;
  const unmodifiedSince = ifUnmodifiedSince === undefined ? undefined : parseHttpDate(ifUnmodifiedSince);
  if (unmodifiedSince !== undefined) preconditions.ifUnmodifiedSince = unmodifiedSince;
  return preconditions;
}
