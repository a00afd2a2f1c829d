/**
 * `describeHttpRobustness`: random and adversarial requests against a real server (or a Fetch
 * handler), with a model of what each must do (http-requests.ts generates them, http-model.ts
 * says what each must do). After every request: the server answers it (a CONNECT too), a
 * client's mistake is never a 5xx, nothing is written when a precondition fails or the
 * content is refused, and the stored records are exactly the model's. Bounded in count and
 * time, loopback only; a failure prints fast-check's seed and path (replay it with
 * `IFMATCH_ROBUSTNESS_SEED` and `IFMATCH_ROBUSTNESS_PATH`; search longer with
 * `IFMATCH_ROBUSTNESS_RUNS`, which overrides `runs`).
 */
import { createMemoryStore, formatEntityTag, type Store } from '@ifmatch/core';
import type { DriverRecord } from '@ifmatch/core/driver';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { present, runsFromEnvironment } from './helpers.js';
import { type Command, STALE_TAG, type Transport } from './http-command.js';
import {
  type ConformanceResource,
  type HttpConformanceOptions,
  header,
  type Item,
  parseItem,
  type RawResponse,
  rawRequest,
  type ServerUnderTest,
} from './http-fixtures.js';
import { refusedInFront } from './http-in-front.js';
import { type Expectation, expectation } from './http-model.js';
import { ifMatchLine, parserMayRefuse } from './http-model-fields.js';
import { commands, PROBE, seeds } from './http-requests.js';
import { wireText } from './http-wire-text.js';

/** Sequences to try instead of `runs`, to search longer than CI does (0: unset). */
const longer = runsFromEnvironment('IFMATCH_ROBUSTNESS_RUNS');
const timeout = longer ? 3_700_000 : 120_000;

/** How the suite reaches one server: a listening one (`serve`) or a Fetch handler. */
export interface HttpRobustnessOptions extends Partial<Pick<HttpConformanceOptions, 'serve'>> {
  readonly name: string;
  /** See `HttpConformanceOptions.malformedJsonRefusedInFront`. */
  readonly malformedJsonRefusedInFront?: HttpConformanceOptions['malformedJsonRefusedInFront'];
  /** Instead of `serve`: a Fetch handler, sent `Request`s directly (no wire, so no wire-level oddities). */
  readonly handler?: (resource: ConformanceResource) => (request: Request) => Promise<Response>;
  /** Sequences of requests to try (default 100, each up to 12 requests). */
  readonly runs?: number;
}

function headerLines(headers: Headers): [string, string][] {
  const lines: [string, string][] = [];
  headers.forEach((value, name) => {
    lines.push([name, value]);
  });
  return lines;
}

/** Registers the suite for one server. */
export function describeHttpRobustness(options: HttpRobustnessOptions): void {
  describe(`${options.name}: ifmatch HTTP robustness`, () => {
    const records = new Map<string, DriverRecord<Item, string>>();
    const store: Store<Item, string> = createMemoryStore<Item, string>({ records });
    let nextId = 0;
    let server: ServerUnderTest | undefined;
    let handler: ((request: Request) => Promise<Response>) | undefined;
    const resource: ConformanceResource = {
      store,
      parse: parseItem,
      newKey: () => `item-${++nextId}`,
      onConflict: () => {},
      onError: () => {},
    };
    beforeAll(async () => {
      if (options.handler) handler = options.handler(resource);
      else if (options.serve) server = await options.serve(resource);
      else throw new TypeError('describeHttpRobustness needs serve or handler');
    });
    afterAll(() => server?.close());

    /** What is stored, key by key, as plain data to compare. */
    const snapshot = () => JSON.stringify([...records.entries()].sort(([a], [b]) => a.localeCompare(b)));
    /** The header lines `command` carries when the record's tag is `tag` (`undefined`: absent). */
    const headersFor = (command: Command, tag: string | undefined): [string, string][] => {
      const ifNoneMatch = { none: undefined, star: '*', current: tag ?? STALE_TAG, malformed: 'no-quotes' }[
        command.ifNoneMatch
      ];
      const lines: [string, string | undefined][] = [
        ['If-Match', ifMatchLine(command, tag)],
        ['If-None-Match', ifNoneMatch],
        ['Content-Type', command.contentType],
      ];
      if (command.transport === 'duplicate-if-match' && command.ifMatch !== 'none') lines.push(['If-Match', STALE_TAG]);
      if (command.transport === 'obs-text') lines.push(['X-Note', 'caf\u00e9']);
      for (const [name, value] of command.extraHeaders ?? []) lines.push([name, value]);
      return lines.filter((line): line is [string, string] => line[1] !== undefined);
    };

    const sendRaw = async (command: Command, key: string | undefined, tag: string | undefined) => {
      const path = key === undefined ? '/items' : `/items/${key}`;
      const random = command.requestTarget;
      const targets: Partial<Record<Transport, string | undefined>> = {
        'absolute-form': `http://evil.example${path}`,
        'weird-target': [`/items/k0/../k1`, `//items/k0`, `${path}?%zz`, `${path}/`, '*'][command.variant],
        'random-target': random && `${random.before}${random.path ? path : ''}${random.after}`,
      };
      const { port } = new URL(present(server).url);
      const hosts: Partial<Record<Transport, string[]>> = {
        'bad-host': ['bad host/../x'],
        'no-host': [],
        'duplicate-host': [`127.0.0.1:${port}`, 'evil.example'],
        'random-host': [command.host ?? ''],
      };
      const body = Buffer.from(command.body ?? '', 'utf8');
      // Each part as its bytes: a random part beyond Latin-1 travels as UTF-8, the rest unchanged.
      const lines = [
        `${wireText(command.method)} ${wireText(targets[command.transport] ?? path)} HTTP/1.1`,
        ...(hosts[command.transport] ?? [`127.0.0.1:${port}`]).map((host) => `Host: ${wireText(host)}`),
        ...headersFor(command, tag).map(([name, value]) => `${name}: ${wireText(value)}`),
        ...(command.body === undefined ? [] : [`Content-Length: ${body.byteLength}`]),
        'Connection: close',
      ];
      return rawRequest(present(server).url, `${lines.join('\r\n')}\r\n\r\n${body.toString('latin1')}`);
    };

    const sendFetch = async (command: Command, key: string | undefined, tag: string | undefined) => {
      const url = `http://localhost/items${key === undefined ? '' : `/${key}`}`;
      const hasBody = command.body !== undefined && command.method !== 'GET' && command.method !== 'HEAD';
      const request = new Request(url, {
        method: command.method,
        headers: headersFor(command, tag),
        ...(hasBody ? { body: command.body } : {}),
      });
      const response = await present(handler)(request);
      return { status: response.status, headers: headerLines(response.headers), body: await response.text() };
    };

    /** Checks one answer against the model, and the store against the answer. */
    const check = async (
      command: Command,
      key: string | undefined,
      expected: Expectation,
      before: string,
      response: RawResponse | undefined,
    ) => {
      const context = `${command.method.slice(0, 40)} ${key ?? '/items'} (${JSON.stringify(command).slice(0, 300)}) → ${response?.status}`;
      // Every request gets an answer, CONNECT included (node:http closes it without a word
      // unless the server has a 'connect' listener: `connectListener()` from @ifmatch/http/node).
      expect(response, `an answer: ${context}`).toBeDefined();
      if (response === undefined) return;
      expect(response.status, context).toBeLessThan(500);
      const ok = response.status >= 200 && response.status < 300;
      if (!ok) expect(snapshot(), `nothing written: ${context}`).toBe(before);
      const location = header(response, 'location');
      if (location !== undefined) expect(location, context).toMatch(/^\/(?!\/)[^\s]*$/);
      // The HTTP parser in front of the application may refuse an odd request itself (400, 431).
      const refusedOnTheWire = !ok && response.status >= 400 && server !== undefined && parserMayRefuse(command);
      // Content the resource ignores, refused by a body parser in front (nothing written: checked above).
      if ('contentRefusable' in expected && expected.contentRefusable && [400, 413, 415].includes(response.status)) {
        return;
      }
      switch (expected.kind) {
        case 'success': {
          if (refusedOnTheWire) return;
          expect(response.status, context).toBe(expected.status);
          const written = key ?? decodeURIComponent(present(location).slice(present(location).lastIndexOf('/') + 1));
          const record = await store.get(written);
          expect(record?.value, context).toEqual(expected.value);
          if (record) expect(header(response, 'etag'), context).toBe(formatEntityTag(record.etag));
          return;
        }
        case 'failure':
          if (!refusedOnTheWire) expect(response.status, context).toBe(expected.status);
          return;
        case 'refusal':
          expect(response.status, context).toBeGreaterThanOrEqual(400);
          if (!refusedOnTheWire) expect([412, 428], context).not.toContain(response.status);
          return;
        case 'no-write':
          expect(snapshot(), `nothing written: ${context}`).toBe(before);
          return;
        case 'any':
          for (const record of records.values()) expect(() => parseItem(record.value), context).not.toThrow();
      }
    };

    it(
      'answers every request, never 5xx for a client’s mistake, and stores exactly what the model says',
      async () => {
        const inFront = refusedInFront(options.malformedJsonRefusedInFront);
        const wire = server !== undefined;
        await fc.assert(
          fc.asyncProperty(
            seeds,
            fc.noBias(fc.array(commands(wire), { minLength: 1, maxLength: 12 })),
            async (start, sequence) => {
              records.clear();
              for (const [key, value] of start) await store.create(key, value);
              for (const command of sequence) {
                const key = command.target === 'collection' ? undefined : command.target;
                const current = key === undefined ? undefined : await store.get(key);
                const tag = current === undefined ? undefined : formatEntityTag(current.etag);
                const expected = expectation(command, current?.value, inFront, tag);
                const before = snapshot();
                const response = wire ? await sendRaw(command, key, tag) : await sendFetch(command, key, tag);
                await check(command, key, expected, before, response);
              }
              // Still alive: a plain read is answered.
              const probe = wire
                ? await rawRequest(
                    present(server).url,
                    `GET /items/k0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
                  )
                : await sendFetch({ ...PROBE }, 'k0', undefined);
              expect(probe?.status).toBeLessThan(500);
            },
          ),
          {
            numRuns: longer || (options.runs ?? 100),
            interruptAfterTimeLimit: timeout - 60_000,
            ...(process.env.IFMATCH_ROBUSTNESS_SEED ? { seed: Number(process.env.IFMATCH_ROBUSTNESS_SEED) } : {}),
            ...(process.env.IFMATCH_ROBUSTNESS_PATH ? { path: process.env.IFMATCH_ROBUSTNESS_PATH } : {}),
          },
        );
      },
      timeout,
    );
  });
}
