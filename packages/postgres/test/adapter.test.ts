import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createDocumentTableSql, createPostgresStore, defineDocumentTable } from '@ifmatch/postgres';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, exec, nodePostgres, POSTGRES_URL, postgresAvailable, postgresJs } from './databases.js';

const serverUp = await postgresAvailable();

/** A user's table with a composite key, a default, and system columns under their own names. */
const lines = pgTable(
  'ifmatch_adapter_lines',
  {
    tenant: text('tenant').notNull(),
    lineNo: integer('line_no').notNull(),
    sku: text('sku').notNull(),
    meta: jsonb('meta'),
    status: text('status').notNull().default('new'),
    rev: integer('rev'),
    changedAt: bigint('changed_at', { mode: 'number' }),
    life: text('life'),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.tenant, table.lineNo] })],
);
const documents = defineDocumentTable('ifmatch_adapter_documents');

type Line = { sku: string; meta?: unknown; status?: string; createdAt?: Date | null };

describe.runIf(serverUp)('@ifmatch/postgres on the server', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = nodePostgres(8);
    await exec(
      connection.db,
      'drop table if exists ifmatch_adapter_lines',
      `create table ifmatch_adapter_lines (tenant text not null, line_no integer not null, sku text not null,
        meta jsonb, status text not null default 'new', rev integer, changed_at bigint, life text,
        created_at timestamptz default now(), primary key (tenant, line_no))`,
      'drop table if exists ifmatch_adapter_documents',
    );
    await connection.db.execute(createDocumentTableSql('ifmatch_adapter_documents'));
  });
  afterAll(() => connection.close());

  const linesStore = () =>
    createPostgresStore<Line, { tenant: string; lineNo: number }>({
      db: connection.db,
      table: lines,
      columns: { version: lines.rev, modifiedAt: lines.changedAt, incarnation: lines.life, hash: null },
    });

  describe('composite keys and your own column names', () => {
    it('writes and reads by a composite key', async () => {
      const store = linesStore();
      const key = { tenant: 'acme', lineNo: 1 };
      const created = await store.create(key, { sku: 'tea', meta: { colour: 'green' } });
      expect(created.ok && created.record).toMatchObject({ key, version: 1, value: { sku: 'tea', status: 'new' } });
      expect(await store.get({ tenant: 'acme', lineNo: 2 })).toBeUndefined();
      expect(await store.get({ tenant: 'other', lineNo: 1 })).toBeUndefined();
      const [row] = await connection.db.select().from(lines).where(eq(lines.tenant, 'acme'));
      expect(row).toMatchObject({ tenant: 'acme', lineNo: 1, rev: 1, meta: { colour: 'green' } });
    });

    it('refuses a key without all its parts', async () => {
      await expect(linesStore().get({ tenant: 'acme' } as never)).rejects.toThrow(TypeError);
    });

    it('resets a member left out of a put to the column default, and keeps the others', async () => {
      const store = linesStore();
      const key = { tenant: 'acme', lineNo: 10 };
      await store.create(key, { sku: 'tea', status: 'shipped' });
      const replaced = await store.put(key, { sku: 'coffee' }, UNCONDITIONAL);
      expect(replaced.ok && replaced.record.value).toMatchObject({ sku: 'coffee', status: 'new', meta: null });
      expect(replaced.ok && replaced.record.value.createdAt).toBeInstanceOf(Date);
    });

    it('refuses unknown members and values of the wrong type as INVALID_VALUE', async () => {
      const store = linesStore();
      expect(await errorCodeOf(store.create({ tenant: 'acme', lineNo: 20 }, { sku: 'x', colour: 'red' } as Line))).toBe(
        'INVALID_VALUE',
      );
      expect(await errorCodeOf(store.create({ tenant: 'acme', lineNo: 21 }, { sku: null } as unknown as Line))).toBe(
        'INVALID_VALUE',
      );
      expect(await store.get({ tenant: 'acme', lineNo: 20 })).toBeUndefined();
    });
  });

  describe('document mode', () => {
    it('keeps the whole value in one jsonb column', async () => {
      const store = createPostgresStore<{ a: number[] }, string>({
        db: connection.db,
        table: documents,
        documentColumn: documents.document,
        strategy: 'hash',
      });
      const created = await store.create('doc-1', { a: [1, 2] });
      expect(created.ok && created.record.value).toEqual({ a: [1, 2] });
      const [row] = await connection.db.select().from(documents).where(eq(documents.id, 'doc-1'));
      expect(row).toMatchObject({ document: { a: [1, 2] }, version: 1 });
      expect(created.ok && created.record.etag.opaque).toBe(row?.etagHash);
    });
  });

  describe('transactions', () => {
    it('takes part in your own transaction, and rolls back with it', async () => {
      const base = createPostgresStore<{ n: number }, string>({
        db: connection.db,
        table: documents,
        documentColumn: documents.document,
      });
      await base.create('tx-1', { n: 1 });
      const rollback = new Error('rollback');
      await expect(
        connection.db.transaction(async (tx) => {
          const inside = createPostgresStore<{ n: number }, string>({
            db: tx,
            table: documents,
            documentColumn: documents.document,
          });
          const outcome = await inside.update('tx-1', (value) => ({ n: value.n + 1 }), UNCONDITIONAL);
          expect(outcome.ok && outcome.record.value).toEqual({ n: 2 });
          expect((await inside.get('tx-1'))?.value).toEqual({ n: 2 });
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect((await base.get('tx-1'))?.value).toEqual({ n: 1 });
      expect((await base.get('tx-1'))?.version).toBe(1);
    });
  });

  describe.each([
    ['node-postgres', nodePostgres, 'TRANSPORT'],
    ['postgres.js', postgresJs, 'OUTCOME_UNKNOWN'],
  ] as const)('faults (%s)', (_name, connect, expected) => {
    it(`reports a backend killed mid-write as ${expected}, never a conflict, and nothing is written`, async () => {
      const victim = connect(2);
      const store = createPostgresStore<{ n: number }, string>({
        db: victim.db,
        table: documents,
        documentColumn: documents.document,
      });
      const key = `fault-${Math.random()}`;
      const created = await store.create(key, { n: 1 });
      if (!created.ok) throw new Error('seed failed');

      // Hold the row lock so the write blocks inside the server, then kill its backend.
      const locker = new pg.Client({ connectionString: POSTGRES_URL });
      await locker.connect();
      await locker.query('begin');
      await locker.query('select * from ifmatch_adapter_documents where id = $1 for update', [key]);
      const pending = store.put(key, { n: 2 }, { etagIn: [created.record.etag] });
      pending.catch(() => {});
      let pid: number | undefined;
      for (let i = 0; i < 200 && pid === undefined; i++) {
        const { rows } = await locker.query(
          `select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%ifmatch_written%'`,
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(pid).toBeDefined();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();

      // node-postgres hears the server say it aborted the transaction: TRANSPORT. postgres.js
      // only sees the socket close, so for all it knows the write went through: OUTCOME_UNKNOWN.
      expect(await errorCodeOf(pending)).toBe(expected);
      await locker.query('rollback');
      await locker.end();
      const [row] = await connection.db.select().from(documents).where(eq(documents.id, key));
      expect(row).toMatchObject({ document: { n: 1 }, version: 1 });
      // The pool replaces the dead connection: the store keeps working.
      expect((await store.put(key, { n: 3 }, { etagIn: [created.record.etag] })).ok).toBe(true);
      await victim.close();
    });
  });

  it('reports a server that refuses connections as TRANSPORT, never as a conflict', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      connectionTimeoutMillis: 2000,
    });
    const store = createPostgresStore<{ n: number }, string>({
      db: drizzle(pool),
      table: documents,
      documentColumn: documents.document,
    });
    expect(await errorCodeOf(store.get('x'))).toBe('TRANSPORT');
    expect(await errorCodeOf(store.put('x', { n: 1 }, { etagIn: [] }))).toBe('TRANSPORT');
    await pool.end();
  });

  it('reads the system columns it maintains: version in the database, never from the client', async () => {
    const store = createPostgresStore<{ n: number }, string>({
      db: connection.db,
      table: documents,
      documentColumn: documents.document,
    });
    await store.create('sys-1', { n: 1 });
    // Someone bumps the row behind the store's back; the store's next write continues from it.
    await connection.db.execute(sql`update ifmatch_adapter_documents set version = 41 where id = 'sys-1'`);
    const outcome = await store.put('sys-1', { n: 2 }, UNCONDITIONAL);
    expect(outcome.ok && outcome.record.version).toBe(42);
  });
});
