import { describe, expect, it } from 'vitest';
import {
  matchEntityTagList,
  parseEntityTag,
  parseEntityTagList,
  strongMatch,
  strongTag,
  weakTag,
} from '../src/index.js';

// The edges of RFC 9110 §8.8.3's grammar, the limits, and list matching. Everything the code
// under test builds is built inside a test: a throw at collection time would hide the file.

const tags = (...opaque: string[]) => ({ kind: 'tags', tags: opaque.map((o) => ({ weak: false, opaque: o })) });

describe('etagc = %x21 / %x23-7E / obs-text (%x80-FF)', () => {
  it.each([
    ['!', '\u0021'],
    ['#', '\u0023'],
    ['~', '\u007e'],
    ['the first obs-text', '\u0080'],
    ['the last obs-text', '\u00ff'],
  ])('%s is one', (_name, char) => {
    expect(strongTag(`a${char}`)).toEqual({ weak: false, opaque: `a${char}` });
    expect(weakTag(`a${char}`)).toEqual({ weak: true, opaque: `a${char}` });
    expect(parseEntityTagList(`"a${char}"`)).toEqual(tags(`a${char}`));
  });

  it.each([
    ['space', '\u0020'],
    ['a double quote', '\u0022'],
    ['DEL', '\u007f'],
    ['a character above 0xFF', '\u0100'],
  ])('%s is not: the tag factories throw, saying where', (_name, char) => {
    expect(() => strongTag(`ab${char}`)).toThrow(new TypeError('invalid character in entity tag at position 2'));
    expect(() => weakTag(`${char}`)).toThrow(new TypeError('invalid character in entity tag at position 0'));
  });
});

describe('parseEntityTagList', () => {
  it.each([
    ['a missing opening quote', 'a"', 'malformed entity tag at position 0'],
    ['space between W/ and the tag', 'W "a"', 'malformed entity tag at position 0'],
    ['a tag cut short before a comma', '"a , "b"', 'malformed entity tag at position 2'],
    ['an empty value', ' \t ', 'empty field value'],
  ])('refuses %s, saying why', (_name, value, reason) => {
    expect(parseEntityTagList(value)).toStrictEqual({ kind: 'invalid', reason });
  });

  it('allows whitespace between a tag and its comma', () => {
    expect(parseEntityTagList('"a" ,\t"b" \t, "c"')).toEqual(tags('a', 'b', 'c'));
  });

  it('reads a value of exactly maxLength characters, and refuses one more', () => {
    const limits = { maxLength: 7, maxTags: 64 };
    expect(parseEntityTagList('"abcde"', limits)).toEqual(tags('abcde'));
    expect(parseEntityTagList('"abcdef"', limits)).toStrictEqual({
      kind: 'invalid',
      reason: 'longer than 7 characters',
    });
  });

  it('reads every tag of a list longer than the default limit, when the limit allows it', () => {
    const opaque = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const list = opaque.map((o) => `"${o}"`).join(', ');
    expect(parseEntityTagList(list, { maxLength: 8192, maxTags: 100 })).toEqual(tags(...opaque));
  });
});

describe('parseEntityTag', () => {
  it('applies the given limits', () => {
    expect(parseEntityTag('"abcdef"', { maxLength: 8, maxTags: 64 })).toEqual({ weak: false, opaque: 'abcdef' });
    expect(parseEntityTag('"abcdef"', { maxLength: 5, maxTags: 64 })).toBeUndefined();
  });
});

describe('matchEntityTagList', () => {
  describe('when the current tag is weak', () => {
    it('never matches by strong comparison (If-Match), and matches by weak (If-None-Match)', () => {
      expect(matchEntityTagList('"v2"', weakTag('v2'), 'strong')).toBe('none');
      expect(matchEntityTagList('W/"v2"', weakTag('v2'), 'strong')).toBe('none');
      expect(matchEntityTagList('"v2"', weakTag('v2'), 'weak')).toBe('match');
    });
  });

  // Scans share one buffer: a value with fewer tags must not read what a longer one left
  // there (here, the bounds of "c" at offset 6, where the second value also has a "c").
  it('sees only the tags of the value it is given, not those of an earlier longer one', () => {
    expect(matchEntityTagList('"x", "c"', strongTag('c'), 'strong')).toBe('match');
    expect(matchEntityTagList('"aaaaac"', strongTag('c'), 'strong')).toBe('none');
    expect(matchEntityTagList('"aaaaac"', strongTag('c'), 'weak')).toBe('none');
  });
});

describe('strongMatch', () => {
  it('needs equal opaque parts', () => {
    expect(strongMatch(strongTag('1'), strongTag('2'))).toBe(false);
  });
});
