import type { Store, StoreCapabilities, StoreOptions } from '@ifmatch/core';

/** The value type every contract test writes: it must round-trip through the adapter. */
export interface ContractDocument {
  title: string;
  count: number;
  /** Nested JSON: an adapter maps it to a JSON column, a map attribute, a subdocument… */
  details: { tags: string[]; note: string | null; ratio: number } | null;
}

/** What the suite reads straight from the database, bypassing the store. */
export interface PersistedRecord {
  readonly value: ContractDocument;
  readonly version: number;
  readonly modifiedAt: number;
  readonly hash?: string | null;
}

/** One store under test, and a raw view of what it really persisted. */
export interface ContractSubject {
  readonly store: Store<ContractDocument, string>;
  /** Reads the stored row/item/document for `key` without going through `store`. */
  inspect(key: string): Promise<PersistedRecord | undefined>;
}

export interface StoreContractOptions {
  /** Shown in the test names. */
  readonly name: string;
  /** What the store declares; the suite skips only what these leave out. */
  readonly capabilities: StoreCapabilities;
  /**
   * Creates a store with these options. Stores may share a table or collection: the suite
   * uses random keys. Called several times, each with its own options.
   */
  createStore(options: StoreOptions): ContractSubject | Promise<ContractSubject>;
  /** Runs after the whole suite: close connections, stop servers. */
  teardown?(): void | Promise<void>;
  /**
   * Writers racing in the concurrency tests (default 100, 32 and 100 as in the issue). Lower
   * them only for a backend that rate-limits; the suite never goes below 8 writers.
   */
  readonly concurrency?: { readonly racers?: number; readonly incrementers?: number; readonly increments?: number };
}
