/**
 * One keyed resource served from any `Store` on the Fetch API: the dispatcher. GET/HEAD with
 * validators and 304s; PUT, PATCH and DELETE whose preconditions the store applies atomically;
 * create by POST or by PUT with `If-None-Match: *`; OPTIONS; 405 for the rest. What each step
 * means lives in its own module: content (content.ts), preconditions (preconditions.ts),
 * responses (responses.ts), store errors (store-errors.ts).
 */
import {
  evaluatePreconditions,
  formatEntityTag,
  isIfMatchError,
  type StoredRecord,
  type WriteOutcome,
} from '@ifmatch/core';
import type { ReadBody } from './body.js';
import { type ContentRules, patchContent, representationContent } from './content.js';
import { DEFAULT_MAX_DEPTH } from './json.js';
import type { ErrorEvent, HandleOptions, Resource, ResourceOptions } from './options.js';
import { beforeContent, DEFAULT_REQUIRE, policyFor, writeCondition } from './preconditions.js';
import { type HttpProblem, isHttpProblem, problemResponse } from './problem.js';
import {
  COLLECTION_METHODS,
  lastModifiedOf,
  location,
  methodNotAllowed,
  notFound,
  options as optionsResponse,
  preconditionFailed,
  RECORD_METHODS,
  representation,
  validators,
  withoutContent,
} from './responses.js';
import { STORE_ERROR_ANSWERS, storeErrorResponse } from './store-errors.js';

/** Serves one keyed resource from a store. */
export function createResource<T, K, C = undefined>(options: ResourceOptions<T, K, C>): Resource<K, C> {
  const { store } = options;
  const require = options.require ?? DEFAULT_REQUIRE;
  const formatKey = options.formatKey ?? String;
  const rules: ContentRules<T> = {
    parse: options.parse,
    limits: { maxBodyBytes: options.maxBodyBytes ?? 1 << 20, maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH },
  };
  const newKey = boundNewKey(options.newKey);
  const onError = options.onError ?? logServerErrors;
  const policy = (method: string) => policyFor(method, require, options.malformedStatus);

  /** A failed write as a response, reported to `onConflict`; `missing` is what an absent record answers (§13.2.1). */
  const failure = (
    method: string,
    key: K,
    outcome: Exclude<WriteOutcome<T, K>, { ok: true }>,
    missing: 404 | 412,
  ): Response => {
    const current = outcome.reason === 'precondition-failed' ? outcome.current : undefined;
    options.onConflict?.({
      method,
      key,
      reason: outcome.reason,
      ...(current ? { currentEtag: formatEntityTag(current.etag) } : {}),
    });
    if (current === undefined && missing === 404) return notFound(formatKey(key));
    return preconditionFailed(
      current === undefined
        ? `${formatKey(key)} does not exist`
        : `${formatKey(key)} has changed since you read it: read it again and re-apply your change`,
      current,
    );
  };

  /**
   * The content was refused before any write: evaluate the preconditions first (§13.2.1),
   * against the current record, so a stale tag is a 412 whatever the body. This read happens
   * only on this error path; a request that succeeds costs one round trip.
   */
  const refused = async (request: Request, key: K, refusal: HttpProblem, missing: 404 | 412): Promise<Response> => {
    const current = await store.get(key);
    const decision = beforeContent(
      request,
      current as StoredRecord<unknown, unknown> | undefined,
      missing,
      policy(request.method),
    );
    if (decision === 'not-found') return failure(request.method, key, { ok: false, reason: 'not-found' }, 404);
    if (decision === 'precondition-failed') {
      const outcome = current
        ? ({ ok: false, reason: 'precondition-failed', current } as const)
        : ({ ok: false, reason: 'not-found' } as const);
      return failure(request.method, key, outcome, 412);
    }
    return problemResponse(refusal.problem, refusal.headers);
  };

  /** Reads the content, or answers its refusal after the preconditions. */
  const content = async <V>(
    request: Request,
    key: K,
    missing: 404 | 412,
    read: () => Promise<V>,
  ): Promise<{ readonly ok: true; readonly value: V } | { readonly ok: false; readonly response: Response }> => {
    try {
      return { ok: true, value: await read() };
    } catch (error) {
      if (isHttpProblem(error)) return { ok: false, response: await refused(request, key, error, missing) };
      throw error;
    }
  };

  const get = async (request: Request, key: K): Promise<Response> => {
    const record = await store.get(key);
    // §13.2.1: a missing record is a 404 whatever the preconditions say.
    if (record === undefined) return notFound(formatKey(key));
    const target = { exists: true, etag: record.etag, lastModified: lastModifiedOf(record) };
    const decision = evaluatePreconditions(request.method, request.headers, target, policy('GET'));
    if (decision.outcome === 'not-modified') return new Response(null, { status: 304, headers: validators(record) });
    if (decision.outcome === 'precondition-failed') {
      return preconditionFailed(`${decision.header} does not hold for ${formatKey(key)}`, record);
    }
    if (decision.outcome === 'bad-request') {
      return problemResponse({ status: 400, title: 'Bad Request', detail: decision.reason });
    }
    return representation(record);
  };

  const put = async (request: Request, key: K, body: ReadBody | undefined): Promise<Response> => {
    const condition = writeCondition(request, policy('PUT'));
    const value = await content(request, key, 412, () => representationContent(request, 'PUT', rules, body));
    if (!value.ok) return value.response;
    const outcome = await store.put(key, value.value, condition);
    if (!outcome.ok) return failure('PUT', key, outcome, 412);
    return outcome.created
      ? representation(outcome.record, 201, { Location: location(request, options.baseUrl) })
      : representation(outcome.record);
  };

  const patch = async (request: Request, key: K, body: ReadBody | undefined): Promise<Response> => {
    const condition = writeCondition(request, policy('PATCH'));
    const change = await content(request, key, 404, () => patchContent(request, rules, body));
    if (!change.ok) return change.response;
    // The store checks the condition before it calls `change`: a stale tag is a 412 even
    // when the patch would not apply.
    const outcome = await store.update(key, change.value, condition);
    if (!outcome.ok) return failure('PATCH', key, outcome, 404);
    return representation(outcome.record);
  };

  const remove = async (request: Request, key: K): Promise<Response> => {
    const outcome = await store.delete(key, writeCondition(request, policy('DELETE')));
    if (!outcome.ok) return failure('DELETE', key, outcome, 404);
    return new Response(null, { status: 204 });
  };

  const post = async (request: Request, handle: HandleOptions<C>): Promise<Response> => {
    if (newKey === undefined) return methodNotAllowed('POST', 'OPTIONS');
    const key = newKey(request, handle.context as C);
    // A new key has no record and so no preconditions to evaluate first: a refusal is final.
    const value = await representationContent(request, 'POST', rules, handle.body);
    const outcome = await store.create(key, value);
    if (!outcome.ok) return failure('POST', key, outcome, 412);
    const segment = encodeURIComponent(formatKey(key));
    return representation(outcome.record, 201, { Location: location(request, options.baseUrl, segment) });
  };

  /** Problems become responses; store errors become their documented answer (never a 412); anything else rejects. */
  const answer = async (
    request: Request,
    key: K | undefined,
    context: C | undefined,
    run: () => Promise<Response>,
  ): Promise<Response> => {
    try {
      const response = await run();
      return request.method === 'HEAD' ? withoutContent(response) : response;
    } catch (error) {
      if (isHttpProblem(error)) return problemResponse(error.problem, error.headers);
      if (!isIfMatchError(error)) throw error;
      const status = STORE_ERROR_ANSWERS[error.code]?.status ?? 500;
      onError(error, {
        method: request.method,
        status,
        request,
        ...(key === undefined ? {} : { key }),
        ...(context === undefined ? {} : { context }),
      });
      return storeErrorResponse(error);
    }
  };

  return {
    handle: (request, key, handle = {}) =>
      answer(request, key, handle.context, async () => {
        switch (request.method) {
          case 'GET':
          case 'HEAD':
            return get(request, key);
          case 'PUT':
            return put(request, key, handle.body);
          case 'PATCH':
            return patch(request, key, handle.body);
          case 'DELETE':
            return remove(request, key);
          case 'OPTIONS':
            return optionsResponse(RECORD_METHODS);
          default:
            return methodNotAllowed(request.method, RECORD_METHODS);
        }
      }),
    create: (request, handle = {}) =>
      answer(request, undefined, handle.context, async () => {
        const allow = newKey === undefined ? 'OPTIONS' : COLLECTION_METHODS;
        if (request.method === 'OPTIONS') return optionsResponse(allow);
        if (request.method !== 'POST') return methodNotAllowed(request.method, allow);
        return post(request, handle);
      }),
  };
}

/**
 * `newKey: crypto.randomUUID` is what people write, and Web Crypto's `randomUUID` needs
 * `crypto` as its `this` (browsers, Deno, workers throw "Illegal invocation" without it):
 * bind it. Any other function is called with the request and the context.
 */
function boundNewKey<K, C>(
  newKey: ResourceOptions<unknown, K, C>['newKey'],
): ((request: Request, context: C) => K) | undefined {
  if (newKey === undefined) return undefined;
  const webCrypto = globalThis.crypto as Crypto | undefined;
  if (webCrypto !== undefined && newKey === (webCrypto.randomUUID as unknown)) return () => webCrypto.randomUUID() as K;
  return newKey as (request: Request, context: C) => K;
}

/** The default error hook: a 5xx is the server's failure, and an operator must be able to see it. */
function logServerErrors(error: unknown, event: ErrorEvent<unknown, unknown>): void {
  if (event.status >= 500) console.error(`ifmatch: ${event.method} answered ${event.status}:`, error);
}
