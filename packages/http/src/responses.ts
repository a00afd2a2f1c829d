/**
 * The responses a resource answers with: a representation with its validators, and the
 * problems of the precondition and method machinery (RFC 9110 §13, §15; RFC 9457 bodies).
 */
import { formatEntityTag, formatHttpDate, type StoredRecord } from '@ifmatch/core';
import { ACCEPT_PATCH } from './content-type.js';
import { representationText } from './json-representation.js';
import { problemResponse } from './problem.js';

/** 0000-01-01T00:00:00Z: an HTTP-date has a four-digit year (RFC 9110 §5.6.7). */
const FIRST_HTTP_DATE = -62_167_219_200_000;

/**
 * The record's last modification date, as HTTP's conditions compare it: none when no store
 * has written the record yet, or when it is before year 0000 (no HTTP-date says it, so none
 * was sent: `If-Modified-Since` and `If-Unmodified-Since` do not apply, RFC 9110 §13.1.3-4).
 */
export function lastModifiedOf(record: StoredRecord<unknown, unknown>): number | undefined {
  const time = record.lastModified;
  return time === undefined || time < FIRST_HTTP_DATE ? undefined : time;
}

/**
 * The `Last-Modified` field of a time: never later than now. A time ahead of this server's
 * clock (another server's clock ahead, another writer's microseconds) is replaced by the
 * message's date, as RFC 9110 §8.8.2.1 requires. The conditions still compare the time
 * itself, later than any date sent: an `If-Modified-Since` taken from the field is never
 * answered 304 (a write may have come in the same second), an `If-Unmodified-Since` fails.
 */
function lastModifiedField(time: number): string {
  return formatHttpDate(Math.min(time, Date.now()));
}

/** `ETag` and `Last-Modified` of a record (RFC 9110 §8.8). */
export function validators(record: StoredRecord<unknown, unknown>): Record<string, string> {
  const etag = { ETag: formatEntityTag(record.etag) };
  const lastModified = lastModifiedOf(record);
  return lastModified === undefined ? etag : { ...etag, 'Last-Modified': lastModifiedField(lastModified) };
}

/**
 * The record as JSON with its validators: `JSON.stringify`'s text, a bigint written as its
 * digits and a double from 2^53 up to 1e21 as its exact ones (`representationText`; the
 * representation a PATCH applies to: `jsonRepresentation`).
 */
export function representation(
  record: StoredRecord<unknown, unknown>,
  status = 200,
  extra: HeadersInit = {},
): Response {
  const headers = new Headers(extra);
  for (const [name, value] of Object.entries(validators(record))) headers.set(name, value);
  headers.set('Content-Type', 'application/json');
  return new Response(representationText(record.value), { status, headers });
}

/** 412 with the current record's tag in the body and in `ETag`, so the client can re-read (§13.1.1). */
export function preconditionFailed(detail: string, current?: StoredRecord<unknown, unknown>): Response {
  if (current === undefined) return problemResponse({ status: 412, title: 'Precondition Failed', detail });
  const etag = formatEntityTag(current.etag);
  const time = lastModifiedOf(current);
  const lastModified = time === undefined ? undefined : lastModifiedField(time);
  return problemResponse(
    { status: 412, title: 'Precondition Failed', detail, currentEtag: etag, ...(lastModified ? { lastModified } : {}) },
    { ETag: etag },
  );
}

/** 404 for `what`. */
export function notFound(what: string): Response {
  return problemResponse({ status: 404, title: 'Not Found', detail: `nothing at ${what}` });
}

/** What one record answers, for `Allow`. */
export const RECORD_METHODS = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS';
/** What the collection answers: it only creates. */
export const COLLECTION_METHODS = 'POST, OPTIONS';

/** 405 with `Allow`, which §15.5.6 requires. */
export function methodNotAllowed(method: string, allow: string): Response {
  return problemResponse(
    { status: 405, title: 'Method Not Allowed', detail: `${method} is not supported here` },
    { Allow: allow },
  );
}

/** OPTIONS: the methods (§9.3.7), and the patch formats where PATCH is one of them (RFC 5789 §3.1). */
export function options(allow: string): Response {
  const headers: Record<string, string> = { Allow: allow };
  if (allow.includes('PATCH')) headers['Accept-Patch'] = ACCEPT_PATCH;
  return new Response(null, { status: 204, headers });
}

/** HEAD: the status and headers GET would send, no content (§9.3.2). */
export function withoutContent(response: Response): Response {
  return new Response(null, { status: response.status, headers: response.headers });
}

/**
 * The `Location` of a created record: the request's own path (PUT), or the collection's path
 * plus the new key (POST), after `baseUrl` when one is configured. Never the `Host` header or
 * an absolute-form request target: those are the client's words, and echoing them lets anyone
 * point a `Location` elsewhere. A path starting `//` would read as another host (a
 * network-path reference, RFC 3986 §4.2), so leading slashes collapse to one.
 */
export function location(request: Request, baseUrl: string | undefined, newSegment?: string): string {
  let path = new URL(request.url).pathname;
  let start = 0;
  while (path[start] === '/') start++;
  path = `/${path.slice(start)}`;
  if (newSegment !== undefined) path = `${path.endsWith('/') ? path.slice(0, -1) : path}/${newSegment}`;
  return baseUrl === undefined ? path : `${baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl}${path}`;
}
