/**
 * A writer process for the backfill race: the application, writing through an ifmatch store
 * while `backfillSqlite` runs in another process. Every increment is a conditional write that
 * must land (retried on conflict); the process reports how many landed on each key.
 * Started by backfill.test.ts with `node --import tsx`; it waits for "go" over IPC.
 */
import { UNCONDITIONAL } from '@ifmatch/core';
import { createSqliteStore } from '../src/index.js';
import { openDatabase } from './helpers.js';

type Order = { customer: string; quantity: number; notes: unknown };

const [file, table, secret, keyCount, increments] = process.argv.slice(2);
const db = openDatabase(String(file));
const store = createSqliteStore<Order, string>({
  db,
  table: String(table),
  strategy: 'hash',
  secret: String(secret),
  lockTimeoutMs: 30_000,
});
const keyOf = (i: number) => `order-${String(i).padStart(4, '0')}`;

async function main(): Promise<Record<string, number>> {
  const landed: Record<string, number> = {};
  for (let i = 0; i < Number(increments); i++) {
    const key = keyOf(Math.floor(Math.random() * Number(keyCount)));
    if (i % 2 === 0) {
      // store.update: read, change, write pinned to the version read; retried on conflict.
      const outcome = await store.update(key, (order) => ({ ...order, quantity: order.quantity + 1 }), UNCONDITIONAL, {
        attempts: 10_000,
        baseDelayMs: 1,
        maxDelayMs: 10,
      });
      if (!outcome.ok) throw new Error(`update of ${key} failed: ${outcome.reason}`);
    } else {
      // What an HTTP client does: GET, then PUT with If-Match, again after a 412.
      for (;;) {
        const current = await store.get(key);
        if (current === undefined) throw new Error(`${key} is missing`);
        const value = { ...current.value, quantity: current.value.quantity + 1 };
        const outcome = await store.put(key, value, { etagIn: [current.etag] });
        // "Already applied" (hash strategy): someone else's increment left the same content; ours has not landed.
        if (outcome.ok && outcome.alreadyApplied !== true) break;
      }
    }
    landed[key] = (landed[key] ?? 0) + 1;
  }
  return landed;
}

process.once('message', () => {
  main().then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: Error) => process.send?.({ error: `${error.name}: ${error.message}` }, () => process.exit(1)),
  );
});
process.send?.({ ready: true });
