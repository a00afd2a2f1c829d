import { type ContractDocument, describeStoreContract, type PersistedRecord } from '@ifmatch/contract';
import { createPostgresStore } from '@ifmatch/postgres';
import { eq } from 'drizzle-orm';
import { bigint, doublePrecision, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, describe } from 'vitest';
import { type Connection, exec, nodePostgres, pglite, postgresAvailable, postgresJs } from './databases.js';

/** The user's own table, in row mode: one column per member of the value. */
const items = pgTable('ifmatch_contract_items', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  count: doublePrecision('count').notNull(),
  details: jsonb('details'),
  version: integer('version').notNull(),
  modifiedAt: bigint('modified_at', { mode: 'number' }).notNull(),
  etagHash: text('etag_hash'),
});

const DDL = [
  'drop table if exists ifmatch_contract_items',
  `create table ifmatch_contract_items (
    id text primary key, title text not null, count double precision not null, details jsonb,
    version integer not null, modified_at bigint not null, etag_hash text
  )`,
];

function describeOn(connect: () => Connection) {
  const connection = connect();
  let ready: Promise<void> | undefined;
  afterAll(() => connection.close());
  describeStoreContract({
    name: `postgres (${connection.name})`,
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    async createStore(options) {
      ready ??= exec(connection.db, ...DDL);
      await ready;
      return {
        store: createPostgresStore<ContractDocument, string>({ ...options, db: connection.db, table: items }),
        async inspect(key): Promise<PersistedRecord | undefined> {
          const [row] = await connection.db.select().from(items).where(eq(items.id, key));
          if (row === undefined) return undefined;
          const { title, count, details, version, modifiedAt, etagHash } = row;
          return { value: { title, count, details } as ContractDocument, version, modifiedAt, hash: etagHash };
        },
      };
    },
  });
}

const serverUp = await postgresAvailable();

describe.runIf(serverUp)('on the PostgreSQL server', () => {
  describe('node-postgres', () => describeOn(nodePostgres));
  describe('postgres.js', () => describeOn(postgresJs));
});

describe('on PGlite', () => describeOn(pglite));
