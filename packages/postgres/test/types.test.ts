/**
 * Types that come from the user's Drizzle table. `pnpm typecheck` compiles this file (the
 * `@ts-expect-error` lines are the "must not compile" cases: an unused one fails the build);
 * the assertions below run as tests too, so a broken inference fails twice.
 */
import type { Store } from '@ifmatch/core';
import { createPostgresStore, defineDocumentTable, ifmatchColumns } from '@ifmatch/postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { describe, expectTypeOf, it } from 'vitest';

type Line = { sku: string; quantity: number };
const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  customer: text('customer').notNull(),
  lines: jsonb('lines').$type<Line[]>().notNull(),
  note: text('note'),
  ...ifmatchColumns(),
});
const orderLines = pgTable(
  'order_lines',
  {
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    ...ifmatchColumns(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);
const documents = defineDocumentTable('documents');
declare const db: PgDatabase<never, never, never>;
// Types only: nothing below is called.
const typed = <R>(_make: () => R): R => undefined as unknown as R;

describe('createPostgresStore infers its types from the table', () => {
  it('the value is the select type without the key and the system columns; the key is the primary key', () => {
    const store = typed(() => createPostgresStore({ db, table: orders }));
    expectTypeOf(store).toEqualTypeOf<Store<{ customer: string; lines: Line[]; note: string | null }, string>>();
  });

  it('a composite key given as columns is an object of those columns', () => {
    const store = typed(() =>
      createPostgresStore({ db, table: orderLines, key: [orderLines.orderId, orderLines.lineNo] }),
    );
    expectTypeOf(store).toEqualTypeOf<Store<{ sku: string }, { orderId: string; lineNo: number }>>();
  });

  it('in document mode the value is the document column’s type', () => {
    expectTypeOf(
      typed(() => createPostgresStore({ db, table: documents, documentColumn: documents.document })),
    ).toEqualTypeOf<Store<unknown, string>>();
    const typedDocuments = pgTable('typed', {
      id: text('id').primaryKey(),
      body: jsonb('body').$type<Line>().notNull(),
      ...ifmatchColumns(),
    });
    expectTypeOf(
      typed(() => createPostgresStore({ db, table: typedDocuments, documentColumn: typedDocuments.body })),
    ).toEqualTypeOf<Store<Line, string>>();
  });

  it('refuses a put leaving out a NOT NULL column without a default', () => {
    const store = typed(() => createPostgresStore({ db, table: orders }));
    typed(() =>
      // @ts-expect-error `customer` is NOT NULL and has no default
      store.put('o1', { lines: [], note: null }, {}),
    );
    // A nullable column may be left out of nothing: `note` is `string | null`, so it is given.
    typed(() => store.put('o1', { customer: 'Ada', lines: [], note: null }, {}));
  });

  it('refuses a misspelt member in a put, and in a read', () => {
    const store = typed(() => createPostgresStore({ db, table: orders }));
    typed(() =>
      // @ts-expect-error `custmer` is not a column of orders
      store.put('o1', { custmer: 'Ada', lines: [], note: null }, {}),
    );
    void typed(async () => {
      const record = await store.get('o1');
      // @ts-expect-error `custmer` is not a member of the value
      return record?.value.custmer;
    });
  });

  it('checks explicit types against the table', () => {
    expectTypeOf(
      typed(() => createPostgresStore<{ customer: string; note: string | null }, string>({ db, table: orders })),
    ).toEqualTypeOf<Store<{ customer: string; note: string | null }, string>>();
    // @ts-expect-error a member the table has no column for
    typed(() => createPostgresStore<{ custmer: string }, string>({ db, table: orders }));
    // @ts-expect-error a member of another type than its column (customer is text)
    typed(() => createPostgresStore<{ customer: number }, string>({ db, table: orders }));
    // @ts-expect-error note may be null in the table: `string` alone contradicts it
    typed(() => createPostgresStore<{ note: string }, string>({ db, table: orders }));
  });

  it('checks an explicit key type against the primary key', () => {
    // @ts-expect-error the primary key of orders is text
    typed(() => createPostgresStore<{ customer: string }, number>({ db, table: orders }));
    // @ts-expect-error a single-column primary key is not an object key
    typed(() => createPostgresStore<{ customer: string }, { id: string }>({ db, table: orders }));
    // @ts-expect-error in document mode too
    typed(() => createPostgresStore<Line, number>({ db, table: documents, documentColumn: documents.document }));
    expectTypeOf(
      typed(() => createPostgresStore<Line, string>({ db, table: documents, documentColumn: documents.document })),
    ).toEqualTypeOf<Store<Line, string>>();
  });

  it('checks an explicit key type against the key columns given', () => {
    type LineKey = { orderId: string; lineNo: number };
    expectTypeOf(
      typed(() =>
        createPostgresStore<{ sku: string }, LineKey>({
          db,
          table: orderLines,
          key: [orderLines.orderId, orderLines.lineNo],
        }),
      ),
    ).toEqualTypeOf<Store<{ sku: string }, LineKey>>();
    // A composite primary key declared in the table's extra config is not in its type: any key passes.
    expectTypeOf(typed(() => createPostgresStore<{ sku: string }, LineKey>({ db, table: orderLines }))).toEqualTypeOf<
      Store<{ sku: string }, LineKey>
    >();
    // @ts-expect-error the key column sku holds text, not numbers
    typed(() => createPostgresStore<{ lineNo: number }, number>({ db, table: orderLines, key: orderLines.sku }));
    typed(() =>
      // @ts-expect-error an object key from one column
      createPostgresStore<{ sku: string }, LineKey>({ db, table: orderLines, key: orderLines.orderId }),
    );
    type Numbers = { a: number; b: number };
    typed(() =>
      // @ts-expect-error an object key whose columns hold other types (sku is text, the key's members are numbers)
      createPostgresStore<{ lineNo: number }, Numbers>({ db, table: orderLines, key: [orderLines.sku] }),
    );
  });

  it('refuses a value type alone: the key type cannot be inferred once a type argument is given', () => {
    // @ts-expect-error give both type arguments, or none
    typed(() => createPostgresStore<{ customer: string }>({ db, table: orders }));
    // With none, both come from the table.
    expectTypeOf(typed(() => createPostgresStore({ db, table: orders }))).toEqualTypeOf<
      Store<{ customer: string; lines: Line[]; note: string | null }, string>
    >();
  });
});

describe('system columns under other names', () => {
  it('leaves them out of the inferred value', () => {
    const legacy = pgTable('legacy', {
      id: text('id').primaryKey(),
      name: text('name').notNull(),
      lock: integer('lock'),
      changedAt: integer('changed_at'),
      life: text('life'),
    });
    const store = typed(() =>
      createPostgresStore({
        db,
        table: legacy,
        columns: { version: legacy.lock, modifiedAt: legacy.changedAt, incarnation: legacy.life, hash: null },
      }),
    );
    expectTypeOf(store).toEqualTypeOf<Store<{ name: string }, string>>();
  });
});
