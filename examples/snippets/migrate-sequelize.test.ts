import { formatEntityTag, isIfMatchError } from '@ifmatch/core';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { OptimisticLockError, Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineProduct, migrate, productStore, sell } from './migrate-sequelize.js';
import { createTestSchema, POSTGRES_URL, postgresAvailable, type TestSchema } from './postgres-schema.js';

describe.runIf(await postgresAvailable())('migrating from Sequelize version: true (README snippet)', () => {
  let schema: TestSchema;
  let sequelize: Sequelize;
  let Product: ReturnType<typeof defineProduct>;
  let pool: pg.Pool;
  let db: NodePgDatabase;
  let store: ReturnType<typeof productStore>;

  beforeAll(async () => {
    schema = await createTestSchema('migrate_sequelize');
    sequelize = new Sequelize(POSTGRES_URL, { logging: false, dialectOptions: { options: schema.options } });
    Product = defineProduct(sequelize);
    await Product.sync(); // the table as Sequelize made it: id, name, stock, createdAt, updatedAt, version
    pool = schema.pool();
    db = drizzle(pool);
    store = productStore(db);
  });
  afterAll(async () => {
    await sequelize?.close();
    await pool?.end();
    await schema?.drop();
  });

  const row = async (id: number) => (await pool.query('select * from products where id = $1', [id])).rows[0];
  const sellWithSequelize = async (id: number) => {
    for (;;) {
      const product = await Product.findByPk(id, { rejectOnEmpty: true });
      product.set('stock', (product.get('stock') as number) - 1);
      try {
        return await product.save();
      } catch (error) {
        if (!(error instanceof OptimisticLockError)) throw error;
      }
    }
  };

  it('adds its columns beside Sequelize’s version and serves the rows Sequelize wrote at once', async () => {
    const written = await Product.create({ name: 'tea', stock: 10 });
    const id = written.get('id') as number;
    await migrate(db);
    await migrate(db); // idempotent
    const columns = await pool.query(
      `select column_name, data_type, is_nullable, column_default from information_schema.columns
       where table_schema = $1 and table_name = 'products' order by ordinal_position`,
      [schema.name],
    );
    expect(columns.rows.map((c) => c.column_name)).toEqual([
      'id',
      'name',
      'stock',
      'createdAt',
      'updatedAt',
      'version',
      'modified_at',
      'incarnation',
      'etag_hash',
    ]);
    expect(columns.rows.find((c) => c.column_name === 'version')).toMatchObject({
      data_type: 'integer',
      is_nullable: 'NO', // Sequelize's column, untouched
      column_default: '0',
    });

    const read = await store.get(id);
    expect(read?.value).toEqual({
      name: 'tea',
      stock: 10,
      createdAt: written.get('createdAt'),
      updatedAt: written.get('updatedAt'),
    });
    expect(read?.version).toBe(0);
    expect(formatEntityTag(read!.etag)).toBe('"v0"');
    expect(read?.lastModified).toBeUndefined();

    // A write that leaves updatedAt alone leaves it alone: it is not ifmatch's modification time.
    const put = await store.put(id, { ...read!.value, stock: 9 }, { etagIn: [read!.etag] });
    expect(put.ok && put.record.version).toBe(1);
    expect(await row(id)).toMatchObject({
      stock: 9,
      version: 1,
      updatedAt: written.get('updatedAt'),
      modified_at: expect.any(String), // bigint, as node-postgres returns it
      incarnation: null, // a row the store did not create keeps having none
    });
  });

  it('sees Sequelize’s saves through version, and Sequelize sees its writes', async () => {
    const id = (await Product.create({ name: 'milk', stock: 5 })).get('id') as number;
    const read = await store.get(id);

    const product = await Product.findByPk(id, { rejectOnEmpty: true });
    await product.update({ stock: 4 }); // version 0 → 1

    const stale = await store.put(id, { ...read!.value, stock: 0 }, { etagIn: [read!.etag] });
    expect(!stale.ok && stale.reason).toBe('precondition-failed');
    expect(!stale.ok && stale.reason === 'precondition-failed' && stale.current).toMatchObject({
      value: { name: 'milk', stock: 4 },
      version: 1,
    });

    const loaded = await Product.findByPk(id, { rejectOnEmpty: true }); // version 1
    await sell(store, id); // version 2
    loaded.set('stock', 100);
    await expect(loaded.save()).rejects.toBeInstanceOf(OptimisticLockError);
    expect(await row(id)).toMatchObject({ stock: 3, version: 2 });
  });

  it('loses no write while Sequelize and ifmatch sell the same product at once', async () => {
    const id = (await Product.create({ name: 'coffee', stock: 100 })).get('id') as number;
    const writers = 3;
    const sales = 5;
    const writer = async (sellOne: () => Promise<unknown>) => {
      for (let i = 0; i < sales; i++) {
        // Sequelize's loop retries at once and can outpace update()'s backed-off, bounded
        // retries: RETRIES_EXHAUSTED wrote nothing, so the caller may sell again.
        for (;;) {
          try {
            await sellOne();
            break;
          } catch (error) {
            if (!isIfMatchError(error, 'RETRIES_EXHAUSTED')) throw error;
          }
        }
      }
    };
    const sellers = [() => sellWithSequelize(id), () => sell(store, id)];
    await Promise.all(sellers.flatMap((sellOne) => Array.from({ length: writers }, () => writer(sellOne))));
    expect(await row(id)).toMatchObject({ stock: 100 - 2 * writers * sales, version: 2 * writers * sales });
  });
});
