import { UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { integer, pgTable, serial, varchar } from 'drizzle-orm/pg-core';
import { type DataSource, EntitySchema } from 'typeorm';

// Your entity, with its version column: `@VersionColumn() version: number` with decorators,
// `version: true` in an EntitySchema.
export interface Product {
  id: number;
  name: string;
  stock: number;
  version: number;
  // ifmatch's columns, declared so that `synchronize` and `migration:generate` add them (and
  // do not drop them); `select: false`: TypeORM neither loads nor writes them.
  modifiedAt?: string | null;
  incarnation?: string | null;
  etagHash?: string | null;
}
export const ProductEntity = new EntitySchema<Product>({
  name: 'Product',
  tableName: 'products',
  columns: {
    id: { type: Number, primary: true, generated: true },
    name: { type: String },
    stock: { type: Number },
    version: { type: Number, version: true },
    modifiedAt: { name: 'modified_at', type: 'bigint', nullable: true, select: false },
    incarnation: { type: 'text', nullable: true, select: false },
    etagHash: { name: 'etag_hash', type: 'text', nullable: true, select: false },
  },
});

// Before. TypeORM's check is read-then-write: findOne() compares the version in JavaScript
// after reading; save() then runs `UPDATE … SET stock = $1, version = version + 1 WHERE id = $2`,
// with no version in the WHERE. A write committed between the two is silently overwritten.
export async function sellWithTypeorm(dataSource: DataSource, id: number, version: number): Promise<void> {
  const products = dataSource.getRepository(ProductEntity);
  const product = await products.findOneOrFail({ where: { id }, lock: { mode: 'optimistic', version } });
  product.stock -= 1;
  await products.save(product);
}

// After: the same table for Drizzle, and a store on it. TypeORM's version column is the version.
export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  name: varchar('name').notNull(),
  stock: integer('stock').notNull(),
  ...ifmatchColumns(), // version (TypeORM's), modified_at, incarnation, etag_hash
});
export const productStore = (db: NodePgDatabase) => createPostgresStore({ db, table: products });

export async function sell(store: ReturnType<typeof productStore>, id: number): Promise<void> {
  const sold = await store.update(id, (product) => ({ ...product, stock: product.stock - 1 }), UNCONDITIONAL);
  if (!sold.ok) throw new Error(`no product ${id}`);
}
