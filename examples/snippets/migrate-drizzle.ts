import type { EntityTag } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { and, eq, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';

// Your table and the version you kept by hand; ifmatch's other columns beside it. In SQL,
// `addSystemColumnsSql('products')` adds them and leaves your `version` as it is.
export const products = pgTable('products', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  price: integer('price').notNull(),
  ...ifmatchColumns(), // modified_at, incarnation, etag_hash…
  version: integer('version').notNull().default(1), // …and your own version column, declared after: it wins
});

// Before: the check by hand. Atomic, but when it writes nothing, was the row changed, deleted,
// or never there? What is in it now? And the client had to be given `version` to send back.
export async function repriceByHand(db: NodePgDatabase, id: string, version: number, price: number) {
  const written = await db
    .update(products)
    .set({ price, version: sql`${products.version} + 1` })
    .where(and(eq(products.id, id), eq(products.version, version)))
    .returning({ id: products.id });
  return written.length === 1;
}

// After: a store on the same table. The outcome says which: the record written (with its new
// tag), `not-found`, or `precondition-failed` with the current record to retry from.
export const productStore = (db: NodePgDatabase) => createPostgresStore({ db, table: products });

export const reprice = (store: ReturnType<typeof productStore>, id: string, etag: EntityTag, price: number) =>
  store.update(id, (product) => ({ ...product, price }), { etagIn: [etag] });
