/**
 * The driver contract: what an adapter implements so that `defineStore` can build a `Store`
 * on it. A driver only executes conditional writes natively; everything with meaning (tags,
 * strategies, compiling preconditions, the update loop, outcomes) is core's, written once.
 *
 * Adapters import these from `@ifmatch/core/driver`.
 */

import { IfMatchError } from '../errors.js';

/** The stored field an entity tag stands for, by strategy. */
export type TagField = 'version' | 'modifiedAt' | 'hash';

/**
 * A record as the database holds it, with its system fields. A driver reports what is
 * stored, with these normalisations for data the store did not write itself:
 * - `version`: a missing or NULL version reads as 0;
 * - `modifiedAt`, `incarnation`, `hash`: missing or NULL read as `null`;
 * - `modifiedAt` that is no time (an ISO string another writer keeps there, a boolean, NaN)
 *   reads as `null` too (`storedTime`), and the driver's conditions treat it as missing.
 */
export interface DriverRecord<T, K> {
  readonly key: K;
  readonly value: T;
  /** Writes since the record was created: 1 after create; 0 for a record never written by a store. */
  readonly version: number;
  /** Milliseconds since the epoch; `null` when the record has none. */
  readonly modifiedAt: number | null;
  /**
   * A random id drawn when a store creates the record and never changed by an update, so
   * that a tag of a deleted record never matches the record created again under its key.
   * `null` for a record that existed before the store.
   */
  readonly incarnation: string | null;
  /** The content hash written under the hash strategy; `null` when none was written. */
  readonly hash: string | null;
}

/**
 * A stored modification time as a driver reports it: milliseconds (a number, a bigint, a
 * `Date`, a BSON Long: whatever `Number` makes a finite number of), or `null` for none. A
 * record another writer left may hold anything under that name, an ISO string say: that is no
 * time the store can compare or send as `Last-Modified`, so it reads as none, as a missing one
 * does (and a write gives the record a time of its own).
 */
export function storedTime(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'object') return null;
  // `Number` reads an array or bytes of one element as that element: no time either.
  if (value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return null;
  const time = Number(value);
  return Number.isFinite(time) ? time : null;
}

/** One state of a record that a tag stands for. */
export interface TaggedState {
  /** The record's incarnation (compared null-safely). Not compared on the hash field. */
  readonly incarnation: string | null;
  /** The value of the field: a version, a modification time, or a hash. */
  readonly value: number | string;
}

/** The states a list of tags stands for, all on one field. Never empty. */
export interface StateSet {
  readonly field: TagField;
  readonly states: readonly TaggedState[];
}

/**
 * What the database must check before it writes: all present parts hold (a conjunction).
 *
 * A record is *in* a state of a `StateSet` when its `field` equals the state's value and,
 * for `version` and `modifiedAt`, its incarnation equals the state's incarnation (null equals
 * null). A missing version or modification time counts as 0. A record whose `hash` is null
 * is in NO state and out of NO state of a hash set: its content hash is unknown to the
 * database, so both `anyOf` and `noneOf` fail (core then decides on the record returned).
 *
 * `satisfiesCondition` is the reference semantics; the contract suite runs every driver
 * against it.
 */
export interface DriverCondition {
  /** `true`: the record must exist. `false`: it must be absent. */
  readonly exists?: boolean;
  /** The record exists and is in one of these states. */
  readonly anyOf?: StateSet;
  /** The record is absent, or known to be in none of these states. */
  readonly noneOf?: StateSet;
  /** The record is absent, or its modification time (missing: 0) is at most this. */
  readonly modifiedAtMost?: number;
  /**
   * Set when the condition pins one record exactly, as core read it (then `exists` is true
   * and `anyOf` is its incarnation and version): a driver that cannot compute a new version
   * or return a deleted record in the database itself may take them from here.
   */
  readonly pinned?: DriverRecord<unknown, unknown>;
}

/** What a driver writes. */
export interface DriverWrite<T> {
  /** The value, as `prepareValue` returned it. */
  readonly value: T;
  /** Store it in the hash field (`null`: clear it; the strategy has none). */
  readonly hash: string | null;
  /**
   * The writer's clock, in ms. On insert `modifiedAt = now`; on update
   * `modifiedAt = max(now, modifiedAt + 1)` computed in the database (a missing one counts as
   * 0), so it strictly increases even for two writes in one millisecond or a clock that steps
   * back. A driver that cannot compute the maximum in the database writes `now` and requires
   * the stored `modifiedAt` to be before it in its condition instead (core then retries with a
   * later `now` taken from the record it returns); see `strictClock`.
   */
  readonly now: number;
  /**
   * True under the timestamp strategy, whose tags are the time: there a second write in the
   * same millisecond must get a later `modifiedAt`. Otherwise `modifiedAt` (the record's
   * `Last-Modified`, which HTTP carries in whole seconds) must only never go back: a driver
   * that writes `now` may then require `modifiedAt <= now` instead of `<`, and a hot record
   * written twice in one millisecond still takes one operation.
   */
  readonly strictClock: boolean;
  /**
   * The incarnation of a record this write creates. An update never changes a record's
   * incarnation (a record created before the store keeps none), so core knows a write
   * created the record exactly when the record returned carries this one. Empty for a write
   * whose condition cannot create (`writeKind` is `update`): write it on insert and upsert only.
   */
  readonly incarnation: string;
}

export type DriverOutcome<T, K> =
  | { readonly ok: true; readonly record: DriverRecord<T, K> }
  /** `current` is the record as it was when the condition failed, or undefined when absent. */
  | { readonly ok: false; readonly current: DriverRecord<T, K> | undefined };

export interface StoreCapabilities {
  /** The ETag strategies this store can maintain. */
  readonly strategies: readonly ('version' | 'timestamp' | 'hash')[];
}

/**
 * What an adapter implements. `write` and `remove` each evaluate the condition and write in
 * ONE database operation (a statement, a conditional request, a filter), never a read in
 * application code followed by a write. A driver that cannot decide a condition natively may
 * instead read and return `{ ok: false, current }`: core then evaluates the condition on that
 * record and calls again with a condition `pinned` to it. Conditions that no record can
 * satisfy never reach a driver (core reads instead).
 */
export interface StoreDriver<T, K> {
  readonly capabilities: StoreCapabilities;
  /**
   * The record, or undefined. Each of `read`, `write` and `remove` may answer at once instead
   * of with a promise (a synchronous database: `errorGuard` passes such answers through).
   */
  read(key: K): DriverRecord<T, K> | undefined | Promise<DriverRecord<T, K> | undefined>;
  /**
   * Inserts or updates `key` if `condition` holds; returns the record written, or the
   * current one (`writeKind(condition)` tells which statement fits).
   */
  write(key: K, write: DriverWrite<T>, condition: DriverCondition): DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;
  /** Deletes `key` if `condition` holds (it is never satisfied by absence); returns the deleted record or the current one. */
  remove(key: K, condition: DriverCondition): DriverOutcome<T, K> | Promise<DriverOutcome<T, K>>;
  /**
   * Checks a key before anything is sent (throws a `TypeError` for a key this database
   * cannot hold or would misread, such as a query operator).
   */
  checkKey(key: K): void;
  /**
   * The value exactly as it will read back (members completed or dropped, numbers as they
   * come back), or throws `IfMatchError('INVALID_VALUE')` for one that would not round-trip.
   * Core hashes what this returns, so the tag of what is stored equals the tag of what is read.
   */
  prepareValue(value: T, key: K): T;
}

/**
 * The statement a condition needs: `insert` (create-only: the record must be absent),
 * `update` (the record must exist), or `upsert` (either; the condition applies when it exists).
 */
export function writeKind(condition: DriverCondition): 'insert' | 'update' | 'upsert' {
  if (condition.exists === false) return 'insert';
  return condition.exists === true || condition.anyOf !== undefined ? 'update' : 'upsert';
}

/**
 * The one version a condition pins, with its incarnation, or undefined when it does not pin
 * exactly one: then the next version is known without reading (`version + 1`), which is what
 * lets a driver that replaces whole documents write in one operation.
 */
export function pinnedVersion(condition: DriverCondition): { incarnation: string | null; version: number } | undefined {
  const states = condition.anyOf?.field === 'version' ? condition.anyOf.states : undefined;
  const only = states?.length === 1 ? states[0] : undefined;
  if (only === undefined || typeof only.value !== 'number') return undefined;
  checkCountable(only.value);
  return { incarnation: only.incarnation, version: only.value };
}

/**
 * Refuses a write that counts on from `version` when one more is no longer exact (2^53 − 1 and
 * beyond, which only another writer can have set): the version would not move, and two
 * writers pinned to it would both win. Core checks every write pinned to a record it read;
 * `pinnedVersion` checks the version a driver counts on from.
 */
export function checkCountable(version: number): void {
  if (!Number.isSafeInteger(version + 1)) {
    throw new IfMatchError(
      'INVALID_VALUE',
      `the record's version ${version} is past what a version can count to (2^53 - 1): another writer set it; set it back to a smaller number`,
    );
  }
}

/** What a prepared statement does: a write (`writeKind`), a delete, or a read. */
export type StatementKind = 'insert' | 'update' | 'upsert' | 'delete' | 'read';
/** Each kind's index in a shape; a switch, as `indexOf` on a list costs some 40 ns a write. */
function kindIndex(kind: StatementKind): number {
  switch (kind) {
    case 'insert':
      return 0;
    case 'update':
      return 1;
    case 'upsert':
      return 2;
    case 'delete':
      return 3;
    case 'read':
      return 4;
    default:
      throw new TypeError(`unknown statement kind ${JSON.stringify(kind)}`);
  }
}
const SHAPE_FIELDS: Record<TagField, number> = { version: 1, modifiedAt: 2, hash: 3 };
/** 0 for no set; otherwise its field, and whether it has exactly one state (compared directly). */
const setShape = (set: StateSet | undefined): number =>
  set === undefined ? 0 : SHAPE_FIELDS[set.field] * 2 + (set.states.length === 1 ? 1 : 0);

/**
 * The shape of a statement for a condition, as a small number: what a driver that prepares
 * statements keys its cache by. It tells apart the kind, the field of each state set and
 * whether it holds one state (then compared directly) or a list (one parameter), and whether
 * there is a time bound; so the shapes are few, bounded by construction, and telling which one
 * a write has costs no string building on every write.
 */
export function statementShape(kind: StatementKind, condition: DriverCondition): number {
  const index = kindIndex(kind);
  const since = condition.modifiedAtMost === undefined ? 0 : 1;
  return ((index * 8 + setShape(condition.anyOf)) * 8 + setShape(condition.noneOf)) * 2 + since;
}

/**
 * A driver's prepared statements, one per statement shape (`statementShape`): `prepare` builds
 * a shape's statement the first time a write, delete or read needs it, and it is reused from
 * then on. Bounded by construction: a shape is a kind, a field and "one state or a list" per
 * state set, and a time bound, so there are a few hundred at most whatever the conditions
 * (a list of tags is one parameter, so its length is not part of the shape), and a store uses
 * a dozen or so. The last shape is kept apart: a store usually runs one shape after another,
 * and telling it again is then one comparison, with no string built on any write.
 */
export function statementCache<S extends object, TKind extends StatementKind = StatementKind>(
  prepare: (kind: TKind, condition: DriverCondition) => S,
): (kind: TKind, condition: DriverCondition) => S {
  const prepared = new Map<number, S>();
  let lastShape = -1;
  let last: S | undefined;
  return (kind, condition) => {
    const shape = statementShape(kind, condition);
    if (shape === lastShape) return last as S;
    let found = prepared.get(shape);
    if (found === undefined) {
      found = prepare(kind, condition);
      prepared.set(shape, found);
    }
    lastShape = shape;
    last = found;
    return found;
  };
}

/**
 * Whether `record` is in one of `set`'s states: `undefined` when that cannot be known (a
 * record without a hash, on the hash field).
 */
export function inStateSet(set: StateSet, record: DriverRecord<unknown, unknown>): boolean | undefined {
  if (set.field === 'hash') return record.hash === null ? undefined : set.states.some((s) => s.value === record.hash);
  const value = set.field === 'version' ? record.version : (record.modifiedAt ?? 0);
  return set.states.some((state) => state.value === value && state.incarnation === record.incarnation);
}

/** The reference semantics of a `DriverCondition`, which every driver compiles natively. */
export function satisfiesCondition(
  condition: DriverCondition,
  record: DriverRecord<unknown, unknown> | undefined,
): boolean {
  if (record === undefined) return condition.exists !== true && condition.anyOf === undefined;
  if (condition.exists === false) return false;
  if (condition.anyOf !== undefined && inStateSet(condition.anyOf, record) !== true) return false;
  if (condition.noneOf !== undefined && inStateSet(condition.noneOf, record) !== false) return false;
  return condition.modifiedAtMost === undefined || (record.modifiedAt ?? 0) <= condition.modifiedAtMost;
}

/**
 * Each state as one string, for SQL drivers that compare a computed column with a list (one
 * array or JSON parameter, so the statement's text does not vary with the number of tags):
 * `coalesce(incarnation, '') || ':' || coalesce(field, 0)` for versions and modification
 * times, the hash itself for hashes. An incarnation never contains ':'.
 */
export function stateKeys(set: StateSet): string[] {
  return set.states.map((state) =>
    set.field === 'hash' ? String(state.value) : `${state.incarnation ?? ''}:${state.value}`,
  );
}

/**
 * The states grouped by incarnation, for drivers that build `(incarnation = i AND field IN
 * (…)) OR …` (MongoDB filters, DynamoDB expressions). On the hash field there is one group
 * whose incarnation is not compared.
 */
export function statesByIncarnation(set: StateSet): Map<string | null, (number | string)[]> {
  const groups = new Map<string | null, (number | string)[]>();
  for (const state of set.states) {
    const incarnation = set.field === 'hash' ? null : state.incarnation;
    const values = groups.get(incarnation);
    if (values === undefined) groups.set(incarnation, [state.value]);
    else values.push(state.value);
  }
  return groups;
}
