/**
 * Conditions as MongoDB filters. Every part of a `DriverCondition` has a filter form, and the
 * key is always compared with `$eq`, so a key can never act as a query operator.
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

export function conditionFilters(fields: FieldNames) {
  const fieldName = { version: fields.version, modifiedAt: fields.modifiedAt, hash: fields.hash } as const;

  /**
   * In one of the states: per incarnation, the field among the values. `{ $eq: null }` also
   * matches a missing field, and a missing version or time counts as 0.
   */
  const inStates = (set: StateSet): Filter<Document> => {
    const field = fieldName[set.field];
    const groups = [...statesByIncarnation(set)].map(([incarnation, values]) => {
      const allowed = set.field !== 'hash' && values.includes(0) ? [...values, null] : values;
      return {
        ...(set.field === 'hash' ? {} : { [fields.incarnation]: { $eq: incarnation } }),
        [field]: { $in: allowed },
      };
    });
    return groups.length === 1 ? (groups[0] as Filter<Document>) : { $or: groups };
  };

  /** The filter for `key` under `condition` (absence is the caller's concern). */
  const filterFor = (key: unknown, condition: DriverCondition, extra: readonly Filter<Document>[] = []) => {
    const clauses: Filter<Document>[] = [{ [fields.key]: { $eq: key } }, ...extra];
    if (condition.anyOf) clauses.push(inStates(condition.anyOf));
    if (condition.noneOf) {
      clauses.push({ $nor: [inStates(condition.noneOf)] });
      // A record without a hash is in no state and out of none: its content hash is unknown here.
      if (condition.noneOf.field === 'hash') clauses.push({ [fields.hash]: { $ne: null } });
    }
    if (condition.modifiedAtMost !== undefined) {
      clauses.push({
        $or: [{ [fields.modifiedAt]: { $lte: condition.modifiedAtMost } }, { [fields.modifiedAt]: null }],
      });
    }
    return clauses.length === 1 ? (clauses[0] as Filter<Document>) : { $and: clauses };
  };

  /**
   * Modified before `now` (at or before it, when the clock need not strictly increase), or
   * never: then `now` is a valid next modification time.
   */
  const modifiedBefore = (now: number, strict: boolean): Filter<Document> => ({
    $or: [{ [fields.modifiedAt]: strict ? { $lt: now } : { $lte: now } }, { [fields.modifiedAt]: null }],
  });

  return { filterFor, modifiedBefore };
}
