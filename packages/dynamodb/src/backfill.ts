/**
 * `backfillDynamo`: brings items the store did not write up to date (see core's
 * `planBackfill` for what each field gets, and why), while the application keeps writing.
 *
 * Items are read with a parallel Scan (`segments`, each a lane with its own
 * `LastEvaluatedKey`, so a run resumes each segment after its last completed page), filtered
 * to those lacking a system attribute: missing, NULL, of another type than the store writes
 * (another writer's ISO string where the time goes), or a time past ±(2^53 − 1) (another
 * writer's nanoseconds), which the store reads as missing too.
 * Each item is written with ONE `UpdateItem` that sets only those system attributes, its
 * ConditionExpression pinned to the exact state read:
 * every system attribute (and the store's write id) equal to what was read, or missing if it
 * was. An item written in between fails its condition and is left alone.
 *
 * Hashes are stored only in the map layout (`attributes.value`), pinned with `#value = :read`:
 * DynamoDB compares a whole map. In the top-level layout a condition cannot say "no attribute
 * besides these", so a hash pinned to the attributes read could land on an item another writer
 * had just added one to: there the backfill refuses the hash strategy. It costs the store
 * little: it computes the hash of an item without one on read, and in that layout a write under
 * a hash tag reads first anyway.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { BackfillHashOptions, BackfillJson, BackfillOptions, BackfillReport } from '@ifmatch/core';
import { errorGuard, IfMatchError, runBackfill } from '@ifmatch/core/driver';
import { toIfMatchError } from './errors.js';
import { UNREADABLE_TIME, unreadableTime, usedNames } from './expressions.js';
import type { DynamoAttributes } from './index.js';
import { type DynamoTable, itemCodec, storeAttributes } from './items.js';

/** `backfillDynamo`'s options: the store's own (client, table, attribute names, strategy, secret), segments, and the run's. */
export interface DynamoBackfillOptions extends BackfillOptions, BackfillHashOptions {
  readonly client: DynamoDBClient;
  /** The table and attribute names, as given to `createDynamoStore`. */
  readonly table: DynamoTable;
  readonly attributes?: DynamoAttributes;
  /** Parallel scan segments (`TotalSegments`), each scanned side by side (default 1). */
  readonly segments?: number;
}

type Item = Record<string, AttributeValue>;

/** A `LastEvaluatedKey` as JSON: key attributes are strings, numbers or bytes (as base64). */
function keyToJson(key: Item): BackfillJson {
  const out: Record<string, BackfillJson> = {};
  for (const [name, value] of Object.entries(key)) {
    if (value.S !== undefined) out[name] = { S: value.S };
    else if (value.N !== undefined) out[name] = { N: value.N };
    else if (value.B !== undefined) out[name] = { B: btoa(String.fromCharCode(...value.B)) };
    else throw new TypeError(`key attribute ${name} is not a string, a number or bytes`);
  }
  return out;
}

function keyFromJson(json: BackfillJson): Item {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TypeError('this checkpoint holds no DynamoDB key');
  }
  const out: Item = {};
  for (const [name, value] of Object.entries(json as Record<string, { S?: string; N?: string; B?: string }>)) {
    if (typeof value.S === 'string') out[name] = { S: value.S };
    else if (typeof value.N === 'string') out[name] = { N: value.N };
    else if (typeof value.B === 'string') out[name] = { B: Uint8Array.from(atob(value.B), (c) => c.charCodeAt(0)) };
    else throw new TypeError('this checkpoint holds no DynamoDB key');
  }
  return out;
}

/**
 * Brings the table's items up to date: a missing `version` → 0, a missing `modifiedAt` → now,
 * and in the map layout under the hash strategy a missing `etagHash` → the hash of the value,
 * each item only if nobody wrote it since it was read. Idempotent; resumable from `checkpoint`.
 */
export async function backfillDynamo(options: DynamoBackfillOptions): Promise<BackfillReport> {
  const { client, table } = options;
  const segments = options.segments ?? 1;
  if (!Number.isInteger(segments) || segments < 1 || segments > 1_000_000) {
    throw new TypeError('segments must be a whole number from 1 to 1000000');
  }
  const { system, valueAttribute, names } = storeAttributes(table, options.attributes);
  const hashing = options.strategy === 'hash';
  if (hashing && valueAttribute === undefined) {
    throw new TypeError(
      'DynamoDB: hashes are stored only in the map layout (attributes.value): a condition cannot compare a whole item. ' +
        'Run without the hash strategy: the store computes the hash of an item without one.',
    );
  }
  const items = itemCodec(table, system, valueAttribute);
  const pinnedNames = ['#version', '#modifiedAt', '#incarnation', '#hash', '#writeId'] as const;
  const keyNames = [table.partitionKey, ...(table.sortKey === undefined ? [] : [table.sortKey])];
  const NULL: AttributeValue = { S: 'NULL' };
  const missing = (name: string) => `(attribute_not_exists(${name}) OR attribute_type(${name}, :null))`;
  /** Lacking, to the store (items.ts): not of the type it writes, a number or a string. */
  const notOfType = (name: string, type: 'N' | 'S') => `NOT attribute_type(${name}, :${type})`;
  const lacking = [
    notOfType('#version', 'N'),
    notOfType('#modifiedAt', 'N'),
    unreadableTime('#modifiedAt', ':from', ':downFrom'),
    ...(hashing ? [notOfType('#hash', 'S')] : []),
  ].join(' OR ');
  const lackingValues: Item = {
    ':N': { S: 'N' },
    ':from': UNREADABLE_TIME.from,
    ':downFrom': UNREADABLE_TIME.downFrom,
    ...(hashing ? { ':S': { S: 'S' } } : {}),
  };
  const guard = errorGuard(toIfMatchError);
  const isMissing = (value: AttributeValue | undefined) => value === undefined || value.NULL === true;

  const scan = async (lane: number, after: BackfillJson, limit: number) => {
    const result = await client.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: lacking,
        ExpressionAttributeNames: usedNames([lacking], names),
        ExpressionAttributeValues: lackingValues,
        Limit: limit,
        ConsistentRead: true,
        ...(segments > 1 ? { Segment: lane, TotalSegments: segments } : {}),
        ...(after === null ? {} : { ExclusiveStartKey: keyFromJson(after) }),
      }),
    );
    const last = result.LastEvaluatedKey;
    return {
      records: result.Items ?? [],
      next: last === undefined ? after : keyToJson(last),
      done: last === undefined,
    };
  };

  /** One UpdateItem: the missing attributes set, the state read pinned. False when the pin failed. */
  const update = async (item: Item, fields: { version?: number; modifiedAt?: number; hash?: string }) => {
    const values: Item = { ':null': NULL };
    let next = 0;
    const value = (v: AttributeValue) => {
      const name = `:v${next++}`;
      values[name] = v;
      return name;
    };
    const set = [
      ...(fields.version === undefined ? [] : [`#version = ${value({ N: String(fields.version) })}`]),
      ...(fields.modifiedAt === undefined ? [] : [`#modifiedAt = ${value({ N: String(fields.modifiedAt) })}`]),
      ...(fields.hash === undefined ? [] : [`#hash = ${value({ S: fields.hash })}`]),
    ];
    const pins = [
      'attribute_exists(#pk)',
      ...pinnedNames.map((placeholder) => {
        const read = item[names[placeholder] ?? ''];
        return read === undefined || isMissing(read) ? missing(placeholder) : `${placeholder} = ${value(read)}`;
      }),
    ];
    if (fields.hash !== undefined) {
      const read = valueAttribute === undefined ? undefined : item[valueAttribute];
      pins.push(read === undefined ? 'attribute_not_exists(#value)' : `#value = ${value(read)}`);
    }
    const UpdateExpression = `SET ${set.join(', ')}`;
    const ConditionExpression = pins.join(' AND ');
    // DynamoDB refuses values no expression uses.
    if (!ConditionExpression.includes(':null')) delete values[':null'];
    // Unlike the store's writes, sent again by the SDK after a failure that may have been
    // applied: the attributes it set are then no longer missing, so the attempt sent again fails
    // its condition and the item is counted as written meanwhile, which it was, by this run.
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: table.name,
          Key: Object.fromEntries(keyNames.map((name) => [name, item[name] ?? NULL])),
          UpdateExpression,
          ConditionExpression,
          ExpressionAttributeNames: usedNames([UpdateExpression, ConditionExpression], names),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if ((error as { name?: unknown })?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };

  return runBackfill<Item>(
    {
      target: `dynamodb:${table.name}`,
      lanes: segments,
      storesHashes: valueAttribute !== undefined,
      count: async () => undefined,
      scan: (lane, after, limit) => guard('read', () => scan(lane, after, limit)),
      stateOf: (item) => {
        let record: ReturnType<typeof items.fromItem>;
        try {
          record = items.fromItem(item);
        } catch (error) {
          // A number past what JavaScript holds (1e20 in a member), say: this item is a failure of
          // the run, named by its raw key, and the run goes on.
          const key = Object.fromEntries(keyNames.map((name) => [name, item[name]]));
          throw new IfMatchError(
            'INVALID_VALUE',
            `the item ${JSON.stringify(key)} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return {
          key: record.key,
          version: item[system.version]?.N === undefined ? null : record.version,
          modifiedAt: record.modifiedAt,
          hash: record.hash,
          value: () => record.value,
        };
      },
      apply: (changes) =>
        guard('write', async () => {
          // Every write settles before the batch is reported, so none is still in flight after.
          const settled = await Promise.allSettled(changes.map(({ record, fields }) => update(record, fields)));
          const failed = settled.find((outcome) => outcome.status === 'rejected');
          if (failed !== undefined) throw failed.reason;
          return settled.map((outcome) => outcome.status === 'fulfilled' && outcome.value);
        }),
    },
    options,
  );
}
