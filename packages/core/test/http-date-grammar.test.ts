import { describe, expect, it, vi } from 'vitest';
import { parseHttpDate } from '../src/index.js';

// RFC 9110 §5.6.7 field by field: golden instants (from Date.UTC, not from the parser) for
// valid dates, and near misses, one wrong character or value each, that must be refused.
// IMF-fixdate is read at fixed offsets first and by a pattern after: a near miss has to
// fail both, and a valid one must never need the pattern.

/** Parses `value` and counts the regular expressions it ran on the way. */
function parseCountingPatterns(value: string): { instant: number | undefined; patterns: number } {
  const exec = vi.spyOn(RegExp.prototype, 'exec');
  try {
    const instant = parseHttpDate(value);
    return { instant, patterns: exec.mock.calls.length };
  } finally {
    exec.mockRestore();
  }
}

/** Date.UTC, but years 0-99 stay as written. */
function utc(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month, day);
}

describe('IMF-fixdate', () => {
  it.each([
    ['Mon, 13 Jan 2025 00:00:00 GMT', Date.UTC(2025, 0, 13)],
    ['Tue, 28 Feb 2023 23:59:59 GMT', Date.UTC(2023, 1, 28, 23, 59, 59)],
    ['Tue, 29 Feb 2000 12:00:00 GMT', Date.UTC(2000, 1, 29, 12)],
    ['Thu, 29 Feb 2024 01:02:03 GMT', Date.UTC(2024, 1, 29, 1, 2, 3)],
    ['Wed, 01 Mar 2023 00:00:00 GMT', Date.UTC(2023, 2, 1)],
    ['Thu, 30 Apr 2026 10:20:30 GMT', Date.UTC(2026, 3, 30, 10, 20, 30)],
    ['Fri, 01 May 2026 00:00:01 GMT', Date.UTC(2026, 4, 1, 0, 0, 1)],
    ['Sat, 20 Jun 1970 08:00:00 GMT', Date.UTC(1970, 5, 20, 8)],
    ['Sun, 19 Jul 2026 19:19:19 GMT', Date.UTC(2026, 6, 19, 19, 19, 19)],
    ['Mon, 31 Aug 2026 09:09:09 GMT', Date.UTC(2026, 7, 31, 9, 9, 9)],
    ['Wed, 30 Sep 2026 23:00:00 GMT', Date.UTC(2026, 8, 30, 23)],
    ['Sat, 31 Oct 2026 00:59:00 GMT', Date.UTC(2026, 9, 31, 0, 59)],
    ['Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Thu, 31 Dec 2099 23:59:59 GMT', Date.UTC(2099, 11, 31, 23, 59, 59)],
    ['Sat, 01 Jan 0000 00:00:00 GMT', utc(0, 0, 1)],
    // A leap second reads as :59, which keeps comparisons monotonic.
    ['Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2016, 11, 31, 23, 59, 59)],
  ])('reads %s, without a regular expression (the hot path of every conditional GET)', (value, instant) => {
    expect(parseCountingPatterns(value)).toEqual({ instant, patterns: 0 });
  });

  it('ignores whitespace around the value', () => {
    expect(parseHttpDate(' Sun, 06 Nov 1994 08:49:37 GMT\t')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each([
    ['a semicolon for the comma', 'Sun; 06 Nov 1994 08:49:37 GMT'],
    ['no space after the comma', 'Sun,_06 Nov 1994 08:49:37 GMT'],
    ['no space after the day', 'Sun, 06_Nov 1994 08:49:37 GMT'],
    ['no space after the month', 'Sun, 06 Nov_1994 08:49:37 GMT'],
    ['no space after the year', 'Sun, 06 Nov 1994_08:49:37 GMT'],
    ['a dot after the hour', 'Sun, 06 Nov 1994 08.49:37 GMT'],
    ['a dot after the minute', 'Sun, 06 Nov 1994 08:49.37 GMT'],
    ['no space before GMT', 'Sun, 06 Nov 1994 08:49:37_GMT'],
    ['lower-case gmt', 'Sun, 06 Nov 1994 08:49:37 gmt'],
    ['text after GMT', 'Sun, 06 Nov 1994 08:49:37 GMTx'],
    ['an unknown day name', 'Sux, 06 Nov 1994 08:49:37 GMT'],
    ['an unknown month', 'Sun, 06 Nox 1994 08:49:37 GMT'],
    ['a lower-case month', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['letters for the day', 'Sun, xx Nov 1994 08:49:37 GMT'],
    ['letters for the year', 'Sun, 06 Nov 19xx 08:49:37 GMT'],
    ['letters for the hour', 'Sun, 06 Nov 1994 xx:49:37 GMT'],
    ['letters for the minute', 'Sun, 06 Nov 1994 08:xx:37 GMT'],
    ['letters for the second', 'Sun, 06 Nov 1994 08:49:xx GMT'],
    // The characters on either side of 0-9 are not digits either.
    ['a slash in the day', 'Sun, 1/ Nov 1994 08:49:37 GMT'],
    ['a colon in the day', 'Sun, 0: Nov 1994 08:49:37 GMT'],
    ['a colon in the year', 'Sun, 06 Nov 19:4 08:49:37 GMT'],
    ['day 00', 'Sun, 00 Nov 1994 08:49:37 GMT'],
    ['31 April', 'Thu, 31 Apr 2026 08:49:37 GMT'],
    ['31 April in a leap year', 'Wed, 31 Apr 2024 08:49:37 GMT'],
    ['29 February 2023', 'Wed, 29 Feb 2023 08:49:37 GMT'],
    ['29 February 1900 (divisible by 100)', 'Thu, 29 Feb 1900 08:49:37 GMT'],
    ['29 February 2100', 'Mon, 29 Feb 2100 08:49:37 GMT'],
    ['30 February 2024', 'Fri, 30 Feb 2024 08:49:37 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:49:37 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:37 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
  ])('refuses %s', (_name, value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });
});

describe('the obsolete forms', () => {
  const now = Date.UTC(2026, 0, 1);

  it.each([
    ['Sunday, 06-Nov-94 23:59:59 GMT', Date.UTC(1994, 10, 6, 23, 59, 59)],
    ['Wednesday, 01-Mar-23 00:00:00 GMT', Date.UTC(2023, 2, 1)],
    ['Sunday, 06-Nov-94 08:49:60 GMT', Date.UTC(1994, 10, 6, 8, 49, 59)],
    ['Sun Nov 16 23:59:59 1994', Date.UTC(1994, 10, 16, 23, 59, 59)],
    ['Sun Nov  6 08:49:60 1994', Date.UTC(1994, 10, 6, 8, 49, 59)],
  ])('reads %s', (value, instant) => {
    expect(parseHttpDate(value, now)).toBe(instant);
  });

  it.each([
    ['hour 24 (RFC 850)', 'Sunday, 06-Nov-94 24:00:00 GMT'],
    ['minute 60 (RFC 850)', 'Sunday, 06-Nov-94 08:60:00 GMT'],
    ['second 61 (RFC 850)', 'Sunday, 06-Nov-94 08:49:61 GMT'],
    ['day 00 (RFC 850)', 'Sunday, 00-Nov-94 08:49:37 GMT'],
    ['day 0 (asctime)', 'Sun Nov  0 08:49:37 1994'],
    ['31 April (asctime)', 'Thu Apr 31 08:49:37 2026'],
  ])('refuses %s', (_name, value) => {
    expect(parseHttpDate(value, now)).toBeUndefined();
  });

  it('reads a two-digit year against the `now` it is given', () => {
    // From 1990, "45" is 1945 (2045 is more than 50 years ahead); from 2026 it is 2045.
    expect(parseHttpDate('Monday, 01-Jan-45 00:00:00 GMT', Date.UTC(1990, 0, 1))).toBe(Date.UTC(1945, 0, 1));
    expect(parseHttpDate('Monday, 01-Jan-45 00:00:00 GMT', now)).toBe(Date.UTC(2045, 0, 1));
  });
});
