/**
 * @ifmatch/mongodb: conditional writes with the official MongoDB driver, on the user's own
 * collection; documents keep their own shape (the value's members are the document's fields).
 *
 * A write whose condition pins one version (every `If-Match` under the version strategy,
 * every write of `store.update`) is ONE atomic server operation with the whole condition in
 * its filter: `replaceOne`, or `insertOne` for create-only. On success the record is the
 * document just written, so nothing is read back; the current document is read on the
 * conflict path only. For other conditions (and deletes, whose deleted document must be
 * returned) the driver reads and hands the record to core, which decides and writes pinned to
 * that exact version, so the database still decides atomically.
 */
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
import type { Collection, Db, Document, MongoClient, ObjectId } from 'mongodb';
import { checkKey, documentCodec, storedModifiedAt, storedVersion } from './documents.js';
import { toIfMatchError } from './errors.js';
import { conditionFilters, type FieldNames, fieldNamesOf } from './filters.js';

export { backfillMongo, type MongoBackfillOptions } from './backfill.js';
export type { FieldNames } from './filters.js';

/** Names of the key and system fields; each is configurable (Mongoose's `__v` as the version, say). */
export type MongoFields = Partial<FieldNames>;

/** What both forms of `createMongoStore`'s options have. */
export interface MongoStoreBaseOptions extends StoreOptions {
  /** The key and system fields' names; default `{ key: '_id', version: 'version', modifiedAt: 'modifiedAt', incarnation: 'incarnation', hash: 'etagHash' }`. */
  readonly fields?: MongoFields | undefined;
}

/** On a collection by name: `{ db, collection: 'orders' }`. */
export interface MongoStoreOptionsByName extends MongoStoreBaseOptions {
  /** Your connected `MongoClient` (with `database`), or a `Db`. */
  readonly db: Db | MongoClient;
  /** The database name, when `db` is a `MongoClient` (default: the client's default database). */
  readonly database?: string | undefined;
  readonly collection: string;
}

/** On your typed collection: `{ collection: db.collection<Order>('orders') }`; the types follow it. */
export interface MongoStoreOptionsOnCollection<TSchema extends Document> extends MongoStoreBaseOptions {
  readonly collection: Collection<TSchema>;
}

export type MongoStoreOptions = MongoStoreOptionsByName | MongoStoreOptionsOnCollection<Document>;

/** The fields the store keeps for itself, under their default names. */
export type SystemField = 'version' | 'modifiedAt' | 'incarnation' | 'etagHash';
/** A typed collection's documents as values: without the key and the system fields (under their names in `fields`). */
export type DocumentValue<TSchema, TFields = object> = Omit<
  TSchema,
  '_id' | SystemField | (TFields extends object ? Extract<TFields[keyof TFields], string> : never)
>;
/** A typed collection's key: its `_id` type (an `ObjectId` unless the schema says otherwise). */
export type DocumentKey<TSchema> = TSchema extends { _id: infer Id } ? Id : ObjectId;

const DUPLICATE_KEY = 11000;
/** undefined members are dropped, not stored as null: what is stored is what was hashed. */
const WRITE_OPTIONS = { ignoreUndefined: true } as const;

/** Creates a `Store` on your typed collection; its value and key types come from the collection's. */
export function createMongoStore<TSchema extends Document, const TFields extends MongoFields = object>(
  options: MongoStoreOptionsOnCollection<TSchema> & { readonly fields?: TFields },
): Store<DocumentValue<TSchema, TFields>, DocumentKey<TSchema>>;
/** Creates a `Store` on a MongoDB collection by name. */
export function createMongoStore<T extends Document = Document, K = unknown>(
  options: MongoStoreOptionsByName,
): Store<T, K>;
export function createMongoStore<T extends Document, K>(options: MongoStoreOptions): Store<T, K> {
  const collection: Collection<Document> =
    typeof options.collection === 'string'
      ? databaseOf(options as MongoStoreOptionsByName).collection(options.collection)
      : (options.collection as Collection<Document>);
  const fields = fieldNamesOf(options.fields);
  const documents = documentCodec(fields, collection.bsonOptions?.useBigInt64 === true);
  const { filterFor } = conditionFilters(fields);

  const toRecord = (document: Document): DriverRecord<T, K> => ({
    key: document[fields.key] as K,
    value: documents.valueOf(document) as T,
    version: storedVersion(document[fields.version]),
    modifiedAt: storedModifiedAt(document[fields.modifiedAt]),
    incarnation: (document[fields.incarnation] as string | undefined) ?? null,
    hash: (document[fields.hash] as string | undefined) ?? null,
  });

  const read = async (key: K): Promise<DriverRecord<T, K> | undefined> => {
    const document = await collection.findOne({ [fields.key]: { $eq: key } });
    return document === null ? undefined : toRecord(document);
  };
  const refused = async (key: K): Promise<DriverOutcome<T, K>> => ({ ok: false, current: await read(key) });

  /** The record just written: the value as prepared, and the system fields as sent. */
  const written = (key: K, raw: DriverWrite<T>, version: number, incarnation: string | null) => ({
    ok: true as const,
    record: { key, value: raw.value, version, modifiedAt: raw.now, incarnation, hash: raw.hash },
  });

  const insert = async (key: K, raw: DriverWrite<T>): Promise<DriverOutcome<T, K>> => {
    const document = documents.toDocument(key, raw.value, 1, raw.now, raw.incarnation, raw.hash, false);
    try {
      await collection.insertOne(document, WRITE_OPTIONS);
      return written(key, raw, 1, raw.incarnation);
    } catch (error) {
      if ((error as { code?: unknown }).code === DUPLICATE_KEY) return refused(key); // someone created it first
      throw error;
    }
  };

  const write = async (key: K, raw: DriverWrite<T>, condition: DriverCondition): Promise<DriverOutcome<T, K>> => {
    if (writeKind(condition) === 'insert') return insert(key, raw);
    const pinned = pinnedVersion(condition);
    // Anything else: read, and let core decide and pin the write to the version read.
    if (pinned === undefined) return refused(key);
    const version = pinned.version + 1;
    const document = documents.toDocument(key, raw.value, version, raw.now, pinned.incarnation, raw.hash, true);
    // ONE operation: the whole condition in the filter, and "modified no later than now" (before
    // it, when the clock must rise) so that the new modification time does not go back.
    const filter = filterFor(key, condition, raw.now, raw.strictClock);
    const result = await collection.replaceOne(filter, document, WRITE_OPTIONS);
    return result.matchedCount === 1 ? written(key, raw, version, pinned.incarnation) : refused(key);
  };

  /** A delete must return the deleted record: it is known only once core pins it. */
  const remove = async (key: K, condition: DriverCondition): Promise<DriverOutcome<T, K>> => {
    if (condition.pinned === undefined) return refused(key);
    const result = await collection.deleteOne(filterFor(key, condition));
    return result.deletedCount === 1 ? { ok: true, record: condition.pinned as DriverRecord<T, K> } : refused(key);
  };

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    checkKey,
    prepareValue: (value, key) => documents.prepare(value, key) as T,
    // The guarded functions made once, their arguments passed on: no closure per call.
    read: (key) => guard('read', read, key),
    write: (key, raw, condition) => guard('write', write, key, raw, condition),
    remove: (key, condition) => guard('write', remove, key, condition),
  };
  return defineStore(driver, options);
}

/** The `Db` of options by name: the `Db` given, or the client's database. */
function databaseOf(options: MongoStoreOptionsByName): Db {
  return 'collection' in options.db && 'command' in options.db
    ? (options.db as Db)
    : (options.db as MongoClient).db(options.database);
}
