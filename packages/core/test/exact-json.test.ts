/**
 * JSON text read token by token (`scanJsonText`) and read exactly (`parseJsonExactly`). The
 * client's reading (rule 'unsafe') has its own tests in @ifmatch/client, the server's (rule
 * 'inexact') in @ifmatch/http; here, the tokens and how the two rules differ.
 */
import { MAX_INTEGER_DIGITS, parseJsonExactly, scanJsonText } from '@ifmatch/core';
import { describe, expect, it } from 'vitest';

/** Every token of `text`, as the visitor is told of it. */
function tokens(text: string): string[] {
  const seen: string[] = [];
  scanJsonText(text, {
    open: (array) => seen.push(array ? '[' : '{'),
    close: () => seen.push('close'),
    name: (name) => seen.push(`name ${name}`),
    scalar: (start, end, escaped) => seen.push(`${text.slice(start, end)}${escaped ? ' (escaped)' : ''}`),
  });
  return seen;
}

describe('scanJsonText', () => {
  it('tells names from string values, and reports every scalar with its exact token', () => {
    const text = ' {"a" : [1, -2.5e+3, true, false, null, "x\\"y"], "\\u0062":{}, "c":"" } ';
    expect(tokens(text)).toEqual([
      '{',
      'name a',
      '[',
      '1',
      '-2.5e+3',
      'true',
      'false',
      'null',
      '"x\\"y" (escaped)',
      'close',
      'name b',
      '{',
      'close',
      'name c',
      '""',
      'close',
    ]);
  });

  it('reads a string ending in an escaped backslash, and a top-level scalar', () => {
    expect(tokens('["\\\\",{"\\\\":"\\\\\\""}]')).toEqual([
      '[',
      '"\\\\" (escaped)',
      '{',
      'name \\',
      '"\\\\\\"" (escaped)',
      'close',
      'close',
    ]);
    expect(tokens('\n12345678901234567890\t')).toEqual(['12345678901234567890']);
  });
});

describe('parseJsonExactly', () => {
  it.each([
    // token,                   'unsafe',                'inexact'
    ['9007199254740991', 9007199254740991, 9007199254740991],
    ['9007199254740992', 9007199254740992n, 9007199254740992],
    ['9007199254740993', 9007199254740993n, 9007199254740993n],
    ['-9007199254740994', -9007199254740994n, -9007199254740994],
    ['100000000000000000000', 100000000000000000000n, 1e20],
    ['1152921504606847000', 1152921504606847000n, 1152921504606847000n],
    ['9007199254740993.0', 9007199254740992, 9007199254740992],
    ['9007199254740993e0', 9007199254740992, 9007199254740992],
  ])('reads %s as %o under "unsafe" and %o under "inexact"', (token, unsafe, inexact) => {
    expect(parseJsonExactly(`[${token}]`, { bigints: 'unsafe' })).toEqual([unsafe]);
    expect(parseJsonExactly(`[${token}]`, { bigints: 'inexact' })).toEqual([inexact]);
  });

  it('refuses an integer longer than MAX_INTEGER_DIGITS that needs a bigint (RangeError), under both rules', () => {
    const longest = '9'.repeat(MAX_INTEGER_DIGITS);
    for (const bigints of ['unsafe', 'inexact'] as const) {
      expect(parseJsonExactly(`[${longest}]`, { bigints })).toEqual([BigInt(longest)]);
      expect(() => parseJsonExactly(`[${longest}9]`, { bigints })).toThrow(RangeError);
    }
  });

  it("throws JSON.parse's SyntaxError for what is not JSON, and a TypeError for an unknown rule", () => {
    expect(() => parseJsonExactly('[9007199254740993', { bigints: 'inexact' })).toThrow(SyntaxError);
    expect(() => parseJsonExactly('1', { bigints: 'all' as never })).toThrow(TypeError);
  });
});
