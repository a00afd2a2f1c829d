/**
 * The orders API on PostgreSQL survives its database going away: terminating the pool's idle
 * connections (what a server restart or an admin does) must not end the process, and the next
 * request is served on a fresh connection.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serveOrders } from '../src/serve.js';

const POSTGRES_URL = process.env.IFMATCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Marks the API's connections, so the test terminates those and no one else's. */
const APPLICATION = `ifmatch-restart-${process.pid}`;

async function admin(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    if (process.env.CI === 'true') throw error;
    console.warn(
      `skipping the PostgreSQL restart test: ${POSTGRES_URL} is not reachable; install and start PostgreSQL`,
    );
    return undefined;
  }
}

const client = await admin();

describe.skipIf(client === undefined)('orders API on PostgreSQL when its connections are terminated', () => {
  afterAll(() => client?.end());

  it('keeps the process alive and serves the next request', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('application_name', APPLICATION);
    const api = await serveOrders('postgres', { DATABASE_URL: url.toString() });
    const errors: string[] = [];
    const log = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const order = { customer: 'Ada', items: [{ sku: 'tea', quantity: 1 }] };
      const created = await fetch(`${api.base}/orders`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(created.status).toBe(201);
      const location = created.headers.get('location')!;

      const { rows } = await client!.query<{ terminated: boolean }>(
        'select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = $1',
        [APPLICATION],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.terminated)).toBe(true);
      // The pool notices the closed idle connections asynchronously.
      for (let i = 0; i < 50 && errors.length < rows.length; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));

      expect(uncaught).toEqual([]);
      expect(errors.some((line) => line.includes('idle PostgreSQL connection failed'))).toBe(true);
      expect((await fetch(`${api.base}${location}`)).status).toBe(200);
    } finally {
      console.error = log;
      process.off('uncaughtException', record);
      await api.close();
    }
  });
});
