/**
 * `knownTimes` alone (no server): what it keeps and what it never does. The writes it spares a
 * clause are checked against the stand-in in adapter.test.ts.
 */
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { knownTimes } from '../src/known-times.js';

describe('knownTimes', () => {
  it('keeps the time of a key’s state, by key, incarnation and version', () => {
    const times = knownTimes();
    const id = new ObjectId();
    times.remember('a', 'Q2hU8tXa0lE', 3, 1000);
    times.remember(7, 'Q2hU8tXa0lE', 3, 2000);
    times.remember(id, 'Q2hU8tXa0lE', 3, 3000);
    expect(times.timeOf('a', 'Q2hU8tXa0lE', 3)).toBe(1000);
    expect(times.timeOf(7, 'Q2hU8tXa0lE', 3)).toBe(2000);
    expect(times.timeOf(new ObjectId(id.toHexString()), 'Q2hU8tXa0lE', 3)).toBe(3000);
    // Another version, incarnation or key is another state; "7" is not 7.
    expect(times.timeOf('a', 'Q2hU8tXa0lE', 4)).toBeUndefined();
    expect(times.timeOf('a', 'ZZZZZZZZZZZ', 3)).toBeUndefined();
    expect(times.timeOf('7', 'Q2hU8tXa0lE', 3)).toBeUndefined();
  });

  it('keeps no state that is not unique: no incarnation, version 0, no time, or a key without a short text', () => {
    const times = knownTimes();
    times.remember('a', null, 3, 1000);
    times.remember('b', 'Q2hU8tXa0lE', 0, 1000);
    times.remember('c', 'Q2hU8tXa0lE', 3, null);
    times.remember({ tenant: 'x', id: 1 }, 'Q2hU8tXa0lE', 3, 1000);
    expect(times.timeOf('a', null, 3)).toBeUndefined();
    expect(times.timeOf('b', 'Q2hU8tXa0lE', 0)).toBeUndefined();
    expect(times.timeOf('c', 'Q2hU8tXa0lE', 3)).toBeUndefined();
    expect(times.timeOf({ tenant: 'x', id: 1 }, 'Q2hU8tXa0lE', 3)).toBeUndefined();
  });

  it('is bounded: of many states, only the latest two generations are kept', () => {
    const times = knownTimes(4);
    for (let version = 1; version <= 100; version++) times.remember('a', 'Q2hU8tXa0lE', version, version);
    const kept = Array.from({ length: 100 }, (_, i) => times.timeOf('a', 'Q2hU8tXa0lE', i + 1)).filter(
      (time) => time !== undefined,
    );
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(times.timeOf('a', 'Q2hU8tXa0lE', 100)).toBe(100);
    expect(times.timeOf('a', 'Q2hU8tXa0lE', 1)).toBeUndefined();
  });
});
