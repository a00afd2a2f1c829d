/**
 * What each ETag strategy promises: tags never repeat (version, timestamp), equal content
 * gives equal tags (hash), and modification times strictly increase.
 */
import { type StoreOptions, UNCONDITIONAL } from '@ifmatch/core';
import { beforeAll, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { present } from './helpers.js';
import { expectConflict, expectOk } from './semantics.js';
import type { ContractSubject, StoreContractOptions } from './subject.js';

export function describeStrategy(options: StoreContractOptions, storeOptions: StoreOptions & { strategy: string }) {
  let subject: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
  });

  if (storeOptions.strategy !== 'hash') {
    it('issues a new tag on every write, even when the content does not change', async () => {
      const key = newKey();
      const tags = new Set<string>();
      tags.add(expectOk(await subject.store.create(key, doc('same'))).record.etag.opaque);
      for (let i = 0; i < 20; i++) {
        tags.add(expectOk(await subject.store.put(key, doc('same'), UNCONDITIONAL)).record.etag.opaque);
      }
      expect(tags.size).toBe(21);
    });
  }

  it(
    storeOptions.strategy === 'timestamp'
      ? 'keeps modification times strictly increasing (they are the tags), even with a stopped or backward clock'
      : 'never moves a modification time back, even with a stopped or backward clock',
    async () => {
      let clock = 1_800_000_000_000;
      const frozen = await options.createStore({ ...storeOptions, now: () => clock });
      const key = newKey();
      const times = [present(expectOk(await frozen.store.create(key, doc('t0'))).record.lastModified)];
      for (let i = 1; i <= 5; i++) {
        if (i === 3) clock -= 60_000; // the clock steps back a minute
        times.push(present(expectOk(await frozen.store.put(key, doc(`t${i}`), UNCONDITIONAL)).record.lastModified));
      }
      expect(times[0]).toBe(1_800_000_000_000);
      for (let i = 1; i < times.length; i++) {
        const [previous, time] = [present(times[i - 1]), present(times[i])];
        if (storeOptions.strategy === 'timestamp') expect(time).toBe(previous + 1);
        else {
          // Never back; forward by at most the one millisecond a strict clock would add.
          expect(time).toBeGreaterThanOrEqual(previous);
          expect(time).toBeLessThanOrEqual(previous + 1);
        }
      }
      expect((await frozen.inspect(key))?.modifiedAt).toBe(times[5]);
    },
  );

  if (storeOptions.strategy === 'timestamp') {
    it('distinguishes two writes in the same millisecond', async () => {
      const frozen = await options.createStore({ ...storeOptions, now: () => 1_900_000_000_000 });
      const key = newKey();
      const first = expectOk(await frozen.store.create(key, doc('a'))).record;
      const second = expectOk(await frozen.store.put(key, doc('b'), { etagIn: [first.etag] })).record;
      expect(second.etag).not.toEqual(first.etag);
      expectConflict(await frozen.store.put(key, doc('c'), { etagIn: [first.etag] }));
    });
  }

  if (storeOptions.strategy === 'hash') {
    it('gives equal content the same tag, whatever the key or the order of its members', async () => {
      const one = expectOk(await subject.store.create(newKey(), doc('twin'))).record;
      const reordered = { details: doc('twin').details, count: 0, title: 'twin' };
      const two = expectOk(await subject.store.create(newKey(), reordered)).record;
      expect(two.etag).toEqual(one.etag);
      const different = expectOk(await subject.store.create(newKey(), doc('other'))).record;
      expect(different.etag).not.toEqual(one.etag);
    });

    it('keeps the tag when a write changes nothing, and changes it when the content does', async () => {
      const key = newKey();
      const first = expectOk(await subject.store.create(key, doc('a'))).record;
      const same = expectOk(await subject.store.put(key, doc('a'), { etagIn: [first.etag] })).record;
      expect(same.etag).toEqual(first.etag);
      expect(same.version).toBe(2);
      const changed = expectOk(await subject.store.put(key, doc('b'), { etagIn: [same.etag] })).record;
      expect(changed.etag).not.toEqual(first.etag);
    });

    it('treats a retried write that finds its own result as already applied (RFC 9110 §13.1.1)', async () => {
      const key = newKey();
      const first = expectOk(await subject.store.create(key, doc('a'))).record;
      expectOk(await subject.store.put(key, doc('b'), { etagIn: [first.etag] }));
      // The same request again, as after a lost response: the precondition no longer holds,
      // but the record already holds exactly what this request writes.
      const retried = expectOk(await subject.store.put(key, doc('b'), { etagIn: [first.etag] }));
      expect(retried.alreadyApplied).toBe(true);
      expect(retried.record.version).toBe(2);
      // A different write based on the stale tag is still a conflict.
      expectConflict(await subject.store.put(key, doc('c'), { etagIn: [first.etag] }));
    });
  }
}
