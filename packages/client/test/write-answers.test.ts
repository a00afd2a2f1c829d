/**
 * Writes answered without a body, as many servers other than @ifmatch/http answer them: a 204
 * with the new `ETag` (RFC 9110 §9.3.4: the content was stored as sent), or a 204 with no tag
 * at all. A real node:http server plays that API, keeping one record and its version.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@ifmatch/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let stored = '{"title":"a","count":1}';
let version = 1;
/** Whether a successful PUT answers with the new tag (and no body), or with nothing. */
let answerWithTag = true;
/** The If-Match of each PUT received. */
let ifMatch: (string | undefined)[] = [];

const body = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve(text));
  });

const server = createServer(async (request, response) => {
  const etag = `"v${version}"`;
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json', etag }).end(stored);
    return;
  }
  ifMatch.push(request.headers['if-match']);
  const text = await body(request);
  if (request.headers['if-match'] !== etag) {
    response.writeHead(412).end();
    return;
  }
  stored = text;
  version++;
  response.writeHead(204, answerWithTag ? { etag: `"v${version}"` } : {}).end();
});
let url: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/items/1`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  ifMatch = [];
});

type Item = { title: string; count: number; at?: unknown };

describe('a write answered 204 with the new ETag and no body', () => {
  it('put and update report the new tag and the content sent, as the server stored it', async () => {
    answerWithTag = true;
    const client = createClient();
    const read = await client.get<Item>(url);
    const put = await client.put(
      url,
      { ...read?.value, title: 'b', at: new Date(0) },
      { expectedEtag: String(read?.etag) },
    );
    expect(put).toEqual({
      ok: true,
      status: 204,
      // The Date went as its JSON text: the representation is what was sent.
      representation: { url, value: { title: 'b', count: 1, at: '1970-01-01T00:00:00.000Z' }, etag: `"v${version}"` },
    });
    const updated = await client.update<Item>(url, (item) => ({ ...item, count: item.count + 1 }));
    expect(updated.etag).toBe(`"v${version}"`);
    expect(updated.value.count).toBe(2);
    // The next update starts from the tag the server gave, not a stale one: no 412 first.
    ifMatch = [];
    await client.update<Item>(url, (item) => ({ ...item, count: item.count + 1 }));
    expect(ifMatch).toEqual([`"v${version - 1}"`]);
    expect(JSON.parse(stored).count).toBe(3);
  });
});

describe('a write answered 204 with no tag', () => {
  it('update reads the record again rather than report the tag it read before writing', async () => {
    answerWithTag = false;
    const client = createClient();
    const before = await client.get<Item>(url);
    const updated = await client.update<Item>(url, (item) => ({ ...item, count: item.count + 10 }));
    expect(updated.etag).not.toBe(before?.etag);
    expect(updated).toEqual({ url, value: JSON.parse(stored), etag: `"v${version}"` });
    // That tag is the record's: a put with it is not refused.
    const put = await client.put(url, { ...updated.value, title: 'c' }, { expectedEtag: updated.etag });
    expect(put.ok).toBe(true);
  });

  it('put reports no representation: none is known', async () => {
    answerWithTag = false;
    const client = createClient();
    const read = await client.get<Item>(url);
    expect(await client.put(url, { title: 'd', count: 0 }, { expectedEtag: String(read?.etag) })).toEqual({
      ok: true,
      status: 204,
      representation: undefined,
    });
  });
});
