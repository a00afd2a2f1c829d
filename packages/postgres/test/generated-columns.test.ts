/**
 * Tables with generated columns (`generatedAlwaysAs`), as existing schemas have them: the
 * database computes them and refuses any value for them, so a store must read them and never
 * write them. Before, every `put` and `update` on such a table failed ("column can only be
 * updated to DEFAULT").
 */
import { type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { eq, sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type Connection, connectionFor, nodePostgres, pglite, postgresAvailable } from './databases.js';

const lines = pgTable('ifmatch_generated_columns', {
  id: text('id').primaryKey(),
  price: integer('price').notNull(),
  quantity: integer('quantity').notNull(),
  total: integer('total').generatedAlwaysAs(sql`price * quantity`),
  ...ifmatchColumns(),
});

function describeOn(connect: () => Connection) {
  const connection = connectionFor(
    connect,
    'drop table if exists ifmatch_generated_columns',
    `create table ifmatch_generated_columns (id text primary key, price integer not null, quantity integer not null,
        total integer generated always as (price * quantity) stored,
        version integer, modified_at bigint, incarnation text, etag_hash text)`,
  );
  const row = async (id: string) => (await connection().db.select().from(lines).where(eq(lines.id, id)))[0];

  it.each(['version', 'hash'] as StrategyName[])(
    'creates, puts and updates under the %s strategy, reading the computed column and ignoring a value given for it',
    async (strategy) => {
      const store = createPostgresStore({ db: connection().db, table: lines, strategy });
      const id = `line-${strategy}`;
      const created = await store.create(id, { price: 2, quantity: 3, total: null });
      expect(created).toMatchObject({ ok: true, record: { value: { price: 2, quantity: 3, total: 6 } } });
      if (!created.ok) throw new Error('create failed');
      // A PUT of what a GET answered carries the computed member: it is ignored, not refused.
      const put = await store.put(id, { price: 5, quantity: 3, total: 999 }, { etagIn: [created.record.etag] });
      expect(put).toMatchObject({ ok: true, record: { value: { price: 5, quantity: 3, total: 15 } } });
      const updated = await store.update(
        id,
        (current) => ({ ...current, quantity: current.quantity + 1 }),
        UNCONDITIONAL,
      );
      expect(updated).toMatchObject({ ok: true, record: { value: { price: 5, quantity: 4, total: 20 } } });
      expect(await row(id)).toMatchObject({ price: 5, quantity: 4, total: 20, version: 3 });
      expect((await store.get(id))?.value).toEqual({ price: 5, quantity: 4, total: 20 });
    },
  );
}

const serverUp = await postgresAvailable();

describe('generated columns, on PGlite', () => describeOn(pglite));
describe.runIf(serverUp)('generated columns, on the server (node-postgres)', () => describeOn(() => nodePostgres(4)));
