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

/** UTF-8 text as iconv-lite decodes it: without a byte order mark. */
const withoutBom = (text: string) => text.replace(/^\uFEFF/, '');

/**
 * The UTF-8 bytes of `text` read as 16-bit units, a last odd byte dropped (iconv-lite): one
 * byte alone reads as nothing. (iconv-lite guesses the byte order; without a zero byte,
 * which the suite's bodies never hold, neither order reads as JSON.)
 */
function asUtf16(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder('utf-16le').decode(bytes.subarray(0, bytes.length - (bytes.length % 2)));
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
  const text = charset === 'utf-8' ? withoutBom(body) : charset.startsWith('utf-16') ? asUtf16(body) : undefined;
  // An empty text is an empty object. Another UTF (7, 32) is not modelled: counted as refused.
  return text === undefined || (text !== '' && !strictJson(text));
};

/** The option as a function (never refuses when unset). */
export function refusedInFront(option: boolean | RefusedInFront | undefined): RefusedInFront {
  return typeof option === 'function' ? option : option === true ? jsonValidatorRefuses : () => false;
}
