import { UNCONDITIONAL } from '@ifmatch/core';
import { createMongoStore } from '@ifmatch/mongodb';
import type { Db, ObjectId } from 'mongodb';
import { Error as MongooseError, model, Schema } from 'mongoose';

type Product = { name: string; stock: number };

// Before: your Mongoose schema. Keep it as it is while Mongoose still writes: with
// `optimisticConcurrency: true`, every save() filters on `__v` and increments it.
export const Products = model(
  'Product',
  new Schema<Product>(
    { name: { type: String, required: true }, stock: { type: Number, required: true } },
    { optimisticConcurrency: true, collection: 'products' },
  ),
);

export async function sellWithMongoose(id: ObjectId): Promise<void> {
  for (;;) {
    const product = await Products.findById(id).orFail();
    product.stock -= 1;
    try {
      await product.save(); // a VersionError when __v moved since findById
      return;
    } catch (error) {
      if (!(error instanceof MongooseError.VersionError)) throw error;
    }
  }
}

// After: a store on the same collection, with Mongoose's `__v` as the version. Nothing to
// migrate: documents Mongoose wrote (`__v: 0`) are served as they are, and `__v` counts on.
// `db` comes from your own MongoClient on the same server (the `mongodb` package).
export const productStore = (db: Db) =>
  createMongoStore({ collection: db.collection<Product>('products'), fields: { version: '__v' } });

export async function sellWithIfmatch(products: ReturnType<typeof productStore>, id: ObjectId): Promise<void> {
  const sold = await products.update(id, (product) => ({ ...product, stock: product.stock - 1 }), UNCONDITIONAL);
  if (!sold.ok) throw new Error(`no product ${id}`);
}
