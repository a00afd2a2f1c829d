/**
 * Keys, values and items. Two layouts: the value's members are the item's own top-level
 * attributes (the default, and the usual layout of existing tables, single-table designs
 * included), or the value is one map attribute (`attributes.value`).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { IfMatchError } from '@ifmatch/core';
import { checkMembers, jsonCopy, storedTime } from '@ifmatch/core/driver';

type Plain = Record<string, unknown>;

/** A key attribute's value: DynamoDB keys are strings, numbers or binary. */
export type DynamoKeyPart = string | number | Uint8Array;

export interface DynamoTable {
  readonly name: string;
  /** The partition key attribute. */
  readonly partitionKey: string;
  /** The sort key attribute, for a table that has one: keys are then `{ [partitionKey], [sortKey] }`. */
  readonly sortKey?: string;
}

/** Attribute names of the system fields; each is configurable. */
export interface SystemAttributes {
  readonly version: string;
  readonly modifiedAt: string;
  readonly incarnation: string;
  /** The content hash, for the hash strategy. */
  readonly hash: string;
  /** A random id per write, so a retried request can tell its own earlier success. */
  readonly writeId: string;
}

/**
 * The attribute names a store and its backfill use: the defaults with the ones given, and
 * the expression placeholders for them (`#version`…; `#value` in the map layout). One place,
 * so that a backfill always writes the attributes the store reads.
 */
export function storeAttributes(
  table: DynamoTable,
  given: (Partial<SystemAttributes> & { readonly value?: string | undefined }) | undefined,
): { system: SystemAttributes; valueAttribute: string | undefined; names: Record<string, string> } {
  const system: SystemAttributes = {
    version: 'version',
    modifiedAt: 'modifiedAt',
    incarnation: 'incarnation',
    hash: 'etagHash',
    writeId: 'writeId',
    ...given,
  };
  const valueAttribute = given?.value;
  const names: Record<string, string> = {
    '#pk': table.partitionKey,
    '#version': system.version,
    '#modifiedAt': system.modifiedAt,
    '#incarnation': system.incarnation,
    '#hash': system.hash,
    '#writeId': system.writeId,
    ...(valueAttribute === undefined ? {} : { '#value': valueAttribute }),
  };
  return { system, valueAttribute, names };
}

function isKeyPart(part: unknown): part is DynamoKeyPart {
  return typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part)) || part instanceof Uint8Array;
}

/** DynamoDB cannot hold NaN or ±Infinity (it would refuse the whole request later). */
function checkNumbers(value: AttributeValue | undefined): void {
  if (value === undefined) return;
  if (value.N !== undefined && !Number.isFinite(Number(value.N))) {
    throw new IfMatchError('INVALID_VALUE', `DynamoDB cannot hold the number ${value.N}`);
  }
  for (const item of value.L ?? []) checkNumbers(item);
  for (const item of Object.values(value.M ?? {})) checkNumbers(item);
  for (const n of value.NS ?? []) checkNumbers({ N: n });
}

/**
 * Whether the SDK marshals plain data as the copy holds it: every number one it takes (it
 * refuses any past 2^53), and no object with a `constructor` member (the SDK picks an
 * attribute's type by `value.constructor.name`, so `{"constructor": {"name": "String"}}` would
 * be stored as something else).
 */
function marshalsAsCopied(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(value) <= Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'object' || value === null) return true;
  if (!Array.isArray(value) && Object.hasOwn(value, 'constructor')) return false;
  for (const member of Array.isArray(value) ? value : Object.values(value)) if (!marshalsAsCopied(member)) return false;
  return true;
}

/** Whether Object.prototype has an enumerable member, which the SDK's `for…in` would store. */
function prototypePolluted(): boolean {
  for (const _ in {}) return true;
  return false;
}

/**
 * The value as DynamoDB stores and returns it: undefined members dropped; INVALID_VALUE if it
 * cannot be. Plain JSON data the SDK marshals as it is (`marshalsAsCopied`) reads back as a copy of itself, made
 * without marshalling it there and back (every write prepares its value: this is most of a
 * write's own work); anything else (sets, bytes, undefined members…) takes the SDK's road.
 */
export function roundTrip(value: unknown): unknown {
  const copy = jsonCopy(value);
  if (copy !== undefined && marshalsAsCopied(copy) && !prototypePolluted()) return copy;
  return sdkRoundTrip(value);
}

/** `roundTrip` by the SDK: marshalled, checked, and unmarshalled. */
export function sdkRoundTrip(value: unknown): unknown {
  let stored: AttributeValue | undefined;
  try {
    stored = marshall({ v: value }, { removeUndefinedValues: true }).v;
  } catch (error) {
    throw new IfMatchError('INVALID_VALUE', `the value cannot be stored in DynamoDB: ${(error as Error).message}`, {
      cause: error,
    });
  }
  checkNumbers(stored);
  return stored === undefined ? undefined : unmarshall({ v: stored }).v;
}

/** Assigning a member named `__proto__` would set the copy's prototype, and the member would vanish unnoticed. */
function refuseProtoName(name: string): void {
  if (name === '__proto__') throw new IfMatchError('INVALID_VALUE', 'an attribute cannot be named __proto__');
}

/**
 * A stored version as the store reads it: a number; one past 2^53, which the SDK reads as a
 * bigint, as the number nearest it (core refuses to count on from it, rather than the write
 * being refused by a condition that sees a number and retried until RETRIES_EXHAUSTED); any
 * other type (another writer's string) as 0, as the conditions treat it.
 */
function storedVersion(stored: unknown): number {
  return typeof stored === 'number' ? stored : typeof stored === 'bigint' ? Number(stored) : 0;
}

export function itemCodec(table: DynamoTable, system: SystemAttributes, valueAttribute: string | undefined) {
  const keyNames = new Set([table.partitionKey, ...(table.sortKey === undefined ? [] : [table.sortKey])]);
  const reserved = new Set([...keyNames, ...Object.values(system)]);

  /** The key parts by attribute, checked. */
  const keyParts = (key: unknown): Plain => {
    if (table.sortKey === undefined) {
      if (!isKeyPart(key)) throw new TypeError('a DynamoDB key is a string, a finite number or bytes');
      return { [table.partitionKey]: key };
    }
    const parts = key as Plain | null;
    if (
      typeof key !== 'object' ||
      parts === null ||
      !isKeyPart(parts[table.partitionKey]) ||
      !isKeyPart(parts[table.sortKey])
    ) {
      throw new TypeError(
        `a key is an object with ${table.partitionKey} and ${table.sortKey} (strings, numbers or bytes)`,
      );
    }
    return { [table.partitionKey]: parts[table.partitionKey], [table.sortKey]: parts[table.sortKey] };
  };

  const memberRules = {
    noun: 'attribute the store does not keep for itself',
    isMember: (name: string) => !reserved.has(name),
    keyPart: (name: string, own: unknown) => (keyNames.has(name) ? (own as Plain)[name] : undefined),
  };

  return {
    keyParts,
    /** The key as DynamoDB's `Key`. */
    keyOf: (key: unknown): Record<string, AttributeValue> => marshall(keyParts(key)),
    /** The value as it will be stored and read back. */
    prepare(value: unknown, key: unknown): unknown {
      if (valueAttribute !== undefined) {
        const stored = roundTrip(value);
        if (stored === undefined) throw new IfMatchError('INVALID_VALUE', 'a value is required');
        return stored;
      }
      checkMembers(value, memberRules, keyParts(key));
      const out: Plain = {};
      // The key attributes come from the key: an item spread back in does not repeat them.
      for (const [name, member] of Object.entries(value)) {
        refuseProtoName(name);
        if (!keyNames.has(name)) out[name] = member;
      }
      return roundTrip(out);
    },
    /**
     * The item a PutItem writes: the prepared value's attributes, the key's, and the system
     * attributes (a null one left out). Built member by member: spreads of the value, the key
     * and the optional attributes were a sizeable part of a write's own work.
     */
    toItem(
      value: unknown,
      parts: Plain,
      meta: { version: number; modifiedAt: number; writeId: string; incarnation: string | null; hash: string | null },
    ): Plain {
      const item: Plain = {};
      const attributes = valueAttribute === undefined ? (value as Plain) : { [valueAttribute]: value };
      for (const name in attributes) {
        if (!Object.hasOwn(attributes, name)) continue;
        refuseProtoName(name); // `prepare` refused it already
        item[name] = attributes[name];
      }
      for (const name in parts) if (Object.hasOwn(parts, name)) item[name] = parts[name];
      item[system.version] = meta.version;
      item[system.modifiedAt] = meta.modifiedAt;
      item[system.writeId] = meta.writeId;
      if (meta.incarnation !== null) item[system.incarnation] = meta.incarnation;
      if (meta.hash !== null) item[system.hash] = meta.hash;
      return item;
    },
    /** The key, the value and the system fields of an item. */
    fromItem(item: Record<string, AttributeValue>) {
      const plain = unmarshall(item) as Plain;
      let value: unknown;
      if (valueAttribute !== undefined) value = plain[valueAttribute];
      else {
        const own: Plain = {};
        for (const [name, member] of Object.entries(plain)) if (!reserved.has(name)) own[name] = member;
        value = own;
      }
      // A system attribute of another type than the store writes (an ISO string where the time
      // goes, say: another writer's) counts as missing, as the conditions treat it (expressions.ts).
      const text = (name: string) => (typeof plain[name] === 'string' ? (plain[name] as string) : null);
      return {
        key:
          table.sortKey === undefined
            ? plain[table.partitionKey]
            : { [table.partitionKey]: plain[table.partitionKey], [table.sortKey]: plain[table.sortKey] },
        value,
        version: storedVersion(plain[system.version]),
        modifiedAt: typeof plain[system.modifiedAt] === 'number' ? storedTime(plain[system.modifiedAt]) : null,
        incarnation: text(system.incarnation),
        hash: text(system.hash),
        writeId: plain[system.writeId],
      };
    },
  };
}
