/**
 * @ifmatch/dynamodb: conditional writes on DynamoDB with a DynamoDBClient the user owns, on
 * the user's own table. Every write is ONE request (UpdateItem or DeleteItem) whose
 * ConditionExpression carries the precondition; a failed condition returns the current item
 * in the same round trip (ReturnValuesOnConditionCheckFailure: ALL_OLD).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  defineStore,
  errorGuard,
  IfMatchError,
  type RawOutcome,
  type RawRecord,
  type RawWrite,
  type StorageCondition,
  type Store,
  type StoreDriver,
  type StoreOptions,
  satisfiesStorageCondition,
} from '@ifmatch/core';
import { toIfMatchError } from './errors.js';

/** A key attribute's value: DynamoDB keys are strings, numbers or binary. */
export type DynamoKeyPart = string | number | Uint8Array;

export interface DynamoTable {
  readonly name: string;
  /** The partition key attribute. */
  readonly partitionKey: string;
  /** The sort key attribute, for a table that has one: keys are then `{ [partitionKey], [sortKey] }`. */
  readonly sortKey?: string;
}

/** Attribute names of what the store keeps beside the key; each is configurable. */
export interface DynamoAttributes {
  /** The value, as a map (default `value`). */
  readonly value?: string;
  readonly version?: string;
  readonly modifiedAt?: string;
  /** The content hash, for the hash strategy (default `etagHash`). */
  readonly hash?: string;
  /** A random id per write, so a retried request can tell its own earlier success (default `writeId`). */
  readonly writeId?: string;
}

export interface DynamoStoreOptions extends StoreOptions {
  readonly client: DynamoDBClient;
  readonly table: DynamoTable;
  readonly attributes?: DynamoAttributes;
}

type Item = Record<string, unknown>;

/** More than this many values do not fit one IN (DynamoDB's limit): they are OR-ed in groups. */
const IN_LIMIT = 100;
/** Writes in the same millisecond as the stored one move `modifiedAt` on by this many retries at most. */
const CLOCK_RETRIES = 10;

/** Creates a `Store` on a DynamoDB table. */
export function createDynamoStore<T = Record<string, unknown>, K = DynamoKeyPart>(
  options: DynamoStoreOptions,
): Store<T, K> {
  const { client, table } = options;
  const attributes = {
    value: 'value',
    version: 'version',
    modifiedAt: 'modifiedAt',
    hash: 'etagHash',
    writeId: 'writeId',
    ...options.attributes,
  };
  const names: Record<string, string> = {
    '#pk': table.partitionKey,
    '#value': attributes.value,
    '#version': attributes.version,
    '#modifiedAt': attributes.modifiedAt,
    '#hash': attributes.hash,
    '#writeId': attributes.writeId,
  };
  const fieldName = { version: '#version', modifiedAt: '#modifiedAt', hash: '#hash' } as const;

  const keyOf = (key: K): Record<string, AttributeValue> => {
    if (table.sortKey === undefined) return marshall({ [table.partitionKey]: key });
    const parts = key as Item;
    if (
      typeof key !== 'object' ||
      key === null ||
      parts[table.partitionKey] === undefined ||
      parts[table.sortKey] === undefined
    ) {
      throw new TypeError(`a key is an object with ${table.partitionKey} and ${table.sortKey}`);
    }
    return marshall({ [table.partitionKey]: parts[table.partitionKey], [table.sortKey]: parts[table.sortKey] });
  };

  const toRaw = (item: Record<string, AttributeValue>): RawRecord<T, K> => {
    const plain = unmarshall(item) as Item;
    return {
      key: (table.sortKey === undefined
        ? plain[table.partitionKey]
        : { [table.partitionKey]: plain[table.partitionKey], [table.sortKey]: plain[table.sortKey] }) as K,
      value: plain[attributes.value] as T,
      version: Number(plain[attributes.version]),
      modifiedAt: Number(plain[attributes.modifiedAt]),
      hash: (plain[attributes.hash] as string | undefined) ?? null,
    };
  };

  /** The condition as an expression over the stored item, with its values. */
  const conditionExpression = (condition: StorageCondition) => {
    const parts: string[] = [];
    const values: Item = {};
    const field = fieldName[condition.field];
    const list = (prefix: string, tokens: readonly (number | string)[]) => {
      const groups: string[] = [];
      for (let start = 0; start < tokens.length; start += IN_LIMIT) {
        const group = tokens.slice(start, start + IN_LIMIT).map((token, i) => {
          values[`:${prefix}${start + i}`] = token;
          return `:${prefix}${start + i}`;
        });
        groups.push(`${field} IN (${group.join(', ')})`);
      }
      return groups.length === 1 ? groups[0] : `(${groups.join(' OR ')})`;
    };
    if (condition.exists === true) parts.push('attribute_exists(#pk)');
    if (condition.exists === false) parts.push('attribute_not_exists(#pk)');
    if (condition.in !== undefined) {
      // An empty list never passes; DynamoDB has no FALSE, so ask for a contradiction.
      parts.push(
        condition.in.length === 0
          ? 'attribute_exists(#pk) AND attribute_not_exists(#pk)'
          : `attribute_exists(#pk) AND ${list('i', condition.in)}`,
      );
    }
    if (condition.notIn !== undefined && condition.notIn.length > 0) {
      parts.push(`(attribute_not_exists(${field}) OR NOT ${list('n', condition.notIn)})`);
    }
    if (condition.modifiedAtMost !== undefined) {
      values[':since'] = condition.modifiedAtMost;
      parts.push('(attribute_not_exists(#pk) OR #modifiedAt <= :since)');
    }
    return { parts, values };
  };

  /** The SDK's error for a failed condition carries the item as it was (ALL_OLD). */
  const failedItem = (error: unknown) =>
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
      ? { item: (error as { Item?: Record<string, AttributeValue> }).Item }
      : undefined;

  const encodeValue = (value: T) => {
    try {
      return marshall({ v: value }, { removeUndefinedValues: true }).v;
    } catch (error) {
      throw new IfMatchError('INVALID_VALUE', `the value cannot be stored in DynamoDB: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };

  const write = async (key: K, write: RawWrite<T>, condition: StorageCondition): Promise<RawOutcome<T, K>> => {
    const Key = keyOf(key);
    const value = encodeValue(write.value);
    const writeId = globalThis.crypto.randomUUID();
    const { parts, values } = conditionExpression(condition);
    // modifiedAt must rise: the write also requires the stored one to be older than `now`.
    // When only that part fails (two writes in one millisecond, a clock behind), the item it
    // returns says by how much, and the write is sent again with a later `now`.
    let now = write.now;
    for (let attempt = 1; ; attempt++) {
      const set = [
        '#value = :value',
        '#version = if_not_exists(#version, :zero) + :one',
        '#modifiedAt = :now',
        '#writeId = :writeId',
        ...(write.hash === null ? [] : ['#hash = :hash']),
      ];
      const UpdateExpression = `SET ${set.join(', ')}${write.hash === null ? ' REMOVE #hash' : ''}`;
      const ConditionExpression = [...parts, '(attribute_not_exists(#modifiedAt) OR #modifiedAt < :now)'].join(' AND ');
      try {
        const result = await client.send(
          new UpdateItemCommand({
            TableName: table.name,
            Key,
            UpdateExpression,
            ConditionExpression,
            ExpressionAttributeNames: usedNames([UpdateExpression, ConditionExpression], names),
            ExpressionAttributeValues: {
              ...marshall({ ...values, ':zero': 0, ':one': 1, ':now': now, ':writeId': writeId }),
              ':value': value,
              ...(write.hash === null ? {} : marshall({ ':hash': write.hash })),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { ok: true, record: toRaw(result.Attributes ?? {}) };
      } catch (error) {
        const failed = failedItem(error);
        if (failed === undefined) throw error;
        const current = failed.item && toRaw(failed.item);
        // The SDK retried a request whose first attempt had succeeded: that write is ours.
        if (failed.item !== undefined && unmarshall(failed.item)[attributes.writeId] === writeId) {
          return { ok: true, record: current! };
        }
        if (current === undefined || !satisfiesStorageCondition(condition, current) || attempt === CLOCK_RETRIES) {
          return { ok: false, current };
        }
        now = Math.max(now, current.modifiedAt + 1);
      }
    }
  };

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    read(key) {
      const Key = keyOf(key);
      return guard('read', async () => {
        const result = await client.send(new GetItemCommand({ TableName: table.name, Key, ConsistentRead: true }));
        return result.Item === undefined ? undefined : toRaw(result.Item);
      });
    },
    write: (key, raw, condition) => {
      keyOf(key); // a malformed key is a TypeError, not a database error
      return guard('write', () => write(key, raw, condition));
    },
    remove(key, condition) {
      const Key = keyOf(key);
      return guard('write', async () => {
        const { parts, values } = conditionExpression(condition);
        try {
          const result = await client.send(
            new DeleteItemCommand({
              TableName: table.name,
              Key,
              ConditionExpression: ['attribute_exists(#pk)', ...parts].join(' AND '),
              ExpressionAttributeNames: usedNames(['attribute_exists(#pk)', ...parts], names),
              ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: marshall(values) } : {}),
              ReturnValues: 'ALL_OLD',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return { ok: true as const, record: toRaw(result.Attributes ?? {}) };
        } catch (error) {
          const failed = failedItem(error);
          if (failed === undefined) throw error;
          return { ok: false as const, current: failed.item && toRaw(failed.item) };
        }
      });
    },
  };
  return defineStore(driver, options);
}

/** DynamoDB refuses names the expressions do not use: keep only those that appear. */
function usedNames(expressions: readonly string[], names: Record<string, string>): Record<string, string> {
  const used = new Set(expressions.join(' ').match(/#[A-Za-z]+/g));
  return Object.fromEntries(Object.entries(names).filter(([placeholder]) => used.has(placeholder)));
}
