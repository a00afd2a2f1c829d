/**
 * Conditions as MongoDB filters: flat (one clause per field or operator, which servers match
 * fastest), every part of a `DriverCondition` in the filter, and equality written so that a key
 * can never act as a query operator (`equals`).
 */
import { type DriverCondition, type StateSet, statesByIncarnation } from '@ifmatch/core/driver';
import type { Document, Filter } from 'mongodb';

export interface FieldNames {
  readonly key: string;
  readonly version: string;
  readonly modifiedAt: string;
  readonly incarnation: string;
  readonly hash: string;
}

/**
 * The field names a store and its backfill use: the defaults with the ones given. One place,
 * so that a backfill always writes the fields the store reads.
 */
export function fieldNamesOf(given: Partial<FieldNames> | undefined): FieldNames {
  return {
    key: '_id',
    version: 'version',
    modifiedAt: 'modifiedAt',
    incarnation: 'incarnation',
    hash: 'etagHash',
    ...given,
  };
}

type Clauses = Record<string, unknown>;

/**
 * Adds `clauses` to `filter`, or, when one of their fields is already there, to `rest` (to
 * go under `$and` beside it): nothing is overwritten.
 */
function add(filter: Clauses, rest: Clauses[], clauses: Clauses): void {
  for (const name in clauses) {
    if (Object.hasOwn(filter, name)) {
      rest.push(clauses);
      return;
    }
  }
  for (const name in clauses) filter[name] = clauses[name];
}

/**
 * Equality with `value`: a string, a number or null plainly (what a server matches fastest;
 * `null` also matches a missing field, as `$eq: null` does), anything else with `$eq`, so
 * that no key, and no value read from a document the store did not write, can ever act as a
 * query operator.
 */
function equals(value: unknown): unknown {
  return typeof value === 'string' || typeof value === 'number' || value === null ? value : { $eq: value };
}

export function conditionFilters(fields: FieldNames) {
  const fieldName = { version: fields.version, modifiedAt: fields.modifiedAt, hash: fields.hash } as const;

  /**
   * In one of the states: per incarnation, the field among the values. A version or time that
   * is missing, null or no number at all (another writer's string, say) reads as 0
   * (`storedVersion`, `storedModifiedAt`): state 0 matches it with `$not: { $type: 'number' }`.
   */
  const inStates = (set: StateSet): Clauses => {
    const field = fieldName[set.field];
    const first = set.states.length === 1 ? set.states[0] : undefined;
    // One state (every If-Match a client sends, every pinned write): two equalities.
    if (first !== undefined && first.value !== 0) {
      if (set.field === 'hash') return { [field]: equals(first.value) };
      return { [fields.incarnation]: equals(first.incarnation), [field]: equals(first.value) };
    }
    const groups = [...statesByIncarnation(set)].map(([incarnation, values]) => {
      const [only] = values;
      const among = { [field]: values.length === 1 ? { $eq: only } : { $in: values } };
      if (set.field === 'hash') return among;
      const life = { [fields.incarnation]: { $eq: incarnation } };
      return values.includes(0)
        ? { ...life, $or: [among, { [field]: { $not: { $type: 'number' } } }] }
        : { ...life, ...among };
    });
    const [group] = groups;
    return groups.length === 1 && group !== undefined ? group : { $or: groups };
  };

  /**
   * The filter for `key` under `condition` (absence is the caller's concern), and, for a
   * write at `now`, "modified no later than `now`" (before it, when `strict`): then `now` is a
   * valid next modification time. A missing time passes both (`$not` of a comparison does),
   * and so does one the store reads as none, where the write is pinned to such a record.
   * Every write goes through here: no closure, and no object but the clauses themselves.
   */
  const filterFor = (key: unknown, condition: DriverCondition, now?: number, strict = false) => {
    const filter: Clauses = { [fields.key]: equals(key) };
    const rest: Clauses[] = [];
    if (condition.anyOf) add(filter, rest, inStates(condition.anyOf));
    if (condition.noneOf) {
      add(filter, rest, { $nor: [inStates(condition.noneOf)] });
      // A record without a hash is in no state and out of none: its content hash is unknown here.
      if (condition.noneOf.field === 'hash') add(filter, rest, { [fields.hash]: { $ne: null } });
    }
    const since = condition.modifiedAtMost;
    const bound: Clauses | undefined = now === undefined ? undefined : strict ? { $gte: now } : { $gt: now };
    // Pinned to a record whose time the store reads as none: a number from 2^53 up (another
    // writer's nanoseconds, `storedModifiedAt`) is none too, and does not hold the write back.
    // Not from 2^53 − 1 up: a Decimal128 just past it (9007199254740991.4) reads as a time, which
    // the write must not go back from. One between 2^53 − 1 + ½ and 2^53 (none, yet held) is
    // left to fail, an error rather than a time gone back.
    if (bound !== undefined && condition.pinned !== undefined && condition.pinned.modifiedAt === null)
      bound.$lt = 2 ** 53;
    const time = fields.modifiedAt;
    if (since !== undefined && bound !== undefined)
      add(filter, rest, { $nor: [{ [time]: { $gt: since } }, { [time]: bound }] });
    else if (since !== undefined) add(filter, rest, { [time]: { $not: { $gt: since } } });
    else if (bound !== undefined) add(filter, rest, { [time]: { $not: bound } });
    return (rest.length === 0 ? filter : { $and: [filter, ...rest] }) as Filter<Document>;
  };

  return { filterFor };
}
