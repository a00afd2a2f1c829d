import { describe, expect, it } from 'vitest';
import {
  formatEntityTag,
  matchEntityTagList,
  parseEntityTag,
  parseEntityTagList,
  strongMatch,
  strongTag,
  weakMatch,
  weakTag,
} from '../src/index.js';

describe('parseEntityTagList', () => {
  it('reads * as any', () => {
    expect(parseEntityTagList('*')).toEqual({ kind: 'any' });
    expect(parseEntityTagList('  *\t')).toEqual({ kind: 'any' });
  });

  it('reads strong and weak tags in a list, with optional whitespace', () => {
    expect(parseEntityTagList('"a", W/"b",\t"c"')).toEqual({
      kind: 'tags',
      tags: [
        { weak: false, opaque: 'a' },
        { weak: true, opaque: 'b' },
        { weak: false, opaque: 'c' },
      ],
    });
  });

  it('ignores empty list elements (RFC 9110 §5.6.1)', () => {
    expect(parseEntityTagList(', "a",, ,"b",')).toEqual({
      kind: 'tags',
      tags: [
        { weak: false, opaque: 'a' },
        { weak: false, opaque: 'b' },
      ],
    });
  });

  it('accepts the empty opaque tag and obs-text', () => {
    expect(parseEntityTagList('"", "\u00e9"')).toEqual({
      kind: 'tags',
      tags: [
        { weak: false, opaque: '' },
        { weak: false, opaque: '\u00e9' },
      ],
    });
  });

  it.each([
    ['unquoted', 'abc'],
    ['unterminated', '"abc'],
    ['lower-case weak prefix', 'w/"a"'],
    ['space inside', '"a b"'],
    ['missing comma', '"a" "b"'],
    ['star in a list', '*, "a"'],
    ['empty value', '   '],
    ['a control character', '"a\u0001"'],
    ['a character above 0xFF', '"\u0100"'],
  ])('marks a %s value invalid', (_name, value) => {
    expect(parseEntityTagList(value).kind).toBe('invalid');
  });

  it('refuses values longer than the limit without scanning them', () => {
    const huge = `"${'a'.repeat(10_000)}"`;
    const result = parseEntityTagList(huge);
    expect(result).toEqual({ kind: 'invalid', reason: 'longer than 8192 characters' });
    expect(parseEntityTagList(huge, { maxLength: 20_000, maxTags: 64 }).kind).toBe('tags');
  });

  it('refuses more tags than the limit', () => {
    const list = Array.from({ length: 65 }, (_, i) => `"${i}"`).join(',');
    expect(parseEntityTagList(list)).toEqual({ kind: 'invalid', reason: 'more than 64 entity tags' });
    expect(parseEntityTagList(list, { maxLength: 8192, maxTags: 65 }).kind).toBe('tags');
  });

  it('parses a pathological header in linear time', () => {
    // A backtracking parser would take exponential time on this shape; ours scans once.
    const hostile = `${'W/"a", '.repeat(1000)}W/"`;
    const started = performance.now();
    expect(parseEntityTagList(hostile, { maxLength: 1_000_000, maxTags: 10_000 }).kind).toBe('invalid');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseEntityTag', () => {
  it('reads exactly one tag', () => {
    expect(parseEntityTag('W/"x"')).toEqual({ weak: true, opaque: 'x' });
    expect(parseEntityTag('"x", "y"')).toBeUndefined();
    expect(parseEntityTag('*')).toBeUndefined();
  });
});

describe('formatEntityTag', () => {
  it('quotes and marks weakness', () => {
    expect(formatEntityTag(strongTag('v1'))).toBe('"v1"');
    expect(formatEntityTag(weakTag('v1'))).toBe('W/"v1"');
  });

  it('refuses characters a tag cannot carry', () => {
    expect(() => strongTag('a"b')).toThrow(TypeError);
    expect(() => weakTag('a b')).toThrow(TypeError);
  });
});

describe('comparison (RFC 9110 §8.8.3.2 table)', () => {
  const cases: [string, string, boolean, boolean][] = [
    ['W/"1"', 'W/"1"', false, true],
    ['W/"1"', 'W/"2"', false, false],
    ['W/"1"', '"1"', false, true],
    ['"1"', '"1"', true, true],
  ];
  it.each(cases)('%s vs %s: strong %s, weak %s', (a, b, strong, weak) => {
    const left = parseEntityTag(a)!;
    const right = parseEntityTag(b)!;
    expect(strongMatch(left, right)).toBe(strong);
    expect(weakMatch(left, right)).toBe(weak);
  });
});

describe('matchEntityTagList', () => {
  const current = strongTag('v2');
  it('matches strongly or weakly as asked', () => {
    expect(matchEntityTagList('"v1", "v2"', current, 'strong')).toBe('match');
    expect(matchEntityTagList('W/"v2"', current, 'strong')).toBe('none');
    expect(matchEntityTagList('W/"v2"', current, 'weak')).toBe('match');
    expect(matchEntityTagList('"v22", "v"', current, 'weak')).toBe('none');
  });
  it('reports *, a missing current tag, and malformed values', () => {
    expect(matchEntityTagList('*', current, 'strong')).toBe('any');
    expect(matchEntityTagList('"v2"', undefined, 'weak')).toBe('none');
    expect(matchEntityTagList('"v2", bad', current, 'weak')).toBe('invalid');
  });
});

describe('matchEntityTagList agrees with parsing the list, fast path or not', () => {
  it('for random fields and tags (property)', async () => {
    const fc = (await import('fast-check')).default;
    const { matchEntityTagList: match, parseEntityTagList: parse } = await import('../src/entity-tag.js');
    const opaque = fc.stringMatching(/^[!#-~]{0,6}$/);
    const piece = fc.oneof(
      opaque.map((o) => `"${o}"`),
      opaque.map((o) => `W/"${o}"`),
      fc.constantFrom('*', ' ', ',', '"', 'W/', 'w/"a"', '"a" "b"', '\t'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 4 }),
        fc.constantFrom('', ',', ', '),
        // The current tag comes from the caller: sometimes with characters no tag may carry.
        fc.oneof(opaque, fc.stringMatching(/^[ -~]{0,6}$/)),
        fc.boolean(),
        fc.constantFrom('strong' as const, 'weak' as const),
        (parts, separator, tag, weak, comparison) => {
          const value = parts.length === 1 && tag.length > 0 && separator === '' ? `"${tag}"` : parts.join(separator);
          const current = { weak, opaque: tag };
          const parsed = parse(value);
          const expected =
            parsed.kind === 'any'
              ? 'any'
              : parsed.kind === 'invalid'
                ? 'invalid'
                : comparison === 'strong' && current.weak
                  ? 'none'
                  : parsed.tags.some((t) => t.opaque === tag && (comparison === 'weak' || !t.weak))
                    ? 'match'
                    : 'none';
          expect(match(value, current, comparison)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
