/**
 * @ifmatch/dynamodb: conditional writes on DynamoDB with a DynamoDBClient the user owns, on
 * the user's own table. A write is ONE request whose ConditionExpression carries the
 * precondition; a failed condition returns the current item in the same round trip
 * (ReturnValuesOnConditionCheckFailure: ALL_OLD).
 *
 * - Top-level layout (default): the value's members are the item's attributes. A put replaces
 *   the whole item with PutItem, which cannot compute `version + 1`: when the condition pins a
 *   version (every `If-Match` under the version strategy, every write of `store.update`) that
 *   is ONE PutItem; otherwise the driver reads and core writes pinned to the version read.
 * - Map layout (`attributes.value`): the value is one map attribute; every write is ONE
 *   UpdateItem, whatever the condition.
 * Deletes are one DeleteItem in both.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Store, StoreOptions } from '@ifmatch/core';
import {
  type DriverCondition,
  type DriverOutcome,
  type DriverRecord,
  type DriverWrite,
  defineStore,
  errorGuard,
  pinnedVersion,
  type StoreDriver,
  writeKind,
} from '@ifmatch/core/driver';
import { toIfMatchError, WriteNotResent } from './errors.js';
import { ExpressionBuilder, namesCache } from './expressions.js';
import { type DynamoTable, itemCodec, type SystemAttributes, storeAttributes } from './items.js';
import { sendOnce } from './resend.js';

export { backfillDynamo, type DynamoBackfillOptions } from './backfill.js';
export type { DynamoKeyPart, DynamoTable, SystemAttributes } from './items.js';

/** Attribute names of what the store keeps beside the key; each is configurable. */
export interface DynamoAttributes extends Partial<SystemAttributes> {
  /**
   * Keep the value as one map attribute under this name (the map layout). Default: the
   * value's members are the item's own top-level attributes.
   */
  readonly value?: string;
}

export interface DynamoStoreOptions extends StoreOptions {
  readonly client: DynamoDBClient;
  readonly table: DynamoTable;
  readonly attributes?: DynamoAttributes;
}

type Item = Record<string, AttributeValue>;
/** The version and incarnation a write is pinned to. */
type Pin = NonNullable<ReturnType<typeof pinnedVersion>>;
/** One of the store's own writes, by its id: what settles an attempt that may have been applied. */
interface OwnWrite<K> {
  readonly writeId: string;
  readonly key: K;
  /** Absent for a write that pins no version (a create, the map layout's unpinned writes). */
  readonly pinned: Pin | undefined;
}

/**
 * The stored modification time is before the write's (or at it, when the clock need not
 * strictly increase), or there is none. Where the item must exist and has not been read, the
 * time alone is compared: an item without one (written by something else) then fails the
 * condition, and core, finding that the item returned satisfies it, writes again pinned to
 * that item, whose missing time this then allows. One more round trip, once per such item (the
 * write gives it a time), for an expression DynamoDB Local evaluates some 5% faster per write.
 */
function clockCondition(
  expression: ExpressionBuilder,
  write: DriverWrite<unknown>,
  condition: DriverCondition,
  kind: ReturnType<typeof writeKind>,
): string {
  const bound = `#modifiedAt ${write.strictClock ? '<' : '<='} ${expression.value(write.now)}`;
  const mustExist = kind === 'update';
  const timeKnown = condition.pinned === undefined || condition.pinned.modifiedAt !== null;
  return mustExist && timeKnown ? bound : `(${expression.missing('#modifiedAt')} OR ${bound})`;
}

/** Creates a `Store` on a DynamoDB table. */
export function createDynamoStore<T = Record<string, unknown>, K = string>(options: DynamoStoreOptions): Store<T, K> {
  const { client, table } = options;
  const { system, valueAttribute, names } = storeAttributes(table, options.attributes);
  const items = itemCodec(table, system, valueAttribute);
  const namesUsedBy = namesCache(names);

  const toRecord = (item: Item): DriverRecord<T, K> => {
    const { writeId: _, ...record } = items.fromItem(item);
    return record as DriverRecord<T, K>;
  };

  /** The SDK's error for a failed condition carries the item as it was (ALL_OLD). */
  const failedItem = (error: unknown): { item: Item | undefined } | undefined =>
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string })?.name === 'ConditionalCheckFailedException'
      ? { item: (error as { Item?: Item }).Item }
      : undefined;

  /**
   * Sends a conditional write. A failed condition is an outcome, unless the item it returns
   * carries this write's id (`own`, for the store's writes that set one): a request sent again
   * after its first attempt had succeeded. The SDK does not send one again after an attempt
   * that may have been applied (`sendOnce`); a retry strategy or a proxy of the user's own
   * still may.
   *
   * Such an attempt (`WriteNotResent`) is settled by a read where one can tell (`settle`).
   */
  const conditional = async (
    send: () => Promise<DriverRecord<T, K>>,
    own?: OwnWrite<K>,
  ): Promise<DriverOutcome<T, K>> => {
    try {
      return { ok: true, record: await send() };
    } catch (error) {
      if (error instanceof WriteNotResent && own !== undefined) return settle(send, own, error);
      const failed = failedItem(error);
      if (failed === undefined) throw error;
      if (failed.item === undefined) return { ok: false, current: undefined };
      const current = toRecord(failed.item);
      if (own !== undefined && items.fromItem(failed.item).writeId === own.writeId)
        return { ok: true, record: current };
      return { ok: false, current };
    }
  };

  /**
   * A write whose attempt may have been applied (`unsettled`), settled by a read: the item
   * carries this write's id (it was applied: success), or, for a write pinned to a version past
   * 0, the item is still in that state: then it is sent once more (`resendOnce`). Anything else
   * is `unsettled`, OUTCOME_UNKNOWN: a created record not there may have been created and
   * deleted meanwhile, an item that moved on may have moved through this write, and version 0
   * is what another program's item without a version reads as, which such a program may write
   * again after this write. So a pinned write on a kept-alive connection the other end had
   * closed, which DynamoDB never read, is not lost to the caller.
   */
  const settle = async (
    send: () => Promise<DriverRecord<T, K>>,
    own: OwnWrite<K>,
    unsettled: WriteNotResent,
  ): Promise<DriverOutcome<T, K>> => {
    let item: Item | undefined;
    let found: ReturnType<typeof items.fromItem> | undefined;
    try {
      item = await readItem(own.key);
      found = item === undefined ? undefined : items.fromItem(item);
    } catch {
      throw unsettled; // the write's outcome is still unknown
    }
    if (item !== undefined && found?.writeId === own.writeId) return { ok: true, record: toRecord(item) };
    const { pinned } = own;
    if (
      pinned !== undefined &&
      pinned.version > 0 &&
      found?.version === pinned.version &&
      found.incarnation === pinned.incarnation
    )
      return resendOnce(send, own.writeId, pinned, unsettled);
    throw unsettled;
  };

  /**
   * The write sent once more, its first attempt unsettled: that attempt may still be on its
   * way, and be applied before this one, or after another writer's. So only this tells:
   * success; or a failed condition on an item carrying this write's id (the first attempt was
   * applied); or one on another writer's item one version past the pinned one, of the same life
   * (it wrote over the pinned state, so the first attempt can never be applied: a conflict).
   * Anything else, an error included, leaves the first attempt's outcome unknown: `unsettled`.
   */
  const resendOnce = async (
    send: () => Promise<DriverRecord<T, K>>,
    writeId: string,
    pinned: Pin,
    unsettled: WriteNotResent,
  ): Promise<DriverOutcome<T, K>> => {
    let item: Item | undefined;
    try {
      return { ok: true, record: await send() };
    } catch (error) {
      item = failedItem(error)?.item;
    }
    if (item !== undefined) {
      let found: ReturnType<typeof items.fromItem> | undefined;
      try {
        found = items.fromItem(item);
      } catch {
        found = undefined;
      }
      if (found?.writeId === writeId) return { ok: true, record: toRecord(item) };
      if (found?.incarnation === pinned.incarnation && found.version === pinned.version + 1)
        return { ok: false, current: toRecord(item) };
    }
    throw unsettled;
  };

  /** The item as stored, read consistently. */
  const readItem = async (key: K): Promise<Item | undefined> =>
    (await client.send(new GetItemCommand({ TableName: table.name, Key: items.keyOf(key), ConsistentRead: true })))
      .Item;

  const read = async (key: K): Promise<DriverRecord<T, K> | undefined> => {
    const item = await readItem(key);
    return item === undefined ? undefined : toRecord(item);
  };

  /** Top-level layout: the whole item, with PutItem. */
  const putItem = async (key: K, write: DriverWrite<T>, condition: DriverCondition): Promise<DriverOutcome<T, K>> => {
    const kind = writeKind(condition);
    const insert = kind === 'insert';
    const pinned = insert ? undefined : pinnedVersion(condition);
    // Neither a create nor a pinned version: read, and let core decide and pin the write.
    if (!insert && pinned === undefined) return { ok: false, current: await read(key) };
    const writeId = globalThis.crypto.randomUUID();
    const incarnation = insert ? write.incarnation : (pinned?.incarnation ?? null);
    const version = insert ? 1 : (pinned?.version ?? 0) + 1;
    const parts = items.keyParts(key);
    const item = items.toItem(write.value, parts, {
      version,
      modifiedAt: write.now,
      writeId,
      incarnation,
      hash: write.hash,
    });
    const expression = new ExpressionBuilder();
    // modifiedAt must not go back (rise, under the timestamp strategy): the stored one must be
    // before `now`; when it is not, core retries pinned past it.
    const ConditionExpression = [
      ...expression.condition(condition),
      clockCondition(expression, write, condition, kind),
    ].join(' AND ');
    return conditional(
      async () => {
        await sendOnce(
          client,
          new PutItemCommand({
            TableName: table.name,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression,
            ExpressionAttributeNames: namesUsedBy(ConditionExpression),
            ExpressionAttributeValues: expression.attributeValues(),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        // The item as sent is the record: its value is the prepared one, which reads back as
        // is; its key the key attributes alone, as a read gives them.
        return {
          key: (table.sortKey === undefined ? parts[table.partitionKey] : parts) as K,
          value: write.value,
          version,
          modifiedAt: write.now,
          incarnation,
          hash: write.hash,
        };
      },
      { writeId, key, pinned },
    );
  };

  /**
   * Map layout: one UpdateItem for any condition. The next version is known where the
   * condition pins one (any item it matches has that version) or the item must be absent;
   * otherwise DynamoDB counts it, from a number only: an item whose version is of another type
   * (a string "3" another writer left, which reads as version 0) fails the condition instead
   * of the update (`if_not_exists(…) + 1` of a string is a ValidationException), comes back,
   * and core writes it pinned to version 0.
   */
  const updateItem = async (
    key: K,
    write: DriverWrite<T>,
    condition: DriverCondition,
  ): Promise<DriverOutcome<T, K>> => {
    const kind = writeKind(condition);
    const pinned = kind === 'update' ? pinnedVersion(condition) : undefined;
    const writeId = globalThis.crypto.randomUUID();
    const expression = new ExpressionBuilder();
    const parts = expression.condition(condition);
    let version: string;
    if (kind === 'insert') version = expression.value(1);
    else if (pinned !== undefined) version = expression.value(pinned.version + 1);
    else {
      version = `if_not_exists(#version, ${expression.value(0)}) + ${expression.value(1)}`;
      parts.push(expression.absentOrOwnType('#version'));
    }
    const set = [
      `#value = ${expression.value(write.value)}`,
      `#version = ${version}`,
      `#modifiedAt = ${expression.value(write.now)}`,
      `#writeId = ${expression.value(writeId)}`,
      ...(write.hash === null ? [] : [`#hash = ${expression.value(write.hash)}`]),
    ];
    // An update never sets the incarnation. An upsert sets it only on a new item: an item
    // without one (created before the store) fails here, and core writes it pinned, as an update.
    if (kind === 'insert') set.push(`#incarnation = ${expression.value(write.incarnation)}`);
    if (kind === 'upsert') {
      set.push(`#incarnation = if_not_exists(#incarnation, ${expression.value(write.incarnation)})`);
      parts.push('(attribute_not_exists(#pk) OR attribute_exists(#incarnation))');
    }
    parts.push(clockCondition(expression, write, condition, kind));
    const UpdateExpression = `SET ${set.join(', ')}${write.hash === null ? ' REMOVE #hash' : ''}`;
    const ConditionExpression = parts.join(' AND ');
    return conditional(
      async () => {
        const result = await sendOnce(
          client,
          new UpdateItemCommand({
            TableName: table.name,
            Key: items.keyOf(key),
            UpdateExpression,
            ConditionExpression,
            ExpressionAttributeNames: namesUsedBy(UpdateExpression, ConditionExpression),
            ExpressionAttributeValues: expression.attributeValues({ removeUndefinedValues: true }),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return toRecord(result.Attributes ?? {});
      },
      { writeId, key, pinned },
    );
  };

  const remove = (key: K, condition: DriverCondition) => {
    const expression = new ExpressionBuilder();
    // A delete needs an item: core always asks for one (`exists: true`); said here again so that
    // no condition can ever let a delete pass on a missing item.
    const ConditionExpression = expression.condition({ ...condition, exists: true }).join(' AND ');
    const values = expression.attributeValues();
    return conditional(async () => {
      const result = await sendOnce(
        client,
        new DeleteItemCommand({
          TableName: table.name,
          Key: items.keyOf(key),
          ConditionExpression,
          ExpressionAttributeNames: namesUsedBy(ConditionExpression),
          ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return toRecord(result.Attributes ?? {});
    });
  };

  const guard = errorGuard(toIfMatchError);
  const write = valueAttribute === undefined ? putItem : updateItem;

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    checkKey: (key) => void items.keyParts(key),
    prepareValue: (value, key) => items.prepare(value, key) as T,
    // The guarded functions made once, their arguments passed on: no closure per call.
    read: (key) => guard('read', read, key),
    write: (key, raw, condition) => guard('write', write, key, raw, condition),
    remove: (key, condition) => guard('write', remove, key, condition),
  };
  return defineStore(driver, options);
}
