/**
 * The command on each server database, through the same options a person types: the driver
 * loaded on demand, the connection made from the options, the table read from the server.
 */
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { addSystemColumnsSql, createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createTable, javaAvailable, startDynamoLocal } from '../../dynamodb/test/dynamodb-local.js';
import { mongoAvailable, startMongo } from '../../mongodb/test/mongo-server.js';
import { exec, nodePostgres, POSTGRES_URL, postgresAvailable } from '../../postgres/test/databases.js';
import { runCli } from './run-cli.js';

const serverUp = await postgresAvailable();

describe.runIf(serverUp)('ifmatch backfill postgres', () => {
  it('reads the table from the server, and stores the hash of each JSON document', async () => {
    const { db, close } = nodePostgres(2);
    try {
      await exec(
        db,
        'drop table if exists ifmatch_cli_lines',
        `create table ifmatch_cli_lines (tenant text, line_no integer, document jsonb not null, primary key (tenant, line_no))`,
        `insert into ifmatch_cli_lines select 't' || (i % 3), i, jsonb_build_object('sku', 'sku-' || i, 'n', i)
          from generate_series(1, 30) as i`,
      );
      await db.execute(addSystemColumnsSql('ifmatch_cli_lines'));
      const run = await runCli([
        'backfill',
        'postgres',
        '--url',
        POSTGRES_URL,
        '--table',
        'public.ifmatch_cli_lines',
        '--document',
        'document',
        '--strategy',
        'hash',
        '--batch-size',
        '7',
      ]);
      expect(run.output).toContain('backfill of postgres:ifmatch_cli_lines complete: 30 read, 30 brought up to date');
      expect(run.code).toBe(0);
      const lines = pgTable(
        'ifmatch_cli_lines',
        {
          tenant: text('tenant'),
          lineNo: integer('line_no'),
          document: jsonb('document').notNull(),
          ...ifmatchColumns(),
        },
        (table) => [primaryKey({ columns: [table.tenant, table.lineNo] })],
      );
      const rows = (await db.execute(sql`select * from ifmatch_cli_lines`)).rows as Record<string, unknown>[];
      expect(rows.every((row) => row.version === 0 && row.modified_at !== null)).toBe(true);
      // The stored hash is the one the store computes from the document (set it aside to see).
      const stored = new Map(rows.map((row) => [`${row.tenant}/${row.line_no}`, row.etag_hash]));
      await db.execute(sql`update ifmatch_cli_lines set etag_hash = null`);
      const store = createPostgresStore<{ sku: string }, { tenant: string; lineNo: number }>({
        db,
        table: lines,
        documentColumn: lines.document,
        strategy: 'hash',
      });
      for (const row of rows) {
        const record = await store.get({ tenant: String(row.tenant), lineNo: Number(row.line_no) });
        expect(stored.get(`${row.tenant}/${row.line_no}`)).toBe(record?.etag.opaque);
      }
    } finally {
      await exec(db, 'drop table if exists ifmatch_cli_lines');
      await close();
    }
  }, 60_000);
});

describe.runIf(mongoAvailable())('ifmatch backfill mongodb', () => {
  it("adopts Mongoose's __v with --version __v", async () => {
    const server = await startMongo();
    const client = new MongoClient(server.url);
    try {
      await client.connect();
      const orders = client.db('ifmatch_cli').collection('orders');
      await orders.insertMany(
        Array.from({ length: 30 }, (_, i) => ({ _id: `o${i}` as never, n: i, ...(i % 2 ? { __v: i } : {}) })),
      );
      const run = await runCli([
        'backfill',
        'mongodb',
        '--url',
        server.url,
        '--database',
        'ifmatch_cli',
        '--collection',
        'orders',
        '--version',
        '__v',
        '--batch-size',
        '4',
      ]);
      expect(run.output).toContain('backfill of mongodb:ifmatch_cli.orders complete: 30 read, 30 brought up to date');
      expect(run.code).toBe(0);
      for (const document of await orders.find().toArray()) {
        expect(document.__v).toBe(document.n % 2 ? document.n : 0);
        expect(document.modifiedAt).toEqual(expect.any(Number));
        expect(document).not.toHaveProperty('version');
      }
    } finally {
      await client.close();
      await server.stop();
    }
  }, 60_000);
});

describe.runIf(javaAvailable())('ifmatch backfill dynamodb', () => {
  it('scans in parallel segments through an endpoint', async () => {
    const local = await startDynamoLocal();
    const client = local.client();
    try {
      await createTable(client, 'orders');
      for (let i = 0; i < 30; i++) {
        await client.send(new PutItemCommand({ TableName: 'orders', Item: marshall({ pk: `o${i}`, n: i }) }));
      }
      const run = await runCli(
        [
          'backfill',
          'dynamodb',
          '--endpoint',
          local.endpoint,
          '--region',
          'us-east-1',
          '--table',
          'orders',
          '--partition-key',
          'pk',
          '--segments',
          '3',
          '--batch-size',
          '4',
        ],
        { env: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' } },
      );
      expect(run.output).toContain('backfill of dynamodb:orders complete: 30 read, 30 brought up to date');
      expect(run.code).toBe(0);
      const items = ((await client.send(new ScanCommand({ TableName: 'orders' }))).Items ?? []).map((i) =>
        unmarshall(i),
      );
      expect(items).toHaveLength(30);
      expect(items.every((item) => item.version === 0 && typeof item.modifiedAt === 'number')).toBe(true);
    } finally {
      client.destroy();
      await local.stop();
    }
  }, 60_000);
});
