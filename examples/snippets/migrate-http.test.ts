import { UNCONDITIONAL } from '@ifmatch/core';
import { addSystemColumnsSql } from '@ifmatch/postgres';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productStore } from './migrate-drizzle.js';
import { productsApi } from './migrate-http.js';
import { createTestSchema, postgresAvailable, type TestSchema } from './postgres-schema.js';

describe.runIf(await postgresAvailable())('the HTTP contract after a migration (README snippet)', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let store: ReturnType<typeof productStore>;
  let api: ReturnType<typeof productsApi>;

  beforeAll(async () => {
    schema = await createTestSchema('migrate_http');
    pool = schema.pool();
    const db = drizzle(pool);
    await pool.query(`create table products (id text primary key, name text not null, price integer not null,
      version integer not null default 1)`);
    await pool.query(
      `insert into products values ('tea', 'Tea', 4, 3), ('milk', 'Milk', 2, 1), ('cocoa', 'Cocoa', 5, 1)`,
    );
    await db.execute(addSystemColumnsSql('products'));
    store = productStore(db);
    api = productsApi(store);
  });
  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  const row = async (id: string) => (await pool.query('select * from products where id = $1', [id])).rows[0];
  const put = (id: string, headers: Record<string, string>, body: unknown, handler = api) =>
    handler(
      new Request(`http://api.test/products/${id}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
      id,
    );

  it('new clients read the ETag and send If-Match: 428 without it, 412 with the current ETag when stale', async () => {
    const read = await api(new Request('http://api.test/products/tea'), 'tea');
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name: 'Tea', price: 4 }); // the version is no longer in the body
    const etag = read.headers.get('ETag') ?? '';
    expect(etag).toBe('"v3"'); // opaque to clients: this is a row written before the migration

    expect((await put('tea', {}, { name: 'Tea', price: 5 })).status).toBe(428);
    const written = await put('tea', { 'If-Match': etag }, { name: 'Tea', price: 5 });
    expect(written.status).toBe(200);
    const stale = await put('tea', { 'If-Match': etag }, { name: 'Tea', price: 6 });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('ETag')).toBe(written.headers.get('ETag'));
    expect(await stale.json()).toMatchObject({ status: 412, currentEtag: written.headers.get('ETag') });
    expect(await row('tea')).toMatchObject({ price: 5, version: 4 });
  });

  it('old clients keep sending the version in the body: 200 when current, 409 when stale, 404 when missing', async () => {
    const written = await put('milk', {}, { name: 'Milk', price: 3, version: 1 });
    expect(written.status).toBe(200);
    expect(written.headers.get('ETag')).toBeTruthy(); // and can start using it
    expect(await row('milk')).toMatchObject({ price: 3, version: 2 });
    expect((await put('milk', {}, { name: 'Milk', price: 9, version: 1 })).status).toBe(409);
    expect((await put('nothing', {}, { name: 'No', price: 1, version: 1 })).status).toBe(404);
    expect(await row('milk')).toMatchObject({ price: 3, version: 2 });
  });

  it('an old client’s write loses to a write between its version check and its write: 409, and that write is kept', async () => {
    const racing: typeof store = {
      ...store,
      async get(key) {
        const record = await store.get(key);
        await store.update(key, (product) => ({ ...product, price: 100 }), UNCONDITIONAL); // someone else, in between
        return record;
      },
    };
    const answer = await put('cocoa', {}, { name: 'Cocoa', price: 6, version: 1 }, productsApi(racing));
    expect(answer.status).toBe(409);
    expect(await row('cocoa')).toMatchObject({ price: 100, version: 2 });
  });
});
