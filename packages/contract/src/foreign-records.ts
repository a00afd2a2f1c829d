/**
 * Records the store did not write itself: rows, documents and items that predate the system
 * fields (or a change of strategy), written here with plain driver calls through the
 * subject's `seed`. Each must be served with a valid, stable tag and be writable under every
 * condition; its first write brings its system fields up to date, atomically like any other.
 */
import { hashEtag, type StoreOptions, type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import { hashableJson } from '@ifmatch/core/driver';
import { beforeAll, describe, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { expectConflict, expectOk } from './semantics.js';
import type { ContractSubject, SeedFields, StoreContractOptions } from './subject.js';

/** The content every fixture holds, and its hash as the hash strategy (without a secret) stores it. */
const LEGACY = doc('legacy', 3);
const LEGACY_HASH = hashEtag(hashableJson(LEGACY));
/** An incarnation a store drew when it created the record, under another strategy. */
const INCARNATION = 'Q2hU8tXa0lE';

const FIXTURES: readonly (readonly [string, SeedFields])[] = [
  ['a record with no system fields (a column added by a migration, not backfilled)', {}],
  ['a record with a version only (another ORM’s counter)', { version: 7 }],
  ['a record at version 0 (Mongoose’s first __v)', { version: 0 }],
  ['a record with a version and a time but no incarnation', { version: 4, modifiedAt: 1_700_000_000_000 }],
];

/** A record a store wrote under the hash strategy, before a switch to the version or timestamp strategy. */
const FROM_HASH: readonly (readonly [string, SeedFields])[] = [
  [
    'a record written under the hash strategy before the switch (a hash and an incarnation)',
    { version: 4, modifiedAt: 1_700_000_000_000, incarnation: INCARNATION, hash: LEGACY_HASH },
  ],
];

/** Records a store wrote under another strategy (or an older ifmatch), before a switch to this one. */
const SWITCHED: Readonly<Record<StrategyName, readonly (readonly [string, SeedFields])[]>> = {
  hash: [
    [
      'a record written before the switch to the hash strategy (an incarnation, no hash)',
      { version: 4, modifiedAt: 1_700_000_000_000, incarnation: INCARNATION },
    ],
    [
      'a record written under the hash strategy before incarnations (a hash, no incarnation)',
      { version: 2, modifiedAt: 1_700_000_000_000, hash: LEGACY_HASH },
    ],
  ],
  version: FROM_HASH,
  timestamp: FROM_HASH,
};

/** RFC 9110 §8.8.3: etagc = %x21 / %x23-7E / obs-text; at least one. */
const ETAGC = /^[\x21\x23-\x7e\x80-\xff]+$/;

export function describeForeignRecords(options: StoreContractOptions, storeOptions: StoreOptions): void {
  let subject: ContractSubject;
  beforeAll(async () => {
    subject = await options.createStore(storeOptions);
  });

  const hashed = storeOptions.strategy === 'hash';
  // A store that cannot run the hash strategy has nowhere to keep a hash.
  const canHash = options.capabilities.strategies.includes('hash');
  const fixtures = [...FIXTURES, ...(canHash ? SWITCHED[storeOptions.strategy ?? 'version'] : [])];

  /** A record seeded with `fields`, and what the store serves for it. */
  const seeded = async (fields: SeedFields) => {
    const key = newKey();
    await subject.seed(key, LEGACY, fields);
    const read = await subject.store.get(key);
    if (read === undefined) throw new Error('the seeded record cannot be read');
    return { key, read };
  };

  describe.each(fixtures)('%s', (_name, fields) => {
    it('is served with a valid, strong, stable tag, and Last-Modified only if it has a time', async () => {
      const { key, read } = await seeded(fields);
      expect(read).toMatchObject({ key, value: LEGACY, version: fields.version ?? 0 });
      expect(read.etag.weak).toBe(false);
      expect(read.etag.opaque).toMatch(ETAGC);
      expect(read.lastModified).toBe(fields.modifiedAt);
      expect(await subject.store.get(key)).toEqual(read);
    });

    it('is tagged by this strategy alone, whatever another strategy left in it', async () => {
      const { key, read } = await seeded(fields);
      if (hashed) {
        // The hash of its content, stored or computed on read.
        expect(read.etag.opaque).toBe(LEGACY_HASH);
      } else {
        // A hash left by the hash strategy is no tag of this one.
        expectConflict(await subject.store.put(key, doc('x'), { etagIn: [{ weak: false, opaque: LEGACY_HASH }] }));
        if (fields.incarnation !== undefined) {
          // The same number without the incarnation stands for a record created before any store.
          const bare =
            storeOptions.strategy === 'timestamp'
              ? `t${(fields.modifiedAt ?? 0).toString(36)}`
              : `v${(fields.version ?? 0).toString(36)}`;
          expect(read.etag.opaque).not.toBe(bare);
          expectConflict(await subject.store.put(key, doc('x'), { etagIn: [{ weak: false, opaque: bare }] }));
        }
      }
      const persisted = await subject.inspect(key);
      expect(persisted?.value).toEqual(LEGACY);
      expect(persisted?.version ?? 0).toBe(fields.version ?? 0);
    });

    it('is written under its tag, and that write brings its system fields up to date', async () => {
      const { key, read } = await seeded(fields);
      const outcome = expectOk(await subject.store.put(key, doc('adopted'), { etagIn: [read.etag] }));
      expect(outcome.created).toBe(false);
      const written = outcome.record;
      expect(written.version).toBe((fields.version ?? 0) + 1);
      expect(written.lastModified).toBeGreaterThan(fields.modifiedAt ?? 0);
      expect(written.etag).not.toEqual(read.etag);
      const persisted = await subject.inspect(key);
      expect(persisted).toMatchObject({
        value: doc('adopted'),
        version: written.version,
        modifiedAt: written.lastModified,
        // A record keeps the incarnation it was created with, or keeps having none.
        incarnation: fields.incarnation ?? null,
      });
      // The hash stored (where the subject reports it) is the new content's under the hash
      // strategy, and none otherwise: a hash left from before a switch would vouch for content
      // the record no longer holds once the store switches back.
      if (persisted?.hash !== undefined) expect(persisted.hash).toBe(hashed ? written.etag.opaque : null);
      expect(await subject.store.get(key)).toEqual(written);
      // Its old tag is stale now.
      expectConflict(await subject.store.put(key, doc('stale'), { etagIn: [read.etag] }));
    });

    it('refuses a stale or unknown tag, a create, and If-None-Match with its tag, writing nothing', async () => {
      const { key, read } = await seeded(fields);
      expectConflict(await subject.store.put(key, doc('x'), { etagIn: [{ weak: false, opaque: 'v999' }] }));
      expectConflict(await subject.store.put(key, doc('x'), { etagIn: [{ ...read.etag, weak: true }] }));
      expectConflict(await subject.store.create(key, doc('x')));
      expectConflict(await subject.store.put(key, doc('x'), { etagNotIn: [read.etag] }));
      expectConflict(await subject.store.delete(key, { etagIn: [{ weak: false, opaque: 'v999' }] }));
      expect(await subject.store.get(key)).toEqual(read);
      expect((await subject.inspect(key))?.value).toEqual(LEGACY);
    });

    it('takes an update and a delete like any record', async () => {
      const { key } = await seeded(fields);
      const updated = expectOk(
        await subject.store.update(key, (current) => ({ ...current, count: current.count + 1 }), UNCONDITIONAL),
      ).record;
      expect(updated.value.count).toBe(4);
      expect(await subject.store.delete(key, { etagIn: [updated.etag] })).toMatchObject({ ok: true });
      expect(await subject.inspect(key)).toBeUndefined();
    });

    it('passes If-Unmodified-Since when it has no time (RFC 9110 §13.1.4), checks it when it has one', async () => {
      const { key } = await seeded(fields);
      const outcome = await subject.store.put(key, doc('since'), { unmodifiedSince: 1_600_000_000_000 });
      if (fields.modifiedAt === undefined) expectOk(outcome);
      else expectConflict(outcome);
    });

    it('takes an unconditional put and a put with If-Match: *', async () => {
      const { key } = await seeded(fields);
      expectOk(await subject.store.put(key, doc('any'), { exists: true }));
      const last = expectOk(await subject.store.put(key, doc('last'), UNCONDITIONAL));
      expect(last.created).toBe(false);
      expect(last.record.version).toBe((fields.version ?? 0) + 2);
    });
  });
}
