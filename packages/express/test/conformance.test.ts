import type { AddressInfo } from 'node:net';
import { describeHttpConformance } from '@ifmatch/contract';
import { ifmatchRouter } from '@ifmatch/express';
import express from 'express';

describeHttpConformance({
  name: '@ifmatch/express',
  async serve(options) {
    const app = express();
    app.use('/items', ifmatchRouter(options));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});

describeHttpConformance({
  name: '@ifmatch/express after express.json()',
  async serve(options) {
    const app = express();
    app.use(express.json({ type: ['application/json', 'application/merge-patch+json'] }));
    app.use('/items', ifmatchRouter(options));
    // express.json() answers malformed JSON itself; keep it a problem document.
    app.use(
      (
        error: Error & { status?: number },
        _req: express.Request,
        res: express.Response,
        next: express.NextFunction,
      ) => {
        if (error.status !== 400) return next(error);
        res
          .status(400)
          .type('application/problem+json')
          .json({ type: 'about:blank', status: 400, title: 'Bad Request', detail: error.message });
      },
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
