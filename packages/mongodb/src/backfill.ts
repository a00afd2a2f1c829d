/**
 * `backfillMongo`: brings documents the store did not write up to date (see core's
 * `planBackfill` for what each field gets, and why), while the application keeps writing.
 *
 * Documents are read in batches by `_id` (keyset pagination). MongoDB compares values of one
 * BSON type only (`$gt: "a"` never matches a number), so the scan walks the types in MongoDB's
 * sort order (numbers, strings, objects, ObjectIds, …), one after the other, `$type` and `$gt`
 * within each; a type the server cannot page by is never passed over silently (the run stops
 * and says so). Each document is written with ONE `updateOne` that sets only the system
 * fields the store reads as missing (absent, null, or holding no number: another writer's
 * string or date), its filter pinned to the exact state read: every system field equal to what
 * was read (`null` matches a missing field). A document written in between fails its filter
 * and is left alone.
 *
 * Hashes are never stored here: a filter cannot say "no field besides these" on every server
 * (that needs `$jsonSchema` or `$expr`), so a hash pinned to the content read could land on a
 * document another writer had just added a field to. They cost the store nothing to leave out:
 * it computes the hash of a document without one on read, and a write under a hash tag reads
 * first anyway (see the adapter's write table).
 *
 * Mongoose's `__v`: with `fields: { version: '__v' }` (as the store takes it) the store counts
 * on from Mongoose's own version key. Adopting it renames and copies nothing (a copy would
 * split one counter in two, each blind to the other's writes); a document without `__v` gets
 * `__v: 0`, as Mongoose gives a new document.
 */
import type { BackfillJson, BackfillOptions, BackfillReport } from '@ifmatch/core';
import { errorGuard, IfMatchError, runBackfill } from '@ifmatch/core/driver';
import { BSON, type Collection, type Db, type Document, type Filter, type MongoClient } from 'mongodb';
import { holdsNumber, storedModifiedAt, storedVersion } from './documents.js';
import { toIfMatchError } from './errors.js';
import { fieldNamesOf } from './filters.js';
import type { MongoFields } from './index.js';

/** `backfillMongo`'s options: the store's own (database, collection, field names), and the run's. No hashes here. */
export interface MongoBackfillOptions extends BackfillOptions {
  /** Your connected `MongoClient` (with `database`), or a `Db`, as given to `createMongoStore`. */
  readonly db: Db | MongoClient;
  readonly database?: string;
  readonly collection: string;
  /** The field names, as given to `createMongoStore` (`{ version: '__v' }` adopts Mongoose's). */
  readonly fields?: MongoFields;
}

/** BSON types in MongoDB's sort order (an `_id` is never an array, a regex or undefined). */
const TYPES = [
  'minKey',
  'null',
  'number',
  'string',
  'symbol',
  'object',
  'binData',
  'objectId',
  'bool',
  'date',
  'timestamp',
  'maxKey',
] as const;

interface Position {
  /** Index in TYPES. */
  readonly type: number;
  /** The last `_id` read, as canonical Extended JSON; null at the start of a type. */
  readonly after: string | null;
}

function positionOf(json: BackfillJson): Position {
  if (json === null) return { type: 0, after: null };
  const { type, after } = json as { type?: unknown; after?: unknown };
  if (typeof type !== 'number' || !(typeof after === 'string' || after === null)) {
    throw new TypeError('this checkpoint holds no MongoDB position');
  }
  return { type, after };
}

/** "$type: minKey is not supported" and its kin: a server (or stand-in) without that alias. */
const unsupportedType = (error: unknown) => /\$type/.test(error instanceof Error ? error.message : '');

/**
 * Brings the collection's documents up to date: a missing `version` (or `__v`) → 0, a missing
 * `modifiedAt` → now, each document only if nobody wrote it since it was read. Idempotent;
 * resumable from `checkpoint`.
 */
export async function backfillMongo(options: MongoBackfillOptions): Promise<BackfillReport> {
  const db =
    'collection' in options.db && 'command' in options.db
      ? (options.db as Db)
      : (options.db as MongoClient).db(options.database);
  const collection: Collection<Document> = db.collection(options.collection);
  const fields = fieldNamesOf(options.fields);
  // Missing to the store: no number at all (missing, null, or another writer's string or date),
  // and for the time also a number that is no time (NaN, beyond ±(2^53 − 1), ±Infinity among
  // them: `storedModifiedAt`).
  const noNumber = { $not: { $type: 'number' } };
  const lacking: Filter<Document> = {
    $or: [
      { [fields.version]: noNumber },
      { [fields.modifiedAt]: noNumber },
      { [fields.modifiedAt]: { $in: [Number.NaN] } },
      { [fields.modifiedAt]: { $gt: Number.MAX_SAFE_INTEGER } },
      { [fields.modifiedAt]: { $lt: Number.MIN_SAFE_INTEGER } },
    ],
  };
  const system = [fields.version, fields.modifiedAt, fields.incarnation, fields.hash];
  /** Types the server refused to page by: checked for documents at the end, never passed over. */
  const refused = new Set<number>();
  const guard = errorGuard(toIfMatchError);

  /** Lacking documents of the types the server refused: they would be missed, so they stop the run. */
  const checkRefused = async () => {
    if (refused.size === 0) return;
    const paged = TYPES.filter((_, i) => !refused.has(i)).map((type) => ({ [fields.key]: { $type: type } }));
    const missed = await collection.countDocuments({ $and: [lacking, { $nor: paged }] });
    if (missed > 0) {
      const types = [...refused].map((i) => TYPES[i]).join(', ');
      throw new IfMatchError(
        'NOT_SUPPORTED',
        `${missed} documents have an _id this server cannot page by ($type ${types})`,
      );
    }
  };

  const scan = async (after: BackfillJson, limit: number) => {
    let position = positionOf(after);
    while (position.type < TYPES.length) {
      const type = TYPES[position.type];
      const range = position.after === null ? {} : { $gt: BSON.EJSON.parse(position.after, { relaxed: false }) };
      let records: Document[];
      try {
        records = await collection
          .find({ $and: [lacking, { [fields.key]: { $type: type, ...range } }] })
          .sort({ [fields.key]: 1 })
          .limit(limit)
          .toArray();
      } catch (error) {
        if (!unsupportedType(error)) throw error;
        refused.add(position.type);
        records = [];
      }
      const last = records.at(-1);
      if (last !== undefined) {
        const next: Position =
          records.length < limit
            ? { type: position.type + 1, after: null }
            : { type: position.type, after: BSON.EJSON.stringify(last[fields.key], { relaxed: false }) };
        return { records, next: { ...next }, done: next.type >= TYPES.length };
      }
      position = { type: position.type + 1, after: null };
    }
    await checkRefused();
    return { records: [], next: { ...position }, done: true };
  };

  const pinned = (document: Document): Filter<Document> => ({
    [fields.key]: { $eq: document[fields.key] },
    ...Object.fromEntries(
      system.map((name) => [
        name,
        document[name] === undefined || document[name] === null ? null : { $eq: document[name] },
      ]),
    ),
  });

  return runBackfill<Document>(
    {
      target: `mongodb:${db.databaseName}.${options.collection}`,
      lanes: 1,
      storesHashes: false,
      count: () => guard('read', () => collection.countDocuments(lacking)),
      scan: (_lane, after, limit) => guard('read', () => scan(after, limit)),
      stateOf: (document) => ({
        key: document[fields.key],
        // As the store reads them: a version that holds no number is missing (the store serves
        // it as version 0), and so is a time that is not one number.
        version: holdsNumber(document[fields.version]) ? storedVersion(document[fields.version]) : null,
        modifiedAt: storedModifiedAt(document[fields.modifiedAt]),
        hash: null,
        value: () => document,
      }),
      apply: (changes) =>
        guard('write', async () => {
          // Every write settles before the batch is reported, so none is still in flight after.
          const settled = await Promise.allSettled(
            changes.map(async ({ record, fields: set }) => {
              const $set: Document = {
                ...(set.version === undefined ? {} : { [fields.version]: set.version }),
                ...(set.modifiedAt === undefined ? {} : { [fields.modifiedAt]: set.modifiedAt }),
              };
              const result = await collection.updateOne(pinned(record), { $set });
              return result.matchedCount === 1;
            }),
          );
          const failed = settled.find((outcome) => outcome.status === 'rejected');
          if (failed !== undefined) throw failed.reason;
          return settled.map((outcome) => outcome.status === 'fulfilled' && outcome.value);
        }),
    },
    options,
  );
}
