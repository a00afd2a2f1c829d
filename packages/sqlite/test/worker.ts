/**
 * A writer process for the multi-process races: better-sqlite3 is synchronous, so only
 * separate processes (each with its own connection) really interleave on one file.
 * Started by multi-process.test.ts with `node --import tsx`; it waits for "go" over IPC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createSqliteStore } from '../src/index.js';
import { openDatabase } from './helpers.js';

type Counter = { title: string; count: number; details: null };

const [file = '', table = '', mode, key = '', arg] = process.argv.slice(2);
const db = openDatabase(file);
const store = createSqliteStore<Counter>({ db, table });

async function main(): Promise<unknown> {
  if (mode === 'increment') {
    // Work between the read and the write (the sleep) widens the race window on purpose.
    for (let i = 0; i < Number(arg); i++) {
      const outcome = await store.update(
        key,
        async (current) => {
          await sleep(Math.random() < 0.5 ? 0 : 1);
          return { ...current, count: current.count + 1 };
        },
        UNCONDITIONAL,
        { attempts: 10_000, baseDelayMs: 1, maxDelayMs: 10 },
      );
      if (!outcome.ok) throw new Error(`increment failed: ${outcome.reason}`);
    }
    return { done: Number(arg) };
  }
  if (mode === 'unsafe-increment') {
    // The control: read, then write unconditionally. Meant to lose updates.
    for (let i = 0; i < Number(arg); i++) {
      const current = await store.get(key);
      await sleep(Math.random() < 0.5 ? 0 : 1);
      await store.put(key, { ...current!.value, count: current!.value.count + 1 }, UNCONDITIONAL);
    }
    return { done: Number(arg) };
  }
  if (mode === 'race') {
    const outcome = await store.put(
      key,
      { title: `pid-${process.pid}`, count: 0, details: null },
      {
        etagIn: [parseEntityTag(arg ?? '') ?? { weak: false, opaque: 'not-a-tag' }],
      },
    );
    return { ok: outcome.ok, reason: outcome.ok ? undefined : outcome.reason };
  }
  throw new Error(`unknown mode ${mode}`);
}

process.once('message', () => {
  main().then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: Error) => process.send!({ error: `${error.name}: ${error.message}` }, () => process.exit(1)),
  );
});
process.send!({ ready: true });
