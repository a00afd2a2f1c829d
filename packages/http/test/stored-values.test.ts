/**
 * Records whose stored value is not plain JSON: a `Date` from a timestamp column (here a real
 * PostgreSQL one, in PGlite, through Drizzle). A GET answers its JSON representation (the
 * Date's ISO string); a PATCH applies to that same representation, so a merge patch is not
 * refused as "not valid JSON" and a JSON Patch does not turn the Date into `{}`.
 */
import { PGlite } from '@electric-sql/pglite';
import { formatEntityTag } from '@ifmatch/core';
import { createResource } from '@ifmatch/http';
import { addSystemColumnsSql, createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const events = pgTable('events', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  ...ifmatchColumns(),
});
type Event = { title: string; startsAt: Date };

/** The application's parse: the JSON form in (an ISO string), the stored form out (a Date). */
function parseEvent(body: unknown): Event {
  const { title, startsAt, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new Error(`unknown members ${Object.keys(rest).join(', ')}`);
  if (typeof title !== 'string') throw new Error('title is a string');
  if (typeof startsAt !== 'string' || Number.isNaN(Date.parse(startsAt))) throw new Error('startsAt is a date');
  return { title, startsAt: new Date(startsAt) };
}

const STARTS = new Date('2025-03-04T05:06:07.089Z');

describe('@ifmatch/http on values that are not plain JSON (a PostgreSQL timestamp)', () => {
  const client = new PGlite();
  const db = drizzle(client);
  const store = createPostgresStore<Event, string>({ db, table: events });
  const resource = createResource<Event, string>({ store, parse: parseEvent });
  let n = 0;
  beforeAll(async () => {
    await db.execute(
      sql`create table events (id text primary key, title text not null, starts_at timestamptz not null)`,
    );
    await db.execute(addSystemColumnsSql('events'));
  });
  afterAll(() => client.close());

  /** A stored event, as the store returns it: `startsAt` is a Date. */
  async function created() {
    const key = `e${++n}`;
    const outcome = await store.create(key, { title: 'launch', startsAt: STARTS });
    if (!outcome.ok) throw new Error('setup');
    expect(outcome.record.value.startsAt).toBeInstanceOf(Date);
    return { key, etag: formatEntityTag(outcome.record.etag) };
  }
  const patch = (key: string, etag: string, type: string, body: unknown) =>
    resource.handle(
      new Request(`http://localhost/events/${key}`, {
        method: 'PATCH',
        headers: { 'If-Match': etag, 'Content-Type': type },
        body: JSON.stringify(body),
      }),
      key,
    );

  it('GET answers the Date as its ISO string', async () => {
    const { key } = await created();
    const response = await resource.handle(new Request(`http://localhost/events/${key}`), key);
    expect(await response.json()).toEqual({ title: 'launch', startsAt: STARTS.toISOString() });
  });

  it('a merge patch applies to that representation: 200, and the timestamp is kept', async () => {
    const { key, etag } = await created();
    const response = await patch(key, etag, 'application/merge-patch+json', { title: 'relaunch' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ title: 'relaunch', startsAt: STARTS.toISOString() });
    expect((await store.get(key))?.value).toEqual({ title: 'relaunch', startsAt: STARTS });
  });

  it('a JSON Patch sees the ISO string (test, copy) and never turns the Date into {}', async () => {
    const { key, etag } = await created();
    const response = await patch(key, etag, 'application/json-patch+json', [
      { op: 'test', path: '/startsAt', value: STARTS.toISOString() },
      { op: 'replace', path: '/title', value: 'moved' },
    ]);
    expect(response.status).toBe(200);
    expect((await store.get(key))?.value).toEqual({ title: 'moved', startsAt: STARTS });
    const later = '2026-01-02T03:04:05.000Z';
    const moved = await patch(key, present(response.headers.get('etag')), 'application/json-patch+json', [
      { op: 'replace', path: '/startsAt', value: later },
    ]);
    expect(moved.status).toBe(200);
    expect((await store.get(key))?.value).toEqual({ title: 'moved', startsAt: new Date(later) });
  });

  it('a JSON Patch whose test expects the Date as an object fails (409): the representation is the string', async () => {
    const { key, etag } = await created();
    const response = await patch(key, etag, 'application/json-patch+json', [
      { op: 'test', path: '/startsAt', value: {} },
    ]);
    expect(response.status).toBe(409);
    expect((await store.get(key))?.value).toEqual({ title: 'launch', startsAt: STARTS });
  });

  it('without a parse, a PATCH of another member writes the Date back as stored; a PUT of the JSON is refused (422)', async () => {
    const bare = createResource<Event, string>({ store, onError: () => {} });
    const { key, etag } = await created();
    const send = (method: string, type: string, tag: string, body: unknown) =>
      bare.handle(
        new Request(`http://localhost/events/${key}`, {
          method,
          headers: { 'If-Match': tag, 'Content-Type': type },
          body: JSON.stringify(body),
        }),
        key,
      );
    const put = await send('PUT', 'application/json', etag, { title: 'x', startsAt: STARTS.toISOString() });
    expect(put.status).toBe(422);
    expect((await put.json()).code).toBe('INVALID_VALUE');
    expect((await store.get(key))?.value).toEqual({ title: 'launch', startsAt: STARTS });
    const patched = await send('PATCH', 'application/merge-patch+json', etag, { title: 'x' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toEqual({ title: 'x', startsAt: STARTS.toISOString() });
    expect((await store.get(key))?.value).toEqual({ title: 'x', startsAt: STARTS });
  });
});

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('missing');
  return value;
}
