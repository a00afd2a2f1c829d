/**
 * The conditional-write semantics of a Store, store by store: create-only, replace, update,
 * delete, and the exact outcome each precondition gives. Every write is checked against
 * what was really persisted.
 */
import { type EntityTag, type StoreOptions, UNCONDITIONAL, type WriteOutcome } from '@ifmatch/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import type { ContractDocument, ContractSubject, StoreContractOptions } from './subject.js';

type Outcome = WriteOutcome<ContractDocument, string>;

export function expectOk(outcome: Outcome): Extract<Outcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected the write to succeed, got ${outcome.reason}`);
  return outcome;
}

export function expectConflict(outcome: { ok: boolean }): Extract<Outcome, { reason: 'precondition-failed' }> {
  const failed = outcome as Outcome;
  if (failed.ok || failed.reason !== 'precondition-failed') {
    throw new Error(`expected precondition-failed, got ${failed.ok ? 'success' : failed.reason}`);
  }
  return failed;
}

const weak = (tag: EntityTag): EntityTag => ({ weak: true, opaque: tag.opaque });

/** The modification time of a record the store wrote (it always has one). */
export function modifiedAt(record: { readonly lastModified?: number }): number {
  if (record.lastModified === undefined) throw new Error('a record the store wrote has no lastModified');
  return record.lastModified;
}

export function describeSemantics(options: StoreContractOptions, storeOptions: StoreOptions): void {
  let subject: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
  });

  /** Creates a record and returns its key and first record. */
  async function seed(title = 'first') {
    const key = newKey();
    const created = expectOk(await subject.store.create(key, doc(title)));
    return { key, record: created.record };
  }

  describe('get', () => {
    it('returns undefined for a missing key', async () => {
      expect(await subject.store.get(newKey())).toBeUndefined();
    });

    it('returns what was written, with the same tag and date', async () => {
      const { key, record } = await seed();
      expect(await subject.store.get(key)).toEqual(record);
    });
  });

  describe('create (If-None-Match: *)', () => {
    it('creates a record at version 1 with a strong tag, and persists it', async () => {
      const key = newKey();
      const before = Date.now();
      const outcome = expectOk(await subject.store.create(key, doc('new')));
      expect(outcome.created).toBe(true);
      expect(outcome.record).toMatchObject({ key, value: doc('new'), version: 1 });
      expect(outcome.record.etag.weak).toBe(false);
      expect(outcome.record.etag.opaque.length).toBeGreaterThan(0);
      expect(outcome.record.lastModified).toBeGreaterThanOrEqual(before - 1000);
      expect(await subject.inspect(key)).toMatchObject({ value: doc('new'), version: 1 });
    });

    it('fails when the record exists, returns it, and leaves it untouched', async () => {
      const { key, record } = await seed('original');
      const outcome = expectConflict(await subject.store.create(key, doc('intruder')));
      expect(outcome.current).toEqual(record);
      expect(await subject.inspect(key)).toMatchObject({ value: doc('original'), version: 1 });
    });
  });

  describe('put', () => {
    it('without a condition creates a missing record', async () => {
      const key = newKey();
      const outcome = expectOk(await subject.store.put(key, doc('upserted'), UNCONDITIONAL));
      expect(outcome.created).toBe(true);
      expect(await subject.inspect(key)).toMatchObject({ value: doc('upserted'), version: 1 });
    });

    it('without a condition replaces an existing record (last one wins)', async () => {
      const { key, record } = await seed();
      const outcome = expectOk(await subject.store.put(key, doc('second'), UNCONDITIONAL));
      expect(outcome.created).toBe(false);
      expect(outcome.record.version).toBe(2);
      expect(outcome.record.etag).not.toEqual(record.etag);
      expect(await subject.inspect(key)).toMatchObject({ value: doc('second'), version: 2 });
    });

    it('with the current tag replaces the record and issues a new tag', async () => {
      const { key, record } = await seed();
      const outcome = expectOk(await subject.store.put(key, doc('second'), { etagIn: [record.etag] }));
      expect(outcome.record.value).toEqual(doc('second'));
      expect(outcome.record.etag).not.toEqual(record.etag);
      // The time strictly increases where it is the tag; elsewhere it only never goes back.
      if (storeOptions.strategy === 'timestamp') expect(modifiedAt(outcome.record)).toBeGreaterThan(modifiedAt(record));
      else expect(modifiedAt(outcome.record)).toBeGreaterThanOrEqual(modifiedAt(record));
      expect(await subject.store.get(key)).toEqual(outcome.record);
    });

    it('with a list of tags succeeds when any one is current', async () => {
      const { key, record } = await seed();
      const stale = expectOk(await subject.store.put(key, doc('b'), { etagIn: [record.etag] })).record;
      const outcome = await subject.store.put(key, doc('c'), { etagIn: [record.etag, stale.etag] });
      expect(expectOk(outcome).record.value.title).toBe('c');
    });

    it('with a stale tag fails, returns the current record, and writes nothing', async () => {
      const { key, record } = await seed();
      const newer = expectOk(await subject.store.put(key, doc('newer'), { etagIn: [record.etag] })).record;
      const outcome = expectConflict(await subject.store.put(key, doc('lost'), { etagIn: [record.etag] }));
      expect(outcome.current).toEqual(newer);
      expect(await subject.inspect(key)).toMatchObject({ value: doc('newer'), version: 2 });
    });

    it('with the current tag made weak fails: If-Match compares strongly', async () => {
      const { key, record } = await seed();
      expectConflict(await subject.store.put(key, doc('x'), { etagIn: [weak(record.etag)] }));
      expect(await subject.inspect(key)).toMatchObject({ version: 1 });
    });

    it('with a tag this store never issued, or an empty list, fails', async () => {
      const { key } = await seed();
      const foreign: EntityTag = { weak: false, opaque: 'not-issued-here' };
      expectConflict(await subject.store.put(key, doc('x'), { etagIn: [foreign] }));
      expectConflict(await subject.store.put(key, doc('x'), { etagIn: [] }));
      expect(await subject.inspect(key)).toMatchObject({ version: 1 });
    });

    it('with a tag on a missing record reports not-found, not a conflict, and creates nothing', async () => {
      const { record } = await seed();
      const key = newKey();
      expect(await subject.store.put(key, doc('x'), { etagIn: [record.etag] })).toEqual({
        ok: false,
        reason: 'not-found',
      });
      expect(await subject.inspect(key)).toBeUndefined();
    });

    it('with exists: true (If-Match: *) updates a present record and refuses a missing one', async () => {
      const { key } = await seed();
      expectOk(await subject.store.put(key, doc('x'), { exists: true }));
      const missing = newKey();
      expect(await subject.store.put(missing, doc('x'), { exists: true })).toEqual({ ok: false, reason: 'not-found' });
      expect(await subject.inspect(missing)).toBeUndefined();
    });

    it('with etagNotIn (If-None-Match: "…") fails on a weak match and passes otherwise', async () => {
      const { key, record } = await seed();
      expectConflict(await subject.store.put(key, doc('x'), { etagNotIn: [weak(record.etag)] }));
      const other: EntityTag = { weak: false, opaque: 'something-else' };
      expectOk(await subject.store.put(key, doc('y'), { etagNotIn: [other] }));
      const missing = newKey();
      expect(expectOk(await subject.store.put(missing, doc('z'), { etagNotIn: [record.etag] })).created).toBe(true);
    });

    it('with unmodifiedSince fails when modified later and passes at or after the modification', async () => {
      const { key, record } = await seed();
      expectConflict(await subject.store.put(key, doc('x'), { unmodifiedSince: modifiedAt(record) - 1 }));
      expect(await subject.inspect(key)).toMatchObject({ version: 1 });
      expectOk(await subject.store.put(key, doc('y'), { unmodifiedSince: modifiedAt(record) }));
      const missing = newKey();
      expectOk(await subject.store.put(missing, doc('z'), { unmodifiedSince: 0 }));
    });

    it('applies every part of a condition (a conjunction)', async () => {
      const { key, record } = await seed();
      expectConflict(
        await subject.store.put(key, doc('x'), { etagIn: [record.etag], unmodifiedSince: modifiedAt(record) - 1 }),
      );
      expectConflict(await subject.store.put(key, doc('x'), { exists: true, etagNotIn: [record.etag] }));
      expectOk(await subject.store.put(key, doc('y'), { exists: true, etagIn: [record.etag] }));
    });
  });

  describe('update', () => {
    it('applies the change to the current value', async () => {
      const { key, record } = await seed();
      const outcome = expectOk(
        await subject.store.update(key, (current) => ({ ...current, count: current.count + 5 }), {
          etagIn: [record.etag],
        }),
      );
      expect(outcome.record).toMatchObject({ version: 2, value: { count: 5 } });
      expect(await subject.inspect(key)).toMatchObject({ version: 2, value: { count: 5 } });
    });

    it('reports not-found for a missing record without calling the change', async () => {
      let called = false;
      const outcome = await subject.store.update(
        newKey(),
        (current) => {
          called = true;
          return current;
        },
        UNCONDITIONAL,
      );
      expect(outcome).toEqual({ ok: false, reason: 'not-found' });
      expect(called).toBe(false);
    });

    it('fails on a stale tag without calling the change', async () => {
      const { key, record } = await seed();
      const newer = expectOk(await subject.store.put(key, doc('newer'), UNCONDITIONAL)).record;
      let called = false;
      const outcome = expectConflict(
        await subject.store.update(
          key,
          (current) => {
            called = true;
            return current;
          },
          { etagIn: [record.etag] },
        ),
      );
      expect(outcome.current).toEqual(newer);
      expect(called).toBe(false);
    });

    it('writes nothing when the change throws, and passes the error on', async () => {
      const { key } = await seed();
      const failure = new Error('change failed');
      await expect(
        subject.store.update(
          key,
          () => {
            throw failure;
          },
          UNCONDITIONAL,
        ),
      ).rejects.toBe(failure);
      expect(await subject.inspect(key)).toMatchObject({ version: 1, value: doc('first') });
    });
  });

  describe('delete', () => {
    it('with the current tag deletes the record and returns it', async () => {
      const { key, record } = await seed();
      expect(await subject.store.delete(key, { etagIn: [record.etag] })).toEqual({ ok: true, deleted: record });
      expect(await subject.inspect(key)).toBeUndefined();
      expect(await subject.store.get(key)).toBeUndefined();
    });

    it('with a stale tag fails and keeps the record', async () => {
      const { key, record } = await seed();
      const newer = expectOk(await subject.store.put(key, doc('newer'), UNCONDITIONAL)).record;
      expect(expectConflict(await subject.store.delete(key, { etagIn: [record.etag] })).current).toEqual(newer);
      expect(await subject.inspect(key)).toMatchObject({ version: 2 });
    });

    it('reports not-found for a missing record, with or without a condition', async () => {
      expect(await subject.store.delete(newKey(), UNCONDITIONAL)).toEqual({ ok: false, reason: 'not-found' });
      expect(await subject.store.delete(newKey(), { exists: true })).toEqual({ ok: false, reason: 'not-found' });
    });

    it('lets the key be created again, from version 1', async () => {
      const { key } = await seed();
      expect((await subject.store.delete(key, UNCONDITIONAL)).ok).toBe(true);
      expect(expectOk(await subject.store.create(key, doc('again'))).record.version).toBe(1);
    });
  });
}
