/**
 * `defineStore`: a `Store` built on a `StoreDriver`. Everything with meaning lives here once
 * for every adapter: tags and strategies, compiling conditions, deciding on the record a
 * refused write returns, the update loop, and the outcomes.
 *
 * The common path (no secret) is synchronous but for the database call itself: every await
 * costs a turn of the event loop, and a write through a local database takes microseconds.
 */
import { IfMatchError } from '../errors.js';
import { CONFLICT, retryOnConflict } from '../retry.js';
import { createStrategy } from '../strategies/strategy.js';
import { checkCondition, compileCondition, NO_RECORD_MATCHES, openCondition } from './compile.js';
import {
  type DriverCondition,
  type DriverOutcome,
  type DriverRecord,
  type DriverWrite,
  type StoreDriver,
  satisfiesCondition,
  writeKind,
} from './driver.js';
import { newIncarnation } from './incarnation.js';
import type { Store, StoredRecord, StoreOptions, WriteOutcome } from './store.js';
import type { WriteCondition } from './write-condition.js';

/**
 * How often a write the database refused, but whose returned record satisfies the condition,
 * is tried again pinned to that record (then RETRIES_EXHAUSTED, never a 412). It happens only
 * for a driver that reads to decide, a record without a stored hash, or a statement whose
 * snapshot predates the write that beat it; each retry pins a newer record.
 */
const SETTLE_RETRY = { attempts: 100, baseDelayMs: 1, maxDelayMs: 250 };

type Failure<T, K> = Exclude<WriteOutcome<T, K>, { ok: true }>;
type Compiled = DriverCondition | typeof NO_RECORD_MATCHES;

/** Checks what no database can hold as a key, before any adapter sees it. */
function checkKey(key: unknown): void {
  if (key === undefined || key === null) throw new TypeError('a key is required');
  if (typeof key === 'number' && !Number.isFinite(key)) throw new TypeError(`${key} is not a valid key`);
  if (typeof key === 'function' || typeof key === 'symbol') throw new TypeError(`a ${typeof key} is not a valid key`);
}

/** A condition pinning `record` exactly: it exists with this incarnation and version. */
function pinTo(record: DriverRecord<unknown, unknown>): DriverCondition {
  return {
    exists: true,
    anyOf: { field: 'version', states: [{ incarnation: record.incarnation, value: record.version }] },
    pinned: record,
  };
}
const ABSENT: DriverCondition = Object.freeze({ exists: false });
/** The incarnation of a write that cannot create its record (see `prepare`). */
const NO_INCARNATION = '';

/**
 * The write with a clock past the record it is pinned to: that record's modification time is
 * known, so a driver that cannot compute `max(now, modifiedAt + 1)` in the database can
 * simply write `now`.
 */
function clockedFor<T>(write: DriverWrite<T>, pinned: DriverRecord<unknown, unknown> | undefined): DriverWrite<T> {
  const at = pinned?.modifiedAt;
  return at === undefined || at === null || at < write.now ? write : { ...write, now: at + 1 };
}

/** Where a store built by `defineStore` keeps its driver, for `driverOf`. */
const DRIVER: unique symbol = Symbol.for('@ifmatch/core.driver') as never;

/**
 * The driver under a store built by `defineStore` (undefined for any other store). For the
 * contract suite, which checks each driver's native conditions against the reference semantics.
 */
export function driverOf<T, K>(store: Store<T, K>): StoreDriver<T, K> | undefined {
  return (store as { [DRIVER]?: StoreDriver<T, K> })[DRIVER];
}

/** Builds a `Store` on a driver. Adapters call this; users call the adapter's factory. */
export function defineStore<T, K>(driver: StoreDriver<T, K>, options: StoreOptions = {}): Store<T, K> {
  const strategy = createStrategy(options.strategy ?? 'version', options.secret);
  if (!driver.capabilities.strategies.includes(strategy.name)) {
    throw new IfMatchError('NOT_SUPPORTED', `this store does not support the ${strategy.name} strategy`);
  }
  const now = options.now ?? Date.now;
  const { hashValue, sealer } = strategy;

  /** The record with a hash, under the hash strategy: a record written without one gets its content's. */
  const withHash = async (raw: DriverRecord<T, K>): Promise<DriverRecord<T, K>> =>
    hashValue === undefined || raw.hash !== null ? raw : { ...raw, hash: await hashValue(raw.value) };

  // The helpers below answer synchronously on the common path (no secret, nothing to hash),
  // and a promise otherwise: every await costs a turn of the event loop, and a write through a
  // local database takes microseconds. Callers await only what is a promise.

  /** The record as the store reports it; its tag sealed when the strategy has a secret. */
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

  /** The condition compiled against the stored fields (its sealed tags opened first). */
  const compile = (condition: WriteCondition): Compiled | Promise<Compiled> => {
    checkCondition(condition);
    if (sealer === undefined) return compileCondition(condition, strategy);
    return openCondition(condition, sealer).then((opened) => compileCondition(opened, strategy));
  };

  /**
   * The write of `value`. `mayCreate`: whether its condition lets it create the record; only
   * then does it draw an incarnation (random bytes cost more than the rest of a write's
   * preparation), and a write that cannot create carries `NO_INCARNATION`, which no driver
   * reads (a driver writes the incarnation only on insert and upsert).
   */
  const prepare = (key: K, value: T, mayCreate: boolean): DriverWrite<T> | Promise<DriverWrite<T>> => {
    if (value === undefined) throw new TypeError('a value is required');
    const stored = driver.prepareValue(value, key);
    const hash = hashValue === undefined ? null : hashValue(stored);
    const write = (digest: string | null): DriverWrite<T> => ({
      value: stored,
      hash: digest,
      now: now(),
      strictClock: strategy.field === 'modifiedAt',
      incarnation: mayCreate ? newIncarnation() : NO_INCARNATION,
    });
    return hash instanceof Promise ? hash.then(write) : write(hash);
  };

  const failure = async (current: DriverRecord<T, K> | undefined): Promise<Failure<T, K>> =>
    current === undefined
      ? { ok: false, reason: 'not-found' }
      : { ok: false, reason: 'precondition-failed', current: await recordOf(current) };

  const checked = (key: K): K => {
    checkKey(key);
    driver.checkKey(key);
    return key;
  };

  /**
   * After a refusal: the condition to try next, or undefined when the refusal stands. The
   * database refused, but the record it returned satisfies the condition after all (a driver
   * that reads to decide, a record written without a hash, a statement whose snapshot predates
   * the write that beat it): then the write goes again pinned to that record, or to its
   * absence, so the decision stays atomic in the database.
   */
  const nextAttempt = async (
    condition: DriverCondition,
    current: DriverRecord<T, K> | undefined,
  ): Promise<DriverCondition | undefined> => {
    const known =
      current === undefined || hashValue === undefined || current.hash !== null ? current : await withHash(current);
    if (!satisfiesCondition(condition, known)) return undefined;
    return current === undefined ? ABSENT : pinTo(current);
  };

  /** One attempt of a write (`write` given) or delete under a condition. */
  type Attempt = (condition: DriverCondition) => DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;
  const attemptOf =
    (key: K, write: DriverWrite<T> | undefined): Attempt =>
    (condition) =>
      write === undefined
        ? driver.remove(key, condition)
        : driver.write(key, clockedFor(write, condition.pinned), condition);

  /** A first refusal, settled: attempts pinned to the record returned, as `nextAttempt` says. */
  const settleRefusal = async (
    condition: DriverCondition,
    refused: Extract<DriverOutcome<T, K>, { ok: false }>,
    attempt: Attempt,
  ): Promise<DriverOutcome<T, K>> => {
    let next = await nextAttempt(condition, refused.current);
    if (next === undefined) return refused;
    return retryOnConflict(async () => {
      const outcome = await attempt(next as DriverCondition);
      if (outcome.ok) return outcome;
      next = await nextAttempt(condition, outcome.current);
      return next === undefined ? outcome : CONFLICT;
    }, SETTLE_RETRY);
  };

  /** Runs a conditional write or delete and settles a refusal (reading when no record can match). */
  const settle = async (key: K, condition: Compiled, write: DriverWrite<T> | undefined) => {
    if (condition === NO_RECORD_MATCHES) return { ok: false as const, current: await driver.read(key) };
    const attempt = attemptOf(key, write);
    const first = await attempt(condition);
    return first.ok ? first : settleRefusal(condition, first, attempt);
  };

  /** The outcome of a successful write: `created` when the record carries this write's incarnation. */
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

  /**
   * A put. The common case (no secret to open, no hash to wait for, a driver that answers at
   * once, a first attempt that succeeds) runs without a single await: on a synchronous
   * database every turn of the event loop is a sizeable part of a write. Anything else
   * continues where it stands in the stages below, each awaiting what the one before left.
   */
  const put = (key: K, value: T, condition: WriteCondition): Promise<WriteOutcome<T, K>> => {
    try {
      checked(key);
      const compiled = compile(condition);
      if (compiled instanceof Promise || compiled === NO_RECORD_MATCHES) {
        return putCompiled(key, value, condition, compiled);
      }
      const write = prepare(key, value, writeKind(compiled) !== 'update');
      if (write instanceof Promise) return putPrepared(key, condition, compiled, write);
      const first = driver.write(key, write, compiled);
      if (first instanceof Promise || !first.ok) return putAttempted(key, condition, compiled, write, first);
      const outcome = success(first.record, write);
      return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const putCompiled = async (
    key: K,
    value: T,
    condition: WriteCondition,
    compiling: Compiled | Promise<Compiled>,
  ): Promise<WriteOutcome<T, K>> => {
    const compiled = await compiling;
    const write = prepare(key, value, compiled !== NO_RECORD_MATCHES && writeKind(compiled) !== 'update');
    return putPrepared(key, condition, compiled, write);
  };
  const putPrepared = async (
    key: K,
    condition: WriteCondition,
    compiled: Compiled,
    preparing: DriverWrite<T> | Promise<DriverWrite<T>>,
  ): Promise<WriteOutcome<T, K>> => {
    const write = await preparing;
    const first =
      compiled === NO_RECORD_MATCHES ? await settle(key, compiled, write) : await driver.write(key, write, compiled);
    return putAttempted(key, condition, compiled, write, first);
  };
  /** After the first attempt: a refusal settled (pinned retries, "already applied"), or the success. */
  const putAttempted = async (
    key: K,
    condition: WriteCondition,
    compiled: Compiled,
    write: DriverWrite<T>,
    attempt: DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>,
  ): Promise<WriteOutcome<T, K>> => {
    const first = await attempt;
    const outcome =
      first.ok || compiled === NO_RECORD_MATCHES ? first : await settleRefusal(compiled, first, attemptOf(key, write));
    if (outcome.ok) return success(outcome.record, write);
    const current = outcome.current;
    // RFC 9110 lets a server answer 2xx for a write that appears already applied only under
    // If-Match (§13.1.1) and If-Unmodified-Since (§13.1.4), never If-None-Match (§13.1.2).
    const mayBeApplied = condition.exists !== false && condition.etagNotIn === undefined;
    if (mayBeApplied && current !== undefined && write.hash !== null) {
      const known = await withHash(current);
      if (known.hash === write.hash) {
        return { ok: true, record: await recordOf(known), created: false, alreadyApplied: true };
      }
    }
    return failure(current);
  };

  const store: Store<T, K> = {
    strategy: strategy.name,
    capabilities: driver.capabilities,
    async get(key) {
      const raw = await driver.read(checked(key));
      return raw === undefined ? undefined : recordOf(raw);
    },
    create: (key, value) => put(key, value, { exists: false }),
    put,
    async update(key, change, condition, retry = options.retry) {
      checked(key);
      const compiled = await compile(condition);
      if (compiled === NO_RECORD_MATCHES) return failure(await driver.read(key));
      // A failed write returns the record that beat it: the next attempt starts from that
      // instead of reading again, which halves the round trips of a contended update.
      // `null`: not known yet, read it. `undefined`: known to be absent.
      let beaten: DriverRecord<T, K> | undefined | null = null;
      return retryOnConflict<WriteOutcome<T, K>>(async () => {
        const current = beaten === null ? await driver.read(key) : beaten;
        if (current === undefined) return failure(current);
        const known = await withHash(current);
        if (!satisfiesCondition(compiled, known)) return failure(current);
        const write = await prepare(key, await change(current.value, await recordOf(known)), false);
        // Pinned to the record read: any write in between (or a delete and create) makes it fail.
        const outcome = await driver.write(key, clockedFor(write, current), pinTo(current));
        if (outcome.ok) return success(outcome.record, write);
        beaten = outcome.current;
        return CONFLICT;
      }, retry);
    },
    async delete(key, condition) {
      checked(key);
      const compiled = await compile(condition);
      // A delete needs a record: absence never satisfies it (and "delete only if absent" never holds).
      const needsRecord =
        compiled === NO_RECORD_MATCHES || compiled.exists === false ? NO_RECORD_MATCHES : { ...compiled, exists: true };
      const outcome = await settle(key, needsRecord, undefined);
      return outcome.ok ? { ok: true, deleted: await recordOf(outcome.record) } : failure(outcome.current);
    },
  };
  Object.defineProperty(store, DRIVER, { value: driver });
  return store;
}
