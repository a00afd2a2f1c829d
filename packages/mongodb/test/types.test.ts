/**
 * Types that come from the user's typed collection. `pnpm typecheck` compiles this file (the
 * `@ts-expect-error` lines are the "must not compile" cases); the assertions run as tests too.
 */
import type { Store } from '@ifmatch/core';
import { createMongoStore } from '@ifmatch/mongodb';
import type { Db, ObjectId } from 'mongodb';
import { describe, expectTypeOf, it } from 'vitest';

type Order = { customer: string; lines: { sku: string; quantity: number }[]; placedAt: Date };
declare const db: Db;
// Types only: nothing below is called.
const typed = <R>(_make: () => R): R => undefined as unknown as R;

describe('createMongoStore', () => {
  it('infers the value and key from a typed collection', () => {
    expectTypeOf(typed(() => createMongoStore({ collection: db.collection<Order>('orders') }))).toEqualTypeOf<
      Store<Order, ObjectId>
    >();
    type WithOwnId = Order & { _id: string; version: number; __v: number };
    expectTypeOf(typed(() => createMongoStore({ collection: db.collection<WithOwnId>('orders') }))).toEqualTypeOf<
      Store<Omit<WithOwnId, '_id' | 'version' | 'modifiedAt' | 'incarnation' | 'etagHash'>, string>
    >();
  });

  it('takes explicit types, value first, with a collection by name', () => {
    expectTypeOf(typed(() => createMongoStore<Order, string>({ db, collection: 'orders' }))).toEqualTypeOf<
      Store<Order, string>
    >();
  });

  it('refuses a misspelt member in a put', () => {
    const orders = typed(() => createMongoStore({ collection: db.collection<Order>('orders') }));
    typed(() =>
      // @ts-expect-error `custmer` is not a member of Order
      orders.put(undefined as unknown as ObjectId, { custmer: 'Ada', lines: [], placedAt: new Date() }, {}),
    );
    // @ts-expect-error a collection by name needs its db
    typed(() => createMongoStore<Order, string>({ collection: 'orders' }));
  });
});

describe('system fields under other names', () => {
  it('leaves them out of the inferred value (Mongoose’s __v as the version)', () => {
    type Saved = Order & { __v: number };
    expectTypeOf(
      typed(() => createMongoStore({ collection: db.collection<Saved>('orders'), fields: { version: '__v' } })),
    ).toEqualTypeOf<Store<Order, ObjectId>>();
  });
});
