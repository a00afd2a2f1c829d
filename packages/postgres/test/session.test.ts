/**
 * @ifmatch/postgres reaches into one private interface of Drizzle (src/session.ts): its
 * session's prepareQuery. These tests fail loudly, with this explanation, when an upgrade of
 * drizzle-orm changes it, on each driver the store supports.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf, sessionOf } from '../src/session.js';
import { type Connection, nodePostgres, pglite, postgresAvailable, postgresJs } from './databases.js';

const serverUp = await postgresAvailable();

const drivers: [string, () => Connection, boolean][] = [
  ['PGlite', pglite, true],
  ['node-postgres', () => nodePostgres(1), serverUp],
  ['postgres.js', () => postgresJs(1), serverUp],
];

describe.each(drivers)("Drizzle's private session.prepareQuery on %s", (_name, connect, available) => {
  it.runIf(available)('prepares our own SQL under a name and runs it with named placeholders', async () => {
    const connection = connect();
    try {
      const prepare = sessionOf(connection.db);
      const query = {
        sql: 'select $1::int + 1 as next, $2::text[] as list',
        params: [sql.placeholder('n'), sql.placeholder('list')],
      };
      const statement = prepare(query as never, `ifmatch_session_test_${Math.random().toString(36).slice(2)}`);
      const [row] = rowsOf(await statement.execute({ n: 41, list: ['a', 'b'] }));
      expect(row).toEqual({ next: 42, list: ['a', 'b'] });
      // Prepared once, run again with other values.
      expect(rowsOf(await statement.execute({ n: 1, list: [] }))[0]).toEqual({ next: 2, list: [] });
    } finally {
      await connection.close();
    }
  });
});

it('refuses anything that is not a Drizzle PostgreSQL database with a TypeError', () => {
  expect(() => sessionOf({} as never)).toThrow(/Drizzle PostgreSQL database/);
});
