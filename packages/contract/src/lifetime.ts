/**
 * A tag over the key's whole life (RFC 9110 §8.8.1: a strong validator is unique across all
 * versions of a resource over time), and "already applied" only where RFC 9110 allows it.
 */
import { type EntityTag, type StoreOptions, UNCONDITIONAL } from '@ifmatch/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { expectConflict, expectOk } from './semantics.js';
import type { ContractSubject, StoreContractOptions } from './subject.js';

export function describeLifetime(options: StoreContractOptions, storeOptions: StoreOptions & { strategy: string }) {
  let subject: ContractSubject;
  let frozen: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
    // Every write in the same millisecond: only the incarnation can tell two lives apart.
    frozen = await options.createStore({ ...storeOptions, now: () => 1_800_000_000_000 });
  });

  describe('a tag over the key’s whole life', () => {
    it('a tag of a deleted record never matches the record created again, even within one millisecond', async () => {
      const key = newKey();
      const first = expectOk(await frozen.store.create(key, doc('first life'))).record;
      expectOk(await frozen.store.put(key, doc('first life, 2'), UNCONDITIONAL));
      expect((await frozen.store.delete(key, UNCONDITIONAL)).ok).toBe(true);
      const reborn = expectOk(await frozen.store.create(key, doc('second life'))).record;
      expect(reborn.version).toBe(1);
      expect(reborn.lastModified).toBe(first.lastModified);
      expect(reborn.etag).not.toEqual(first.etag);
      // A client that kept the tag from the first life must not overwrite the second.
      expectConflict(await frozen.store.put(key, doc('lost update'), { etagIn: [first.etag] }));
      expectConflict(await frozen.store.delete(key, { etagIn: [first.etag] }));
      expect(await frozen.inspect(key)).toMatchObject({ value: doc('second life'), version: 1 });
      // And the tag of the second life still works.
      expectOk(await frozen.store.put(key, doc('second life, 2'), { etagIn: [reborn.etag] }));
    });

    it('never issues one tag for two lives of a key, over many deletes and re-creates', async () => {
      const key = newKey();
      const seen = new Map<string, string>();
      for (let life = 0; life < 5; life++) {
        for (let write = 0; write < 3; write++) {
          const content = `life ${life}, write ${write}`;
          const outcome =
            write === 0
              ? await frozen.store.create(key, doc(content))
              : await frozen.store.put(key, doc(content), UNCONDITIONAL);
          const tag = expectOk(outcome).record.etag.opaque;
          expect(seen.get(tag), `tag ${tag} issued twice`).toBeUndefined();
          seen.set(tag, content);
        }
        expect((await frozen.store.delete(key, UNCONDITIONAL)).ok).toBe(true);
      }
    });

    it('an update whose record is deleted and created again before it writes starts again from the new record', async () => {
      const key = newKey();
      expectOk(await subject.store.create(key, doc('old life', 10)));
      const seenBy: string[] = [];
      const outcome = expectOk(
        await subject.store.update(
          key,
          async (current) => {
            seenBy.push(current.title);
            if (seenBy.length === 1) {
              // Another writer deletes and re-creates the key: same version number, new life.
              expect((await subject.store.delete(key, UNCONDITIONAL)).ok).toBe(true);
              expectOk(await subject.store.create(key, doc('new life', 100)));
            }
            return { ...current, count: current.count + 1 };
          },
          UNCONDITIONAL,
        ),
      );
      expect(seenBy).toEqual(['old life', 'new life']);
      expect(outcome.record.value).toEqual(doc('new life', 101));
      expect(await subject.inspect(key)).toMatchObject({ value: doc('new life', 101), version: 2 });
    });
  });

  if (storeOptions.strategy === 'hash') {
    describe('already applied only under If-Match and If-Unmodified-Since (RFC 9110 §13.1)', () => {
      it('a second create with equal content fails: a create-only claim has one winner', async () => {
        const key = newKey();
        expectOk(await subject.store.create(key, doc('claim')));
        const second = await subject.store.create(key, doc('claim'));
        expect(second.ok).toBe(false);
        expectConflict(await subject.store.put(key, doc('claim'), { exists: false }));
      });

      it('If-None-Match with the current tag fails even when the content is equal', async () => {
        const key = newKey();
        const record = expectOk(await subject.store.create(key, doc('same'))).record;
        expectConflict(await subject.store.put(key, doc('same'), { etagNotIn: [record.etag] }));
        expect(await subject.inspect(key)).toMatchObject({ version: 1 });
      });

      it('If-Unmodified-Since that no longer holds, with equal content, is already applied', async () => {
        const key = newKey();
        const first = expectOk(await subject.store.create(key, doc('a'))).record;
        const since = (first.lastModified ?? 0) - 1;
        expect(expectOk(await subject.store.put(key, doc('a'), { unmodifiedSince: since })).alreadyApplied).toBe(true);
        expectConflict(await subject.store.put(key, doc('b'), { unmodifiedSince: since }));
      });

      it('of 20 concurrent creators with the same content, exactly one wins', async () => {
        const key = newKey();
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => subject.store.create(key, doc('same'))));
        expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      });

      it('re-creating identical content gives the same tag, and a writer holding it writes on identical content', async () => {
        const key = newKey();
        const first = expectOk(await subject.store.create(key, doc('identical'))).record;
        expect((await subject.store.delete(key, UNCONDITIONAL)).ok).toBe(true);
        const again = expectOk(await subject.store.create(key, doc('identical'))).record;
        // Documented: the hash strategy compares content, not history.
        expect(again.etag).toEqual(first.etag);
        expectOk(await subject.store.put(key, doc('edited'), { etagIn: [first.etag] }));
      });
    });
  }

  describe('with a secret', () => {
    const SECRET = 'contract-suite-secret-of-32-bytes!!!';
    let sealed: ContractSubject;
    let frozenSealed: ContractSubject;
    beforeAll(async () => {
      sealed = await options.createStore({ ...storeOptions, secret: SECRET });
      frozenSealed = await options.createStore({ ...storeOptions, secret: SECRET, now: () => 1_800_000_000_000 });
    });

    it('issues opaque tags that work as any tag', async () => {
      const key = newKey();
      const created = expectOk(await sealed.store.create(key, doc('secret'))).record;
      // The same content under a store without the secret gets another tag.
      const plain = expectOk(await subject.store.create(newKey(), doc('secret'))).record;
      expect(created.etag.opaque).not.toBe(plain.etag.opaque);
      expect(created.etag.opaque).not.toMatch(/^[vt][0-9a-z]+\./);
      const next = expectOk(await sealed.store.put(key, doc('secret 2'), { etagIn: [created.etag] })).record;
      expectConflict(await sealed.store.put(key, doc('lost'), { etagIn: [created.etag] }));
      expect((await sealed.store.get(key))?.etag).toEqual(next.etag);
      if (storeOptions.strategy !== 'hash') {
        // The tag in clear of a record (what a store without the secret would issue) is not
        // one this store issues: seed a record whose clear tag is known, without an incarnation.
        const legacy = newKey();
        const modifiedAt = 1_700_000_000_000;
        await sealed.seed(legacy, doc('legacy'), { version: 5, modifiedAt });
        const clear = storeOptions.strategy === 'version' ? 'v5' : `t${modifiedAt.toString(36)}`;
        expectConflict(await sealed.store.put(legacy, doc('x'), { etagIn: [{ weak: false, opaque: clear }] }));
        const tag = (await sealed.store.get(legacy))?.etag as EntityTag;
        expect(tag.opaque).not.toBe(clear);
        expectOk(await sealed.store.put(legacy, doc('y'), { etagIn: [tag] }));
      }
    });

    // What a sealed tag still reveals, as the README's table says: equality.
    if (storeOptions.strategy === 'hash') {
      it('gives equal content an equal keyed tag, on any key and again after A → B → A', async () => {
        const key = newKey();
        const a = expectOk(await sealed.store.create(key, doc('A'))).record.etag;
        expectOk(await sealed.store.put(key, doc('B'), UNCONDITIONAL));
        expect(expectOk(await sealed.store.put(key, doc('A'), UNCONDITIONAL)).record.etag).toEqual(a);
        expect(expectOk(await sealed.store.create(newKey(), doc('A'))).record.etag).toEqual(a);
      });
    } else {
      it('gives records the store created tags of their own, and records created before it at the same number one tag', async () => {
        const [one, two] = [newKey(), newKey()];
        const first = expectOk(await frozenSealed.store.create(one, doc('same'))).record.etag;
        const second = expectOk(await frozenSealed.store.create(two, doc('same'))).record.etag;
        expect(second).not.toEqual(first);
        const fields = { version: 5, modifiedAt: 1_700_000_000_000 };
        const [old1, old2] = [newKey(), newKey()];
        await sealed.seed(old1, doc('old 1'), fields);
        await sealed.seed(old2, doc('old 2'), fields);
        expect((await sealed.store.get(old2))?.etag).toEqual((await sealed.store.get(old1))?.etag);
      });
    }
  });
}
