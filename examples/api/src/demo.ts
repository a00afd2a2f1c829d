/**
 * `pnpm demo`: races clients against the orders API and counts lost updates. It starts the
 * API on a fresh SQLite file (or uses DEMO_URL, e.g. a running `pnpm start`), creates an
 * order, then:
 *   1. naive clients: read, add one, PUT with `If-Match: *` (last one wins) — they lose updates;
 *   2. @ifmatch/client: read, add one, PUT with the ETag read, retry on 412 — they lose none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@ifmatch/client';
import type { Order } from './orders.js';
import { serveOrders } from './serve.js';

const CLIENTS = Number(process.env.DEMO_CLIENTS ?? 8);
const INCREMENTS = Number(process.env.DEMO_INCREMENTS ?? 25);

export interface RaceReport {
  readonly expected: number;
  readonly naive: number;
  readonly ifmatch: number;
}

const order: Order = { customer: 'Demo', items: [{ sku: 'tea', quantity: 1 }], status: 'open', note: null };
const addOne = (current: Order): Order => ({
  ...current,
  items: current.items.map((item, i) => (i === 0 ? { ...item, quantity: item.quantity + 1 } : item)),
});

async function createOrder(base: string): Promise<string> {
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(order),
  });
  if (response.status !== 201) throw new Error(`could not create an order: ${response.status}`);
  return `${base}${response.headers.get('location')}`;
}

async function quantity(url: string): Promise<number> {
  return ((await (await fetch(url)).json()) as Order).items[0]?.quantity ?? 0;
}

/** Runs both races against the API at `base`. */
export async function race(base: string, clients = CLIENTS, increments = INCREMENTS): Promise<RaceReport> {
  const naiveUrl = await createOrder(base);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < increments; i++) {
        const current = (await (await fetch(naiveUrl)).json()) as Order;
        await fetch(naiveUrl, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'If-Match': '*' },
          body: JSON.stringify(addOne(current)),
        });
      }
    }),
  );

  const url = await createOrder(base);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = createClient({ retry: { attempts: 1000, baseDelayMs: 1, maxDelayMs: 25 } });
      for (let i = 0; i < increments; i++) await client.update<Order>(url, addOne);
    }),
  );
  return { expected: 1 + clients * increments, naive: await quantity(naiveUrl), ifmatch: await quantity(url) };
}

async function main(): Promise<void> {
  let base = process.env.DEMO_URL;
  let stop = async () => {};
  if (base === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'ifmatch-demo-'));
    const api = await serveOrders('sqlite', { DATABASE_FILE: join(dir, 'orders.db') });
    base = api.base;
    stop = async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    console.log(`${CLIENTS} clients × ${INCREMENTS} increments of one order's quantity, against ${base}`);
    const report = await race(base);
    console.log(`expected quantity:                 ${report.expected}`);
    console.log(`naive clients (If-Match: *):       ${report.naive}  — ${report.expected - report.naive} updates lost`);
    console.log(
      `@ifmatch/client (If-Match + retry): ${report.ifmatch}  — ${report.expected - report.ifmatch} updates lost`,
    );
  } finally {
    await stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) await main();
