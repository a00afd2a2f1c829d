/**
 * `defineStore`: a `Store` built on a `StoreDriver`. Everything with meaning lives in core
 * once for every adapter, one concern a module: compiling conditions (`compile.ts`), the
 * writes handed to the driver (`writes.ts`), the records and outcomes reported
 * (`records.ts`), deciding on the record a refused write returns (`settle.ts`) and the put
 * path (`put.ts`). This module checks keys and assembles them, with `get`, `update` and
 * `delete`.
 *
 * The common path (no secret) is synchronous but for the database call itself: every await
 * costs a turn of the event loop, and a write through a local database takes microseconds.
 */
import { IfMatchError } from '../errors.js';
import { CONFLICT, retryOnConflict } from '../retry.js';
import { createStrategy } from '../strategies/strategy.js';
import { conditionCompiler, NO_RECORD_MATCHES } from './compile.js';
import { checkCountable, type DriverRecord, type StoreDriver, satisfiesCondition } from './driver.js';
import { putOperation } from './put.js';
import { storeRecords } from './records.js';
import { pinTo, refusalSettler } from './settle.js';
import type { Store, StoreOptions, WriteOutcome } from './store.js';
import { clockedFor, writePreparer } from './writes.js';

/** Checks what no database can hold as a key, before any adapter sees it. */
function checkKey(key: unknown): void {
  if (key === undefined || key === null) throw new TypeError('a key is required');
  if (typeof key === 'number' && !Number.isFinite(key)) throw new TypeError(`${key} is not a valid key`);
  if (typeof key === 'function' || typeof key === 'symbol') throw new TypeError(`a ${typeof key} is not a valid key`);
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
  const compile = conditionCompiler(strategy);
  const prepare = writePreparer(driver, strategy, options.now ?? Date.now);
  const records = storeRecords<T, K>(strategy);
  const settler = refusalSettler(driver, strategy, records);
  const { withHash, recordOf, success, failure } = records;

  const checked = (key: K): K => {
    checkKey(key);
    driver.checkKey(key);
    return key;
  };

  const put = putOperation({ driver, checked, compile, prepare, records, settler });
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
        checkCountable(current.version);
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
      const outcome = await settler.settle(key, needsRecord, undefined);
      return outcome.ok ? { ok: true, deleted: await recordOf(outcome.record) } : failure(outcome.current);
    },
  };
  Object.defineProperty(store, DRIVER, { value: driver });
  return store;
}
