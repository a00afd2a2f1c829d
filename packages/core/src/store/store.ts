/**
 * The `Store` every adapter returns: keyed values under optimistic concurrency, every write
 * conditional and atomic in the database.
 */
import type { EntityTag } from '../entity-tag.js';
import type { RetryOptions } from '../retry.js';
import type { StrategyName } from '../strategies/strategy.js';
import type { StoreCapabilities } from './driver.js';
import type { WriteCondition } from './write-condition.js';

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
  /** Number of writes since the record was created (1 after create; 0 for a record no store has written). */
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
       * the hash strategy, and the condition is one after which RFC 9110 lets a server say the
       * write was already applied (`If-Match`, §13.1.1; `If-Unmodified-Since`, §13.1.4):
       * typically a retry of a request whose answer was lost. Never for `If-None-Match` or a
       * create: a claim has exactly one winner.
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

/**
 * Optimistic concurrency on one collection of keyed values. Every write is conditional and
 * atomic in the database: the condition is checked by the same operation that writes.
 * Methods reject only with `IfMatchError` (transport, throttling, invalid value…) or
 * `TypeError` (a programming mistake: no condition, a key the database cannot hold);
 * conflicts are outcomes.
 */
export interface Store<T, K> {
  readonly strategy: StrategyName;
  readonly capabilities: StoreCapabilities;
  /** The record, or `undefined` when there is none. */
  get(key: K): Promise<StoredRecord<T, K> | undefined>;
  /**
   * Creates the record only if none exists (`If-None-Match: *`). Fails with
   * `precondition-failed` and the current record when one exists, whatever it holds.
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
   * and a write pinned to the record read; when another writer gets in between, it reads
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

export interface StoreOptions {
  /** `'version'` (default), `'timestamp'` or `'hash'`: see the README's table of what tags reveal. */
  readonly strategy?: StrategyName;
  /**
   * A server secret (≥ 32 bytes). Version and timestamp tags are then sealed (encrypted and
   * authenticated) and hash tags keyed (HMAC-SHA-256): tags cannot be forged and hide the
   * version, time or content, but not equality (equal states have equal tags: the README's
   * table says exactly which states share one).
   */
  readonly secret?: string | Uint8Array;
  /**
   * The clock for `modifiedAt`, in milliseconds (default `Date.now`). A fraction is rounded
   * down; a clock that returns anything but a number within ±(2^53 − 1) fails the write with a
   * `TypeError`, before anything is written.
   */
  readonly now?: () => number;
  /** Retry bounds of `update` (default: `RetryOptions` defaults). */
  readonly retry?: RetryOptions;
}
