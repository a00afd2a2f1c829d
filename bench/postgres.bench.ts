/**
 * @ifmatch/postgres on the real server: conditional vs unconditional writes, ifmatch vs
 * Sequelize's optimistic locking, and a hot-row race against pessimistic locking.
 */

import { present } from '@ifmatch/contract';
import { type EntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createPostgresStore } from '@ifmatch/postgres';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { DataTypes, Sequelize } from 'sequelize';
import { type Comparison, compare, hotKeyRace, type RaceResult } from './harness.js';

const URL = process.env.IFMATCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const counters = pgTable('ifmatch_bench_counters', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  count: integer('count').notNull(),
  details: jsonb('details'),
  version: integer('version').notNull(),
  modifiedAt: bigint('modified_at', { mode: 'number' }).notNull(),
});
type Counter = { title: string; count: number; details: unknown };

export async function postgresBenchmarks(): Promise<{ comparisons: Comparison[]; races: RaceResult[] }> {
  const pool = new pg.Pool({ connectionString: URL, max: 40 });
  try {
    await pool.query('select 1');
  } catch (error) {
    console.warn(`skipping the PostgreSQL benchmarks: ${URL} is not reachable (${(error as Error).message})`);
    await pool.end();
    return { comparisons: [], races: [] };
  }
  await pool.query('drop table if exists ifmatch_bench_counters');
  await pool.query(`create table ifmatch_bench_counters (id text primary key, title text not null,
    count integer not null, details jsonb, version integer not null, modified_at bigint not null)`);
  await pool.query('drop table if exists ifmatch_bench_sequelize');
  const db = drizzle(pool);
  const store = createPostgresStore<Counter, string>({ db, table: counters });
  const value = (count: number): Counter => ({ title: 'benchmark', count, details: { tags: ['a', 'b'] } });
  for (const key of ['conditional', 'unconditional', 'plain']) await store.create(key, value(0));
  let count = 0;
  let etag: EntityTag = present(await store.get('conditional')).etag;
  const conditionalPut = async () => {
    const outcome = await store.put('conditional', value(++count), { etagIn: [etag] });
    if (!outcome.ok) throw new Error('unexpected conflict');
    etag = outcome.record.etag;
  };

  // Sequelize with `version: true`: save() runs UPDATE … WHERE id = ? AND version = ?.
  const sequelize = new Sequelize(URL, { logging: false, pool: { max: 10 } });
  const Item = sequelize.define(
    'Item',
    { id: { type: DataTypes.TEXT, primaryKey: true }, title: DataTypes.TEXT, count: DataTypes.INTEGER },
    { tableName: 'ifmatch_bench_sequelize', version: true, timestamps: true },
  );
  await Item.sync({ force: true });
  await Item.create({ id: 'item', title: 'benchmark', count: 0 });
  const item = present(await Item.findByPk('item'));

  try {
    const comparisons = await compare([
      {
        name: 'PostgreSQL update: If-Match vs last-one-wins, same store',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: ['store.put UNCONDITIONAL', () => store.put('unconditional', value(++count), UNCONDITIONAL)],
        metric: 'time-ratio',
        target: 1.1,
      },
      {
        name: 'PostgreSQL update: ifmatch conditional vs a plain Drizzle UPDATE (library overhead)',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: [
          'db.update().set().where(id)',
          () => db.update(counters).set(value(++count)).where(eq(counters.id, 'plain')),
        ],
        metric: 'time-ratio',
      },
      {
        name: 'PostgreSQL optimistic update: ifmatch vs Sequelize version:true save()',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: [
          'Sequelize save()',
          async () => {
            item.set('count', ++count);
            await item.save();
          },
        ],
        metric: 'speedup',
        target: 1.5,
      },
    ]);
    const races = [
      await hotKeyRace('PostgreSQL', store, { title: 'hot', count: 0, details: null }, WRITERS, INCREMENTS),
      await hotRowPessimistic(db),
    ];
    return { comparisons, races };
  } finally {
    await sequelize.close();
    await pool.end();
  }
}

const WRITERS = 32;
const INCREMENTS = 40;

/** The same with a transaction that locks the row first: SELECT … FOR UPDATE, then UPDATE. */
async function hotRowPessimistic(db: ReturnType<typeof drizzle>): Promise<RaceResult> {
  const key = `hot-pessimistic-${Date.now()}`;
  await db.insert(counters).values({ id: key, title: 'hot', count: 0, details: null, version: 1, modifiedAt: 0 });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = 0; i < INCREMENTS; i++) {
        await db.transaction(async (tx) => {
          const [row] = await tx.select().from(counters).where(eq(counters.id, key)).for('update');
          if (row === undefined) throw new Error('the counter is missing');
          await tx
            .update(counters)
            .set({ count: row.count + 1, version: sql`${counters.version} + 1` })
            .where(eq(counters.id, key));
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const [row] = await db.select().from(counters).where(eq(counters.id, key));
  const count = row?.count ?? 0;
  return {
    name: `PostgreSQL: hot key, ${WRITERS} writers × ${INCREMENTS}, SELECT … FOR UPDATE (pessimistic)`,
    goodput: count / seconds,
    lostUpdates: WRITERS * INCREMENTS - count,
    seconds,
  };
}
