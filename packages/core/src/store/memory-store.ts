/**
 * The in-memory reference store: the contract suite runs against it first, and it serves
 * unit tests of code that uses a `Store`. JavaScript runs one callback at a time, so each
 * driver method below is atomic by construction.
 */
import { canonicalJson } from '../canonical-json.js';
import { defineStore } from './define-store.js';
import { type DriverRecord, type StoreDriver, satisfiesCondition } from './driver.js';
import type { Store, StoreOptions } from './store.js';

export interface MemoryStoreOptions<T, K> extends StoreOptions {
  /**
   * The map that holds the records, keyed by `canonicalJson(key)`; pass your own to look
   * at what is stored, or to put records there that no store wrote (tests do). Default: a
   * new map.
   */
  readonly records?: Map<string, DriverRecord<T, K>>;
}

/** A store kept in a `Map`. Values are copied as JSON on the way in and out, like a database. */
export function createMemoryStore<T = unknown, K = string>(options: MemoryStoreOptions<T, K> = {}): Store<T, K> {
  const records = options.records ?? new Map<string, DriverRecord<T, K>>();
  const copy = (record: DriverRecord<T, K>): DriverRecord<T, K> => ({
    ...record,
    value: JSON.parse(JSON.stringify(record.value)),
  });
  const id = (key: K) => canonicalJson(key);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    checkKey: (key) => void canonicalJson(key),
    // What JSON keeps: undefined members dropped; bigint, NaN and cycles refused.
    prepareValue: (value) => JSON.parse(canonicalJson(value)),
    async read(key) {
      const record = records.get(id(key));
      return record && copy(record);
    },
    async write(key, write, condition) {
      const current = records.get(id(key));
      if (!satisfiesCondition(condition, current)) return { ok: false, current: current && copy(current) };
      const next: DriverRecord<T, K> = current
        ? {
            ...current,
            value: write.value,
            hash: write.hash,
            version: current.version + 1,
            modifiedAt: Math.max(write.now, (current.modifiedAt ?? 0) + 1),
          }
        : {
            key,
            value: write.value,
            hash: write.hash,
            version: 1,
            modifiedAt: write.now,
            incarnation: write.incarnation,
          };
      records.set(id(key), next);
      return { ok: true, record: copy(next) };
    },
    async remove(key, condition) {
      const current = records.get(id(key));
      if (current === undefined || !satisfiesCondition(condition, current)) {
        return { ok: false, current: current && copy(current) };
      }
      records.delete(id(key));
      return { ok: true, record: copy(current) };
    },
  };
  return defineStore(driver, options);
}
