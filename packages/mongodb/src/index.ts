/**
 * @ifmatch/mongodb: conditional writes with the official MongoDB driver, on the user's own
 * collection; documents keep their own shape (the value's members are the document's fields).
 *
 * A write whose condition names one version (every `If-Match` under the version strategy,
 * every write of `store.update`) is ONE atomic server operation with the condition in its
 * filter: `replaceOne`, or `insertOne` for create-only. On success the record is the document
 * just written, so nothing is read back; the current document is read on the conflict path
 * only. Other conditions, and deletes, read first and then write with the version read pinned
 * in the filter, so the database still decides atomically.
 */
import {
  defineStore,
  errorGuard,
  IfMatchError,
  type RawOutcome,
  type RawRecord,
  type RawWrite,
  RETRY,
  retryOnConflict,
  type StorageCondition,
  type Store,
  type StoreDriver,
  type StoreOptions,
  satisfiesStorageCondition,
} from '@ifmatch/core';
import type { Collection, Db, Document, Filter, MongoClient } from 'mongodb';
import { toIfMatchError } from './errors.js';

/** Names of the key and system fields; each is configurable. */
export interface MongoFields {
  /** The key field (default `_id`). Any other field needs a unique index. */
  readonly key?: string;
  readonly version?: string;
  readonly modifiedAt?: string;
  /** The content hash, for the hash strategy (default `etagHash`). */
  readonly hash?: string;
}

export interface MongoStoreOptions extends StoreOptions {
  /** Your connected `MongoClient` (with `database`), or a `Db`. */
  readonly db: Db | MongoClient;
  /** The database name, when `db` is a `MongoClient` (default: the client's default database). */
  readonly database?: string;
  readonly collection: string;
  readonly fields?: MongoFields;
}

/**
 * A write that reads first and loses the race to its pinned write reads and tries again, this
 * many times at most (then RETRIES_EXHAUSTED), pausing a jittered, growing moment between.
 */
const RACE_RETRY = { attempts: 100, baseDelayMs: 1, maxDelayMs: 25 };
const DUPLICATE_KEY = 11000;

/** Creates a `Store` on a MongoDB collection. */
export function createMongoStore<T extends Document = Document, K = unknown>(options: MongoStoreOptions): Store<T, K> {
  const db =
    'collection' in options.db && 'command' in options.db
      ? (options.db as Db)
      : (options.db as MongoClient).db(options.database);
  const collection: Collection<Document> = db.collection(options.collection);
  const fields = { key: '_id', version: 'version', modifiedAt: 'modifiedAt', hash: 'etagHash', ...options.fields };
  const system = new Set([fields.key, fields.version, fields.modifiedAt, fields.hash]);
  const fieldName = { version: fields.version, modifiedAt: fields.modifiedAt, hash: fields.hash } as const;

  const toRaw = (document: Document): RawRecord<T, K> => {
    const value: Document = {};
    for (const [name, member] of Object.entries(document)) if (!system.has(name)) value[name] = member;
    return {
      key: document[fields.key] as K,
      value: value as T,
      version: Number(document[fields.version]),
      modifiedAt: Number(document[fields.modifiedAt]),
      hash: (document[fields.hash] as string | undefined) ?? null,
    };
  };

  /** The document to store: the value's own members, the key, and the system fields. */
  const toDocument = (key: K, write: RawWrite<T>, version: number, modifiedAt: number): Document => {
    const value = write.value as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new IfMatchError('INVALID_VALUE', 'a value is a document: an object whose members are its fields');
    }
    for (const name of Object.keys(value)) {
      if (system.has(name) && !(name === fields.key && (value as Document)[name] === key)) {
        throw new IfMatchError('INVALID_VALUE', `the value may not set the store's own field ${JSON.stringify(name)}`);
      }
    }
    return {
      ...(value as Document),
      [fields.key]: key,
      [fields.version]: version,
      [fields.modifiedAt]: modifiedAt,
      ...(write.hash === null ? {} : { [fields.hash]: write.hash }),
    };
  };

  /**
   * The pinned write's filter, flat (one clause per field, operators merged): the key, the
   * condition on the existing document, and "modified before now". Absence is the caller's.
   */
  const pinnedFilter = (key: K, condition: StorageCondition, now: number): Filter<Document> => {
    const clauses: Record<string, Document> = { [fields.modifiedAt]: { $lt: now } };
    const add = (field: string, operator: string, operand: unknown) => {
      clauses[field] = { ...clauses[field], [operator]: operand };
    };
    const field = fieldName[condition.field];
    if (condition.in !== undefined) add(field, '$in', [...condition.in]);
    // $nin also matches a document without the field, as the condition asks.
    if (condition.notIn !== undefined && condition.notIn.length > 0) add(field, '$nin', [...condition.notIn]);
    if (condition.modifiedAtMost !== undefined) add(fields.modifiedAt, '$lte', condition.modifiedAtMost);
    return { [fields.key]: key, ...clauses };
  };

  const read = async (key: K): Promise<RawRecord<T, K> | undefined> => {
    const document = await collection.findOne({ [fields.key]: key });
    return document === null ? undefined : toRaw(document);
  };

  const insert = async (key: K, write: RawWrite<T>): Promise<RawRecord<T, K> | undefined> => {
    const document = toDocument(key, write, 1, write.now);
    try {
      await collection.insertOne(document);
      return toRaw(document);
    } catch (error) {
      if ((error as { code?: unknown }).code === DUPLICATE_KEY) return undefined; // someone created it first
      throw error;
    }
  };

  /**
   * Replaces the document if `filter` (which pins a version) matches, in one replaceOne.
   * Not findOneAndReplace: the document written is known, and the MongoDB stand-in used in
   * CI does not make findAndModify atomic (replaceOne it does).
   */
  const replaceWhere = async (filter: Filter<Document>, document: Document) => {
    const result = await collection.replaceOne(filter, document);
    return result.matchedCount === 1 ? toRaw(document) : undefined;
  };

  /** The version a condition pins, when it pins exactly one: then one operation suffices. */
  const pinnedVersion = (condition: StorageCondition): number | undefined =>
    condition.field === 'version' && condition.in?.length === 1 && condition.exists !== false
      ? Number(condition.in[0])
      : undefined;

  const write = async (key: K, raw: RawWrite<T>, condition: StorageCondition): Promise<RawOutcome<T, K>> => {
    if (condition.exists === false && condition.in === undefined) {
      const created = await insert(key, raw);
      if (created) return { ok: true, record: created };
    }
    const pinned = pinnedVersion(condition);
    if (pinned !== undefined) {
      // One operation: the condition and "modified before now" in the filter, so the new
      // modifiedAt (now) is later than the stored one.
      const written = await replaceWhere(
        pinnedFilter(key, condition, raw.now),
        toDocument(key, raw, pinned + 1, raw.now),
      );
      if (written) return { ok: true, record: written };
    }
    // Read, decide, and write pinned to the version read; a race sends us round again, after
    // a jittered pause so that racing writers stop colliding. This read is the conflict path
    // of a pinned write, and the first step of any other.
    return retryOnConflict(async () => {
      const current = await read(key);
      if (!satisfiesStorageCondition(condition, current)) return { ok: false, current } as const;
      const written =
        current === undefined
          ? await insert(key, raw)
          : await replaceWhere(
              { [fields.key]: key, [fields.version]: current.version },
              toDocument(key, raw, current.version + 1, Math.max(raw.now, current.modifiedAt + 1)),
            );
      return written ? ({ ok: true, record: written } as const) : RETRY;
    }, RACE_RETRY);
  };

  /** Read, decide, and delete pinned to the version read: the deleted record is the one read. */
  const remove = (key: K, condition: StorageCondition): Promise<RawOutcome<T, K>> =>
    retryOnConflict(async () => {
      const current = await read(key);
      if (current === undefined || !satisfiesStorageCondition(condition, current))
        return { ok: false, current } as const;
      const result = await collection.deleteOne({ [fields.key]: key, [fields.version]: current.version });
      return result.deletedCount === 1 ? ({ ok: true, record: current } as const) : RETRY;
    }, RACE_RETRY);

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    read: (key) => guard('read', () => read(key)),
    write: (key, raw, condition) => guard('write', () => write(key, raw, condition)),
    remove: (key, condition) => guard('write', () => remove(key, condition)),
  };
  return defineStore(driver, options);
}
