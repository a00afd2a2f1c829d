import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, HttpStatusError } from '@ifmatch/client';
import { isIfMatchError } from '@ifmatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { race } from '../src/demo.js';
import type { Order } from '../src/orders.js';
import { serveOrders } from '../src/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'ifmatch-client-'));
let api: Awaited<ReturnType<typeof serveOrders>>;
let base: string;
let requests: { method: string; ifMatch?: string; ifNoneMatch?: string }[] = [];

beforeAll(async () => {
  api = await serveOrders(
    'sqlite',
    { DATABASE_FILE: join(dir, 'orders.db') },
    {
      observe: (req) =>
        requests.push({
          method: req.method ?? '',
          ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}),
          ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
        }),
    },
  );
  base = api.base;
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const order: Order = { customer: 'Ada', items: [{ sku: 'tea', quantity: 1 }], status: 'open', note: null };

describe('@ifmatch/client against the orders API', () => {
  it('creates with If-None-Match: *, revalidates with If-None-Match, writes with If-Match', async () => {
    const client = createClient();
    const url = `${base}/orders/client-${Date.now()}`;
    const created = await client.put(url, order, { create: true });
    expect(created).toMatchObject({ ok: true, status: 201 });
    const first = created.ok ? created.representation?.etag : undefined;
    expect(first).toMatch(/^"v1\./);
    requests = [];
    const read = await client.get<Order>(url);
    expect(read?.value).toEqual(order);
    expect(requests).toEqual([{ method: 'GET', ifNoneMatch: first }]); // 304: its copy is served
    const written = await client.put(url, { ...order, note: 'gift' });
    expect(written.ok && written.representation?.etag).toMatch(/^"v2\./);
    expect(requests[1]).toEqual({ method: 'PUT', ifMatch: first });
  });

  it('reports a stale write as a 412 outcome with the current tag, never overwriting', async () => {
    const alice = createClient();
    const bob = createClient();
    const url = `${base}/orders/stale-${Date.now()}`;
    await alice.put(url, order, { create: true });
    await alice.get(url);
    await bob.get(url);
    const written = await alice.put(url, { ...order, note: 'alice' });
    expect(written.ok).toBe(true);
    const current = written.ok ? written.representation?.etag : undefined;
    expect(await bob.put(url, { ...order, note: 'bob' })).toEqual({ ok: false, status: 412, currentEtag: current });
    expect((await bob.get<Order>(url))?.value.note).toBe('alice');
  });

  it('refuses to write without a precondition it can send', async () => {
    await expect(createClient().put(`${base}/orders/unknown`, order)).rejects.toThrow(TypeError);
  });

  it('update re-reads and re-applies on 412, and gives up after bounded attempts', async () => {
    const url = `${base}/orders/bounded-${Date.now()}`;
    const client = createClient();
    await client.put(url, order, { create: true });
    let calls = 0;
    const sabotaged = client.update<Order>(
      url,
      async (current) => {
        calls++;
        // Someone else writes between our read and our write, every time.
        await createClient().update<Order>(url, (c) => ({ ...c, note: `other ${calls}` }));
        return { ...current, note: 'mine' };
      },
      { attempts: 3, baseDelayMs: 0 },
    );
    await expect(sabotaged).rejects.toSatisfy((error) => isIfMatchError(error, 'RETRIES_EXHAUSTED'));
    expect(calls).toBe(3);
    expect((await client.get<Order>(url))?.value.note).toBe('other 3');
  });

  it('update of a missing order rejects with 404; the network failing is TRANSPORT, not a conflict', async () => {
    await expect(createClient().update(`${base}/orders/nothing-here`, (c) => c)).rejects.toBeInstanceOf(
      HttpStatusError,
    );
    const offline = createClient();
    await expect(offline.get('http://127.0.0.1:1/orders/x')).rejects.toSatisfy((error) =>
      isIfMatchError(error, 'TRANSPORT'),
    );
    await expect(offline.put('http://127.0.0.1:1/orders/x', order, { create: true })).rejects.toSatisfy((error) =>
      isIfMatchError(error, 'OUTCOME_UNKNOWN'),
    );
  });

  it('8 clients × 25 increments: the naive race loses updates, @ifmatch/client loses none', async () => {
    const report = await race(base, 8, 25);
    expect(report.ifmatch).toBe(report.expected);
    expect(report.naive).toBeLessThan(report.expected);
  }, 120_000);
});
