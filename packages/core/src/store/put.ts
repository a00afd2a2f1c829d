/**
 * `Store.put` (and `create`, a put under `{ exists: false }`): the hot path, tuned against a
 * synchronous database. The common case (no secret to open, no hash to wait for, a driver that
 * answers at once, a first attempt that succeeds) runs without a single await: on a
 * synchronous database every turn of the event loop is a sizeable part of a write. Anything
 * else continues where it stands in the stages below, each awaiting what the one before left.
 */
import { type Compiled, NO_RECORD_MATCHES } from './compile.js';
import { type DriverOutcome, type DriverWrite, type StoreDriver, writeKind } from './driver.js';
import type { StoreRecords } from './records.js';
import type { RefusalSettler } from './settle.js';
import type { WriteOutcome } from './store.js';
import type { WriteCondition } from './write-condition.js';
import type { PrepareWrite } from './writes.js';

/** What a put is made of: the store's other parts, built once by `defineStore`. */
export interface PutParts<T, K> {
  readonly driver: StoreDriver<T, K>;
  /** Checks a key (core's checks, then the driver's), or throws a `TypeError`. */
  readonly checked: (key: K) => K;
  readonly compile: (condition: WriteCondition) => Compiled | Promise<Compiled>;
  readonly prepare: PrepareWrite<T, K>;
  readonly records: StoreRecords<T, K>;
  readonly settler: RefusalSettler<T, K>;
}

export function putOperation<T, K>(
  parts: PutParts<T, K>,
): (key: K, value: T, condition: WriteCondition) => Promise<WriteOutcome<T, K>> {
  const { driver, checked, compile, prepare } = parts;
  const { withHash, recordOf, success, failure } = parts.records;
  const { attemptOf, settleRefusal, settle } = parts.settler;

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

  return put;
}
