/**
 * The one place that uses a private interface of Drizzle: its session's `prepareQuery`, which
 * runs our own SQL as a named prepared statement on any of Drizzle's PostgreSQL drivers
 * (node-postgres, postgres.js, PGlite). Drizzle's public API prepares only its own query
 * builders, and a conditional write with the current row in the same round trip needs a CTE
 * around the builder's statement. `test/session.test.ts` fails loudly if a Drizzle upgrade
 * changes this interface.
 */
import type { PgDatabase } from 'drizzle-orm/pg-core';

/** A statement prepared by Drizzle's session: placeholders are filled (and encoded) per call. */
export interface PreparedStatement {
  execute(placeholders: Record<string, unknown>): Promise<unknown>;
}

interface PreparingSession {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string,
    isResponseInArrayMode: boolean,
  ): PreparedStatement;
}

// biome-ignore lint/suspicious/noExplicitAny: any Drizzle pg database or transaction, whatever its driver and schema.
export type AnyPgDatabase = PgDatabase<any, any, any>;

/** Prepares `query` under `name` on `db`'s session, or throws a TypeError naming what changed. */
export function sessionOf(
  db: AnyPgDatabase,
): (query: { sql: string; params: unknown[] }, name: string) => PreparedStatement {
  const session = (db as { _?: { session?: PreparingSession } })._?.session;
  if (typeof session?.prepareQuery !== 'function') {
    throw new TypeError('db must be a Drizzle PostgreSQL database or transaction (drizzle-orm 0.40 or later)');
  }
  return (query, name) => session.prepareQuery(query, undefined, name, false);
}

/** Rows from what a prepared statement returns: node-postgres and PGlite answer { rows }, postgres.js an array. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<
    string,
    unknown
  >[];
}
