/**
 * A write pinned to one version first runs a quick UPDATE with plain comparisons
 * (`version = ?`, `modified_at < ?`), and only when that changes nothing the full one, which
 * reads what another writer left through `storedNumberSql`. The quick form must never take a
 * row the full one would treat otherwise: whatever sits in the version and time cells, under
 * any clock, the row written is the one the store's reading of the record calls for.
 */
import { UNCONDITIONAL } from '@ifmatch/core';
import { createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContractTable } from './helpers.js';

type Doc = { title: string; count: number; details: unknown };

const NOW = 1_700_000_000_000;
/** Cells another writer may leave in the version column, as SQL literals. */
const versions = [
  '0',
  '1',
  '7',
  '-1',
  '-9007199254740990', // the last the store counts on from
  '-9007199254740991', // one past it: read as 0
  '3.0',
  '2.5',
  '9007199254740992',
  '1e308',
  "'v1.2'",
  "'3'",
  "x'03'",
  'NULL',
];
/** Cells another writer may leave in the time column, near the clocks below and far from them. */
const times = [
  String(NOW - 1),
  String(NOW),
  String(NOW + 1),
  String(NOW + 0.5),
  String(NOW - 0.5),
  String(NOW + 3_600_000),
  '-1152921504606846976', // -2^60: a number, none as a time (past ±2^53)
  '-5',
  '0',
  '1',
  '0.5',
  '1e308',
  "'2024-05-01T10:00:00Z'",
  "x'01'",
  'NULL',
];
// Whole milliseconds, as `Date.now()` gives them (a fraction is written, then read as no time).
const clocks = [NOW, 2, 1, 0, -10, -(2 ** 53 - 1)];

/** A store at the clock `now`, over one row holding `version` and `time` as SQL literals. */
function rowWith(version: string, time: string, now: number, strategy: 'version' | 'timestamp' = 'version') {
  const db = new Database(':memory:');
  createContractTable(db, 'items');
  db.prepare(
    `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('k', 'K', 1, 'null', ${version}, ${time})`,
  ).run();
  return { db, store: createSqliteStore<Doc>({ db, table: 'items', now: () => now, strategy }) };
}

/**
 * The times the write may leave: `max(now, time + 1)`, the full statement's (the record's time
 * read as the store reads it, none as 0), or, where that time is at the clock and the clock is
 * lenient (the version strategy's: Last-Modified must only never go back; under the timestamp
 * strategy the tag is the time, which must move), `now` itself, which the quick form writes.
 */
function allowedTimes(stored: number | undefined, now: number, lenient: boolean): number[] {
  const time = stored ?? 0;
  return lenient && time === now ? [now, now + 1] : [Math.max(now, time + 1)];
}

describe('a write pinned to one version (the quick form) against cells another writer left', () => {
  it('writes what the full statement would, for every version, time, clock and strategy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...versions),
        fc.constantFrom(...times),
        fc.constantFrom(...clocks),
        fc.boolean(),
        fc.constantFrom('version' as const, 'timestamp' as const),
        async (version, time, now, viaUpdate, strategy) => {
          const { db, store } = rowWith(version, time, now, strategy);
          try {
            const read = await store.get('k');
            if (read === undefined) throw new Error('the row is missing');
            const outcome = viaUpdate
              ? await store.update('k', (value) => ({ ...value, count: value.count + 1 }), UNCONDITIONAL)
              : await store.put('k', { title: 'K', count: 2, details: null }, { etagIn: [read.etag] });
            if (!outcome.ok) throw new Error(`the write was refused: ${JSON.stringify(outcome)}`);
            const row = db.prepare(`SELECT version, modified_at AS time FROM items WHERE id = 'k'`).get() as {
              version: unknown;
              time: unknown;
            };
            expect(row.version).toBe(read.version + 1);
            expect(allowedTimes(read.lastModified, now, strategy === 'version')).toContain(row.time);
            // The record reported is the row written.
            expect(outcome.record).toMatchObject({ version: read.version + 1, lastModified: row.time });
            expect(await store.get('k')).toEqual(outcome.record);
            // The tag it was read under is stale now: a second writer holding it is refused.
            const second = await store.put('k', { title: 'late', count: 3, details: null }, { etagIn: [read.etag] });
            expect(second.ok).toBe(false);
            expect(await store.get('k')).toEqual(outcome.record);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('takes the quick form for a record as the store writes it: at the clock, its time stays (the full form would add 1)', async () => {
    // A put under If-Match; `update()` moves its own clock past a time it read, so it cannot tell.
    const { db, store } = rowWith('4', String(NOW), NOW);
    const read = await store.get('k');
    const outcome = await store.put('k', { title: 'K', count: 9, details: null }, { etagIn: [read?.etag as never] });
    expect(outcome.ok && outcome.record).toMatchObject({ version: 5, lastModified: NOW });
    expect(db.prepare(`SELECT version, modified_at AS time FROM items WHERE id = 'k'`).get()).toEqual({
      version: 5,
      time: NOW,
    });
    db.close();
  });

  it('under the timestamp strategy, never writes a time at the stored one, even one another writer set after the read', async () => {
    // update() reads at NOW - 5 and writes at NOW; in between another writer sets the time to NOW
    // (and nothing else). The tag is the time: writing NOW again would give two states one tag.
    const { db, store } = rowWith('4', String(NOW - 5), NOW, 'timestamp');
    const outcome = await store.update(
      'k',
      (value) => {
        db.prepare(`UPDATE items SET modified_at = ${NOW} WHERE id = 'k'`).run();
        return { ...value, count: 9 };
      },
      UNCONDITIONAL,
    );
    expect(outcome.ok && outcome.record.lastModified).toBe(NOW + 1);
    expect(db.prepare(`SELECT modified_at FROM items WHERE id = 'k'`).pluck().get()).toBe(NOW + 1);
    db.close();
  });

  it('refuses a tag the store never issued for a version it reads as 0 (−(2^53 − 1)), and writes nothing', async () => {
    const { db, store } = rowWith('-9007199254740991', String(NOW - 5), NOW);
    const read = await store.get('k');
    expect(read?.version).toBe(0);
    // The tag of −(2^53 − 1) as the strategy spells a number: the cell holds it, the store does not count it.
    const forged = { weak: false, opaque: `v${(-(2 ** 53 - 1)).toString(36)}` };
    const outcome = await store.put('k', { title: 'forged', count: 9, details: null }, { etagIn: [forged] });
    expect(outcome.ok).toBe(false);
    expect(db.prepare(`SELECT title, version FROM items WHERE id = 'k'`).get()).toEqual({
      title: 'K',
      version: -9007199254740991,
    });
    db.close();
  });
});
