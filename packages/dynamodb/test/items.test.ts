import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrip, sdkRoundTrip } from '../src/items.js';

/** The SDK's answer, or the code of what it threw. */
const outcome = (run: () => unknown) => {
  try {
    return { value: run() };
  } catch (error) {
    return { code: (error as { code?: unknown }).code };
  }
};

describe('roundTrip', () => {
  it('takes the SDK road while Object.prototype has an enumerable member, which the SDK stores', () => {
    const prototype = Object.prototype as { polluted?: number };
    prototype.polluted = 1;
    try {
      expect(outcome(() => roundTrip({ a: 1 }))).toStrictEqual(outcome(() => sdkRoundTrip({ a: 1 })));
    } finally {
      delete prototype.polluted;
    }
  });

  it('reads plain data back exactly as the SDK does, without sharing an object with the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const fast = outcome(() => roundTrip(value));
        expect(fast).toStrictEqual(outcome(() => sdkRoundTrip(value)));
        if (typeof value === 'object' && value !== null && 'value' in fast) expect(fast.value).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a number past 2^53', { n: 2 ** 60 }],
    ['a float past 2^53', [1.5e300]],
    ['-0', { n: -0 }],
    ['an undefined member', { a: 1, b: undefined }],
    ['bytes', { b: new Uint8Array([1, 2]) }],
    ['a set', { s: new Set(['a']) }],
    ['NaN', { n: Number.NaN }],
    ['a member named constructor', JSON.parse('{"meta": {"constructor": {"name": "String"}}}')],
    ['a constructor member that is not an object', JSON.parse('{"meta": {"constructor": "x"}}')],
  ])('takes the SDK road for %s, with its answer', (_case, value) => {
    expect(outcome(() => roundTrip(value))).toStrictEqual(outcome(() => sdkRoundTrip(value)));
  });
});
