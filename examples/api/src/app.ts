/**
 * The orders API on node:http, built from @ifmatch/core's pieces: the §13.2.2 decision for
 * reads, and preconditions turned into a write condition that the store applies atomically.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  applyMergePatch,
  evaluatePreconditions,
  formatEntityTag,
  formatHttpDate,
  IfMatchError,
  type PreconditionPolicy,
  preconditionsToWriteCondition,
  type Store,
  type StoredRecord,
  type WriteOutcome,
} from '@ifmatch/core';
import { type Order, validateOrder } from './orders.js';

/** Every write must say which version it is based on (or that it creates). */
export const POLICY: PreconditionPolicy = { requireFor: ['PUT', 'PATCH', 'DELETE'] };

const MAX_BODY_BYTES = 1 << 20;

type OrderRecord = StoredRecord<string, Order>;

export interface ConflictEvent {
  readonly method: string;
  readonly id: string;
  readonly currentEtag?: string;
}

export interface OrdersApiOptions {
  readonly store: Store<string, Order>;
  /** Called on every 412, so operators can watch conflict rates. */
  readonly onConflict?: (event: ConflictEvent) => void;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

function representationHeaders(record: OrderRecord): Record<string, string> {
  return {
    ETag: formatEntityTag(record.etag),
    'Last-Modified': formatHttpDate(record.lastModified),
    // Caches may keep it, but must revalidate: the 304 path is what makes that cheap.
    'Cache-Control': 'no-cache',
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: unknown): void {
  const text = body === undefined ? undefined : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text === undefined ? {} : { 'Content-Type': headers['Content-Type'] ?? 'application/json' }),
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  send(
    res,
    problem.status,
    { ...problem.headers, 'Content-Type': 'application/problem+json' },
    { type: 'about:blank', title: problem.title, status: problem.status, detail: problem.detail, ...problem.extra },
  );
}

function preconditionFailed(current: OrderRecord | undefined, detail: string): HttpProblem {
  if (current === undefined) return new HttpProblem(412, 'Precondition Failed', detail);
  const etag = formatEntityTag(current.etag);
  return new HttpProblem(
    412,
    'Precondition Failed',
    detail,
    { currentEtag: etag, lastModified: formatHttpDate(current.lastModified) },
    { ETag: etag },
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpProblem(413, 'Content Too Large', `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'Bad Request', 'the body is not valid JSON');
  }
}

function order(value: unknown): Order {
  const result = validateOrder(value);
  if (typeof result === 'string') throw new HttpProblem(422, 'Unprocessable Content', result);
  return result;
}

/** Builds the request listener. */
export function createOrdersApi(options: OrdersApiOptions) {
  const { store } = options;

  /** The write condition for this request, or the 428/400 the policy demands. */
  function writeCondition(req: IncomingMessage) {
    const method = req.method ?? 'GET';
    const result = preconditionsToWriteCondition(method, req.headers, POLICY);
    if (result.outcome === 'condition') return result.condition;
    if (result.outcome === 'precondition-required') {
      throw new HttpProblem(
        result.status,
        'Precondition Required',
        'send If-Match with the ETag you last read, or If-None-Match: * to create',
      );
    }
    throw new HttpProblem(400, 'Bad Request', `malformed ${result.header}: ${result.reason}`);
  }

  /** Turns a failed write into the right problem; `missing` is the status for an absent record. */
  function failure(
    req: IncomingMessage,
    id: string,
    outcome: Exclude<WriteOutcome<string, Order>, { ok: true }>,
    missing: 404 | 412,
  ): HttpProblem {
    if (outcome.reason === 'not-found' && missing === 404) {
      return new HttpProblem(404, 'Not Found', `no order ${id}`);
    }
    const current = outcome.reason === 'precondition-failed' ? outcome.current : undefined;
    options.onConflict?.({
      method: req.method ?? '',
      id,
      currentEtag: current && formatEntityTag(current.etag),
    });
    return preconditionFailed(
      current,
      current === undefined
        ? `order ${id} does not exist`
        : `order ${id} has changed since you read it: re-read it and apply your change again`,
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/orders') {
      if (method !== 'POST') throw new HttpProblem(405, 'Method Not Allowed', 'use POST', {}, { Allow: 'POST' });
      const id = randomUUID();
      const outcome = await store.create(id, order(await readJson(req)));
      if (!outcome.ok) throw new HttpProblem(500, 'Internal Server Error', 'a fresh id already exists');
      return send(
        res,
        201,
        { ...representationHeaders(outcome.record), Location: `/orders/${id}` },
        outcome.record.value,
      );
    }
    const match = /^\/orders\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (!match) throw new HttpProblem(404, 'Not Found', `no resource at ${url.pathname}`);
    const id = match[1];

    switch (method) {
      case 'GET':
      case 'HEAD': {
        const record = await store.get(id);
        // §13.2.1: a missing order is a 404 whatever the preconditions say.
        if (record === undefined) throw new HttpProblem(404, 'Not Found', `no order ${id}`);
        const decision = evaluatePreconditions(method, req.headers, {
          exists: true,
          etag: record.etag,
          lastModified: record.lastModified,
        });
        if (decision.outcome === 'not-modified') return send(res, 304, representationHeaders(record));
        if (decision.outcome === 'precondition-failed') {
          throw preconditionFailed(record, `${decision.header} does not hold for order ${id}`);
        }
        return send(res, 200, representationHeaders(record), record.value);
      }
      case 'PUT': {
        const condition = writeCondition(req);
        const outcome = await store.put(id, order(await readJson(req)), condition);
        if (!outcome.ok) throw failure(req, id, outcome, 412);
        const headers = representationHeaders(outcome.record);
        return send(
          res,
          outcome.created ? 201 : 200,
          outcome.created ? { ...headers, Location: `/orders/${id}` } : headers,
          outcome.record.value,
        );
      }
      case 'PATCH': {
        const condition = writeCondition(req);
        const patch = await readJson(req);
        const outcome = await store.update(id, (current) => order(applyMergePatch(current, patch)), condition);
        if (!outcome.ok) throw failure(req, id, outcome, 404);
        return send(res, 200, representationHeaders(outcome.record), outcome.record.value);
      }
      case 'DELETE': {
        const outcome = await store.delete(id, writeCondition(req));
        if (!outcome.ok) throw failure(req, id, outcome, 404);
        return send(res, 204, {});
      }
      default:
        throw new HttpProblem(
          405,
          'Method Not Allowed',
          `${method} is not supported`,
          {},
          {
            Allow: 'GET, HEAD, PUT, PATCH, DELETE',
          },
        );
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await route(req, res);
    } catch (error) {
      if (error instanceof HttpProblem) return sendProblem(res, error);
      if (error instanceof IfMatchError && (error.code === 'THROTTLED' || error.code === 'TRANSPORT')) {
        // Not a conflict: the client may retry the same request later.
        return sendProblem(
          res,
          new HttpProblem(503, 'Service Unavailable', 'the database is busy; retry', {}, { 'Retry-After': '1' }),
        );
      }
      console.error(error);
      sendProblem(res, new HttpProblem(500, 'Internal Server Error', 'unexpected error'));
    }
  };
}
