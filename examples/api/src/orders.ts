import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import type Database from 'better-sqlite3';

/** An order, as the API accepts and returns it. */
export interface Order {
  customer: string;
  items: { sku: string; quantity: number }[];
  status: 'open' | 'paid' | 'shipped' | 'cancelled';
  note: string | null;
}

const STATUSES = new Set(['open', 'paid', 'shipped', 'cancelled']);

/** The application's own table: ordinary columns, plus the three ifmatch keeps. */
export function createOrdersTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    items JSON NOT NULL,
    status TEXT NOT NULL,
    note TEXT
  )`);
  // The columns ifmatch keeps: added to a table of an earlier run too (idempotent).
  addSystemColumns(db, 'orders');
}

export function createOrdersStore(db: Database.Database) {
  return createSqliteStore<Order, string>({ db, table: 'orders' });
}

/** Checks a request body; returns the order or what is wrong with it. */
export function validateOrder(value: unknown): Order | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'an order is a JSON object';
  const order = value as Record<string, unknown>;
  const allowed = new Set(['customer', 'items', 'status', 'note']);
  const unknown = Object.keys(order).find((name) => !allowed.has(name));
  if (unknown !== undefined) return `unknown member ${JSON.stringify(unknown)}`;
  if (typeof order.customer !== 'string' || order.customer.length === 0) return 'customer must be a non-empty string';
  if (!Array.isArray(order.items)) return 'items must be an array';
  for (const item of order.items) {
    if (typeof item !== 'object' || item === null) return 'each item is an object';
    const { sku, quantity, ...rest } = item as Record<string, unknown>;
    if (typeof sku !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
      return 'each item has a sku (string) and a quantity (whole number ≥ 1)';
    }
    if (Object.keys(rest).length > 0) return 'an item has only sku and quantity';
  }
  const status = order.status ?? 'open';
  if (typeof status !== 'string' || !STATUSES.has(status)) return `status must be one of ${[...STATUSES].join(', ')}`;
  const note = order.note ?? null;
  if (note !== null && typeof note !== 'string') return 'note must be a string or null';
  return {
    customer: order.customer,
    items: order.items as Order['items'],
    status: status as Order['status'],
    note,
  };
}
