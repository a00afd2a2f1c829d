/**
 * Races on one key. These only prove something when the writers really interleave: a
 * store whose operations are asynchronous does, and adapters add their own multi-process
 * races where a single process cannot interleave (better-sqlite3 is synchronous).
 */
import { type StoreOptions, UNCONDITIONAL } from '@ifmatch/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { present } from './helpers.js';
import { expectConflict, expectOk } from './semantics.js';
import type { ContractSubject, StoreContractOptions } from './subject.js';

export function describeConcurrency(options: StoreContractOptions, storeOptions: StoreOptions) {
  const racers = Math.max(8, options.concurrency?.racers ?? 100);
  const incrementers = Math.max(8, options.concurrency?.incrementers ?? 32);
  const increments = Math.max(8, options.concurrency?.increments ?? 100);
  let subject: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
  });

  it(`lets exactly one of ${racers} writers with the same tag win; the others get the winner's record`, async () => {
    const key = newKey();
    const base = expectOk(await subject.store.create(key, doc('base'))).record;
    const outcomes = await Promise.all(
      Array.from({ length: racers }, (_, i) => subject.store.put(key, doc(`writer-${i}`, i), { etagIn: [base.etag] })),
    );
    const winners = outcomes.filter((outcome) => outcome.ok);
    expect(winners).toHaveLength(1);
    const [only] = winners;
    if (only === undefined) throw new Error('no winner');
    const winner = only.record;
    for (const outcome of outcomes) {
      if (!outcome.ok) expect(expectConflict(outcome).current).toEqual(winner);
    }
    expect(await subject.inspect(key)).toMatchObject({ value: winner.value, version: 2 });
  });

  it(`loses no increment: ${incrementers} writers × ${increments} retried updates`, async () => {
    const key = newKey();
    expectOk(await subject.store.create(key, doc('counter', 0)));
    // Every success makes the other writers' attempts fail: backoff keeps a networked
    // database from spending its time on doomed attempts.
    const retry = { attempts: 10_000, baseDelayMs: 2, maxDelayMs: 50 };
    await Promise.all(
      Array.from({ length: incrementers }, async () => {
        for (let i = 0; i < increments; i++) {
          expectOk(
            await subject.store.update(
              key,
              (current) => ({ ...current, count: current.count + 1 }),
              UNCONDITIONAL,
              retry,
            ),
          );
        }
      }),
    );
    expect((await subject.inspect(key))?.value.count).toBe(incrementers * increments);
    expect((await subject.inspect(key))?.version).toBe(incrementers * increments + 1);
  }, 300_000);

  it(`lets exactly one of ${racers} concurrent create-only writers create the record`, async () => {
    const key = newKey();
    const outcomes = await Promise.all(
      Array.from({ length: racers }, (_, i) => subject.store.create(key, doc(`creator-${i}`, i))),
    );
    const created = outcomes.filter((outcome) => outcome.ok && outcome.created);
    expect(created).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok)).toHaveLength(racers - 1);
    const [creator] = created;
    if (creator === undefined) throw new Error('no creator');
    expect(await subject.inspect(key)).toMatchObject({ value: expectOk(creator).record.value, version: 1 });
  });

  describe('control: read-then-write without a condition', () => {
    it('loses updates, which shows the races above really interleave', async () => {
      const key = newKey();
      expectOk(await subject.store.create(key, doc('unsafe counter', 0)));
      await Promise.all(
        Array.from({ length: incrementers }, async () => {
          for (let i = 0; i < 10; i++) {
            const current = await subject.store.get(key);
            // A millisecond of "work" between the read and the write, as an application has:
            // without it a server that happens to answer in order can serialise the writers.
            await new Promise((resolve) => setTimeout(resolve, 1));
            const { value } = present(current, 'the record');
            const next = { ...value, count: value.count + 1 };
            await subject.store.put(key, next, UNCONDITIONAL);
          }
        }),
      );
      expect((await subject.inspect(key))?.value.count).toBeLessThan(incrementers * 10);
    });
  });
}
