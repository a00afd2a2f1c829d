/**
 * The server and helpers every group of the HTTP conformance table shares: one server per
 * registration, a memory store whose records the table reads directly (what was really
 * persisted), and the hooks' events.
 */
import { createMemoryStore } from '@ifmatch/core';
import type { DriverRecord } from '@ifmatch/core/driver';
import { afterAll, beforeAll, expect } from 'vitest';
import { present } from './helpers.js';
import {
  type ConformanceResource,
  failingOnDemand,
  type HttpConformanceOptions,
  type Item,
  parseItem,
  type ServerUnderTest,
} from './http-fixtures.js';
import { refusedInFront } from './http-in-front.js';

/** The media types the table sends. */
export const JSON_TYPE = 'application/json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
/** A tag no record has: tags are opaque, real ones are read from responses. */
export const STALE = '"stale-made-up-tag"';

/** Starts the server (beforeAll) and returns the helpers the groups use. Call inside a describe. */
export function conformanceContext(options: HttpConformanceOptions) {
  let server: ServerUnderTest;
  let nextId = 0;
  const records = new Map<string, DriverRecord<Item, string>>();
  const conflicts: { method: string; reason: string }[] = [];
  const errors: { status: number }[] = [];
  const newKeyCalls: boolean[] = [];
  beforeAll(async () => {
    const resource: ConformanceResource = {
      store: failingOnDemand(createMemoryStore<Item, string>({ records })),
      parse: parseItem,
      newKey: (request) => {
        newKeyCalls.push(request instanceof Request);
        return `item-${++nextId}`;
      },
      onConflict: (event) => conflicts.push(event),
      onError: (_error, event) => errors.push(event),
    };
    server = await options.serve(resource);
  });
  afterAll(() => server?.close());
  /** Whether a middleware in front refuses malformed JSON of this type (see `malformedJsonRefusedInFront`). */
  const inFront = refusedInFront(options.malformedJsonRefusedInFront);
  /** The status of a stale or malformed precondition with malformed JSON sent as application/json. */
  const staleWithMalformedJson = inFront('application/json', '{') ? 400 : 412;

  const send = (path: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'Content-Type': JSON_TYPE, ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const item = (name: string, count = 0): Item => ({ name, count });
  /** Creates an item through the API; returns its path and ETag. */
  const created = async () => {
    const response = await send('', 'POST', {}, item('new'));
    expect(response.status).toBe(201);
    const location = present(response.headers.get('location'), 'a Location');
    return { path: location.slice(location.lastIndexOf('/')), etag: present(response.headers.get('etag'), 'an ETag') };
  };
  /** What is stored for a path, as the store holds it (undefined when absent). */
  const stored = (path: string) => records.get(JSON.stringify(decodeURIComponent(path.slice(1))));
  const expectProblem = async (response: Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await response.json();
    expect(body).toMatchObject({ status });
    return body as Record<string, unknown>;
  };
  /** Sends `request` and checks it changed nothing at `path`. */
  const expectUnchanged = async (path: string, request: () => Promise<Response>) => {
    const before = structuredClone(stored(path));
    const response = await request();
    expect(stored(path)).toEqual(before);
    return response;
  };
  return {
    records,
    conflicts,
    errors,
    newKeyCalls,
    send,
    item,
    created,
    stored,
    expectProblem,
    expectUnchanged,
    staleWithMalformedJson,
    inFront,
  };
}

/** What the groups receive. */
export type ConformanceContext = ReturnType<typeof conformanceContext>;
