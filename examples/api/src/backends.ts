/**
 * Where the orders live, chosen by ORDERS_BACKEND: `sqlite` (default; DATABASE_FILE),
 * `postgres` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) or `pglite`
 * (embedded PostgreSQL; PGLITE_DIR, in memory when unset).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Store } from '@ifmatch/core';
import type { Order } from './orders.js';

export type Backend = 'sqlite' | 'postgres' | 'pglite';

export interface OrdersDatabase {
  readonly store: Store<Order, string>;
  readonly description: string;
  close(): Promise<void>;
}

export async function openOrders(backend: Backend, env: NodeJS.ProcessEnv = process.env): Promise<OrdersDatabase> {
  if (backend === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const { createOrdersStore, createOrdersTable } = await import('./orders.js');
    const file = resolve(env.DATABASE_FILE ?? 'data/orders.db');
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    createOrdersTable(db);
    return {
      store: createOrdersStore(db),
      description: `SQLite ${file}`,
      close: async () => {
        db.close();
      },
    };
  }
  const { createPostgresStore } = await import('@ifmatch/postgres');
  const { orders, ORDERS_DDL } = await import('./orders-postgres.js');
  if (backend === 'postgres') {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const url = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const pool = new pg.Pool({ connectionString: url, max: 16 });
    // An idle connection that fails (the server restarts, an admin terminates it) makes the
    // pool emit 'error'; without a listener, Node ends the process. The pool has already
    // dropped that connection and opens a new one for the next query: log, and go on.
    pool.on('error', (error) => console.error(`orders: an idle PostgreSQL connection failed: ${error.message}`));
    const db = drizzle(pool);
    for (const statement of ORDERS_DDL) await db.execute(statement);
    return {
      store: createPostgresStore({ db, table: orders }),
      description: `PostgreSQL ${url.replace(/\/\/[^@]*@/, '//')}`,
      close: () => pool.end(),
    };
  }
  if (backend === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = new PGlite(env.PGLITE_DIR);
    const db = drizzle(client);
    for (const statement of ORDERS_DDL) await db.execute(statement);
    return {
      store: createPostgresStore({ db, table: orders }),
      description: `PGlite ${env.PGLITE_DIR ?? '(in memory)'}`,
      close: () => client.close(),
    };
  }
  throw new Error(`ORDERS_BACKEND must be sqlite, postgres or pglite, not ${String(backend)}`);
}
