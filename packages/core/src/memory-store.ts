/**
 * The in-memory reference store: the contract suite runs against it first, and it serves
 * unit tests of code that uses a `Store`. JavaScript runs one callback at a time, so each
 * driver method below is atomic by construction.
 */
import { canonicalJson } from './canonical-json.js';
import {
  defineStore,
  type RawRecord,
  type Store,
  type StoreDriver,
  type StoreOptions,
  satisfiesStorageCondition,
} from './store.js';

export interface MemoryStoreOptions<T, K> extends StoreOptions {
  /**
   * The map that holds the records, keyed by `canonicalJson(key)`; pass your own to look
   * at what is stored (tests do). Default: a new map.
   */
  readonly records?: Map<string, RawRecord<T, K>>;
}

/** A store kept in a `Map`. Values are copied as JSON on the way in and out, like a database. */
export function createMemoryStore<T = unknown, K = string>(options: MemoryStoreOptions<T, K> = {}): Store<T, K> {
  const records = options.records ?? new Map<string, RawRecord<T, K>>();
  const copy = (record: RawRecord<T, K>): RawRecord<T, K> => ({
    ...record,
    value: JSON.parse(JSON.stringify(record.value)),
  });
  const id = (key: K) => canonicalJson(key);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    async read(key) {
      const record = records.get(id(key));
      return record && copy(record);
    },
    async write(key, write, condition) {
      const current = records.get(id(key));
      if (!satisfiesStorageCondition(condition, current)) return { ok: false, current: current && copy(current) };
      const next: RawRecord<T, K> = {
        key,
        value: JSON.parse(canonicalJson(write.value)),
        hash: write.hash,
        version: current ? current.version + 1 : 1,
        modifiedAt: current ? Math.max(write.now, current.modifiedAt + 1) : write.now,
      };
      records.set(id(key), next);
      return { ok: true, record: copy(next) };
    },
    async remove(key, condition) {
      const current = records.get(id(key));
      if (current === undefined || !satisfiesStorageCondition(condition, current)) {
        return { ok: false, current: current && copy(current) };
      }
      records.delete(id(key));
      return { ok: true, record: copy(current) };
    },
  };
  return defineStore(driver, options);
}
