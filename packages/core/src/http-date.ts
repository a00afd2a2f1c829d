/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms
 * that recipients must still accept. Values are milliseconds since the epoch, always whole
 * seconds, because that is all an HTTP date can say.
 */

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// Anchored, fixed-width patterns with no nested repetition: matching is linear in the input.
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`,
);
const ASCTIME = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);
/** The longest valid form (RFC 850 with "Wednesday") is 33 characters. */
const MAX_DATE_LENGTH = 40;

/**
 * Parses an HTTP date. Returns `undefined` for anything that is not a valid date in one of
 * the three forms; callers ignore such a field, as §13.1.3-4 require.
 */
export function parseHttpDate(value: string, now?: number): number | undefined {
  if (value.length > MAX_DATE_LENGTH) return undefined;
  const fast = parseImfFixdate(value);
  if (fast !== undefined) return fast;
  const text = value.trim();
  // The patterns have exactly these groups: a missing one cannot happen, and '' would be refused.
  const group = (match: RegExpExecArray, i: number) => match[i] ?? '';
  let match = IMF_FIXDATE.exec(text);
  if (match)
    return build(group(match, 3), group(match, 2), group(match, 1), group(match, 4), group(match, 5), group(match, 6));
  match = RFC850.exec(text);
  if (match) {
    const year = expandTwoDigitYear(Number(group(match, 3)), now ?? Date.now());
    return build(year, group(match, 2), group(match, 1), group(match, 4), group(match, 5), group(match, 6));
  }
  match = ASCTIME.exec(text);
  if (match) {
    return build(
      group(match, 6),
      group(match, 1),
      group(match, 2).trim(),
      group(match, 3),
      group(match, 4),
      group(match, 5),
    );
  }
  return undefined;
}

/** Three ASCII letters as one number, to look names up without slicing strings. */
function code3(text: string, at: number): number {
  return (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
}
const DAY_CODES = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((day) => code3(day, 0)));
const MONTH_CODES = new Map(Array.from({ length: 12 }, (_, m) => [code3(MONTHS, m * 3), m] as const));
const GMT = code3('GMT', 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of `count` ASCII digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12), without a Date object. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * The form every sender must use, read at fixed offsets: `Sun, 06 Nov 1994 08:49:37 GMT`.
 * This is the hot path of every conditional GET, so it allocates nothing.
 */
function parseImfFixdate(text: string): number | undefined {
  if (
    text.length !== 29 ||
    text.charCodeAt(3) !== 0x2c ||
    text.charCodeAt(4) !== 0x20 ||
    text.charCodeAt(7) !== 0x20 ||
    text.charCodeAt(11) !== 0x20 ||
    text.charCodeAt(16) !== 0x20 ||
    text.charCodeAt(19) !== 0x3a ||
    text.charCodeAt(22) !== 0x3a ||
    text.charCodeAt(25) !== 0x20 ||
    code3(text, 26) !== GMT ||
    !DAY_CODES.has(code3(text, 0))
  ) {
    return undefined;
  }
  const month = MONTH_CODES.get(code3(text, 8));
  const day = digitsAt(text, 5, 2);
  const year = digitsAt(text, 12, 4);
  const hour = digitsAt(text, 17, 2);
  const minute = digitsAt(text, 20, 2);
  const second = digitsAt(text, 23, 2);
  if (month === undefined || day < 1 || year < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = (DAYS_IN_MONTH[month] ?? 0) + (month === 1 && leap ? 1 : 0);
  if (day > days || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const seconds = hour * 3600 + minute * 60 + Math.min(second, 59);
  return (daysFromCivil(year, month + 1, day) * 86400 + seconds) * 1000;
}

/** §5.6.7: a two-digit year more than 50 years in the future means the most recent past one. */
function expandTwoDigitYear(twoDigits: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  let year = currentYear - (currentYear % 100) + twoDigits;
  if (year > currentYear + 50) year -= 100;
  return year;
}

function build(
  year: string | number,
  monthName: string,
  day: string,
  hour: string,
  minute: string,
  second: string,
): number | undefined {
  const y = Number(year);
  const m = MONTHS.indexOf(monthName) / 3;
  const d = Number(day);
  const h = Number(hour);
  const min = Number(minute);
  // A leap second (:60) is accepted and read as :59, which keeps comparisons monotonic.
  const s = Math.min(Number(second), 59);
  if (h > 23 || min > 59 || Number(second) > 60 || d < 1) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 onto 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(y, m, d);
  date.setUTCHours(h, min, s, 0);
  // 31 Feb would roll over into March: reject dates that do not exist.
  if (date.getUTCDate() !== d) return undefined;
  return date.getTime();
}

/**
 * Formats milliseconds since the epoch as an IMF-fixdate, dropping the milliseconds: a time
 * within the years 0000 to 9999 (no HTTP-date says another). For `Last-Modified`, pass no time
 * later than now (RFC 9110 §8.8.2.1; `@ifmatch/http` does so).
 */
export function formatHttpDate(time: number): string {
  return new Date(Math.floor(time / 1000) * 1000).toUTCString();
}
