/**
 * `pnpm start`: the orders API on a SQLite file (DATABASE_FILE, default data/orders.db)
 * at http://127.0.0.1:PORT (default 3000).
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createOrdersApi } from './app.js';
import { createOrdersStore, createOrdersTable } from './orders.js';

const file = resolve(process.env.DATABASE_FILE ?? 'data/orders.db');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

mkdirSync(dirname(file), { recursive: true });
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
createOrdersTable(db);

const api = createOrdersApi({
  store: createOrdersStore(db),
  onConflict: (event) =>
    console.log(`412 ${event.method} /orders/${event.id} (current ${event.currentEtag ?? 'none'})`),
});
const server = createServer((req, res) => void api(req, res));
server.listen(port, host, () => {
  console.log(`orders API on http://${host}:${port} (database ${file})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    db.close();
  });
}
