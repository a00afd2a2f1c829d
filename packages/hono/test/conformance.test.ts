import type { AddressInfo } from 'node:net';
import { serve as serveNode } from '@hono/node-server';
import { zValidator } from '@hono/zod-validator';
import { type ConformanceResource, describeHttpConformance, describeHttpRobustness } from '@ifmatch/contract';
import { ifmatchRoutes } from '@ifmatch/hono';
import { connectListener } from '@ifmatch/http/node';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { z } from 'zod';

/** Hono as people set it up: bare, or with a body validator in front of the routes. */
const SETUPS = {
  bare: undefined,
  "validator('json') in front": validator('json', (value) => value),
  'a zod validator in front': zValidator('json', z.unknown()),
};

for (const [setup, middleware] of Object.entries(SETUPS)) {
  const serve = async (options: ConformanceResource) => {
    const app = new Hono();
    if (middleware) app.use('/items/*', middleware);
    app.route('/items', ifmatchRoutes(options));
    // A validator's own 400 for malformed JSON, as a problem document like every other answer.
    app.onError((error, c) => {
      if (!(error instanceof HTTPException)) return c.text('Internal Server Error', 500);
      const status = error.status;
      return c.body(
        JSON.stringify({ type: 'about:blank', status, title: 'Bad Request', detail: error.message }),
        status,
        {
          'Content-Type': 'application/problem+json',
        },
      );
    });
    const server = await new Promise<ReturnType<typeof serveNode>>((resolve) => {
      const started = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    server.on('connect', connectListener()); // CONNECT never reaches Hono: answered here
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  };
  const malformedJsonRefusedInFront = middleware !== undefined;
  describeHttpConformance({ name: `@ifmatch/hono, ${setup}`, serve, malformedJsonRefusedInFront });
  describeHttpRobustness({ name: `@ifmatch/hono, ${setup}`, serve, malformedJsonRefusedInFront });
}
