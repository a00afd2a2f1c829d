import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectListener } from '@ifmatch/http/node';
import { type ConflictEvent, createOrdersApi } from './app.js';
import { type Backend, openOrders } from './backends.js';

export interface ServeOptions {
  readonly onConflict?: (event: ConflictEvent<string>) => void;
  /** Sees every request before the API does (tests record headers with it). */
  readonly observe?: (req: IncomingMessage) => void;
}

/** The orders API on a free loopback port: for the tests and the demo. */
export async function serveOrders(
  backend: Backend,
  env: NodeJS.ProcessEnv,
  options: ServeOptions = {},
): Promise<{ base: string; close(): Promise<void> }> {
  const database = await openOrders(backend, env);
  const api = createOrdersApi({
    store: database.store,
    ...(options.onConflict ? { onConflict: options.onConflict } : {}),
  });
  const server = createServer((req, res) => {
    options.observe?.(req);
    api(req, res);
  });
  server.on('connect', connectListener());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    },
  };
}
