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
  ])('takes the SDK road for %s, with its answer', (_case, value) => {
    expect(outcome(() => roundTrip(value))).toStrictEqual(outcome(() => sdkRoundTrip(value)));
  });
});
