import { errorCodeOf } from '@ifmatch/contract';
import { type EntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createDocumentTableSql, createPostgresStore, defineDocumentTable, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, exec, POSTGRES_URL, pglite, postgresAvailable } from './databases.js';

const serverUp = await postgresAvailable();
const documents = defineDocumentTable('ifmatch_boundary_documents');
const rows = pgTable('ifmatch_boundary_rows', {
  id: text('id').primaryKey(),
  data: jsonb('data'),
  ...ifmatchColumns(),
});

describe('JSON values are checked as JSON (PGlite)', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = pglite();
    await connection.db.execute(createDocumentTableSql('ifmatch_boundary_documents'));
    await exec(
      connection.db,
      'create table ifmatch_boundary_rows (id text primary key, data jsonb, version integer, modified_at bigint, incarnation text, etag_hash text)',
    );
  });
  afterAll(() => connection.close());

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a bigint', 12n],
  ])('refuses %s in a jsonb document or column with INVALID_VALUE (it would be stored as null)', async (_what, bad) => {
    const document = createPostgresStore<Record<string, unknown>, string>({
      db: connection.db,
      table: documents,
      documentColumn: documents.document,
    });
    const row = createPostgresStore<{ data: unknown }, string>({ db: connection.db, table: rows });
    expect(await errorCodeOf(document.put('d', { n: bad }, UNCONDITIONAL))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(row.put('r', { data: { deep: [bad] } }, UNCONDITIONAL))).toBe('INVALID_VALUE');
    expect(await document.get('d')).toBeUndefined();
    expect(await row.get('r')).toBeUndefined();
  });
});

describe.runIf(serverUp)('server resources under hostile input', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    // One connection: every statement runs on the session whose prepared statements we count.
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    const db = drizzle(pool);
    await db.execute(sql`drop table if exists ifmatch_boundary_documents`);
    await db.execute(createDocumentTableSql('ifmatch_boundary_documents'));
  });
  afterAll(() => pool.end());

  const prepared = async () => Number((await pool.query('select count(*) as n from pg_prepared_statements')).rows[0].n);

  it('keeps the number of prepared statements on a connection independent of the number of tags', async () => {
    const store = createPostgresStore<{ n: number }, string>({
      db: drizzle(pool),
      table: documents,
      documentColumn: documents.document,
    });
    const created = await store.create('hostile', { n: 0 });
    if (!created.ok) throw new Error('seed failed');
    const tags = (count: number): EntityTag[] =>
      Array.from({ length: count }, (_, i) => ({ weak: false, opaque: `v${i + 2}.AAAAAAAAAAA` }));
    // Every shape once: lists of 1 and 2 tags, for If-Match and If-None-Match, writes and deletes.
    for (const count of [1, 2]) {
      await store.put('hostile', { n: count }, { etagIn: tags(count) });
      await store.put('hostile', { n: count }, { etagNotIn: tags(count) });
      await store.delete('hostile', { etagIn: tags(count) });
    }
    const before = await prepared();
    // An attacker sends every list length up to the parser's limit, and more.
    for (let count = 3; count <= 256; count++) {
      await store.put('hostile', { n: count }, { etagIn: tags(count) });
      await store.put('hostile', { n: count }, { etagNotIn: tags(count) });
      await store.delete('hostile', { etagIn: tags(count) });
    }
    expect(await prepared()).toBe(before);
    expect(before).toBeLessThanOrEqual(10);
  });
});
