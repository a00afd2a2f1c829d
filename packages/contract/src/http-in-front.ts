/**
 * A middleware in front of an integration that refuses malformed JSON before ifmatch sees the
 * request (`HttpConformanceOptions.malformedJsonRefusedInFront`): which requests it refuses.
 */
import { parses } from './http-model-content.js';

/** Whether a middleware in front refuses the content of a request with this `Content-Type` and body. */
export type RefusedInFront = (contentType: string | undefined, body: string | undefined) => boolean;

/** Hono's `validator('json')`: any JSON media type (its own pattern) whose body is not JSON. */
const jsonValidatorRefuses: RefusedInFront = (contentType, body) =>
  /^application\/([\w.-]+\+)?json$/i.test((contentType ?? '').split(';')[0]?.trim() ?? '') && !parses(body);

/** `express.json()`'s default `strict`: an object or an array, nothing else (not `1`, not `"x"`). */
const strictJson = (text: string) => /^[ \t\n\r]*[[{]/.test(text) && parses(text);

/** A `Content-Type`'s `charset` parameter, lower case and unquoted, as the `content-type` package reads it. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/i.exec(contentType);
  const value = match?.[1];
  if (value === undefined) return undefined;
  return (value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value).toLowerCase();
}

/**
 * Express's `express.json()` (body-parser, its default `type`, `strict` and `limit`):
 * `application/json` with a charset other than a UTF one (415, even for an empty body, which
 * a `Content-Length` announces), or a body that, decoded in its declared charset, is neither
 * empty nor a JSON object or array (400). The suite's bodies are UTF-8, so one declared UTF-16
 * decodes into other characters. Modelled for UTF-8 and UTF-16, the charsets the suite sends:
 * UTF-7 and UTF-32 are taken as refused. `undefined`: no body at all.
 */
export const refusedInFrontByExpressJson: RefusedInFront = (contentType, body) => {
  if (body === undefined) return false;
  if ((contentType ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/json') return false;
  const charset = charsetOf(contentType ?? '') ?? 'utf-8';
  if (!charset.startsWith('utf-')) return true; // 415, before the body is read
  // iconv-lite drops a UTF-8 byte order mark; an empty text is an empty object.
  if (charset === 'utf-8') {
    const text = body.replace(/^\uFEFF/, '');
    return text !== '' && !strictJson(text);
  }
  if (!charset.startsWith('utf-16')) return true;
  // The body's UTF-8 bytes read as 16-bit units, a last odd byte dropped (iconv-lite). One byte
  // alone reads as nothing, which express.json() takes for an empty body: no refusal. (iconv-lite
  // guesses the byte order; without a zero byte neither order reads as JSON.)
  const bytes = new TextEncoder().encode(body);
  const text = new TextDecoder('utf-16le').decode(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return text !== '' && !strictJson(text);
};

/** The option as a function (never refuses when unset). */
export function refusedInFront(option: boolean | RefusedInFront | undefined): RefusedInFront {
  return typeof option === 'function' ? option : option === true ? jsonValidatorRefuses : () => false;
}
