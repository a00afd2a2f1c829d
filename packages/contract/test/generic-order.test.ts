/**
 * One generic order everywhere: the value type first, the key second, for `Store` and for every
 * factory. `pnpm typecheck` compiles it; the assertions run as tests too.
 */
import { createMemoryStore, type Store } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { createResource } from '@ifmatch/http';
import { createMongoStore } from '@ifmatch/mongodb';
import { createPostgresStore, type TableFor } from '@ifmatch/postgres';
import { createSqliteStore } from '@ifmatch/sqlite';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Db } from 'mongodb';
import { describe, expectTypeOf, it } from 'vitest';

type Value = { title: string };
type Key = { tenant: string; id: number };
declare const db: PgDatabase<never, never, never>;
declare const table: TableFor<Value>;
declare const mongo: Db;
// Types only: nothing is called.
const typed = <R>(_make: () => R): R => undefined as unknown as R;

describe('the generic order is <Value, Key> everywhere', () => {
  it.each([
    ['createMemoryStore', () => expectTypeOf(createMemoryStore<Value, Key>).returns.toEqualTypeOf<Store<Value, Key>>()],
    [
      'createSqliteStore',
      () => expectTypeOf(createSqliteStore<Value, number>).returns.toEqualTypeOf<Store<Value, number>>(),
    ],
    ['createDynamoStore', () => expectTypeOf(createDynamoStore<Value, Key>).returns.toEqualTypeOf<Store<Value, Key>>()],
    [
      'createMongoStore',
      () =>
        expectTypeOf(typed(() => createMongoStore<Value, Key>({ db: mongo, collection: 'values' }))).toEqualTypeOf<
          Store<Value, Key>
        >(),
    ],
    [
      'createPostgresStore',
      () =>
        expectTypeOf(typed(() => createPostgresStore<Value, Key>({ db, table }))).toEqualTypeOf<Store<Value, Key>>(),
    ],
  ])('%s<Value, Key> returns Store<Value, Key>', (_name, check) => {
    check();
  });

  it('createResource<Value, Key> takes a Store<Value, Key>', () => {
    expectTypeOf(createResource<Value, Key>)
      .parameter(0)
      .toHaveProperty('store')
      .toEqualTypeOf<Store<Value, Key>>();
  });
});
