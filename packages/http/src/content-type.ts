/**
 * Which request content a method accepts. PUT and POST carry a whole representation:
 * `application/json` or a `+json` type (RFC 6839 §3.1). PATCH carries a patch document, whose
 * media type says how to apply it (RFC 5789 §2): a JSON merge patch (RFC 7396) or a JSON Patch
 * (RFC 6902). Anything else is 415 before a byte of the body is read, so a `text/plain` form
 * post can never write (nor reach the API cross-site without a CORS preflight).
 */
import { parseMediaType } from './media-type.js';
import { type HttpProblem, problem } from './problem.js';

/** RFC 7396 §4. */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
/** RFC 6902 §6. */
export const JSON_PATCH_TYPE = 'application/json-patch+json';
/** The `Accept-Patch` field value (RFC 5789 §3.1): the patch formats PATCH accepts. */
export const ACCEPT_PATCH = `${MERGE_PATCH_TYPE}, ${JSON_PATCH_TYPE}`;

/** How a request body is to be understood. */
export type ContentFormat = 'json' | 'merge-patch' | 'json-patch';

/**
 * The format of a request's content for `method`, or the 415 problem to answer with. A
 * `charset` other than UTF-8 is refused too: JSON exchanged between systems is UTF-8 (RFC 8259
 * §8.1), and decoding anything else as UTF-8 would corrupt it silently.
 */
export function contentFormat(
  method: 'PUT' | 'POST' | 'PATCH',
  contentType: string | null,
): ContentFormat | HttpProblem {
  const media = parseMediaType(contentType);
  const charset = media?.parameters.get('charset')?.toLowerCase();
  if (media !== undefined && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return unsupported(method, `JSON is UTF-8 (RFC 8259 §8.1); charset=${charset} is not accepted`);
  }
  if (method === 'PATCH') {
    if (media?.essence === MERGE_PATCH_TYPE) return 'merge-patch';
    if (media?.essence === JSON_PATCH_TYPE) return 'json-patch';
    return unsupported(method, `PATCH takes ${MERGE_PATCH_TYPE} (RFC 7396) or ${JSON_PATCH_TYPE} (RFC 6902)`);
  }
  // A patch document is not a representation: PUT or POST one and it would be stored as the value.
  const isJson =
    media !== undefined &&
    media.essence !== MERGE_PATCH_TYPE &&
    media.essence !== JSON_PATCH_TYPE &&
    media.type === 'application' &&
    (media.subtype === 'json' || media.subtype.endsWith('+json'));
  return isJson ? 'json' : unsupported(method, `${method} takes application/json (or a +json type)`);
}

function unsupported(method: string, detail: string): HttpProblem {
  // RFC 5789 §2.2: a 415 to PATCH names the patch formats the resource does accept.
  return problem(415, 'Unsupported Media Type', detail, method === 'PATCH' ? { 'Accept-Patch': ACCEPT_PATCH } : {});
}
