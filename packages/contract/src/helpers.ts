/** Small utilities for adapters' own tests, so each adapter does not write them again. */
import { createServer } from 'node:net';
import { type IfMatchErrorCode, isIfMatchError, type Store, type StoredRecord } from '@ifmatch/core';
import { expect } from 'vitest';

/**
 * Awaits a promise that must reject with an `IfMatchError`, and returns its code. Recognised
 * by brand and code (`isIfMatchError`), not `instanceof`: an adapter may carry another copy
 * of `@ifmatch/core` than the suite's.
 */
export async function errorCodeOf(promise: Promise<unknown>): Promise<IfMatchErrorCode> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(isIfMatchError(error), `expected an IfMatchError, got ${String(error)}`).toBe(true);
  return (error as { code: IfMatchErrorCode }).code;
}

/** A TCP port free on 127.0.0.1 right now, for a test server to listen on. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The count of random cases an environment variable asks for, to search longer than CI does
 * (`IFMATCH_MODEL_RUNS`, `IFMATCH_ROBUSTNESS_RUNS`); 0 when it is unset or no positive whole
 * number. Not exported from the package.
 */
export function runsFromEnvironment(variable: string): number {
  const runs = Number(process.env[variable]);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : 0;
}

/** `value`, or a failure naming what is missing: for what a test expects to find (a header, a record). */
export function present<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found none`);
  return value;
}

/**
 * Tags handed out `before` a change to records (a backfill, say) each still name the very same
 * content, or are stale: a write under a stale one is refused, never let through for other
 * content. Returns how many of each.
 */
export async function expectValidForSameContentOrStale<T, K>(
  store: Store<T, K>,
  before: ReadonlyMap<K, StoredRecord<T, K>>,
): Promise<{ valid: number; stale: number }> {
  let valid = 0;
  let stale = 0;
  await Promise.all(
    [...before].map(async ([key, old]) => {
      const current = await store.get(key);
      if (current?.etag.opaque === old.etag.opaque) {
        expect(current.value).toEqual(old.value);
        valid++;
      } else {
        const outcome = await store.put(key, old.value, { etagIn: [old.etag] });
        expect(outcome).toMatchObject({ ok: false, reason: 'precondition-failed' });
        stale++;
      }
    }),
  );
  return { valid, stale };
}
