/**
 * Settling a write the database refused. The database's answer is final, except when the
 * record it returned satisfies the condition after all (a driver that reads to decide, a
 * record written without a hash, a statement whose snapshot predates the write that beat it):
 * then the write goes again pinned to that record, or to its absence, so the decision stays
 * atomic in the database.
 */
import { CONFLICT, retryOnConflict } from '../retry.js';
import type { EtagStrategy } from '../strategies/strategy.js';
import { type Compiled, NO_RECORD_MATCHES } from './compile.js';
import {
  checkCountable,
  type DriverCondition,
  type DriverOutcome,
  type DriverRecord,
  type DriverWrite,
  type StoreDriver,
  satisfiesCondition,
} from './driver.js';
import type { StoreRecords } from './records.js';
import { clockedFor } from './writes.js';

/**
 * How often a write the database refused, but whose returned record satisfies the condition,
 * is tried again pinned to that record (then RETRIES_EXHAUSTED, never a 412). It happens only
 * for a driver that reads to decide, a record without a stored hash, or a statement whose
 * snapshot predates the write that beat it; each retry pins a newer record.
 */
const SETTLE_RETRY = { attempts: 100, baseDelayMs: 1, maxDelayMs: 250 };

/** A condition pinning `record` exactly: it exists with this incarnation and version. */
export function pinTo(record: DriverRecord<unknown, unknown>): DriverCondition {
  return {
    exists: true,
    anyOf: { field: 'version', states: [{ incarnation: record.incarnation, value: record.version }] },
    pinned: record,
  };
}
const ABSENT: DriverCondition = Object.freeze({ exists: false });

/** One attempt of a write (`write` given) or delete under a condition. */
export type Attempt<T, K> = (condition: DriverCondition) => DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;

/** What `refusalSettler` gives a store. */
export interface RefusalSettler<T, K> {
  /** The attempts of a write (`write` given) or a delete of `key`, each under the condition it is given. */
  readonly attemptOf: (key: K, write: DriverWrite<T> | undefined) => Attempt<T, K>;
  /** A first refusal, settled: attempts pinned to the record returned, while it satisfies the condition. */
  readonly settleRefusal: (
    condition: DriverCondition,
    refused: Extract<DriverOutcome<T, K>, { ok: false }>,
    attempt: Attempt<T, K>,
  ) => Promise<DriverOutcome<T, K>>;
  /** Runs a conditional write or delete and settles a refusal (reading when no record can match). */
  readonly settle: (key: K, condition: Compiled, write: DriverWrite<T> | undefined) => Promise<DriverOutcome<T, K>>;
}

export function refusalSettler<T, K>(
  driver: StoreDriver<T, K>,
  strategy: EtagStrategy,
  { withHash }: Pick<StoreRecords<T, K>, 'withHash'>,
): RefusalSettler<T, K> {
  const { hashValue } = strategy;

  /** After a refusal: the condition to try next, or undefined when the refusal stands. */
  const nextAttempt = async (
    condition: DriverCondition,
    current: DriverRecord<T, K> | undefined,
  ): Promise<DriverCondition | undefined> => {
    const known =
      current === undefined || hashValue === undefined || current.hash !== null ? current : await withHash(current);
    if (!satisfiesCondition(condition, known)) return undefined;
    return current === undefined ? ABSENT : pinTo(current);
  };

  const attemptOf =
    (key: K, write: DriverWrite<T> | undefined): Attempt<T, K> =>
    (condition) => {
      if (write === undefined) return driver.remove(key, condition);
      if (condition.pinned !== undefined) checkCountable(condition.pinned.version);
      return driver.write(key, clockedFor(write, condition.pinned), condition);
    };

  const settleRefusal = async (
    condition: DriverCondition,
    refused: Extract<DriverOutcome<T, K>, { ok: false }>,
    attempt: Attempt<T, K>,
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

  const settle = async (
    key: K,
    condition: Compiled,
    write: DriverWrite<T> | undefined,
  ): Promise<DriverOutcome<T, K>> => {
    if (condition === NO_RECORD_MATCHES) return { ok: false as const, current: await driver.read(key) };
    const attempt = attemptOf(key, write);
    const first = await attempt(condition);
    return first.ok ? first : settleRefusal(condition, first, attempt);
  };

  return { attemptOf, settleRefusal, settle };
}
