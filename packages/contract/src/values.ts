/**
 * Values and keys at the boundary: values round-trip faithfully or are refused with
 * INVALID_VALUE before anything is written; keys a database cannot hold are TypeErrors before
 * anything is sent; undefined members are dropped alike in what is stored and in the hash.
 */
import { isIfMatchError, type StoreOptions, UNCONDITIONAL } from '@ifmatch/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { expectOk } from './semantics.js';
import type { ContractDocument, ContractSubject, StoreContractOptions } from './subject.js';

export function describeValues(options: StoreContractOptions, storeOptions: StoreOptions): void {
  let subject: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
  });

  describe('values and input', () => {
    it('round-trips nested values faithfully', async () => {
      const key = newKey();
      const value: ContractDocument = {
        title: 'Grüße, 世界 🌍 "quoted" \\ back\nslash',
        count: -12345.678,
        details: { tags: ['', 'x', 'ünï'], note: '', ratio: 1e-7 },
      };
      expectOk(await subject.store.create(key, value));
      expect((await subject.store.get(key))?.value).toEqual(value);
      expect((await subject.inspect(key))?.value).toEqual(value);
      const empty: ContractDocument = { title: '', count: 0, details: null };
      expectOk(await subject.store.put(key, empty, UNCONDITIONAL));
      expect((await subject.store.get(key))?.value).toEqual(empty);
    });

    it('refuses a missing condition with a TypeError and writes nothing', async () => {
      const key = newKey();
      await expect(subject.store.put(key, doc('x'), undefined as never)).rejects.toThrow(TypeError);
      await expect(subject.store.put(key, doc('x'), { etagIn: 'v1' as never })).rejects.toThrow(TypeError);
      await expect(subject.store.delete(key, null as never)).rejects.toThrow(TypeError);
      expect(await subject.inspect(key)).toBeUndefined();
    });

    it('refuses a value that cannot be stored with INVALID_VALUE and writes nothing', async () => {
      const key = newKey();
      const cyclic: Record<string, unknown> = { tags: [], note: null, ratio: 1 };
      cyclic.self = cyclic;
      const bad = { ...doc('x'), details: cyclic } as unknown as ContractDocument;
      const error = await subject.store.create(key, bad).catch((e: unknown) => e);
      // By brand and code, not instanceof: the adapter may carry another copy of @ifmatch/core.
      expect(error).toMatchObject({ code: 'INVALID_VALUE' });
      expect(isIfMatchError(error, 'INVALID_VALUE')).toBe(true);
      expect(await subject.inspect(key)).toBeUndefined();
    });
  });

  describe('keys and values at the boundary', () => {
    it.each([
      ['undefined', undefined],
      ['null', null],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
    ])('refuses %s as a key with a TypeError, before anything is sent', async (_name, key) => {
      const bad = key as unknown as string;
      await expect(subject.store.get(bad)).rejects.toThrow(TypeError);
      await expect(subject.store.put(bad, doc('x'), UNCONDITIONAL)).rejects.toThrow(TypeError);
      await expect(subject.store.create(bad, doc('x'))).rejects.toThrow(TypeError);
      await expect(subject.store.delete(bad, UNCONDITIONAL)).rejects.toThrow(TypeError);
    });

    it('drops undefined members in what it stores, in what it returns, and in the hash alike', async () => {
      const key = newKey();
      const withUndefined = {
        ...doc('u'),
        extra: undefined,
        details: { ...doc('u').details, more: undefined },
      } as unknown as ReturnType<typeof doc>;
      const written = expectOk(await subject.store.put(key, withUndefined, UNCONDITIONAL)).record;
      expect(written.value).toEqual(doc('u'));
      expect(Object.keys(written.value)).not.toContain('extra');
      const read = await subject.store.get(key);
      expect(read?.value).toEqual(doc('u'));
      expect(read?.etag).toEqual(written.etag);
      expect((await subject.inspect(key))?.value).toEqual(doc('u'));
      if (storeOptions.strategy === 'hash') {
        const plain = expectOk(await subject.store.create(newKey(), doc('u'))).record;
        expect(plain.etag).toEqual(written.etag);
      }
    });
  });
}
