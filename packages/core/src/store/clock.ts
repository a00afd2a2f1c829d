/**
 * The clock a store or a backfill writes `modifiedAt` with: the user's `now` (default
 * `Date.now`), in whole milliseconds.
 */

/**
 * `now` in whole milliseconds: a fraction (a clock built on `performance.now()`) is rounded
 * down, since a fraction would be written and then read back as no time at all. Anything but a
 * number a double holds exactly, within ±(2^53 − 1), is a clock built wrong (no tag could name
 * such a time, and several databases' readings drop it), refused with a `TypeError` before
 * anything is written.
 */
export function wholeMilliseconds(now: () => number): () => number {
  return () => {
    const time = now();
    if (Number.isSafeInteger(time)) return time;
    const whole = typeof time === 'number' ? Math.floor(time) : Number.NaN;
    if (!Number.isSafeInteger(whole)) {
      throw new TypeError(`the clock (now) returned ${String(time)}: not a number of milliseconds within ±(2^53 − 1)`);
    }
    return whole;
  };
}
