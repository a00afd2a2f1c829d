/**
 * The filters as sent. What they match is the contract suite's concern (every driver condition
 * against the reference semantics, on the server); here, that the write of every `If-Match`
 * under the version strategy is the one flat filter servers match fastest, and that the other
 * shapes still get the clauses that make them right.
 */
import { describe, expect, it } from 'vitest';
import { conditionFilters, fieldNamesOf } from '../src/filters.js';

const { filterFor } = conditionFilters(fieldNamesOf(undefined));
const pinned = (value: number, incarnation: string | null = 'Q2hU8tXa0lE') => ({
  anyOf: { field: 'version' as const, states: [{ incarnation, value }] },
});

describe('MongoDB filters', () => {
  it('writes one pinned version as a flat filter: key, incarnation, version and the clock bound', () => {
    expect(filterFor('k', pinned(3), 1000)).toStrictEqual({
      _id: 'k',
      incarnation: 'Q2hU8tXa0lE',
      version: 3,
      modifiedAt: { $not: { $gt: 1000 } },
    });
    // Under a strict clock (the tag is the time) the stored time must be before now.
    expect(filterFor('k', pinned(3, null), 1000, true)).toStrictEqual({
      _id: 'k',
      incarnation: null,
      version: 3,
      modifiedAt: { $not: { $gte: 1000 } },
    });
  });

  it('keeps operators out of the flat filter: a key that is no string or number is compared with $eq', () => {
    const key = { region: 'eu', id: 7 };
    expect(filterFor(key, pinned(3), 1000)).toMatchObject({ _id: { $eq: key } });
  });

  it('uses the configured field names', () => {
    const custom = conditionFilters(
      fieldNamesOf({ key: 'sku', version: '__v', incarnation: 'life', modifiedAt: 'at' }),
    );
    expect(custom.filterFor('k', pinned(3), 1000)).toStrictEqual({
      sku: 'k',
      life: 'Q2hU8tXa0lE',
      __v: 3,
      at: { $not: { $gt: 1000 } },
    });
  });

  it('matches version 0 to a field holding no number, which the flat filter would not', () => {
    expect(filterFor('k', pinned(0), 1000)).toStrictEqual({
      _id: 'k',
      incarnation: { $eq: 'Q2hU8tXa0lE' },
      $or: [{ version: { $eq: 0 } }, { version: { $not: { $type: 'number' } } }],
      modifiedAt: { $not: { $gt: 1000 } },
    });
  });

  it('keeps both time clauses when If-Unmodified-Since comes with the pinned version', () => {
    expect(filterFor('k', { ...pinned(3), modifiedAtMost: 500 }, 1000)).toStrictEqual({
      _id: 'k',
      incarnation: 'Q2hU8tXa0lE',
      version: 3,
      $nor: [{ modifiedAt: { $gt: 500 } }, { modifiedAt: { $gt: 1000 } }],
    });
  });

  it('puts clauses on one field side by side with $and when the names collide', () => {
    // A configuration no one should choose, but one the store accepts: nothing is overwritten.
    const colliding = conditionFilters(fieldNamesOf({ version: 'modifiedAt' }));
    expect(colliding.filterFor('k', pinned(3), 1000)).toStrictEqual({
      $and: [{ _id: 'k', incarnation: 'Q2hU8tXa0lE', modifiedAt: 3 }, { modifiedAt: { $not: { $gt: 1000 } } }],
    });
  });

  it('takes a field named like an Object.prototype member for a field like any other', () => {
    const odd = conditionFilters(fieldNamesOf({ version: 'constructor', incarnation: 'toString' }));
    expect(odd.filterFor('k', pinned(3), 1000)).toStrictEqual({
      _id: 'k',
      toString: 'Q2hU8tXa0lE',
      constructor: 3,
      modifiedAt: { $not: { $gt: 1000 } },
    });
  });

  it('sends no clock bound for a delete', () => {
    expect(filterFor('k', pinned(3))).toStrictEqual({ _id: 'k', incarnation: 'Q2hU8tXa0lE', version: 3 });
  });
});
