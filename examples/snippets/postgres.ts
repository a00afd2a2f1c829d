import { PGlite } from '@electric-sql/pglite';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite'; // or drizzle-orm/node-postgres, drizzle-orm/postgres-js

// Your own table: a composite key, your columns, and ifmatch's columns in one line.
const orderLines = pgTable(
  'order_lines',
  {
    orderId: text('order_id').notNull(),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    options: jsonb('options'),
    ...ifmatchColumns(), // version, modified_at, incarnation, etag_hash
  },
  (table) => [primaryKey({ columns: [table.orderId, table.lineNo] })],
);
type Line = { sku: string; quantity: number; options: unknown };
type LineKey = { orderId: string; lineNo: number };

export async function postgresExample(): Promise<number> {
  const db = drizzle(new PGlite());
  await db.execute(sql`create table order_lines (order_id text not null, line_no integer not null,
    sku text not null, quantity integer not null, options jsonb, version integer, modified_at bigint,
    incarnation text, etag_hash text, primary key (order_id, line_no))`);

  const lines = createPostgresStore<Line, LineKey>({ db, table: orderLines });
  const key = { orderId: 'o-1', lineNo: 1 };
  const created = await lines.create(key, { sku: 'tea', quantity: 1, options: { gift: true } });
  if (!created.ok) throw new Error('exists already');

  // A stale write is refused in the same statement that would have written it.
  await lines.put(key, { sku: 'tea', quantity: 2, options: null }, { etagIn: [created.record.etag] });
  const stale = await lines.put(key, { sku: 'tea', quantity: 9, options: null }, { etagIn: [created.record.etag] });
  if (stale.ok) throw new Error('a stale tag must not win');

  // Inside your own transaction, the store's writes commit or roll back with it.
  await db.transaction(async (tx) => {
    const inTx = createPostgresStore<Line, LineKey>({ db: tx, table: orderLines });
    await inTx.update(key, (line) => ({ ...line, quantity: line.quantity + 1 }), UNCONDITIONAL);
  });
  return (await lines.get(key))?.value.quantity ?? 0; // 3
}
