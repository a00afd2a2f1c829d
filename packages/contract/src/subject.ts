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
  /** As stored: `null` when the field is missing or NULL. */
  readonly version: number | null;
  readonly modifiedAt: number | null;
  readonly incarnation: string | null;
  readonly hash?: string | null;
}

/**
 * The system fields of a record written by an application that never used ifmatch (or used
 * another strategy): each one given is stored, each one left out is missing (NULL, or no
 * such attribute / field).
 */
export interface SeedFields {
  readonly version?: number;
  readonly modifiedAt?: number;
  readonly incarnation?: string;
  readonly hash?: string;
}

/** One store under test, and a raw view of what it really persisted. */
export interface ContractSubject {
  readonly store: Store<ContractDocument, string>;
  /** Reads the stored row/item/document for `key` without going through `store`. */
  inspect(key: string): Promise<PersistedRecord | undefined>;
  /**
   * Writes a record for `key` with plain driver calls, bypassing the store, as data the store
   * did not write itself: the value, and only the system fields in `fields`.
   */
  seed(key: string, value: ContractDocument, fields: SeedFields): Promise<void>;
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
  /**
   * Runs of the property-based model test per strategy (default 40; at least 10), each a
   * random sequence of up to 30 operations checked against a reference model. No new run
   * starts after 90 seconds; fewer than 10 completed runs then fail the test.
   */
  readonly modelRuns?: number;
}
