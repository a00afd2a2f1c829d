/**
 * The records and outcomes a store reports, from the records its driver returns: each record
 * with its entity tag under the store's strategy (sealed when the strategy has a secret), and,
 * under the hash strategy, a record written without a hash given its content's.
 *
 * These answer synchronously on the common path (no secret, nothing to hash), and a promise
 * otherwise: every await costs a turn of the event loop, and a write through a local database
 * takes microseconds. Callers await only what is a promise.
 */
import type { EtagStrategy } from '../strategies/strategy.js';
import type { DriverRecord, DriverWrite } from './driver.js';
import type { StoredRecord, WriteOutcome } from './store.js';
import { NO_INCARNATION } from './writes.js';

/** A write's outcome when it did not happen. */
export type Failure<T, K> = Exclude<WriteOutcome<T, K>, { ok: true }>;

/** What `storeRecords` gives a store. */
export interface StoreRecords<T, K> {
  /** The record with a hash, under the hash strategy: a record written without one gets its content's. */
  readonly withHash: (raw: DriverRecord<T, K>) => Promise<DriverRecord<T, K>>;
  /** The record as the store reports it; its tag sealed when the strategy has a secret. */
  readonly recordOf: (raw: DriverRecord<T, K>) => StoredRecord<T, K> | Promise<StoredRecord<T, K>>;
  /** The outcome of a successful write: `created` when the record carries this write's incarnation. */
  readonly success: (
    raw: DriverRecord<T, K>,
    write: DriverWrite<T>,
  ) => WriteOutcome<T, K> | Promise<WriteOutcome<T, K>>;
  /** The outcome of a refused write: `not-found`, or `precondition-failed` with the current record. */
  readonly failure: (current: DriverRecord<T, K> | undefined) => Promise<Failure<T, K>>;
}

export function storeRecords<T, K>(strategy: EtagStrategy): StoreRecords<T, K> {
  const { hashValue, sealer } = strategy;

  const withHash = async (raw: DriverRecord<T, K>): Promise<DriverRecord<T, K>> =>
    hashValue === undefined || raw.hash !== null ? raw : { ...raw, hash: await hashValue(raw.value) };

  const recordOf = (raw: DriverRecord<T, K>): StoredRecord<T, K> | Promise<StoredRecord<T, K>> => {
    if (sealer !== undefined || (hashValue !== undefined && raw.hash === null)) return sealedRecordOf(raw);
    return recordWithTag(raw, strategy.tagFor(raw));
  };
  const recordWithTag = (raw: DriverRecord<T, K>, opaque: string): StoredRecord<T, K> => {
    const etag = { weak: false, opaque };
    return raw.modifiedAt === null
      ? { key: raw.key, value: raw.value, etag, version: raw.version }
      : { key: raw.key, value: raw.value, etag, version: raw.version, lastModified: raw.modifiedAt };
  };
  const sealedRecordOf = async (raw: DriverRecord<T, K>): Promise<StoredRecord<T, K>> => {
    const clear = strategy.tagFor(await withHash(raw));
    return recordWithTag(raw, sealer === undefined ? clear : await sealer.seal(clear));
  };

  const success = (
    raw: DriverRecord<T, K>,
    write: DriverWrite<T>,
  ): WriteOutcome<T, K> | Promise<WriteOutcome<T, K>> => {
    // An update never changes a record's incarnation: only a record created now has ours.
    const created = write.incarnation !== NO_INCARNATION && raw.incarnation === write.incarnation;
    const record = recordOf(raw);
    return record instanceof Promise
      ? record.then((known) => ({ ok: true, record: known, created }))
      : { ok: true, record, created };
  };

  const failure = async (current: DriverRecord<T, K> | undefined): Promise<Failure<T, K>> =>
    current === undefined
      ? { ok: false, reason: 'not-found' }
      : { ok: false, reason: 'precondition-failed', current: await recordOf(current) };

  return { withHash, recordOf, success, failure };
}
