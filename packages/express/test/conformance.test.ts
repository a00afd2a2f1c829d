import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConformanceResource,
  describeHttpConformance,
  describeHttpRobustness,
  refusedInFrontByExpressJson,
} from '@ifmatch/contract';
import { ifmatchRouter } from '@ifmatch/express';
import { connectListener } from '@ifmatch/http/node';
import express5 from 'express';
import express4 from 'express4';

/** The Express apps people run: bare, and with each body parser mounted before the router. */
const SETUPS = ['bare', 'json', 'text', 'raw', 'urlencoded', 'all four parsers'] as const;
const EXPRESSES = [
  ['Express 5', express5 as unknown as typeof express4],
  ['Express 4', express4],
] as const;

function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) =>
    server.once('listening', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

for (const [version, express] of EXPRESSES) {
  for (const setup of SETUPS) {
    const serve = async (options: ConformanceResource) => {
      const app = express();
      if (setup === 'json' || setup === 'all four parsers') app.use(express.json());
      if (setup === 'text' || setup === 'all four parsers') app.use(express.text());
      if (setup === 'raw' || setup === 'all four parsers') app.use(express.raw());
      if (setup === 'urlencoded' || setup === 'all four parsers') app.use(express.urlencoded({ extended: false }));
      // Typed against Express 5's declarations; Express 4 apps take the same middleware.
      app.use('/items', ifmatchRouter(options) as unknown as express4.RequestHandler[]);
      // A parser's own refusals (bad JSON, too large) stay problem documents.
      app.use(
        (
          error: Error & { status?: number },
          _req: express4.Request,
          res: express4.Response,
          next: express4.NextFunction,
        ) => {
          if (error.status === undefined || error.status >= 500) return next(error);
          res
            .status(error.status)
            .type('application/problem+json')
            .send(
              JSON.stringify({
                type: 'about:blank',
                status: error.status,
                title: 'Bad Request',
                detail: error.message,
              }),
            );
        },
      );
      const server = app.listen(0, '127.0.0.1');
      server.on('connect', connectListener()); // CONNECT never reaches Express: answered here
      return listen(server);
    };
    // express.json() in front refuses malformed JSON before the router (which then answers
    // that 400 without reading the store: Express skipped the middleware in between).
    const malformedJsonRefusedInFront =
      (setup === 'json' || setup === 'all four parsers') && refusedInFrontByExpressJson;
    describeHttpConformance({ name: `@ifmatch/express on ${version}, ${setup}`, serve, malformedJsonRefusedInFront });
    if (setup === 'bare' || setup === 'all four parsers') {
      describeHttpRobustness({ name: `@ifmatch/express on ${version}, ${setup}`, serve, malformedJsonRefusedInFront });
    }
  }
}
