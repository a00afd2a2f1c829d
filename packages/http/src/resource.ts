/**
 * One keyed resource served from any `Store` on the Fetch API: GET/HEAD with validators and
 * 304s, PUT/PATCH/DELETE whose preconditions the store applies atomically, create by POST or
 * by PUT with `If-None-Match: *`, and RFC 9457 problems for 412, 428 and the rest.
 */
import {
  applyMergePatch,
  evaluatePreconditions,
  formatEntityTag,
  formatHttpDate,
  type IfMatchError,
  isIfMatchError,
  type PreconditionPolicy,
  preconditionsToWriteCondition,
  type Store,
  type StoredRecord,
  type WriteCondition,
  type WriteOutcome,
} from '@ifmatch/core';
import { HttpProblem, problemResponse } from './problem.js';

/** A 412 (or another failed write) as the conflict hook sees it. */
export interface ConflictEvent<K> {
  readonly method: string;
  readonly key: K;
  /** `precondition-failed`: someone changed it; `not-found`: it is gone (or never was). */
  readonly reason: 'precondition-failed' | 'not-found';
  /** The current tag, formatted, when there is a current record. */
  readonly currentEtag?: string;
}

export interface ResourceOptions<T, K> {
  readonly store: Store<T, K>;
  /**
   * Turns a request body (parsed JSON) into a value, or throws: an `HttpProblem` answers as
   * itself, anything else as 422 with its message. Default: the body as it is.
   */
  readonly parse?: (body: unknown) => T;
  /**
   * Which writes must carry `If-Match` or `If-None-Match`, and the status when they do not:
   * 428 (RFC 6585) or 400. Default: PUT, PATCH and DELETE, with 428.
   */
  readonly require?: Partial<Record<'PUT' | 'PATCH' | 'DELETE', 428 | 400>>;
  /** A malformed `If-Match` / `If-None-Match`: 412 (default) or 400; see core's policy. */
  readonly malformedStatus?: 412 | 400;
  /** The key for `POST` (create with a key the server chooses). Without it, POST is 405. */
  readonly newKey?: () => K;
  /** How a key appears in a `Location` URL (default `String(key)`). */
  readonly formatKey?: (key: K) => string;
  /** Called on every 412 and on writes that found nothing: count and log conflicts here. */
  readonly onConflict?: (event: ConflictEvent<K>) => void;
  /** Largest body accepted, in bytes (default 1 MiB): larger is 413. */
  readonly maxBodyBytes?: number;
}

export interface Resource<K> {
  /** GET, HEAD, PUT, PATCH and DELETE of the record at `key`. */
  handle(request: Request, key: K): Promise<Response>;
  /** POST to the collection: creates a record under `newKey()`. */
  create(request: Request): Promise<Response>;
}

const DEFAULT_REQUIRE = { PUT: 428, PATCH: 428, DELETE: 428 } as const;

/** `ETag` and `Last-Modified` of a record. */
export function validators(record: StoredRecord<unknown, unknown>): Record<string, string> {
  const etag = { ETag: formatEntityTag(record.etag) };
  // A record no store has written yet has no modification time: no Last-Modified (RFC 9110 §8.8.2).
  return record.lastModified === undefined ? etag : { ...etag, 'Last-Modified': formatHttpDate(record.lastModified) };
}

function representation(record: StoredRecord<unknown, unknown>, status = 200, extra: HeadersInit = {}): Response {
  const headers = new Headers(extra);
  for (const [name, value] of Object.entries(validators(record))) headers.set(name, value);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(record.value), { status, headers });
}

/** 412 with the current record's tag in the body and in `ETag`, so the client can re-read. */
function preconditionFailed(detail: string, current?: StoredRecord<unknown, unknown>): Response {
  if (current === undefined) return problemResponse({ status: 412, title: 'Precondition Failed', detail });
  const tags = validators(current);
  return problemResponse(
    { status: 412, title: 'Precondition Failed', detail, currentEtag: tags.ETag, lastModified: tags['Last-Modified'] },
    { ETag: tags.ETag },
  );
}

/** Serves one keyed resource from a store. */
export function createResource<T, K>(options: ResourceOptions<T, K>): Resource<K> {
  const { store } = options;
  const parse = options.parse ?? ((body: unknown) => body as T);
  const require = options.require ?? DEFAULT_REQUIRE;
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const formatKey = options.formatKey ?? String;

  const policyFor = (method: string): PreconditionPolicy => {
    const status = require[method as keyof typeof require];
    return {
      ...(status === undefined ? {} : { requireFor: [method], missingStatus: status }),
      ...(options.malformedStatus === undefined ? {} : { malformedStatus: options.malformedStatus }),
    };
  };

  /** The write condition, or the 428/400 the policy demands. */
  const writeCondition = (request: Request): WriteCondition => {
    const result = preconditionsToWriteCondition(request.method, request.headers, policyFor(request.method));
    if (result.outcome === 'condition') return result.condition;
    if (result.outcome === 'precondition-required') {
      throw new HttpProblem({
        status: result.status,
        title: result.status === 428 ? 'Precondition Required' : 'Bad Request',
        detail: 'send If-Match with the ETag you last read, or If-None-Match: * to create',
      });
    }
    throw new HttpProblem({
      status: 400,
      title: 'Bad Request',
      detail: `malformed ${result.header}: ${result.reason}`,
    });
  };

  /** Reads the body as JSON, stopping as soon as it passes the limit (nothing huge is buffered). */
  const readBody = async (request: Request): Promise<unknown> => {
    if (Number(request.headers.get('content-length')) > maxBodyBytes) throw tooLarge();
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (request.body !== null) {
      const reader = request.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBodyBytes) {
          await reader.cancel();
          throw tooLarge();
        }
        chunks.push(value);
      }
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new HttpProblem({ status: 400, title: 'Bad Request', detail: 'the body is not valid JSON' });
    }
  };
  const tooLarge = () =>
    new HttpProblem({ status: 413, title: 'Content Too Large', detail: `the body exceeds ${maxBodyBytes} bytes` });

  const value = (body: unknown): T => {
    try {
      return parse(body);
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      throw new HttpProblem({ status: 422, title: 'Unprocessable Content', detail: (error as Error).message });
    }
  };

  /** A failed write as a response; `missing` is what an absent record answers (§13.2.1). */
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
    if (current === undefined && missing === 404) {
      return problemResponse({ status: 404, title: 'Not Found', detail: `nothing at ${formatKey(key)}` });
    }
    return preconditionFailed(
      current === undefined
        ? `${formatKey(key)} does not exist`
        : `${formatKey(key)} has changed since you read it: read it again and re-apply your change`,
      current,
    );
  };

  const methods = async (request: Request, key: K): Promise<Response> => {
    switch (request.method) {
      case 'GET':
      case 'HEAD': {
        const record = await store.get(key);
        // §13.2.1: a missing record is a 404 whatever the preconditions say.
        if (record === undefined) {
          return problemResponse({ status: 404, title: 'Not Found', detail: `nothing at ${formatKey(key)}` });
        }
        const target = { exists: true, etag: record.etag, lastModified: record.lastModified };
        const decision = evaluatePreconditions(request.method, request.headers, target, policyFor('GET'));
        if (decision.outcome === 'not-modified')
          return new Response(null, { status: 304, headers: validators(record) });
        if (decision.outcome === 'precondition-failed') {
          return preconditionFailed(`${decision.header} does not hold for ${formatKey(key)}`, record);
        }
        if (decision.outcome === 'bad-request') {
          return problemResponse({ status: 400, title: 'Bad Request', detail: decision.reason });
        }
        return representation(record);
      }
      case 'PUT': {
        const condition = writeCondition(request);
        const outcome = await store.put(key, value(await readBody(request)), condition);
        if (!outcome.ok) return failure('PUT', key, outcome, 412);
        return outcome.created
          ? representation(outcome.record, 201, { Location: request.url })
          : representation(outcome.record);
      }
      case 'PATCH': {
        const condition = writeCondition(request);
        const patch = await readBody(request);
        const outcome = await store.update(key, (current) => value(applyMergePatch(current, patch)), condition);
        if (!outcome.ok) return failure('PATCH', key, outcome, 404);
        return representation(outcome.record);
      }
      case 'DELETE': {
        const outcome = await store.delete(key, writeCondition(request));
        if (!outcome.ok) return failure('DELETE', key, outcome, 404);
        return new Response(null, { status: 204 });
      }
      default:
        return problemResponse(
          { status: 405, title: 'Method Not Allowed', detail: `${request.method} is not supported here` },
          { Allow: 'GET, HEAD, PUT, PATCH, DELETE' },
        );
    }
  };

  /** Problems become responses; store errors become 503/504/422, never a 412. */
  const answer = async (run: () => Promise<Response>, method: string): Promise<Response> => {
    try {
      const response = await run();
      // HEAD: the same status and headers as GET, no body.
      return method === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response;
    } catch (error) {
      if (error instanceof HttpProblem) return problemResponse(error.problem, error.headers);
      if (isIfMatchError(error)) return storeErrorResponse(error);
      throw error;
    }
  };

  return {
    handle: (request, key) => answer(() => methods(request, key), request.method),
    create: (request) =>
      answer(async () => {
        if (request.method !== 'POST' || options.newKey === undefined) {
          return problemResponse(
            { status: 405, title: 'Method Not Allowed', detail: `${request.method} is not supported here` },
            { Allow: options.newKey ? 'POST' : '' },
          );
        }
        const key = options.newKey();
        const outcome = await store.create(key, value(await readBody(request)));
        if (!outcome.ok) return failure('POST', key, outcome, 412);
        const location = `${new URL(request.url).pathname.replace(/\/$/, '')}/${encodeURIComponent(formatKey(key))}`;
        return representation(outcome.record, 201, { Location: location });
      }, request.method),
  };
}

/** A store error as a response: the client may retry later; an unknown outcome says so. */
export function storeErrorResponse(error: IfMatchError): Response {
  switch (error.code) {
    case 'TRANSPORT':
    case 'THROTTLED':
      return problemResponse(
        { status: 503, title: 'Service Unavailable', detail: 'the database cannot take the request now; retry later' },
        { 'Retry-After': '1' },
      );
    case 'OUTCOME_UNKNOWN':
      return problemResponse({
        status: 504,
        title: 'Gateway Timeout',
        detail: 'the database did not answer: the write may have been applied; read the resource before retrying',
      });
    case 'INVALID_VALUE':
      return problemResponse({ status: 422, title: 'Unprocessable Content', detail: error.message });
    default:
      return problemResponse({ status: 500, title: 'Internal Server Error', detail: 'the database reported an error' });
  }
}

/** Whether a write method's precondition headers are present: for code that writes its own handlers. */
export function hasPrecondition(request: Request): boolean {
  return request.headers.has('if-match') || request.headers.has('if-none-match');
}

/**
 * A ready conflict hook that counts conflicts by method and reason (and passes each event on
 * to `log`, if given): `createResource({ store, onConflict: conflicts.onConflict })`, then
 * export `conflicts.counts` to your metrics.
 */
export function conflictCounter<K>(log?: (event: ConflictEvent<K>) => void): {
  readonly counts: ReadonlyMap<string, number>;
  onConflict(event: ConflictEvent<K>): void;
} {
  const counts = new Map<string, number>();
  return {
    counts,
    onConflict(event) {
      const name = `${event.method} ${event.reason}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      log?.(event);
    },
  };
}
