/**
 * What a store hands its driver to write: the value as the driver will store it, its hash
 * under the hash strategy, the writer's clock and, for a write that may create the record, a
 * new incarnation.
 */
import type { EtagStrategy } from '../strategies/strategy.js';
import { wholeMilliseconds } from './clock.js';
import type { DriverRecord, DriverWrite, StoreDriver } from './driver.js';
import { newIncarnation } from './incarnation.js';

/** The incarnation of a write that cannot create its record (see `writePreparer`). */
export const NO_INCARNATION = '';

/** Prepares the write of `value` under `key` (see `writePreparer`). */
export type PrepareWrite<T, K> = (key: K, value: T, mayCreate: boolean) => DriverWrite<T> | Promise<DriverWrite<T>>;

/**
 * The store's preparation of a write. `mayCreate`: whether its condition lets it create the
 * record; only then does it draw an incarnation (random bytes cost more than the rest of a
 * write's preparation), and a write that cannot create carries `NO_INCARNATION`, which no
 * driver reads (a driver writes the incarnation only on insert and upsert). Synchronous unless
 * the hash is (a keyed hash under a secret).
 */
export function writePreparer<T, K>(
  driver: StoreDriver<T, K>,
  strategy: EtagStrategy,
  now: () => number,
): PrepareWrite<T, K> {
  const { hashValue } = strategy;
  const strictClock = strategy.field === 'modifiedAt';
  const clock = wholeMilliseconds(now);
  const writeOf = (stored: T, hash: string | null, mayCreate: boolean): DriverWrite<T> => ({
    value: stored,
    hash,
    now: clock(),
    strictClock,
    incarnation: mayCreate ? newIncarnation() : NO_INCARNATION,
  });
  return (key, value, mayCreate) => {
    if (value === undefined) throw new TypeError('a value is required');
    const stored = driver.prepareValue(value, key);
    const hash = hashValue === undefined ? null : hashValue(stored);
    // No closure on the common path (no hash, or one computed at once).
    return hash instanceof Promise
      ? hash.then((digest) => writeOf(stored, digest, mayCreate))
      : writeOf(stored, hash, mayCreate);
  };
}

/**
 * The write with a clock past the record it is pinned to: that record's modification time is
 * known, so a driver that cannot compute `max(now, modifiedAt + 1)` in the database can
 * simply write `now`.
 */
export function clockedFor<T>(
  write: DriverWrite<T>,
  pinned: DriverRecord<unknown, unknown> | undefined,
): DriverWrite<T> {
  const at = pinned?.modifiedAt;
  return at === undefined || at === null || at < write.now ? write : { ...write, now: at + 1 };
}
