/**
 * The orders API: @ifmatch/http serves the resource (validators, 304, 412, 428, problem
 * documents); this file only routes and validates orders.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '@ifmatch/core';
import { type ConflictEvent, createResource, problemResponse } from '@ifmatch/http';
import { nodeListener } from '@ifmatch/http/node';
import { type Order, validateOrder } from './orders.js';

export type { ConflictEvent };

export interface OrdersApiOptions {
  readonly store: Store<Order, string>;
  /** Called on every 412, so operators can watch conflict rates. */
  readonly onConflict?: (event: ConflictEvent<string>) => void;
}

/** A node:http request listener for /orders and /orders/:id. */
export function createOrdersApi(options: OrdersApiOptions) {
  const orders = createResource<Order, string>({
    store: options.store,
    parse(body) {
      const order = validateOrder(body);
      if (typeof order === 'string') throw new Error(order);
      return order;
    },
    newKey: randomUUID,
    ...(options.onConflict ? { onConflict: options.onConflict } : {}),
  });
  return nodeListener(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/orders') return orders.create(request);
    const id = /^\/orders\/([A-Za-z0-9_-]{1,64})$/.exec(pathname)?.[1];
    if (id !== undefined) return orders.handle(request, id);
    return problemResponse({ status: 404, title: 'Not Found', detail: `no resource at ${pathname}` });
  });
}
