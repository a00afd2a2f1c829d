import { formatEntityTag, isIfMatchError, UNCONDITIONAL } from '@ifmatch/core';
import { addSystemColumnsSql } from '@ifmatch/postgres';
import { eq } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productStore, products, reprice, repriceByHand } from './migrate-drizzle.js';
import { createTestSchema, postgresAvailable, type TestSchema } from './postgres-schema.js';

describe.runIf(await postgresAvailable())('migrating from a hand-written WHERE version = ? (README snippet)', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let db: NodePgDatabase;
  let store: ReturnType<typeof productStore>;

  beforeAll(async () => {
    schema = await createTestSchema('migrate_drizzle');
    pool = schema.pool();
    db = drizzle(pool);
    // The table as it was, with rows written and versioned by hand.
    await pool.query(`create table products (id text primary key, name text not null, price integer not null,
      version integer not null default 1)`);
    await pool.query(
      `insert into products (id, name, price, version) values ('tea', 'Tea', 4, 1), ('milk', 'Milk', 2, 7)`,
    );
    await db.execute(addSystemColumnsSql('products'));
    store = productStore(db);
  });
  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  const row = async (id: string) => (await pool.query('select * from products where id = $1', [id])).rows[0];

  it('serves the rows versioned by hand at once, their own version as the version', async () => {
    const columns = await pool.query(
      `select column_name, is_nullable from information_schema.columns where table_schema = $1 and table_name = 'products'
       order by ordinal_position`,
      [schema.name],
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', is_nullable: 'NO' },
      { column_name: 'name', is_nullable: 'NO' },
      { column_name: 'price', is_nullable: 'NO' },
      { column_name: 'version', is_nullable: 'NO' }, // yours, kept
      { column_name: 'modified_at', is_nullable: 'YES' },
      { column_name: 'incarnation', is_nullable: 'YES' },
      { column_name: 'etag_hash', is_nullable: 'YES' },
    ]);
    const milk = await store.get('milk');
    expect(milk).toMatchObject({ key: 'milk', value: { name: 'Milk', price: 2 }, version: 7 });
    expect(formatEntityTag(milk!.etag)).toBe('"v7"');
    const written = await reprice(store, 'milk', milk!.etag, 3);
    expect(written.ok && written.record.version).toBe(8);
  });

  it('tells what the hand-written check cannot: changed (with the current record) or gone', async () => {
    await db.insert(products).values({ id: 'cocoa', name: 'Cocoa', price: 5 }); // version 1, by its default
    const read = await store.get('cocoa');

    // By hand: a stale version and a deleted row give the same answer, false, and nothing else.
    expect(await repriceByHand(db, 'cocoa', 1, 6)).toBe(true);
    expect(await repriceByHand(db, 'cocoa', 1, 7)).toBe(false); // changed
    expect(await repriceByHand(db, 'nothing', 1, 7)).toBe(false); // never there

    // Through the store: the stale tag's write is refused with the record that won.
    const stale = await reprice(store, 'cocoa', read!.etag, 7);
    expect(!stale.ok && stale.reason).toBe('precondition-failed');
    expect(!stale.ok && stale.reason === 'precondition-failed' && stale.current).toMatchObject({
      value: { name: 'Cocoa', price: 6 },
      version: 2,
    });
    await db.delete(products).where(eq(products.id, 'cocoa'));
    const gone = await reprice(store, 'cocoa', read!.etag, 7);
    expect(!gone.ok && gone.reason).toBe('not-found');
  });

  it('loses no write while hand-written and ifmatch writers reprice the same row at once', async () => {
    await db.insert(products).values({ id: 'coffee', name: 'Coffee', price: 0 });
    const writers = 3;
    const raises = 5;
    const byHand = async () => {
      for (;;) {
        const [current] = await db.select().from(products).where(eq(products.id, 'coffee'));
        if (current && (await repriceByHand(db, 'coffee', current.version, current.price + 1))) return;
      }
    };
    const byStore = async () => {
      const raised = await store.update(
        'coffee',
        (product) => ({ ...product, price: product.price + 1 }),
        UNCONDITIONAL,
      );
      if (!raised.ok) throw new Error('no coffee');
    };
    const writer = async (raise: () => Promise<void>) => {
      for (let i = 0; i < raises; i++) {
        // The hand-written loop retries at once and can outpace update()'s backed-off, bounded
        // retries: RETRIES_EXHAUSTED wrote nothing, so the caller may raise again.
        for (;;) {
          try {
            await raise();
            break;
          } catch (error) {
            if (!isIfMatchError(error, 'RETRIES_EXHAUSTED')) throw error;
          }
        }
      }
    };
    await Promise.all([byHand, byStore].flatMap((raise) => Array.from({ length: writers }, () => writer(raise))));
    expect(await row('coffee')).toMatchObject({ price: 2 * writers * raises, version: 1 + 2 * writers * raises });
  });
});
