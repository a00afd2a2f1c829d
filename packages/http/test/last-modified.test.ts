/**
 * `Last-Modified` is an HTTP-date no later than the response (RFC 9110 §8.8.2.1), whatever
 * time the store keeps: another server's clock ahead of this one's, another writer's
 * microseconds, a time before year 0000.
 */
import { createMemoryStore, formatHttpDate, parseHttpDate } from '@ifmatch/core';
import { createResource } from '@ifmatch/http';
import { describe, expect, it } from 'vitest';

type Doc = { n: number };

/** A resource whose store's clock reads `clock()`, with one record created under it. */
async function resourceAt(clock: () => number) {
  const store = createMemoryStore<Doc, string>({ now: clock });
  await store.create('a', { n: 1 });
  // If-Unmodified-Since alone is a precondition here (the default requires If-Match).
  return createResource<Doc, string>({ store, require: {} });
}

const url = 'http://localhost/items/a';
const send = (resource: Awaited<ReturnType<typeof resourceAt>>, method: string, headers = {}, body?: unknown) =>
  resource.handle(
    new Request(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    'a',
  );

/** The response's Last-Modified, checked to be an IMF-fixdate (a four-digit year). */
function lastModified(response: Response): number | undefined {
  const value = response.headers.get('last-modified');
  if (value === null) return undefined;
  expect(value).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  return parseHttpDate(value);
}

describe('Last-Modified of a record modified "in the future"', () => {
  it.each([
    ['an hour ahead (another server’s clock)', () => Date.now() + 3_600_000],
    ['in microseconds (another writer’s)', () => 1_700_000_000_000_000],
  ])('%s: the header says now, never later than the response', async (_, clock) => {
    const resource = await resourceAt(clock);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const response = await send(resource, 'GET');
    expect(response.status).toBe(200);
    const date = lastModified(response);
    expect(date).toBeGreaterThanOrEqual(before);
    expect(date).toBeLessThanOrEqual(Date.now());
  });

  it('never answers 304 to an If-Modified-Since taken from it, and fails an If-Unmodified-Since: the record is later', async () => {
    const resource = await resourceAt(() => Date.now() + 3_600_000);
    const since = (await send(resource, 'GET')).headers.get('last-modified') ?? '';
    expect((await send(resource, 'GET', { 'If-Modified-Since': since })).status).toBe(200);
    const stale = await send(resource, 'PUT', { 'If-Unmodified-Since': since }, { n: 2 });
    expect(stale.status).toBe(412);
    const problem = (await stale.json()) as { lastModified?: string };
    expect(parseHttpDate(problem.lastModified ?? '')).toBeLessThanOrEqual(Date.now());
    expect(((await (await send(resource, 'GET')).json()) as Doc).n).toBe(1);
  });

  it('sends none for a time before year 0000, which no HTTP-date can say', async () => {
    const resource = await resourceAt(() => -70_000_000_000_000);
    const response = await send(resource, 'GET');
    expect(response.status).toBe(200);
    expect(response.headers.get('last-modified')).toBeNull();
    // Without a modification date, If-Modified-Since does not apply (RFC 9110 §13.1.3).
    expect((await send(resource, 'GET', { 'If-Modified-Since': formatHttpDate(Date.now()) })).status).toBe(200);
  });

  it('keeps a time in the past as it is, and 304s an If-Modified-Since at it', async () => {
    const resource = await resourceAt(() => 1_700_000_000_123);
    const response = await send(resource, 'GET');
    expect(response.headers.get('last-modified')).toBe(formatHttpDate(1_700_000_000_123));
    const since = response.headers.get('last-modified') ?? '';
    expect((await send(resource, 'GET', { 'If-Modified-Since': since })).status).toBe(304);
  });
});
