import { UNCONDITIONAL } from '@ifmatch/core';
import { createMongoStore } from '@ifmatch/mongodb';
import { type MongoClient, ObjectId } from 'mongodb';

// Your own collection; documents keep their shape: { _id, customer, lines, placedAt, version, modifiedAt, incarnation }.
type Order = { customer: string; lines: { sku: string; quantity: number }[]; placedAt: Date };

export async function mongoExample(client: MongoClient): Promise<number> {
  const orders = createMongoStore<Order, ObjectId>({ db: client.db('shop'), collection: 'orders' });
  const id = new ObjectId();
  const created = await orders.create(id, {
    customer: 'Ada',
    lines: [{ sku: 'tea', quantity: 1 }],
    placedAt: new Date(),
  });
  if (!created.ok) throw new Error('exists already');
  // One replaceOne with { _id, incarnation, version: 1, … } in its filter.
  const paid = await orders.put(id, { ...created.record.value, customer: 'Ada L.' }, { etagIn: [created.record.etag] });
  if (!paid.ok) throw new Error('someone else changed it');
  const more = await orders.update(
    id,
    (order) => ({ ...order, lines: [...order.lines, { sku: 'milk', quantity: 1 }] }),
    UNCONDITIONAL,
  );
  return more.ok ? more.record.value.lines.length : 0; // 2
}
