/**
 * @ifmatch/postgres on the real server, one connection and one write in flight: a put with
 * If-Match against the same conditional UPDATE written by hand with Drizzle, and (for the
 * record) as a prepared node-postgres statement; then a hot row raced by 32 writers,
 * optimistic (`store.update`) against pessimistic (`SELECT … FOR UPDATE`).
 */
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type Comparison, compare, hotKeyRace, ifMatchPut, type RaceResult, raceRatio } from './harness.js';

const URL = process.env.IFMATCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WRITERS = 32;
const INCREMENTS = 100;

const counters = pgTable('ifmatch_bench_counters', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  count: integer('count').notNull(),
  details: jsonb('details').$type<{ tags: string[] } | null>(),
  ...ifmatchColumns(),
});
const value = (count: number) => ({ title: 'benchmark', count, details: { tags: ['a', 'b'] } });

export async function postgresBenchmarks(): Promise<{ comparisons: Comparison[]; races: RaceResult[] }> {
  const one = new pg.Pool({ connectionString: URL, max: 1 });
  try {
    await one.query('select 1');
  } catch (error) {
    console.warn(`skipping the PostgreSQL benchmarks: ${URL} is not reachable (${(error as Error).message})`);
    await one.end();
    return { comparisons: [], races: [] };
  }
  const pool = new pg.Pool({ connectionString: URL, max: 16 });
  try {
    await one.query('drop table if exists ifmatch_bench_counters');
    await one.query(`create table ifmatch_bench_counters (id text primary key, title text not null,
      count integer not null, details jsonb, version integer, modified_at bigint, incarnation text, etag_hash text)`);
    const db = drizzle(one);
    const store = createPostgresStore({ db, table: counters });
    for (const key of ['put', 'drizzle', 'hand']) await store.create(key, value(0));
    let count = 0;
    let drizzleVersion = 1;
    let handVersion = 1;
    const ifmatchPut = await ifMatchPut(store, 'put', () => value(++count));
    const comparisons = await compare([
      {
        // What a user of this adapter writes by hand: Drizzle's query builder.
        name: 'PostgreSQL: put with If-Match ÷ the same conditional UPDATE by hand with Drizzle (one connection)',
        subject: ifmatchPut,
        baseline: [
          'db.update().set().where(id, version)',
          async () => {
            const next = value(++count);
            const result = await db
              .update(counters)
              .set({
                ...next,
                version: sql`${counters.version} + 1`,
                modifiedAt: sql`greatest(${Date.now()}::bigint, ${counters.modifiedAt} + 1)`,
              })
              .where(and(eq(counters.id, 'drizzle'), eq(counters.version, drizzleVersion)));
            if (result.rowCount !== 1) throw new Error('unexpected conflict');
            drizzleVersion++;
          },
        ],
        metric: 'speedup',
        target: 0.95,
      },
      {
        // The floor under any library on Drizzle: node-postgres with a prepared statement and
        // nothing returned. ifmatch also returns the row (the current one on a conflict).
        name: 'PostgreSQL: put with If-Match ÷ the same UPDATE as a prepared node-postgres statement (no target)',
        subject: ifmatchPut,
        baseline: [
          'UPDATE … WHERE id = $1 AND version = $2 (prepared)',
          async () => {
            const next = value(++count);
            const result = await one.query({
              name: 'bench_hand_update',
              text: `update ifmatch_bench_counters set title = $1, count = $2, details = $3, version = version + 1,
                modified_at = greatest($4::bigint, modified_at + 1) where id = $5 and version = $6`,
              values: [next.title, next.count, JSON.stringify(next.details), Date.now(), 'hand', handVersion],
            });
            if (result.rowCount !== 1) throw new Error('unexpected conflict');
            handVersion++;
          },
        ],
        metric: 'speedup',
      },
    ]);
    const races = [
      await hotKeyRace(
        'PostgreSQL',
        createPostgresStore({ db: drizzle(pool), table: counters }),
        { title: 'hot', count: 0, details: null },
        WRITERS,
        INCREMENTS,
      ),
      await hotRowPessimistic(drizzle(pool)),
    ];
    const [optimistic, pessimistic] = races;
    if (optimistic && pessimistic) {
      comparisons.push(
        raceRatio(
          `PostgreSQL hot row, ${WRITERS} writers × ${INCREMENTS}, pool of 16: update() goodput ÷ SELECT … FOR UPDATE`,
          optimistic,
          pessimistic,
          0.5,
        ),
      );
    }
    return { comparisons, races };
  } finally {
    await one.end();
    await pool.end();
  }
}

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
