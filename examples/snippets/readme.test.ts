import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handle } from './fetch-handler.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('README code', () => {
  const readme = readFileSync(root('README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- snippet: (\S+) -->\n```ts\n([\s\S]*?)```/g)];

  it('shows snippets', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((block) => [block[1] ?? '', block[2] ?? '']))(
    'shows %s exactly as compiled and tested',
    (file, code) => {
      expect(code).toBe(readFileSync(root(file), 'utf8'));
    },
  );
});

describe('quick start', () => {
  it('runs and prints what its comments say', async () => {
    const lines: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args);
    try {
      await import('./quick-start.js');
    } finally {
      console.log = log;
    }
    expect(lines).toEqual([['conflict; current text is', 'hello, world'], [3]]);
  });
});

describe('postgres example', () => {
  it('runs on PGlite and ends with the quantity its comment says', async () => {
    const { postgresExample } = await import('./postgres.js');
    expect(await postgresExample()).toBe(3);
  });
});

describe('fetch handler', () => {
  it('serves 201, 304, 412 and 428 as described', async () => {
    const { createMemoryStore } = await import('@ifmatch/core');
    const store = createMemoryStore<unknown, string>();
    const put = (headers: Record<string, string>, body: unknown) =>
      handle(new Request('http://x/doc', { method: 'PUT', headers, body: JSON.stringify(body) }), store, 'doc');
    expect((await put({}, { a: 1 })).status).toBe(428);
    const created = await put({ 'If-None-Match': '*' }, { a: 1 });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    const get = await handle(new Request('http://x/doc', { headers: { 'If-None-Match': etag } }), store, 'doc');
    expect(get.status).toBe(304);
    const second = await put({ 'If-Match': etag }, { a: 2 });
    expect(second.status).toBe(200);
    const stale = await put({ 'If-Match': etag }, { a: 3 });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(second.headers.get('etag'));
  });
});
