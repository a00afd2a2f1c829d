/**
 * Columns with `$onUpdate` / `$onUpdateFn` (`updatedAt: timestamp().defaultNow().$onUpdate(() =>
 * new Date())`), as Drizzle applications declare them. The store writes them as Drizzle's own
 * `db.insert()` and `db.update()` would (drizzle-orm `pg-core/dialect.js`): an update runs the
 * function for a member the value leaves out; an insert runs it only when the column has no
 * default. A member the value gives is written as given. Before, the store wrote the column's
 * default (or NULL) on update, and in document mode Drizzle ran the function once, when the
 * statement was built, so every later write stored that same result.
 */
import { errorCodeOf } from '@ifmatch/contract';
import { type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { eq, sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type Connection, connectionFor, nodePostgres, pglite, postgresAvailable, postgresJs } from './databases.js';

/** What the `$onUpdate` functions return, set by each test: deterministic, and changed per write. */
let clock = new Date('2031-01-01T00:00:00.000Z');
let label = 'first';
const at = (iso: string) => new Date(iso);
const tz = { withTimezone: true, mode: 'date' } as const;

const posts = pgTable('ifmatch_on_update', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  // The usual pattern: the database's now() on insert, the application's clock on update.
  updatedAt: timestamp('updated_at', tz)
    .defaultNow()
    .$onUpdate(() => clock),
  // SQL, and no default: Drizzle runs it on insert too.
  touchedAt: timestamp('touched_at', tz).$onUpdateFn(() => sql`now()`),
  // A JavaScript default on insert, SQL on update.
  status: text('status')
    .default('draft')
    .$onUpdate(() => sql`'edited'`),
  // A value, and no default: on insert too.
  label: text('label').$onUpdate(() => label),
  // A nullable timestamp with no fill at all: NULL when left out.
  publishedAt: timestamp('published_at', tz),
  ...ifmatchColumns(),
});
type Post = {
  title: string;
  updatedAt?: Date | null;
  touchedAt?: Date | null;
  status?: string | null;
  label?: string | null;
  publishedAt?: Date | null;
};

/** `$onUpdate` returning a value on a column without a default: the hash strategy can hash it. */
const hashable = pgTable('ifmatch_on_update_hash', {
  id: text('id').primaryKey(),
  body: text('body').notNull(),
  editedAt: timestamp('edited_at', tz).$onUpdate(() => clock),
  ...ifmatchColumns(),
});
type Hashable = { body: string; editedAt?: Date | null };

/** Document mode: the table's other columns are filled as Drizzle fills them, per write. */
const documents = pgTable('ifmatch_on_update_documents', {
  // An `$onUpdate` on the key is not applied: an update never moves a record.
  id: text('id')
    .primaryKey()
    .$onUpdate(() => 'moved'),
  document: jsonb('document').notNull(),
  createdAt: timestamp('created_at', tz).$defaultFn(() => clock),
  touchedAt: timestamp('touched_at', tz).$onUpdate(() => clock),
  ...ifmatchColumns(),
});

const SYSTEM = 'version integer, modified_at bigint, incarnation text, etag_hash text';
const DDL = [
  'drop table if exists ifmatch_on_update',
  'drop table if exists ifmatch_on_update_hash',
  'drop table if exists ifmatch_on_update_documents',
  `create table ifmatch_on_update (id text primary key, title text not null,
    updated_at timestamptz default now(), touched_at timestamptz, status text default 'draft', label text,
    published_at timestamptz, ${SYSTEM})`,
  `create table ifmatch_on_update_hash (id text primary key, body text not null, edited_at timestamptz, ${SYSTEM})`,
  `create table ifmatch_on_update_documents (id text primary key, document jsonb not null,
    created_at timestamptz, touched_at timestamptz, ${SYSTEM})`,
];

function describeOn(connect: () => Connection) {
  const connection = connectionFor(connect, ...DDL);
  const storeOf = (strategy: StrategyName) =>
    createPostgresStore<Post, string>({ db: connection().db, table: posts, strategy });
  const stored = async (id: string) => (await connection().db.select().from(posts).where(eq(posts.id, id)))[0];
  /** The record a write returned is the one a read returns. */
  const expectReadBack = async (store: ReturnType<typeof storeOf>, outcome: unknown) => {
    if (!(outcome as { ok: boolean }).ok) throw new Error(`write failed: ${JSON.stringify(outcome)}`);
    const { record } = outcome as { record: { key: string } };
    expect(await store.get(record.key)).toEqual(record);
  };

  it.each(['version', 'timestamp'] as StrategyName[])(
    'fills left-out members as Drizzle does on insert and on update, under the %s strategy',
    async (strategy) => {
      const store = storeOf(strategy);
      const id = `post-${strategy}`;
      const before = Date.now() - 60_000;
      label = 'created';
      const created = await store.create(id, { title: 'one' });
      await expectReadBack(store, created);
      const first = await stored(id);
      // Insert: the SQL default (now(), not the clock), the function where there is no default.
      expect(first).toMatchObject({ title: 'one', status: 'draft', label: 'created', publishedAt: null, version: 1 });
      expect(first?.updatedAt?.getTime()).toBeGreaterThan(before);
      expect(first?.updatedAt?.getTime()).toBeLessThan(clock.getTime());
      expect(first?.touchedAt).toBeInstanceOf(Date);
      if (!created.ok) throw new Error('create failed');

      // Update (If-Match): each left-out member takes its column's $onUpdate, per write.
      clock = at('2031-02-01T00:00:00.000Z');
      label = 'put';
      const put = await store.put(id, { title: 'two' }, { etagIn: [created.record.etag] });
      await expectReadBack(store, put);
      expect(await stored(id)).toMatchObject({ title: 'two', updatedAt: clock, status: 'edited', label: 'put' });
      expect((await stored(id))?.touchedAt?.getTime()).toBeGreaterThanOrEqual(first?.touchedAt?.getTime() ?? 0);

      // Another update, another result: the statement is prepared once, the values are not.
      clock = at('2031-03-01T00:00:00.000Z');
      label = 'updated';
      // A member given as undefined is left out.
      const change = ({ title }: Post) =>
        ({ title: `${title}!`, updatedAt: undefined, label: undefined }) as unknown as Post;
      const updated = await store.update(id, change, UNCONDITIONAL);
      await expectReadBack(store, updated);
      expect(await stored(id)).toMatchObject({ title: 'two!', updatedAt: clock, label: 'updated', version: 3 });

      // A change that spreads the stored value gives those members: written as given, as with
      // Drizzle's `db.update().set({ ...row })`.
      clock = at('2031-04-01T00:00:00.000Z');
      label = 'unused';
      const spread = await store.update(id, (current) => ({ ...current, title: 'three' }), UNCONDITIONAL);
      await expectReadBack(store, spread);
      expect(await stored(id)).toMatchObject({
        title: 'three',
        updatedAt: at('2031-03-01T00:00:00.000Z'),
        label: 'updated',
      });
    },
  );

  it('writes the members a value gives as given, on insert and on update', async () => {
    const store = storeOf('version');
    const given = {
      title: 'given',
      updatedAt: at('2020-01-01T00:00:00.000Z'),
      touchedAt: at('2020-01-02T00:00:00.000Z'),
      status: 'pinned',
      label: 'mine',
      publishedAt: at('2020-01-03T00:00:00.000Z'),
    };
    const created = await store.create('given', given);
    await expectReadBack(store, created);
    expect(await stored('given')).toMatchObject(given);
    const again = { ...given, title: 'again', updatedAt: at('2020-02-01T00:00:00.000Z'), status: null, label: null };
    const put = await store.put('given', again, UNCONDITIONAL);
    await expectReadBack(store, put);
    expect(await stored('given')).toMatchObject(again);
    // A member given as null stays NULL (a nullable timestamp included).
    const nulls = { title: 'nulls', updatedAt: null, touchedAt: null, status: null, label: null, publishedAt: null };
    await expectReadBack(store, await store.put('given', nulls, UNCONDITIONAL));
    expect(await stored('given')).toMatchObject(nulls);
  });

  it('takes insert or update fills in an unconditional put, by whether the row exists', async () => {
    const store = storeOf('version');
    clock = at('2031-05-01T00:00:00.000Z');
    label = 'upserted';
    await expectReadBack(store, await store.put('upsert', { title: 'new' }, UNCONDITIONAL));
    expect(await stored('upsert')).toMatchObject({ status: 'draft', label: 'upserted' });
    expect((await stored('upsert'))?.updatedAt).not.toEqual(clock);
    await expectReadBack(store, await store.put('upsert', { title: 'replaced' }, UNCONDITIONAL));
    expect(await stored('upsert')).toMatchObject({ title: 'replaced', updatedAt: clock, status: 'edited' });
  });

  it("stores what Drizzle's own insert and update store", async () => {
    clock = at('2031-06-01T00:00:00.000Z');
    label = 'twin';
    await connection().db.insert(posts).values({ id: 'drizzle', title: 'one' });
    const store = storeOf('version');
    const created = await store.create('store', { title: 'one' });
    if (!created.ok) throw new Error('create failed');
    const comparable = async (id: string) => {
      const row = await stored(id);
      return { status: row?.status, label: row?.label, publishedAt: row?.publishedAt, title: row?.title };
    };
    expect(await comparable('store')).toEqual(await comparable('drizzle'));
    clock = at('2031-06-02T00:00:00.000Z');
    label = 'twin updated';
    await connection().db.update(posts).set({ title: 'two' }).where(eq(posts.id, 'drizzle'));
    await store.put('store', { title: 'two' }, { etagIn: [created.record.etag] });
    expect(await comparable('store')).toEqual(await comparable('drizzle'));
    expect((await stored('store'))?.updatedAt).toEqual((await stored('drizzle'))?.updatedAt);
  });

  describe('under the hash strategy', () => {
    const hashStore = () =>
      createPostgresStore<Hashable, string>({ db: connection().db, table: hashable, strategy: 'hash' });

    it('refuses a left-out member whose $onUpdate has a default beside it, or returns SQL (INVALID_VALUE)', async () => {
      const store = storeOf('hash');
      const full = { title: 't', updatedAt: clock, touchedAt: clock, status: 's', label: 'l' };
      const without = (name: keyof typeof full): Post => {
        const { [name]: _left, ...rest } = full;
        return { title: full.title, ...rest };
      };
      const error = await store.create('refused', without('updatedAt')).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining('"updatedAt"') });
      expect(await errorCodeOf(store.create('refused', without('touchedAt')))).toBe('INVALID_VALUE');
      expect(await errorCodeOf(store.create('refused', without('status')))).toBe('INVALID_VALUE');
      expect(await stored('refused')).toBeUndefined();
      // Given, they are written and hashed as any member.
      const created = await store.create('refused', full);
      await expectReadBack(store, created);
    });

    it('hashes the result of an $onUpdate without a default: the tag covers what is stored', async () => {
      const store = hashStore();
      clock = at('2031-07-01T00:00:00.000Z');
      const one = await store.create('h1', { body: 'same' });
      const twin = await store.create('h2', { body: 'same' });
      clock = at('2031-07-02T00:00:00.000Z');
      const other = await store.create('h3', { body: 'same' });
      if (!one.ok || !twin.ok || !other.ok) throw new Error('create failed');
      expect(one.record.value).toEqual({ body: 'same', editedAt: at('2031-07-01T00:00:00.000Z') });
      expect(twin.record.etag).toEqual(one.record.etag);
      expect(other.record.etag).not.toEqual(one.record.etag);
      expect(await store.get('h1')).toEqual(one.record);

      clock = at('2031-07-03T00:00:00.000Z');
      const stale = { etagIn: [one.record.etag] };
      const put = await store.put('h1', { body: 'next' }, stale);
      expect(put).toMatchObject({ ok: true, record: { value: { body: 'next', editedAt: clock } } });
      expect(await store.get('h1')).toEqual(put.ok && put.record);
      // A stale retry is already applied only while the function gives what is stored.
      expect(await store.put('h1', { body: 'next' }, stale)).toMatchObject({ ok: true, alreadyApplied: true });
      clock = at('2031-07-04T00:00:00.000Z');
      expect(await store.put('h1', { body: 'next' }, stale)).toMatchObject({
        ok: false,
        reason: 'precondition-failed',
      });
    });
  });

  it('fills the other columns of a document table per write, and never moves the key', async () => {
    const store = createPostgresStore<{ n: number }, string>({
      db: connection().db,
      table: documents,
      documentColumn: documents.document,
    });
    const row = async () => (await connection().db.select().from(documents).where(eq(documents.id, 'doc')))[0];
    const created = at('2031-08-01T00:00:00.000Z');
    clock = created;
    await store.put('doc', { n: 1 }, UNCONDITIONAL);
    // No default beside its $onUpdate: Drizzle runs it on insert too.
    expect(await row()).toMatchObject({ document: { n: 1 }, createdAt: created, touchedAt: created });
    for (const [n, iso] of [
      [2, '2031-08-02T00:00:00.000Z'],
      [3, '2031-08-03T00:00:00.000Z'],
    ] as const) {
      clock = at(iso);
      const put = await store.put('doc', { n }, UNCONDITIONAL);
      expect(put).toMatchObject({ ok: true, record: { key: 'doc', value: { n } } });
      expect(await row()).toMatchObject({ document: { n }, createdAt: created, touchedAt: clock, version: n });
    }
  });
}

const serverUp = await postgresAvailable();

describe('$onUpdate columns, on PGlite', () => describeOn(pglite));
describe.runIf(serverUp)('$onUpdate columns, on the server', () => {
  describe('node-postgres', () => describeOn(() => nodePostgres(4)));
  describe('postgres.js', () => describeOn(() => postgresJs(4)));
});
