import { IfMatchError } from './errors.js';

/** Bounds for retrying after a conflict. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 10). */
  readonly attempts?: number;
  /** Delay before the second attempt, in ms (default 5); it doubles per attempt. */
  readonly baseDelayMs?: number;
  /** Upper bound of one delay, in ms (default 500). */
  readonly maxDelayMs?: number;
  /** Stops waiting and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

const DEFAULTS = { attempts: 10, baseDelayMs: 5, maxDelayMs: 500 };

export function resolveRetryOptions(
  options: RetryOptions = {},
): Required<Omit<RetryOptions, 'signal'>> & Pick<RetryOptions, 'signal'> {
  const resolved = { ...DEFAULTS, ...options };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new TypeError('attempts must be a whole number ≥ 1');
  }
  if (!(resolved.baseDelayMs >= 0) || !(resolved.maxDelayMs >= 0)) throw new TypeError('delays must be ≥ 0');
  return resolved;
}

/**
 * Exponential backoff with full jitter: a uniformly random delay below
 * `min(maxDelayMs, baseDelayMs · 2^(attempt-1))`. Jitter spreads the losers of a race so
 * they do not collide again on the next attempt.
 */
export function backoffDelay(attempt: number, options: { baseDelayMs: number; maxDelayMs: number }): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * ceiling;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Returned by an operation inside `retryOnConflict`: it met a conflict, so try it again. */
export const CONFLICT: unique symbol = Symbol('ifmatch.conflict');

/**
 * Runs `operation` until it returns anything but `CONFLICT`, waiting with jittered exponential
 * backoff between attempts. Only an explicit `CONFLICT` is retried: an error
 * thrown by `operation` propagates at once, untouched. After the last attempt it throws
 * `IfMatchError('RETRIES_EXHAUSTED')`.
 */
export async function retryOnConflict<R>(
  operation: (attempt: number) => Promise<R | typeof CONFLICT>,
  options?: RetryOptions,
): Promise<R> {
  const { attempts, baseDelayMs, maxDelayMs, signal } = resolveRetryOptions(options);
  for (let attempt = 1; ; attempt++) {
    const result = await operation(attempt);
    if (result !== CONFLICT) return result;
    if (attempt >= attempts) {
      throw new IfMatchError('RETRIES_EXHAUSTED', `still conflicting after ${attempts} attempts`);
    }
    await sleep(backoffDelay(attempt, { baseDelayMs, maxDelayMs }), signal);
  }
}
