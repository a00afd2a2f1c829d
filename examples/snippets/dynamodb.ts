import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';

// Your own table: partition key `orderId`, sort key `lineId`. The value's members are the
// item's own attributes, beside `version`, `modifiedAt`, `incarnation` (and `etagHash`, `writeId`).
type Line = { sku: string; quantity: number };
type LineKey = { orderId: string; lineId: string };

export async function dynamoExample(client: DynamoDBClient): Promise<number> {
  const lines = createDynamoStore<Line, LineKey>({
    client,
    table: { name: 'order-lines', partitionKey: 'orderId', sortKey: 'lineId' },
    attributes: { version: 'rev' },
  });
  const key = { orderId: 'o-1', lineId: 'l-1' };
  const created = await lines.create(key, { sku: 'tea', quantity: 1 }); // attribute_not_exists(#pk)
  if (!created.ok) throw new Error('exists already');
  const stale = await lines.put(key, { sku: 'tea', quantity: 5 }, { etagIn: [{ weak: false, opaque: 'v7' }] });
  if (!stale.ok && stale.reason === 'precondition-failed') {
    // The item as it is, from the same round trip (ReturnValuesOnConditionCheckFailure: ALL_OLD).
    console.log('current version', stale.current.version);
  }
  const updated = await lines.update(key, (line) => ({ ...line, quantity: line.quantity + 1 }), UNCONDITIONAL);
  return updated.ok ? updated.record.value.quantity : 0; // 2
}
