/**
 * A table of a real SQLite file served by @ifmatch/http over node:http, for a test file of the
 * client: started before its tests and closed after them. `received` holds the method and body
 * of each write the server got, as sent, cleared before each test; `db` is the plain driver's
 * connection, to seed and check rows with SQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createResource } from '@ifmatch/http';
import { nodeListener } from '@ifmatch/http/node';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export interface ServedTable {
  readonly db: Database.Database;
  /** The collection's URL, once the server listens. */
  base: string;
  received: { method: string; body: string }[];
}

export function servedTable<T>(table: string, columns: string): ServedTable {
  const dir = mkdtempSync(join(tmpdir(), `ifmatch-client-${table}-`));
  const db = new Database(join(dir, `${table}.db`));
  db.exec(`CREATE TABLE ${table} (${columns})`);
  addSystemColumns(db, table);
  const resource = createResource({ store: createSqliteStore<T, string>({ db, table }) });
  const served: ServedTable = { db, base: '', received: [] };
  const server = createServer(
    nodeListener(async (request) => {
      if (request.method !== 'GET')
        served.received.push({ method: request.method, body: await request.clone().text() });
      return resource.handle(request, decodeURIComponent(new URL(request.url).pathname.slice(`/${table}/`.length)));
    }),
  );
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    served.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${table}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    served.received = [];
  });
  return served;
}
