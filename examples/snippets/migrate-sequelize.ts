import { UNCONDITIONAL } from '@ifmatch/core';
import { addSystemColumnsSql, createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { integer, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core';
import { DataTypes, type Sequelize } from 'sequelize';

// Before: your Sequelize model with `version: true`. Each save() runs
// `UPDATE … SET …, version = $v + 1 WHERE id = $id AND version = $v` (OptimisticLockError if no row).
export const defineProduct = (sequelize: Sequelize) =>
  sequelize.define(
    'Product',
    { name: { type: DataTypes.STRING, allowNull: false }, stock: { type: DataTypes.INTEGER, allowNull: false } },
    { tableName: 'products', version: true },
  );

// Schema: ifmatch's other columns beside Sequelize's `version`, which `add column if not exists`
// keeps as it is. Nullable: instant, and every row is served at once.
export const migrate = (db: NodePgDatabase) => db.execute(addSystemColumnsSql('products'));

// The same table, declared for Drizzle. Sequelize's `version` is ifmatch's version from now on
// (under another name? `columns: { version: products.yourColumn }`). Its `updatedAt` is a
// column like any other: ifmatch keeps `modified_at` (Last-Modified) and leaves `updatedAt` to you.
export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  stock: integer('stock').notNull(),
  createdAt: timestamp('createdAt', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updatedAt', { withTimezone: true }).notNull(),
  ...ifmatchColumns(), // version (Sequelize's), modified_at, incarnation, etag_hash
});

export const productStore = (db: NodePgDatabase) => createPostgresStore({ db, table: products });

export async function sell(store: ReturnType<typeof productStore>, id: number): Promise<void> {
  const sold = await store.update(id, (p) => ({ ...p, stock: p.stock - 1, updatedAt: new Date() }), UNCONDITIONAL);
  if (!sold.ok) throw new Error(`no product ${id}`);
}
