import { errorCodeOf } from '@ifmatch/contract';
import { type EntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createDocumentTableSql, createPostgresStore, defineDocumentTable, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyPgDatabase,
  type Connection,
  exec,
  nodePostgres,
  POSTGRES_URL,
  pglite,
  postgresAvailable,
  postgresJs,
} from './databases.js';

const serverUp = await postgresAvailable();
const documents = defineDocumentTable('ifmatch_boundary_documents');
const rows = pgTable('ifmatch_boundary_rows', {
  id: text('id').primaryKey(),
  data: jsonb('data'),
  ...ifmatchColumns(),
});

/** The JSON checks on one database: each test file has its tables to itself. */
function describeJsonChecks(connect: () => Connection) {
  let connection: Connection;
  beforeAll(async () => {
    connection = connect();
    await exec(
      connection.db,
      'drop table if exists ifmatch_boundary_documents',
      'drop table if exists ifmatch_boundary_rows',
    );
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
}

describe('JSON values are checked as JSON (PGlite)', () => describeJsonChecks(pglite));
describe.runIf(serverUp)('JSON values are checked as JSON (server)', () => {
  describe('node-postgres', () => describeJsonChecks(() => nodePostgres(2)));
  describe('postgres.js', () => describeJsonChecks(() => postgresJs(2)));
});

/** One server connection, and the number of statements prepared on it. */
interface OneConnection {
  readonly db: AnyPgDatabase;
  prepared(): Promise<number>;
  close(): Promise<void>;
}

const COUNT_PREPARED = 'select count(*) as n from pg_prepared_statements';

/** node-postgres: Drizzle prepares our statements under their names. */
function onePgConnection(): OneConnection {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  return {
    db: drizzle(pool),
    prepared: async () => Number((await pool.query(COUNT_PREPARED)).rows[0].n),
    close: () => pool.end(),
  };
}

/** postgres.js: it prepares every statement it runs, under its own names. */
function onePostgresJsConnection(): OneConnection {
  const client = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
  return {
    db: drizzlePostgresJs(client),
    prepared: async () => Number((await client.unsafe(COUNT_PREPARED))[0]?.n),
    close: () => client.end({ timeout: 5 }),
  };
}

// Server only: PGlite runs statements unnamed (pg_prepared_statements stays empty there), so
// counting on it would prove nothing.
describe.runIf(serverUp)('server resources under hostile input', () => {
  describe.each([
    ['node-postgres', onePgConnection],
    ['postgres.js', onePostgresJsConnection],
  ])('%s', (_driver, connect) => {
    // One connection: every statement runs on the session whose prepared statements we count.
    let connection: OneConnection;
    beforeAll(async () => {
      connection = connect();
      await connection.db.execute(sql`drop table if exists ifmatch_boundary_documents`);
      await connection.db.execute(createDocumentTableSql('ifmatch_boundary_documents'));
    });
    afterAll(() => connection.close());

    it('keeps the number of prepared statements on a connection independent of the number of tags', async () => {
      const store = createPostgresStore<{ n: number }, string>({
        db: connection.db,
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
      const before = await connection.prepared();
      // An attacker sends every list length up to the parser's limit, and more.
      for (let count = 3; count <= 256; count++) {
        await store.put('hostile', { n: count }, { etagIn: tags(count) });
        await store.put('hostile', { n: count }, { etagNotIn: tags(count) });
        await store.delete('hostile', { etagIn: tags(count) });
      }
      expect(await connection.prepared()).toBe(before);
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThanOrEqual(12);
    });
  });
});
