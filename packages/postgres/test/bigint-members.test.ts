/**
 * Bigints in values, as `@ifmatch/http` hands them over for an integer a double cannot hold
 * (`9007199254740993` in a request body): stored exactly where the column holds them, and
 * INVALID_VALUE where it would round them (before, a double precision column silently stored
 * 9007199254740992; a `bigint` column in `mode: 'number'` stored the digits and read them back
 * rounded).
 */
import { isIfMatchError } from '@ifmatch/core';
import { createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, numeric, pgTable, real, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { type Connection, connectionFor, nodePostgres, pglite, postgresAvailable } from './databases.js';

const measures = pgTable('ifmatch_bigint_members', {
  id: text('id').primaryKey(),
  exact: bigint('exact', { mode: 'bigint' }),
  wide: bigint('wide', { mode: 'number' }),
  ratio: doublePrecision('ratio'),
  small: real('small'),
  amount: numeric('amount', { mode: 'number' }),
  ...ifmatchColumns(),
});

const UNSAFE = 9007199254740993n;

function describeOn(connect: () => Connection) {
  const connection = connectionFor(
    connect,
    'drop table if exists ifmatch_bigint_members',
    `create table ifmatch_bigint_members (id text primary key, exact bigint, wide bigint, ratio double precision,
        small real, amount numeric, version integer, modified_at bigint, incarnation text, etag_hash text)`,
  );
  const store = () => createPostgresStore({ db: connection().db, table: measures });
  const empty = { exact: null, wide: null, ratio: null, small: null, amount: null };

  it('stores a bigint past 2^53 exactly in a bigint column of mode bigint', async () => {
    const created = await store().create('exact', { ...empty, exact: UNSAFE });
    expect(created).toMatchObject({ ok: true, record: { value: { exact: UNSAFE } } });
    expect((await store().get('exact'))?.value.exact).toBe(UNSAFE);
  });

  it.each(['wide', 'ratio', 'small', 'amount'] as const)(
    'refuses a bigint a double cannot hold in %s (it would be rounded), and stores nothing',
    async (column) => {
      const outcome = store().create(`refused-${column}`, { ...empty, [column]: UNSAFE });
      await expect(outcome).rejects.toSatisfy((error) => isIfMatchError(error, 'INVALID_VALUE'));
      await expect(outcome).rejects.toThrow(`column ${column} would round the integer ${UNSAFE}`);
      const rows = await connection().db.execute(
        sql`select 1 from ifmatch_bigint_members where id = ${`refused-${column}`}`,
      );
      expect(rows.rows ?? rows).toHaveLength(0);
    },
  );

  it('takes a bigint a double holds exactly (2^60) in a double precision column', async () => {
    const created = await store().create('held', { ...empty, ratio: (2n ** 60n) as unknown as number });
    expect(created.ok).toBe(true);
    expect((await store().get('held'))?.value.ratio).toBe(2 ** 60);
  });
}

const serverUp = await postgresAvailable();

describe('bigint members, on PGlite', () => describeOn(pglite));
describe.runIf(serverUp)('bigint members, on the server (node-postgres)', () => describeOn(() => nodePostgres(4)));
