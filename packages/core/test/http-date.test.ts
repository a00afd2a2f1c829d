import { describe, expect, it } from 'vitest';
import { formatHttpDate, parseHttpDate } from '../src/index.js';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it('reads the three forms of RFC 9110 §5.6.7 as the same instant', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(2026, 0, 1))).toBe(NOV_6_1994);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(NOV_6_1994);
  });

  it('reads a two-digit year more than 50 years ahead as the past century', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseHttpDate('Friday, 01-Jan-76 00:00:00 GMT', now)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Thursday, 01-Jan-77 00:00:00 GMT', now)).toBe(Date.UTC(1977, 0, 1));
  });

  it.each([
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    '1994-11-06T08:49:37Z',
    'yesterday',
    '',
    `Sun, 06 Nov 1994 08:49:37 GMT${' '.repeat(100)}`,
  ])('returns undefined for %j', (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });

  it('keeps years below 100 as written', () => {
    expect(new Date(parseHttpDate('Sat, 01 Jan 0050 00:00:00 GMT')!).getUTCFullYear()).toBe(50);
  });
});

describe('formatHttpDate', () => {
  it('writes an IMF-fixdate, dropping milliseconds', () => {
    expect(formatHttpDate(NOV_6_1994 + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('round-trips through parseHttpDate', () => {
    const time = Date.UTC(2026, 10, 21, 23, 59, 59);
    expect(parseHttpDate(formatHttpDate(time))).toBe(time);
  });
});
