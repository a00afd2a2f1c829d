/**
 * Row mode under the hash strategy: a member left out of a `put` whose column has an SQL
 * default (`defaultNow()`) would be stored as a value the store never saw, so a tag hashed
 * from what the store sent would stand for different stored content (and a stale write could
 * count as already applied). The store refuses such a write; a value that gives the member,
 * or a strategy that does not hash, is written as usual.
 */
import { errorCodeOf } from '@ifmatch/contract';
import { type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { eq, sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type Connection, connectionFor, nodePostgres, pglite, postgresAvailable, postgresJs } from './databases.js';

const notes = pgTable('ifmatch_hash_defaults', {
  id: text('id').primaryKey(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).defaultNow(),
  // A JavaScript default is filled in before hashing: always allowed.
  status: text('status').default('draft'),
  ...ifmatchColumns(),
});
type Note = { body: string; createdAt?: Date | null; status?: string | null };

/** A `$defaultFn` that returns SQL: Drizzle runs it in the statement, as an SQL default. */
const stamps = pgTable('ifmatch_sql_default_fn', {
  id: text('id').primaryKey(),
  body: text('body').notNull(),
  stampedAt: timestamp('stamped_at', { withTimezone: true, mode: 'date' }).$defaultFn(() => sql`now()`),
  ...ifmatchColumns(),
});

const DDL = [
  'drop table if exists ifmatch_hash_defaults',
  'drop table if exists ifmatch_sql_default_fn',
  `create table ifmatch_sql_default_fn (id text primary key, body text not null, stamped_at timestamptz,
    version integer, modified_at bigint, incarnation text, etag_hash text)`,
  `create table ifmatch_hash_defaults (id text primary key, body text not null,
    created_at timestamptz default now(), status text default 'draft',
    version integer, modified_at bigint, incarnation text, etag_hash text)`,
];

function describeOn(connect: () => Connection) {
  const connection = connectionFor(connect, ...DDL);
  const storeOf = (strategy: StrategyName) =>
    createPostgresStore<Note, string>({ db: connection().db, table: notes, strategy });
  const stored = async (id: string) => (await connection().db.select().from(notes).where(eq(notes.id, id)))[0];

  it('refuses a create or put that leaves out a member with an SQL default (INVALID_VALUE), writing nothing', async () => {
    const store = storeOf('hash');
    expect(await errorCodeOf(store.create('left-out', { body: 'hello' }))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(store.put('left-out', { body: 'hello' }, UNCONDITIONAL))).toBe('INVALID_VALUE');
    expect(await stored('left-out')).toBeUndefined();
    // An existing record is not replaced either.
    const createdAt = new Date('2024-05-01T10:00:00.000Z');
    const created = await store.create('existing', { body: 'v1', createdAt });
    if (!created.ok) throw new Error('create failed');
    const error = await store
      .put('existing', { body: 'v2' }, { etagIn: [created.record.etag] })
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining('createdAt') });
    expect(await stored('existing')).toMatchObject({ body: 'v1', createdAt, version: 1 });
  });

  it('gives records whose stored content differs different tags, and equal stored content one tag', async () => {
    const store = storeOf('hash');
    const at = (iso: string) => new Date(iso);
    const one = await store.create('one', { body: 'same', createdAt: at('2024-01-01T00:00:00.000Z') });
    const two = await store.create('two', { body: 'same', createdAt: at('2024-01-02T00:00:00.000Z') });
    const twin = await store.create('twin', { body: 'same', createdAt: at('2024-01-01T00:00:00.000Z') });
    if (!one.ok || !two.ok || !twin.ok) throw new Error('create failed');
    expect(two.record.etag).not.toEqual(one.record.etag);
    expect(twin.record.etag).toEqual(one.record.etag);
    // The JavaScript default is part of what was hashed, and of what is stored.
    expect(one.record.value).toMatchObject({ status: 'draft' });
    expect((await store.get('one'))?.etag).toEqual(one.record.etag);
  });

  it('counts a stale write as already applied only when the stored content is what it writes', async () => {
    const store = storeOf('hash');
    const createdAt = new Date('2024-03-01T00:00:00.000Z');
    const first = await store.create('applied', { body: 'a', createdAt });
    if (!first.ok) throw new Error('create failed');
    const stale = { etagIn: [first.record.etag] };
    expect(await store.put('applied', { body: 'b', createdAt }, stale)).toMatchObject({ ok: true });
    expect(await store.put('applied', { body: 'b', createdAt }, stale)).toMatchObject({
      ok: true,
      alreadyApplied: true,
    });
    // Equal body, other creation time: other content, so a conflict.
    const other = new Date('2024-03-02T00:00:00.000Z');
    expect(await store.put('applied', { body: 'b', createdAt: other }, stale)).toMatchObject({
      ok: false,
      reason: 'precondition-failed',
    });
    expect(await stored('applied')).toMatchObject({ body: 'b', createdAt, version: 2 });
  });

  it.each(['version', 'timestamp'] as const)('fills the SQL default under the %s strategy', async (strategy) => {
    const store = storeOf(strategy);
    const id = `filled-${strategy}`;
    const created = await store.create(id, { body: 'hello' });
    expect(created.ok && created.record.value.createdAt).toBeInstanceOf(Date);
    expect((await stored(id))?.createdAt).toBeInstanceOf(Date);
  });

  it('runs a $defaultFn that returns SQL like an SQL default: filled, or refused under the hash strategy', async () => {
    const storeFor = (strategy: StrategyName) =>
      createPostgresStore<{ body: string; stampedAt?: Date | null }, string>({
        db: connection().db,
        table: stamps,
        strategy,
      });
    const created = await storeFor('version').create('stamped', { body: 'hello' });
    expect(created.ok && created.record.value.stampedAt).toBeInstanceOf(Date);
    const [row] = await connection().db.select().from(stamps).where(eq(stamps.id, 'stamped'));
    expect(row?.stampedAt).toBeInstanceOf(Date);
    expect(await errorCodeOf(storeFor('hash').create('hashed', { body: 'hello' }))).toBe('INVALID_VALUE');
  });
}

const serverUp = await postgresAvailable();

describe('the hash strategy and SQL defaults, on PGlite', () => describeOn(pglite));
describe.runIf(serverUp)('the hash strategy and SQL defaults, on the server', () => {
  describe('node-postgres', () => describeOn(() => nodePostgres(4)));
  describe('postgres.js', () => describeOn(() => postgresJs(4)));
});
