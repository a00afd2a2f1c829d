/**
 * From a request's content to what the store writes: the media type decides the format
 * (content-type.ts), the body is read once and bounded (body.ts, json.ts), a patch is
 * checked before any round trip and applied to the current value inside the store's update,
 * and the application's `parse` has the last word on every value written.
 */
import { type BodyLimits, type ReadBody, readJsonContent } from './body.js';
import { contentFormat } from './content-type.js';
import { checkJsonValue } from './json.js';
import { jsonRepresentation } from './json-representation.js';
import { applyJsonPatch, parseJsonPatch } from './patch/json-patch.js';
import { keepStored } from './patch/keep-stored.js';
import { applyMergePatch } from './patch/merge.js';
import { isHttpProblem, problem } from './problem.js';

/** How a resource reads and checks content. */
export interface ContentRules<T> {
  readonly limits: BodyLimits;
  /** The application's `parse`; without one, a body is the value as it is. */
  readonly parse: ((body: unknown) => T) | undefined;
}

/** The value a PUT or POST carries, checked by `parse`; throws an `HttpProblem` when refused. */
export async function representationContent<T>(
  request: Request,
  method: 'PUT' | 'POST',
  rules: ContentRules<T>,
  body: ReadBody | undefined,
): Promise<T> {
  const format = contentFormat(method, request.headers.get('content-type'));
  if (typeof format !== 'string') throw format;
  return parsed(rules, await readJsonContent(request, rules.limits, body));
}

/**
 * A PATCH's change: read and checked now (a malformed patch is 400 before any round trip),
 * applied later to the current value by the store's update, which may call it more than once
 * (it is pure: it never modifies the patch or the value it is given). It applies to the
 * value's JSON representation, the document a GET answers (see `jsonRepresentation`: a
 * bigint stays a bigint there), not to whatever objects the store returned. Without a `parse`,
 * every part the patch left as it was is then written back as stored (`keepStored`: a Date
 * stays a Date, a Set a Set); with one, `parse` gets the patched document, as a PUT's body.
 */
export async function patchContent<T>(
  request: Request,
  rules: ContentRules<T>,
  body: ReadBody | undefined,
): Promise<(current: unknown) => T> {
  const format = contentFormat('PATCH', request.headers.get('content-type'));
  if (typeof format !== 'string') throw format;
  const patch = await readJsonContent(request, rules.limits, body);
  if (format === 'json-patch') parseJsonPatch(patch);
  const apply = format === 'json-patch' ? applyJsonPatch : applyMergePatch;
  return (current) => {
    const document = jsonRepresentation(current);
    // No deeper than a body may nest: repeated patches cannot grow a record without bound. A
    // bigint in it comes from the stored value or from the patch (an integer a double cannot
    // hold, read exactly) and is kept.
    const result = checkJsonValue(apply(document, patch), rules.limits.maxDepth, { bigints: true });
    // Without a `parse` of its own, what the patch left alone is written back as stored.
    return rules.parse === undefined ? (keepStored(result, document, current) as T) : parsed(rules, result);
  };
}

/** `parse`, with anything it throws that is not an `HttpProblem` answered as 422 with its message. */
function parsed<T>(rules: ContentRules<T>, value: unknown): T {
  if (rules.parse === undefined) return value as T;
  try {
    return rules.parse(value);
  } catch (error) {
    if (isHttpProblem(error)) throw error;
    throw problem(422, 'Unprocessable Content', error instanceof Error ? error.message : String(error));
  }
}
