import type { DriverCondition } from '@ifmatch/core/driver';

// What an adapter implements, as @ifmatch/core/driver declares it (store-driver.test.ts checks
// that these are its types). `read`, `write` and `remove` may answer at once or with a promise.
export interface StoreDriver<T, K> {
  readonly capabilities: { readonly strategies: readonly ('version' | 'timestamp' | 'hash')[] };
  checkKey(key: K): void; // TypeError for a key the database would misread
  prepareValue(value: T, key: K): T; // the value exactly as it will read back, or INVALID_VALUE
  read(key: K): DriverRecord<T, K> | undefined | Promise<DriverRecord<T, K> | undefined>;
  write(key: K, write: DriverWrite<T>, condition: DriverCondition): DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;
  remove(key: K, condition: DriverCondition): DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;
}

export interface DriverRecord<T, K> {
  readonly key: K;
  readonly value: T;
  readonly version: number; // missing: 0
  readonly modifiedAt: number | null; // ms since the epoch; missing: null
  readonly incarnation: string | null; // missing: null
  readonly hash: string | null; // missing: null
}

export interface DriverWrite<T> {
  readonly value: T; // as prepareValue returned it
  readonly hash: string | null; // null: clear it
  readonly now: number; // the writer's clock, ms
  readonly strictClock: boolean; // true: modifiedAt must rise even within one millisecond (timestamp tags)
  readonly incarnation: string; // the incarnation of a record this write creates ('' when it cannot create)
}

export type DriverOutcome<T, K> =
  | { readonly ok: true; readonly record: DriverRecord<T, K> }
  | { readonly ok: false; readonly current: DriverRecord<T, K> | undefined }; // current: as it was when the condition failed
