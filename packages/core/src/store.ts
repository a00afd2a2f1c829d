/**
 * The `Store` every adapter provides, and `defineStore`, which builds one from a small
 * `StoreDriver`. The driver only executes conditional writes natively; everything with
 * meaning (ETag strategies, translating tag conditions, the update loop, outcomes) is here,
 * written once for all adapters.
 */
import type { WriteCondition } from './condition.js';
import type { EntityTag } from './entity-tag.js';
import { IfMatchError } from './errors.js';
import { RETRY, type RetryOptions, retryOnConflict } from './retry.js';
import {
  type EtagStrategy,
  type HashStrategyOptions,
  type RecordMeta,
  type StrategyName,
  strategyByName,
  type TokenField,
} from './strategies.js';

/** A record as the store holds it. */
export interface StoredRecord<T, K> {
  readonly key: K;
  readonly value: T;
  /** Always a strong tag. Send it as `ETag: formatEntityTag(record.etag)`. */
  readonly etag: EntityTag;
  /**
   * Milliseconds since the epoch; strictly increases with every write of this record.
   * Absent for a record no ifmatch store has written yet (a row that predates the system
   * columns): it has no known modification time, so it has no `Last-Modified` either.
   */
  readonly lastModified?: number;
  /** Number of writes since the record was created (1 after create). */
  readonly version: number;
}

/** The outcome of a conditional write. A conflict is an outcome, never an exception. */
export type WriteOutcome<T, K> =
  | {
      readonly ok: true;
      readonly record: StoredRecord<T, K>;
      /** True when this write created the record. */
      readonly created: boolean;
      /**
       * True when the condition failed but the record already holds exactly this value under
       * the hash strategy: the write had already been applied (RFC 9110 §13.1.1), typically
       * by an earlier attempt whose answer was lost.
       */
      readonly alreadyApplied?: true;
    }
  /** The condition needs a record and there is none. No `current` to return. */
  | { readonly ok: false; readonly reason: 'not-found' }
  /** A record exists and is not in the state the condition asks for. */
  | { readonly ok: false; readonly reason: 'precondition-failed'; readonly current: StoredRecord<T, K> };

export type DeleteOutcome<T, K> =
  | { readonly ok: true; readonly deleted: StoredRecord<T, K> }
  | Exclude<WriteOutcome<T, K>, { ok: true }>;

export interface StoreCapabilities {
  /** The ETag strategies this store can maintain. */
  readonly strategies: readonly StrategyName[];
}

/**
 * Optimistic concurrency on one collection of keyed JSON-like values. Every write is
 * conditional and atomic in the database: the condition is checked by the same operation
 * that writes. Methods reject only with `IfMatchError` (transport, throttling, invalid
 * value…) or `TypeError` (a programming mistake); conflicts are outcomes.
 */
export interface Store<T, K> {
  readonly strategy: StrategyName;
  readonly capabilities: StoreCapabilities;
  /** The record, or `undefined` when there is none. */
  get(key: K): Promise<StoredRecord<T, K> | undefined>;
  /**
   * Creates the record only if none exists (`If-None-Match: *`). Fails with
   * `precondition-failed` and the current record when one exists.
   */
  create(key: K, value: T): Promise<WriteOutcome<T, K>>;
  /**
   * Creates or replaces the record if `condition` holds (`UNCONDITIONAL`: last one wins).
   * `created` tells which. Fails with `not-found` when the condition needs a record and
   * there is none, `precondition-failed` with the current record otherwise.
   */
  put(key: K, value: T, condition: WriteCondition): Promise<WriteOutcome<T, K>>;
  /**
   * Replaces an existing record with `change(current)` if `condition` holds. Read, change
   * and a write pinned to the version read; when another writer gets in between, it reads
   * again, re-checks `condition` and re-applies `change`, with bounded jittered backoff
   * (then `RETRIES_EXHAUSTED`). `change` may thus run more than once: keep it pure.
   * Fails with `not-found` when there is no record.
   */
  update(
    key: K,
    change: (current: T, record: StoredRecord<T, K>) => T | Promise<T>,
    condition: WriteCondition,
    retry?: RetryOptions,
  ): Promise<WriteOutcome<T, K>>;
  /** Deletes the record if `condition` holds; `not-found` when there is none. */
  delete(key: K, condition: WriteCondition): Promise<DeleteOutcome<T, K>>;
}

// ---------------------------------------------------------------------------------------
// For implementors
// ---------------------------------------------------------------------------------------

/** A record with its system fields, as a driver reads and returns it. */
export interface RawRecord<T, K> extends RecordMeta {
  readonly key: K;
  readonly value: T;
}

/**
 * A `WriteCondition` compiled against one stored field. All present parts must hold.
 * - record absent: passes unless `exists === true` or `in` is present;
 * - record present: fails if `exists === false`; `in`: `field` is one of `in` (an empty
 *   list never passes); `notIn`: `field` is none of `notIn` (a null field is none of
 *   them); `modifiedAtMost`: `modifiedAt <= modifiedAtMost`.
 */
export interface StorageCondition {
  readonly field: TokenField;
  readonly exists?: boolean;
  readonly in?: readonly (number | string)[];
  readonly notIn?: readonly (number | string)[];
  readonly modifiedAtMost?: number;
}

/** What a driver writes. */
export interface RawWrite<T> {
  readonly value: T;
  /** Store it in the hash field (null when the strategy has none). */
  readonly hash: string | null;
  /**
   * The writer's clock, in ms. The driver sets `modifiedAt` to `max(now, modifiedAt + 1)`
   * inside the database, and `version` to `version + 1` (1 on insert).
   */
  readonly now: number;
}

export type RawOutcome<T, K> =
  | { readonly ok: true; readonly record: RawRecord<T, K> }
  /** `current` is the record as it was when the condition failed, or undefined if absent. */
  | { readonly ok: false; readonly current: RawRecord<T, K> | undefined };

/**
 * What an adapter implements. Each method is ONE atomic operation in the database (a
 * single statement, or a transaction that holds the write lock), never a read in
 * application code followed by a write.
 */
export interface StoreDriver<T, K> {
  readonly capabilities: StoreCapabilities;
  read(key: K): Promise<RawRecord<T, K> | undefined>;
  /** Inserts or updates `key` if `condition` holds; returns the new record or the current one. */
  write(key: K, write: RawWrite<T>, condition: StorageCondition): Promise<RawOutcome<T, K>>;
  /** Deletes `key` if `condition` holds; returns the deleted record or the current one. */
  remove(key: K, condition: StorageCondition): Promise<RawOutcome<T, K>>;
}

export interface StoreOptions {
  /** `'version'` (default), `'timestamp'`, `'hash'`, or a strategy object. */
  readonly strategy?: StrategyName | EtagStrategy;
  /** Options of the hash strategy when it is chosen by name. */
  readonly hash?: HashStrategyOptions;
  /** The clock for `modifiedAt` (default `Date.now`). */
  readonly now?: () => number;
  /** Retry bounds of `update` (default: `RetryOptions` defaults). */
  readonly retry?: RetryOptions;
}

/** More tags than any header the HTTP layer accepts; bounds the size of one statement. */
const MAX_CONDITION_TAGS = 256;

/**
 * Evaluates a storage condition on a raw record: the reference semantics drivers compile
 * into their own query language, and what in-memory drivers use directly.
 */
export function satisfiesStorageCondition(condition: StorageCondition, record: RecordMeta | undefined): boolean {
  if (record === undefined) return condition.exists !== true && condition.in === undefined;
  if (condition.exists === false) return false;
  const token = record[condition.field] ?? null;
  if (condition.in !== undefined && (token === null || !condition.in.includes(token))) return false;
  if (condition.notIn !== undefined && token !== null && condition.notIn.includes(token)) return false;
  return condition.modifiedAtMost === undefined || record.modifiedAt <= condition.modifiedAtMost;
}

function assertTags(tags: unknown, name: string): asserts tags is readonly EntityTag[] {
  if (!Array.isArray(tags)) throw new TypeError(`${name} must be an array of entity tags`);
  if (tags.length > MAX_CONDITION_TAGS) throw new TypeError(`${name} has more than ${MAX_CONDITION_TAGS} tags`);
  for (const tag of tags) {
    if (typeof tag !== 'object' || tag === null || typeof tag.opaque !== 'string' || typeof tag.weak !== 'boolean') {
      throw new TypeError(`${name} must hold entity tags ({ weak, opaque })`);
    }
  }
}

/** Compiles tag conditions into conditions on the strategy's stored field. */
export function toStorageCondition(condition: WriteCondition, strategy: EtagStrategy): StorageCondition {
  if (typeof condition !== 'object' || condition === null) {
    throw new TypeError('a write condition is required (UNCONDITIONAL for last-one-wins)');
  }
  /** The distinct tokens the tags stand for; `strongOnly` drops weak tags (If-Match). */
  const tokens = (tags: readonly EntityTag[], strongOnly: boolean) => {
    const out: (number | string)[] = [];
    for (const tag of tags) {
      if (strongOnly && tag.weak) continue;
      const token = strategy.tokenFor(tag.opaque);
      if (token !== undefined && !out.includes(token)) out.push(token);
    }
    return out;
  };
  const compiled: { -readonly [P in keyof StorageCondition]: StorageCondition[P] } = { field: strategy.field };
  if (condition.exists !== undefined) {
    if (typeof condition.exists !== 'boolean') throw new TypeError('exists must be a boolean');
    compiled.exists = condition.exists;
  }
  if (condition.etagIn !== undefined) {
    assertTags(condition.etagIn, 'etagIn');
    compiled.in = tokens(condition.etagIn, true);
  }
  if (condition.etagNotIn !== undefined) {
    assertTags(condition.etagNotIn, 'etagNotIn');
    compiled.notIn = tokens(condition.etagNotIn, false);
  }
  if (condition.unmodifiedSince !== undefined) {
    if (!Number.isFinite(condition.unmodifiedSince)) throw new TypeError('unmodifiedSince must be a finite number');
    compiled.modifiedAtMost = condition.unmodifiedSince;
  }
  return compiled;
}

/** Builds a `Store` on a driver. Adapters call this; users call the adapter's factory. */
export function defineStore<T, K>(driver: StoreDriver<T, K>, options: StoreOptions = {}): Store<T, K> {
  const strategy =
    typeof options.strategy === 'object'
      ? options.strategy
      : strategyByName(options.strategy ?? 'version', options.hash);
  if (!driver.capabilities.strategies.includes(strategy.name)) {
    throw new IfMatchError('NOT_SUPPORTED', `this store does not support the ${strategy.name} strategy`);
  }
  const now = options.now ?? Date.now;

  const toRecord = (raw: RawRecord<T, K>): StoredRecord<T, K> => ({
    key: raw.key,
    value: raw.value,
    etag: { weak: false, opaque: strategy.tagFor(raw) },
    lastModified: raw.modifiedAt,
    version: raw.version,
  });

  const prepare = async (value: T): Promise<RawWrite<T>> => {
    if (value === undefined) throw new TypeError('a value is required');
    return { value, hash: strategy.hashValue ? await strategy.hashValue(value) : null, now: now() };
  };

  const failure = (current: RawRecord<T, K> | undefined): Exclude<WriteOutcome<T, K>, { ok: true }> =>
    current === undefined
      ? { ok: false, reason: 'not-found' }
      : { ok: false, reason: 'precondition-failed', current: toRecord(current) };

  const success = (raw: RawRecord<T, K>): WriteOutcome<T, K> => ({
    ok: true,
    record: toRecord(raw),
    created: raw.version === 1,
  });

  const put = async (key: K, value: T, condition: WriteCondition): Promise<WriteOutcome<T, K>> => {
    const compiled = toStorageCondition(condition, strategy);
    const write = await prepare(value);
    const outcome = await driver.write(key, write, compiled);
    if (outcome.ok) return success(outcome.record);
    const current = outcome.current;
    if (current !== undefined && write.hash !== null && current.hash === write.hash) {
      return { ok: true, record: toRecord(current), created: false, alreadyApplied: true };
    }
    return failure(current);
  };

  return {
    strategy: strategy.name,
    capabilities: driver.capabilities,
    async get(key) {
      const raw = await driver.read(key);
      return raw === undefined ? undefined : toRecord(raw);
    },
    create: (key, value) => put(key, value, { exists: false }),
    put,
    update(key, change, condition, retry = options.retry) {
      const wanted = toStorageCondition(condition, strategy);
      // A failed write returns the record that beat it: the next attempt starts from that
      // instead of reading again, which halves the round trips of a contended update.
      // `null`: not known yet, read it. `undefined`: known to be absent.
      let beaten: RawRecord<T, K> | undefined | null = null;
      return retryOnConflict<WriteOutcome<T, K>>(async () => {
        const current = beaten === null ? await driver.read(key) : beaten;
        if (current === undefined || !satisfiesStorageCondition(wanted, current)) return failure(current);
        const write = await prepare(await change(current.value, toRecord(current)));
        // Pinned to the version read: any write in between makes this fail.
        const outcome = await driver.write(key, write, { field: 'version', in: [current.version] });
        if (outcome.ok) return success(outcome.record);
        beaten = outcome.current;
        return RETRY;
      }, retry);
    },
    async delete(key, condition) {
      const outcome = await driver.remove(key, toStorageCondition(condition, strategy));
      return outcome.ok ? { ok: true, deleted: toRecord(outcome.record) } : failure(outcome.current);
    },
  };
}
