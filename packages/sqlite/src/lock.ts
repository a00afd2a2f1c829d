/**
 * Waiting for another connection's lock without blocking the process. better-sqlite3 is
 * synchronous: with a busy timeout, a write that finds the database locked sleeps inside the
 * event loop, and every other request of the server (even a read) waits with it. The store
 * sets the connection's busy timeout to 0 instead, and waits here, asynchronously.
 */
import { setTimeout as sleep } from 'node:timers/promises';

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Runs `operation(a, b, c)` (synchronous SQLite calls that write nothing when they fail with
 * SQLITE_BUSY) until it gets the lock, pausing 1, 2, 4… up to 25 ms between attempts, for at
 * most `timeoutMs`; then the last SQLITE_BUSY is thrown (and mapped to THROTTLED). The
 * arguments are passed on so that callers hand over a function made once, not a closure per call.
 */
export function whenUnlocked<R, A = undefined, B = undefined, C = undefined>(
  timeoutMs: number,
  operation: (a: A, b: B, c: C) => R,
  a?: A,
  b?: B,
  c?: C,
): R | Promise<R> {
  // The common case, an unlocked database, stays synchronous: no turn of the event loop.
  try {
    return operation(a as A, b as B, c as C);
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  return waitForLock(() => operation(a as A, b as B, c as C), performance.now() + timeoutMs);
}

async function waitForLock<R>(operation: () => R, deadline: number): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const left = deadline - performance.now();
    if (left <= 0) return operation(); // one last try: its SQLITE_BUSY is the answer
    await sleep(Math.min(2 ** attempt, 25, left));
    try {
      return operation();
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
  }
}
