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
  details: jsonb('details').$type<ContractDocument['details']>(),
  version: integer('version'),
  modifiedAt: bigint('modified_at', { mode: 'number' }),
  incarnation: text('incarnation'),
  etagHash: text('etag_hash'),
});

const DDL = [
  'drop table if exists ifmatch_contract_items',
  `create table ifmatch_contract_items (
    id text primary key, title text not null, count double precision not null, details jsonb,
    version integer, modified_at bigint, incarnation text, etag_hash text
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
          const { title, count, details, version, modifiedAt, incarnation, etagHash } = row;
          return {
            value: { title, count, details } as ContractDocument,
            version,
            modifiedAt,
            incarnation,
            hash: etagHash,
          };
        },
        // Plain Drizzle, as an application that never used ifmatch: only the fields given.
        async seed(key, value, fields) {
          await connection.db.insert(items).values({
            id: key,
            ...value,
            ...(fields.version === undefined ? {} : { version: fields.version }),
            ...(fields.modifiedAt === undefined ? {} : { modifiedAt: fields.modifiedAt }),
            ...(fields.incarnation === undefined ? {} : { incarnation: fields.incarnation }),
            ...(fields.hash === undefined ? {} : { etagHash: fields.hash }),
          });
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
