/**
 * The PostgreSQL databases the tests run on: the real server (IFMATCH_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/test) and PGlite in-process. Without a reachable
 * server its tests are skipped with a message, except under CI=true where that is a failure.
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';

export const POSTGRES_URL = process.env.IFMATCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// biome-ignore lint/suspicious/noExplicitAny: any Drizzle pg database.
export type AnyPgDatabase = PgDatabase<any, any, any>;

/** True when the server answers; false (with a message) when not; throws under CI=true. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message}). Install and start PostgreSQL, or set IFMATCH_POSTGRES_URL.`;
    if (process.env.CI === 'true') throw new Error(`${message} Under CI=true this is a failure, not a skip.`);
    console.warn(`skipping the PostgreSQL server tests: ${message}`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface Connection {
  readonly name: string;
  readonly db: AnyPgDatabase;
  close(): Promise<void>;
}

/** node-postgres with a pool large enough for the races to really race. */
export function nodePostgres(max = 20): Connection {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max });
  return { name: 'node-postgres', db: drizzlePg(pool), close: () => pool.end() };
}

export function postgresJs(max = 20): Connection {
  const client = postgres(POSTGRES_URL, { max, onnotice: () => {} });
  return { name: 'postgres.js', db: drizzlePostgresJs(client), close: () => client.end({ timeout: 5 }) };
}

export function pglite(): Connection {
  const client = new PGlite();
  return { name: 'PGlite', db: drizzlePglite(client), close: () => client.close() };
}

/** Runs statements (DDL) one after the other: a prepared statement holds only one. */
export async function exec(db: AnyPgDatabase, ...statements: string[]): Promise<void> {
  for (const statement of statements) await db.execute(sql.raw(statement));
}

/**
 * The connection of one `describe` block: opened, with `ddl` run on it, before its tests, and
 * closed after them. Read it through the function: it exists once the tests run.
 */
export function connectionFor(connect: () => Connection, ...ddl: string[]): () => Connection {
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = connect();
    await exec(connection.db, ...ddl);
  });
  afterAll(() => connection?.close());
  return () => {
    if (connection === undefined)
      throw new Error('the connection is opened before the tests, not while they are collected');
    return connection;
  };
}
