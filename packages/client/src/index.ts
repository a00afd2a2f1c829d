/**
 * @ifmatch/client: a `fetch` wrapper for APIs that use ETags. It remembers the tag (and body)
 * of what it read, revalidates with `If-None-Match` (serving its copy on 304), sends
 * `If-Match` on every write, and on 412 re-reads and re-applies the caller's change with
 * bounded, jittered retries. It never writes without a precondition, so it never silently
 * overwrites, and it never retries anything but a conflict.
 */
import { CONFLICT, IfMatchError, type RetryOptions, retryOnConflict } from '@ifmatch/core';
import { readJson } from './read-json.js';
import { writeJson } from './write-json.js';

export interface ClientOptions {
  /** The fetch to use (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** Bounds for `update`'s retries (default: core's `RetryOptions` defaults). */
  readonly retry?: RetryOptions;
  /** Headers sent with every request (authorisation, say). */
  readonly headers?: HeadersInit;
  /**
   * How an integer outside ±(2^53 − 1) in a response body is read. `'bigint'` (default): as a
   * bigint with all its digits, so a value read and written back (`update`) keeps them; a
   * `bigint` sent is always written as its digits. `'number'`: as `JSON.parse` reads it, the
   * nearest double. Only integer tokens (no fraction, no exponent) change: `1.5e300` is still a
   * number, but a double the server wrote as digits (`JSON.stringify(1e20)` is
   * `100000000000000000000`) is a bigint, as the text cannot tell the two apart.
   */
  readonly largeIntegers?: 'bigint' | 'number';
}

/** A representation the client read or wrote. */
export interface Representation<T> {
  readonly url: string;
  readonly value: T;
  /** The formatted `ETag` header, e.g. `"v3"`. */
  readonly etag: string;
}

/** The outcome of a write: a conflict is an outcome, like the store's. */
export type WriteResult<T> =
  | { readonly ok: true; readonly status: number; readonly representation: Representation<T> | undefined }
  /** 412: the resource changed (or, with `If-Match`, is gone); `currentEtag` when the server said. */
  | { readonly ok: false; readonly status: 412; readonly currentEtag: string | undefined };

/** An answer the client does not handle as an outcome (4xx other than 412, 5xx). */
export class HttpStatusError extends Error {
  readonly status: number;
  /** The RFC 9457 problem document, when the server sent one. */
  readonly problem: unknown;

  constructor(status: number, problem: unknown, message: string) {
    super(message);
    this.name = 'HttpStatusError';
    this.status = status;
    this.problem = problem;
  }
}

export interface Client {
  /** GET, revalidating a copy it holds (`If-None-Match`); `undefined` for 404. */
  get<T>(url: string): Promise<Representation<T> | undefined>;
  /**
   * PUT with `If-Match` (the tag last seen for `url`, or `expectedEtag`); PUT with `If-None-Match: *`
   * when `create`. The body is the value's JSON, a bigint written as its digits; a value JSON
   * cannot carry (a function, a symbol, NaN, a cycle) rejects with `INVALID_VALUE`, nothing sent.
   */
  put<T>(url: string, value: T, options?: { expectedEtag?: string; create?: boolean }): Promise<WriteResult<T>>;
  /**
   * Read, change, write with `If-Match`; on 412 read again and re-apply `change`, with
   * jittered backoff, `RETRIES_EXHAUSTED` after the last attempt. `change` may run more than
   * once: keep it pure. Rejects with `HttpStatusError` 404 when there is nothing to update,
   * and with `INVALID_VALUE` (nothing sent) when `change` returns a value JSON cannot carry.
   */
  update<T>(url: string, change: (current: T) => T | Promise<T>, retry?: RetryOptions): Promise<Representation<T>>;
  /** DELETE with `If-Match` (the tag last seen, or `expectedEtag`). */
  delete(url: string, options?: { expectedEtag?: string }): Promise<WriteResult<never>>;
  /** Forgets what it holds for `url` (or everything). */
  forget(url?: string): void;
}

export function createClient(options: ClientOptions = {}): Client {
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  const largeIntegers = options.largeIntegers ?? 'bigint';
  if (largeIntegers !== 'bigint' && largeIntegers !== 'number') {
    throw new TypeError(`largeIntegers is 'bigint' or 'number', not ${String(largeIntegers)}`);
  }
  const copies = new Map<string, Representation<unknown>>();

  /** Sends a request; failures of the network become typed errors, never conflicts. */
  const send = async (url: string, init: RequestInit, writes: boolean): Promise<Response> => {
    const headers = new Headers(options.headers);
    new Headers(init.headers).forEach((value, name) => {
      headers.set(name, value);
    });
    let response: Response;
    try {
      response = await fetcher(url, { ...init, headers });
    } catch (error) {
      // The request may have reached the server: for a write, its outcome is unknown.
      throw new IfMatchError(
        writes ? 'OUTCOME_UNKNOWN' : 'TRANSPORT',
        `${init.method ?? 'GET'} ${url} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (response.status === 503 || response.status === 429) {
      throw new IfMatchError('THROTTLED', `${init.method ?? 'GET'} ${url}: ${response.status}`, {
        cause: await problemOf(response),
      });
    }
    if (response.status === 504) {
      throw new IfMatchError(
        'OUTCOME_UNKNOWN',
        `${init.method ?? 'GET'} ${url}: 504, the write may have been applied`,
        {
          cause: await problemOf(response),
        },
      );
    }
    return response;
  };

  const unexpected = async (response: Response, what: string) =>
    new HttpStatusError(response.status, await problemOf(response), `${what}: unexpected ${response.status}`);

  /**
   * The representation a response carries, held for later conditional requests. `sent`: the
   * body a PUT sent. A PUT answered with an `ETag` and no body stored exactly that content (RFC
   * 9110 §9.3.4: a server sends a validator in answer to a PUT only when it saved the content
   * without transforming it), so the representation is that body, read as a response's would be.
   */
  const remember = async <T>(
    url: string,
    response: Response,
    sent?: string,
  ): Promise<Representation<T> | undefined> => {
    const etag = response.headers.get('etag');
    const text = await response.text();
    if (etag === null || (text === '' && sent === undefined)) {
      copies.delete(url);
      return undefined;
    }
    const representation = {
      url,
      value: readJson(text === '' ? (sent as string) : text, largeIntegers) as T,
      etag,
    };
    copies.set(url, representation);
    return representation;
  };

  const get = async <T>(url: string): Promise<Representation<T> | undefined> => {
    const held = copies.get(url) as Representation<T> | undefined;
    const response = await send(url, { headers: held ? { 'If-None-Match': held.etag } : {} }, false);
    if (response.status === 304 && held) return held;
    if (response.status === 404) {
      copies.delete(url);
      return undefined;
    }
    if (!response.ok) throw await unexpected(response, `GET ${url}`);
    return remember<T>(url, response);
  };

  const write = async <T>(url: string, init: RequestInit): Promise<WriteResult<T>> => {
    const response = await send(url, init, true);
    if (response.status === 412) {
      copies.delete(url);
      const problem = (await problemOf(response)) as { currentEtag?: string } | undefined;
      return { ok: false, status: 412, currentEtag: response.headers.get('etag') ?? problem?.currentEtag };
    }
    if (!response.ok) throw await unexpected(response, `${init.method} ${url}`);
    if (init.method === 'DELETE') {
      copies.delete(url);
      return { ok: true, status: response.status, representation: undefined };
    }
    return {
      ok: true,
      status: response.status,
      representation: await remember<T>(url, response, typeof init.body === 'string' ? init.body : undefined),
    };
  };

  /** The precondition for a write: never none. */
  const precondition = (
    url: string,
    expectedEtag: string | undefined,
    create: boolean | undefined,
  ): Record<string, string> => {
    if (create) return { 'If-None-Match': '*' };
    const etag = expectedEtag ?? copies.get(url)?.etag;
    if (etag === undefined) {
      throw new TypeError(`no ETag known for ${url}: read it first, pass expectedEtag, or create`);
    }
    return { 'If-Match': etag };
  };

  return {
    get,
    put: async (url, value, writeOptions = {}) =>
      write(url, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...precondition(url, writeOptions.expectedEtag, writeOptions.create),
        },
        body: writeJson(value),
      }),
    update: <T>(url: string, change: (current: T) => T | Promise<T>, retry = options.retry) =>
      retryOnConflict<Representation<T>>(async () => {
        const current = await get<T>(url);
        if (current === undefined) throw new HttpStatusError(404, undefined, `PUT ${url}: nothing to update`);
        const next = await change(current.value);
        const result = await write<T>(url, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'If-Match': current.etag },
          body: writeJson(next),
        });
        if (!result.ok) return CONFLICT;
        if (result.representation !== undefined) return result.representation;
        // Written, but the answer carries no tag: the record's is unknown here (the one read is
        // stale now), so read the record as it is.
        const written = await get<T>(url);
        if (written === undefined) throw new HttpStatusError(404, undefined, `GET ${url}: gone right after the update`);
        return written;
      }, retry),
    delete: async (url, deleteOptions = {}) =>
      write<never>(url, { method: 'DELETE', headers: precondition(url, deleteOptions.expectedEtag, false) }),
    forget(url) {
      if (url === undefined) copies.clear();
      else copies.delete(url);
    },
  };
}

async function problemOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
