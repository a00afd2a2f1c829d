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
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  if (value.length > MAX_DATE_LENGTH) return undefined;
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match) return build(match[3], match[2], match[1], match[4], match[5], match[6]);
  match = RFC850.exec(text);
  if (match) return build(expandTwoDigitYear(Number(match[3]), now), match[2], match[1], match[4], match[5], match[6]);
  match = ASCTIME.exec(text);
  if (match) return build(match[6], match[1], match[2].trim(), match[3], match[4], match[5]);
  return undefined;
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

/** Formats milliseconds since the epoch as an IMF-fixdate, dropping the milliseconds. */
export function formatHttpDate(time: number): string {
  return new Date(Math.floor(time / 1000) * 1000).toUTCString();
}
