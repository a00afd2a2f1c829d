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

/**
 * Express's `express.json()` (its default `type` and `strict`): `application/json` with a body
 * that is not a JSON object or array, or not in UTF-8 (it decodes the declared charset, turning
 * UTF-8 JSON into garbage).
 */
export const refusedInFrontByExpressJson: RefusedInFront = (contentType, body) => {
  if (body === undefined || body === '') return false;
  const [essence, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (essence !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return !strictJson(body);
  if (!charset.startsWith('utf-16')) return true; // 415: express.json() decodes only UTF charsets
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
