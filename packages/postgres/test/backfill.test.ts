import { expectValidForSameContentOrStale } from '@ifmatch/contract';
import {
  type BackfillError,
  importEtagSecret,
  keyedHashEtag,
  type Store,
  type StoredRecord,
  UNCONDITIONAL,
} from '@ifmatch/core';
import { hashableJson } from '@ifmatch/core/driver';
import {
  addSystemColumnsSql,
  backfillPostgres,
  createDocumentTableSql,
  createPostgresStore,
  defineDocumentTable,
  ifmatchColumns,
} from '@ifmatch/postgres';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyPgDatabase,
  type Connection,
  exec,
  nodePostgres,
  POSTGRES_URL,
  postgresAvailable,
} from './databases.js';

const serverUp = await postgresAvailable();
const SECRET = 'a secret of at least thirty-two bytes, for sealed hashes';
const RECORDS = 300;

const orders = pgTable('ifmatch_backfill_orders', {
  id: text('id').primaryKey(),
  customer: text('customer').notNull(),
  quantity: integer('quantity').notNull(),
  notes: jsonb('notes'),
  placedAt: timestamp('placed_at', { withTimezone: true }),
  ...ifmatchColumns(),
});
type Order = { customer: string; quantity: number; notes: unknown; placedAt: Date | null };
type Row = Record<string, unknown>;
const keyOf = (i: number) => `order-${String(i).padStart(4, '0')}`;

/** The application's table before ifmatch: plain SQL, no system columns. */
async function legacyTable(db: AnyPgDatabase, count: number): Promise<void> {
  await exec(
    db,
    'drop table if exists ifmatch_backfill_orders',
    `create table ifmatch_backfill_orders (id text primary key, customer text not null, quantity integer not null,
      notes jsonb, placed_at timestamptz)`,
  );
  await db.execute(sql`insert into ifmatch_backfill_orders (id, customer, quantity, notes, placed_at)
    select 'order-' || lpad(i::text, 4, '0'), 'customer ' || i, i % 7,
      case when i % 3 = 0 then null else jsonb_build_object('gift', i % 2 = 0, 'lines', jsonb_build_array(i)) end,
      timestamptz '2024-01-01 00:00:00.123456+00' + i * interval '1 second'
    from generate_series(0, ${count - 1}) as i`);
}

async function readAll<T>(store: Store<T, string>, count: number): Promise<Map<string, StoredRecord<T, string>>> {
  const records = new Map<string, StoredRecord<T, string>>();
  for (let i = 0; i < count; i++) {
    const record = await store.get(keyOf(i));
    if (record === undefined) throw new Error(`${keyOf(i)} is missing`);
    records.set(keyOf(i), record);
  }
  return records;
}

/** `db` with `write` run just before its `n`-th statement: inside the backfill's race window. */
function writingBefore(db: AnyPgDatabase, n: number, write: () => Promise<void>): AnyPgDatabase {
  let calls = 0;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'execute') return Reflect.get(target, property, receiver);
      return async (query: SQL) => {
        if (++calls === n) await write();
        return target.execute(query);
      };
    },
  });
}

describe.runIf(serverUp)('backfillPostgres on the server', () => {
  let connection: Connection;
  beforeAll(() => {
    connection = nodePostgres(10);
  });
  afterAll(async () => {
    await exec(
      connection.db,
      'drop table if exists ifmatch_backfill_orders',
      'drop table if exists ifmatch_backfill_lines',
    );
    await exec(connection.db, 'drop table if exists ifmatch_backfill_documents');
    await connection.close();
  });

  it('adopts a table while 4 writers keep writing: every record served, no write lost, no tag reused', async () => {
    const { db } = connection;
    await legacyTable(db, RECORDS);
    const initial = new Map(
      (await db.execute(sql`select id, quantity from ifmatch_backfill_orders`)).rows.map((r: Row) => [
        r.id,
        r.quantity,
      ]),
    );
    // The adoption path: the schema helper, then stores (served at once), then the backfill.
    await db.execute(addSystemColumnsSql('ifmatch_backfill_orders'));
    const hashStore = createPostgresStore<Order, string>({ db, table: orders, strategy: 'hash', secret: SECRET });
    const versionStore = createPostgresStore<Order, string>({ db, table: orders });
    const hashTagsBefore = await readAll(hashStore, RECORDS);
    const versionTagsBefore = await readAll(versionStore, RECORDS);

    const written = new Map<string, number>();
    const writer = async (w: number) => {
      for (let i = 0; i < 100; i++) {
        const key = keyOf(Math.floor(Math.random() * RECORDS));
        if ((i + w) % 2 === 0) {
          const outcome = await hashStore.update(key, (o) => ({ ...o, quantity: o.quantity + 1 }), UNCONDITIONAL, {
            attempts: 10_000,
            baseDelayMs: 1,
            maxDelayMs: 10,
          });
          if (!outcome.ok) throw new Error(`update of ${key} failed`);
        } else {
          for (;;) {
            const current = await hashStore.get(key);
            if (current === undefined) throw new Error(`${key} is missing`);
            const value = { ...current.value, quantity: current.value.quantity + 1 };
            const outcome = await hashStore.put(key, value, { etagIn: [current.etag] });
            if (outcome.ok && outcome.alreadyApplied !== true) break;
          }
        }
        written.set(key, (written.get(key) ?? 0) + 1);
      }
    };
    const skipped = new Set<unknown>();
    const [report] = await Promise.all([
      backfillPostgres({
        db,
        table: orders,
        strategy: 'hash',
        secret: SECRET,
        batchSize: 10,
        pauseMs: 15,
        onProgress: (progress) => {
          for (const key of progress.batch.skipped) skipped.add(key);
        },
      }),
      ...[0, 1, 2, 3].map(writer),
    ]);

    // No write lost: every increment is in the table, exactly.
    expect([...written.values()].reduce((a, b) => a + b, 0)).toBe(400);
    const rows = (await db.execute(sql`select * from ifmatch_backfill_orders`)).rows;
    for (const row of rows) {
      expect(row.quantity).toBe(Number(initial.get(row.id)) + (written.get(row.id as string) ?? 0));
      // A backfill that overwrote a concurrent write would have reset its version to 0.
      expect(row.version).toBe(written.get(row.id as string) ?? 0);
      expect(row.modified_at).not.toBeNull();
      expect(row.etag_hash).not.toBeNull();
    }
    expect(report).toMatchObject({ complete: true, run: { errors: 0 } });
    expect(report.run.updated + report.run.skipped).toBe(report.run.scanned);
    for (const key of skipped) expect(written.has(key as string)).toBe(true);
    // Every record is served with a valid tag: the hash stored is the keyed hash of its content.
    const secret = await importEtagSecret(SECRET);
    for (const record of (await readAll(hashStore, RECORDS)).values()) {
      expect(record.etag.opaque).toBe(await keyedHashEtag(hashableJson(record.value), secret));
    }
    expect((await expectValidForSameContentOrStale(hashStore, hashTagsBefore)).valid).toBe(RECORDS - written.size);
    expect((await expectValidForSameContentOrStale(versionStore, versionTagsBefore)).valid).toBe(
      RECORDS - written.size,
    );
    const again = await backfillPostgres({ db, table: orders, strategy: 'hash', secret: SECRET });
    expect(again.run).toEqual({ scanned: 0, updated: 0, skipped: 0, errors: 0 });
  }, 60_000);

  it('leaves alone a row written between its read and its write, by the store or by plain SQL', async () => {
    const { db } = connection;
    await legacyTable(db, 4);
    await db.execute(addSystemColumnsSql('ifmatch_backfill_orders'));
    const store = createPostgresStore<Order, string>({ db, table: orders, strategy: 'hash', secret: SECRET });
    const before = await store.get(keyOf(1));
    if (before === undefined) throw new Error('the seeded row cannot be read');
    // The second statement is the first batch's update: these writes land between its read and its write.
    const racing = writingBefore(db, 2, async () => {
      await db.execute(sql`update ifmatch_backfill_orders set notes = '{"changed":true}' where id = ${keyOf(1)}`);
      await db.execute(sql`update ifmatch_backfill_orders set version = 5 where id = ${keyOf(2)}`);
      await store.update(keyOf(3), (o) => ({ ...o, quantity: 42 }), UNCONDITIONAL);
    });
    const report = await backfillPostgres({ db: racing, table: orders, strategy: 'hash', secret: SECRET });
    expect(report.run).toEqual({ scanned: 4, updated: 1, skipped: 3, errors: 0 });
    // The hash of the content read was not stored over the new content.
    const [row] = (await db.execute(sql`select etag_hash, version from ifmatch_backfill_orders where id = ${keyOf(1)}`))
      .rows;
    expect(row).toEqual({ etag_hash: null, version: null });
    expect(await store.put(keyOf(1), before.value, { etagIn: [before.etag] })).toMatchObject({ ok: false });
    const next = await backfillPostgres({ db, table: orders, strategy: 'hash', secret: SECRET });
    expect(next.run).toEqual({ scanned: 2, updated: 2, skipped: 0, errors: 0 });
    const current = await store.get(keyOf(1));
    expect(current?.value.notes).toEqual({ changed: true });
    expect(current?.etag.opaque).toBe(
      await keyedHashEtag(hashableJson(current?.value), await importEtagSecret(SECRET)),
    );
  });

  it('pages a composite key in index order, resumes after an interruption, and a dry run writes nothing', async () => {
    const { db } = connection;
    const lines = pgTable(
      'ifmatch_backfill_lines',
      { tenant: text('tenant').notNull(), lineNo: integer('line_no').notNull(), sku: text('sku'), ...ifmatchColumns() },
      (table) => [primaryKey({ columns: [table.tenant, table.lineNo] })],
    );
    await exec(
      db,
      'drop table if exists ifmatch_backfill_lines',
      'create table ifmatch_backfill_lines (tenant text, line_no integer, sku text, primary key (tenant, line_no))',
      `insert into ifmatch_backfill_lines values ('b', 1, 'x'), ('a', 10, 'y'), ('a', 2, 'z'), ('a''s', 1, 'w')`,
    );
    await db.execute(addSystemColumnsSql('ifmatch_backfill_lines'));
    const versions = async () =>
      (await db.execute(sql`select version from ifmatch_backfill_lines order by tenant, line_no`)).rows.map(
        (r: Row) => r.version,
      );

    const dry = await backfillPostgres({ db, table: lines, dryRun: true, batchSize: 1 });
    expect(dry).toMatchObject({ dryRun: true, complete: true, run: { scanned: 4, updated: 4 } });
    expect(await versions()).toEqual([null, null, null, null]);

    const stop = new AbortController();
    const seen: unknown[] = [];
    const first = await backfillPostgres({
      db,
      table: lines,
      batchSize: 1,
      signal: stop.signal,
      onProgress: (progress) => {
        seen.push(...progress.batch.updated);
        if (progress.run.scanned === 2) stop.abort();
      },
    });
    expect(first).toMatchObject({ complete: false, run: { updated: 2 } });
    const second = await backfillPostgres({
      db,
      table: lines,
      batchSize: 1,
      checkpoint: JSON.parse(JSON.stringify(first.checkpoint)),
      onProgress: (progress) => void seen.push(...progress.batch.updated),
    });
    expect(second).toMatchObject({ complete: true, run: { updated: 2 }, totals: { updated: 4 } });
    expect(seen).toEqual([
      { tenant: 'a', lineNo: 2 },
      { tenant: 'a', lineNo: 10 },
      { tenant: "a's", lineNo: 1 },
      { tenant: 'b', lineNo: 1 },
    ]);
    expect(await versions()).toEqual([0, 0, 0, 0]);
  });

  it('stores the hash the store computes for a document column', async () => {
    const { db } = connection;
    const documents = defineDocumentTable('ifmatch_backfill_documents');
    await exec(db, 'drop table if exists ifmatch_backfill_documents');
    await db.execute(createDocumentTableSql('ifmatch_backfill_documents'));
    await db.execute(sql`insert into ifmatch_backfill_documents (id, document) values ('d', '{"b":[1,2.5],"a":"x"}')`);
    const store = createPostgresStore({ db, table: documents, documentColumn: documents.document, strategy: 'hash' });
    const before = await store.get('d');
    await backfillPostgres({ db, table: documents, documentColumn: documents.document, strategy: 'hash' });
    const [row] = (await db.execute(sql`select etag_hash from ifmatch_backfill_documents`)).rows;
    expect(row?.etag_hash).toBe(before?.etag.opaque);
  });

  it('stops on a lost connection with the checkpoint of the last completed batch', async () => {
    const { db } = connection;
    await legacyTable(db, 10);
    await db.execute(addSystemColumnsSql('ifmatch_backfill_orders'));
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    client.on('error', () => {}); // the termination below, reported by the client
    const pid = (await client.query('select pg_backend_pid() as pid')).rows[0]?.pid;
    const failed = await backfillPostgres({
      db: drizzle(client),
      table: orders,
      batchSize: 4,
      onProgress: async () => {
        await db.execute(sql`select pg_terminate_backend(${pid})`);
      },
    }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ name: 'BackfillError', code: 'TRANSPORT' });
    const { checkpoint } = failed as BackfillError;
    expect(checkpoint).toMatchObject({ lanes: [{ after: [keyOf(3)], done: false }], totals: { updated: 4 } });
    const resumed = await backfillPostgres({ db, table: orders, batchSize: 4, checkpoint });
    expect(resumed).toMatchObject({ complete: true, run: { scanned: 6, updated: 6 }, totals: { updated: 10 } });
    await client.end().catch(() => {});
  });
});
