import { addSystemColumnsSql, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Order } from './orders.js';

/** The orders table on PostgreSQL: the same columns as on SQLite. */
export const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  customer: text('customer').notNull(),
  items: jsonb('items').$type<Order['items']>().notNull(),
  status: text('status').$type<Order['status']>().notNull(),
  note: text('note'),
  ...ifmatchColumns(),
});

export const ORDERS_DDL = [
  sql`create table if not exists orders (
    id text primary key,
    customer text not null,
    items jsonb not null,
    status text not null,
    note text
  )`,
  addSystemColumnsSql('orders'),
];
