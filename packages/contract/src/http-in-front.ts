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

/**
 * Express's `express.json()` (its default `type`): `application/json` with a body that is not
 * JSON, or not in UTF-8 (it decodes the declared charset, turning UTF-8 JSON into garbage).
 */
export const refusedInFrontByExpressJson: RefusedInFront = (contentType, body) => {
  if (body === undefined || body === '') return false;
  const [essence, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (essence !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  return !parses(body) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8');
};

/** The option as a function (never refuses when unset). */
export function refusedInFront(option: boolean | RefusedInFront | undefined): RefusedInFront {
  return typeof option === 'function' ? option : option === true ? jsonValidatorRefuses : () => false;
}
