/**
 * For the migration guides' tests: a PostgreSQL schema of their own on the shared server, so
 * each guide's `products` table is its own. Every client (node-postgres, Sequelize, TypeORM)
 * connects with `options` putting that schema first on its search_path.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_URL, postgresAvailable } from '../../packages/postgres/test/databases.js';

export { POSTGRES_URL, postgresAvailable };

export interface TestSchema {
  readonly name: string;
  /** libpq `options` for a connection: `-c search_path=<name>`. */
  readonly options: string;
  /** A node-postgres pool on the schema. */
  pool(max?: number): pg.Pool;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${name}`);
  } finally {
    await admin.end();
  }
  const options = `-c search_path=${name}`;
  return {
    name,
    options,
    pool: (max = 10) => new pg.Pool({ connectionString: POSTGRES_URL, options, max }),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop schema ${name} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
