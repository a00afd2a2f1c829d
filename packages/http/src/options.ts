/**
 * What a resource is configured with, and the events its hooks receive.
 */
import type { Store } from '@ifmatch/core';
import type { ReadBody } from './body.js';

/** A 412 (or another failed write) as the conflict hook sees it. */
export interface ConflictEvent<K> {
  readonly method: string;
  readonly key: K;
  /** `precondition-failed`: someone changed it; `not-found`: it is gone (or never was). */
  readonly reason: 'precondition-failed' | 'not-found';
  /** The current tag, formatted, when there is a current record. */
  readonly currentEtag?: string;
}

/** A store error as the error hook sees it, with the status it was answered with. */
export interface ErrorEvent<K, C = undefined> {
  readonly method: string;
  /** The record's key; absent when the error came before one was chosen. */
  readonly key?: K;
  /** The status answered (see the error table): 5xx for the server's failures, 422 for a value the store refused. */
  readonly status: number;
  readonly request: Request;
  /** The integration's context (Fastify's `request`, whose `log` its integration logs to). */
  readonly context?: C;
}

/**
 * @typeParam T - the stored value
 * @typeParam K - the key
 * @typeParam C - what an integration passes along with each request (Express's `req`,
 *   Fastify's `request`, Hono's context): `newKey` receives it, for keys scoped to a tenant or
 *   a user. `undefined` on the plain Fetch API.
 */
export interface ResourceOptions<T, K, C = undefined> {
  readonly store: Store<T, K>;
  /**
   * Turns a request body (parsed JSON; for PATCH, the patched value) into a value, or throws:
   * an `HttpProblem` answers as itself, anything else as 422 with its message. Default: the
   * body as it is.
   */
  readonly parse?: (body: unknown) => T;
  /**
   * Which writes must carry `If-Match` or `If-None-Match`, and the status when they do not:
   * 428 (RFC 6585) or 400. Default: PUT, PATCH and DELETE, with 428.
   */
  readonly require?: Partial<Record<'PUT' | 'PATCH' | 'DELETE', 428 | 400>>;
  /** A malformed `If-Match` / `If-None-Match`: 412 (default) or 400; see core's policy. */
  readonly malformedStatus?: 412 | 400;
  /**
   * The key for `POST` (create with a key the server chooses). Without it, POST is 405.
   * Receives the request and the integration's context: `(request, req) => \`${req.user.tenant}:${randomUUID()}\``.
   * `crypto.randomUUID` (Web Crypto or `node:crypto`) may be passed as it is.
   */
  readonly newKey?: ((request: Request, context: C) => K) | (() => K);
  /** How a key appears in a `Location` URL (default `String(key)`). */
  readonly formatKey?: (key: K) => string;
  /**
   * The absolute URL the API is reached at, for `Location` (`https://api.example.com`): the
   * request's path is appended. Default: `Location` is the path alone, a relative reference
   * (RFC 9110 §10.2.2). Never taken from the request's `Host`.
   */
  readonly baseUrl?: string;
  /** Called on every 412 and on writes that found nothing: count and log conflicts here. */
  readonly onConflict?: (event: ConflictEvent<K>) => void;
  /**
   * Called with every store error the resource answers (see the error table), so operators see
   * what a client only sees as a 5xx. Default: `console.error` for the 5xx ones. Errors that
   * are not the store's are not answered here: they reject, for the framework's own error
   * handling (Express's `next(err)`, Fastify's logger).
   */
  readonly onError?: (error: unknown, event: ErrorEvent<K, C>) => void;
  /** Largest body accepted, in bytes (default 1 MiB): larger is 413. */
  readonly maxBodyBytes?: number;
  /** Deepest JSON nesting accepted in a body or a patched value (default 64): deeper is 422. */
  readonly maxDepth?: number;
}

/** What an integration passes with one request. */
export interface HandleOptions<C = undefined> {
  /** The body a framework already read; without it, the request's own stream is read. */
  readonly body?: ReadBody | undefined;
  /** The framework's context, handed to `newKey`. */
  readonly context?: C | undefined;
}

/** One keyed resource. Both methods resolve to a response for every request a client can send. */
export interface Resource<K, C = undefined> {
  /** GET, HEAD, PUT, PATCH, DELETE and OPTIONS of the record at `key`; any other method is 405. */
  handle(request: Request, key: K, options?: HandleOptions<C>): Promise<Response>;
  /** The collection: POST creates a record under `newKey(request, context)`; OPTIONS; else 405. */
  create(request: Request, options?: HandleOptions<C>): Promise<Response>;
}
