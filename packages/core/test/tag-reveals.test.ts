/**
 * The README's table "What each tag guarantees and reveals", claim by claim, on the reference
 * store: if one of these fails, the table (or the change) is wrong.
 */
import { createMemoryStore, type StoredRecord, type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import type { DriverRecord } from '@ifmatch/core/driver';
import { describe, expect, it } from 'vitest';

type Doc = { title: string };
const SECRET = 'tag-reveals-test-secret-of-32-bytes!';
const NOW = 1_750_000_000_000;

/** A store, its records, and a way to put a record there that no store wrote (no incarnation). */
function storeOf(strategy: StrategyName, secret?: string) {
  const records = new Map<string, DriverRecord<Doc, string>>();
  const store = createMemoryStore<Doc, string>({ strategy, now: () => NOW, records, ...(secret ? { secret } : {}) });
  const legacy = async (key: string, version: number, modifiedAt: number | null) => {
    records.set(JSON.stringify(key), {
      key,
      value: { title: key },
      version,
      modifiedAt,
      incarnation: null,
      hash: null,
    });
    return (await store.get(key))?.etag.opaque;
  };
  return { store, legacy };
}

const ok = (outcome: { ok: boolean; record?: StoredRecord<Doc, string> }) => {
  if (!outcome.ok || outcome.record === undefined) throw new Error('the write failed');
  return outcome.record;
};

/** A → B → A on one key, and A on another: the tags of each step. */
async function history(store: ReturnType<typeof storeOf>['store']) {
  const a = ok(await store.create('one', { title: 'A' })).etag.opaque;
  const b = ok(await store.put('one', { title: 'B' }, UNCONDITIONAL)).etag.opaque;
  const again = ok(await store.put('one', { title: 'A' }, UNCONDITIONAL)).etag.opaque;
  const elsewhere = ok(await store.create('two', { title: 'A' })).etag.opaque;
  return { a, b, again, elsewhere };
}

describe("the README's table of what each tag reveals", () => {
  it('version: the version in base 36 and the incarnation; a record created before the store, the version alone, shared by such records', async () => {
    const { store, legacy } = storeOf('version');
    const { a, again, elsewhere } = await history(store);
    expect(a).toMatch(/^v1\.[\w-]{11}$/);
    expect(again).toBe(`v3.${a.slice(3)}`);
    expect(elsewhere).not.toBe(a); // another incarnation
    expect(await legacy('old-1', 7, null)).toBe('v7');
    expect(await legacy('old-2', 7, 1_700_000_000_000)).toBe('v7');
  });

  it('timestamp: the millisecond in base 36 and the incarnation; without an incarnation, the time alone', async () => {
    const { store, legacy } = storeOf('timestamp');
    const { a, elsewhere } = await history(store);
    expect(a).toMatch(new RegExp(`^t${NOW.toString(36)}\\.[\\w-]{11}$`));
    expect(elsewhere.startsWith(`t${NOW.toString(36)}.`)).toBe(true);
    expect(elsewhere).not.toBe(a);
    expect(await legacy('old-1', 3, 1_700_000_000_000)).toBe(`t${(1_700_000_000_000).toString(36)}`);
    expect(await legacy('old-2', 9, 1_700_000_000_000)).toBe(`t${(1_700_000_000_000).toString(36)}`);
    expect(await legacy('old-3', 1, null)).toBe('t0');
  });

  it.each([
    ['without a secret', undefined],
    ['with a secret', SECRET],
  ])('hash %s: 22 characters, equal for equal content on any key and again after A → B → A', async (_name, secret) => {
    const { store } = storeOf('hash', secret);
    const { a, b, again, elsewhere } = await history(store);
    expect(a).toMatch(/^[\w-]{22}$/);
    expect(again).toBe(a);
    expect(elsewhere).toBe(a);
    expect(b).not.toBe(a);
  });

  it('hash with a secret: not the hash anyone can compute', async () => {
    const plain = await history(storeOf('hash').store);
    const keyed = await history(storeOf('hash', SECRET).store);
    expect(keyed.a).not.toBe(plain.a);
  });

  it.each(['version', 'timestamp'] as const)(
    '%s with a secret: 48 characters with nothing in clear, no tag repeated by records the store created, shared by records created before it at the same number',
    async (strategy) => {
      const { store, legacy } = storeOf(strategy, SECRET);
      const { a, b, again, elsewhere } = await history(store);
      for (const tag of [a, b, again, elsewhere]) expect(tag).toMatch(/^[\w-]{48}$/);
      expect(new Set([a, b, again, elsewhere]).size).toBe(4);
      expect(a).not.toContain(NOW.toString(36));
      // Records created before the store have no incarnation to tell them apart.
      const old = await legacy('old-1', 7, 1_700_000_000_000);
      expect(old).toMatch(/^[\w-]{48}$/);
      expect(await legacy('old-2', 7, 1_700_000_000_000)).toBe(old);
      expect(await legacy('old-3', 8, 1_700_000_000_001)).not.toBe(old);
    },
  );
});
