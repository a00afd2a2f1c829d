/**
 * The requests the robustness suite sends, as fast-check arbitraries: methods, targets,
 * preconditions, media types and bodies weighted toward what means something, and wire-level
 * oddities (absolute-form and dotted targets, repeated or broken Host, obs-text) for servers.
 */
import fc from 'fast-check';
import {
  type BodyKind,
  CONTENT_TYPES,
  type Command,
  type IfMatchChoice,
  type IfNoneMatchChoice,
  KEYS,
  type Transport,
} from './http-model.js';

const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'];
const ODD_METHODS = ['TRACE', 'TRACK', 'PROPFIND', 'CONNECT', 'put', 'FOO'];
/** A tag no record ever has. */
export const STALE_TAG = '"stale-made-up-tag"';
/** The plain read that shows a server is still alive. */
export const PROBE: Command = {
  method: 'GET',
  target: 'k0',
  ifMatch: 'none',
  ifNoneMatch: 'none',
  contentType: undefined,
  bodyKind: 'none',
  body: undefined,
  transport: 'normal',
  variant: 0,
};

const item = fc.record(
  {
    name: fc.string({ maxLength: 6 }),
    count: fc.integer({ min: -3, max: 99 }),
    tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'count'] },
);
const merge = fc.record(
  {
    name: fc.string({ maxLength: 6 }),
    count: fc.integer({ min: 0, max: 9 }),
    tags: fc.option(fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

/** A body of each kind, and for a JSON Patch the name its `test` expects. */
const bodies: fc.Arbitrary<{ kind: BodyKind; body: string | undefined; testName?: string }> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, body: undefined }) },
  { weight: 6, arbitrary: item.map((value) => ({ kind: 'item' as const, body: JSON.stringify(value) })) },
  {
    weight: 1,
    arbitrary: item.map((value) => ({ kind: 'item-extra' as const, body: JSON.stringify({ ...value, extra: 1 }) })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'item-wrong' as const, body: '{"name": 1, "count": "x"}' }) },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'proto' as const, body: '{"name": "p", "count": 1, "__proto__": {"admin": true}}' }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"name":', '[', 'nul', '{"a" 1}').map((body) => ({ kind: 'broken' as const, body })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const, body: '' }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deep' as const, body: `${'['.repeat(200)}${']'.repeat(200)}` }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const, body: '{"name": "a", "name": "b", "count": 1}' }) },
  { weight: 4, arbitrary: merge.map((value) => ({ kind: 'merge' as const, body: JSON.stringify(value) })) },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'merge-proto' as const, body: '{"__proto__": {"count": 5, "name": "smuggled"}}' }),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom('', 'a', 'other'), fc.integer({ min: 0, max: 9 })).map(([testName, count]) => ({
      kind: 'json-patch' as const,
      testName,
      body: JSON.stringify([
        { op: 'test', path: '/name', value: testName },
        { op: 'replace', path: '/count', value: count },
      ]),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'json-patch-bad' as const, body: '[{"op": "bogus", "path": "/name"}]' }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((body) => ({ kind: 'random' as const, body })) },
);

/** The media types that mean something, often; every other one, sometimes. */
const contentTypes = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('application/json', 'application/merge-patch+json', 'application/json-patch+json'),
  },
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(CONTENT_TYPES), undefined) },
  // Printable ASCII without surrounding spaces: a field value the wire can carry as it is.
  { weight: 1, arbitrary: fc.stringMatching(/^[!-~]([ -~]{0,28}[!-~])?$/) },
);

/** Requests to send; `wire`: over a socket, where oddities the Fetch API cannot express are possible. */
export function commands(wire: boolean): fc.Arbitrary<Command> {
  const transports: Transport[] = wire
    ? [
        'normal',
        'normal',
        'normal',
        'absolute-form',
        'obs-text',
        'duplicate-if-match',
        'bad-host',
        'no-host',
        'duplicate-host',
        'weird-target',
      ]
    : ['normal'];
  // Unbiased: fast-check favours the first and smallest choices by default, which would send
  // most requests to one key with one method.
  return fc.noBias(
    fc
      .record({
        method: fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom('PUT', 'PATCH', 'POST') },
          { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
          // Methods Fetch cannot carry, or Node does not know, only travel on the wire.
          ...(wire ? [{ weight: 2, arbitrary: fc.constantFrom(...ODD_METHODS) }] : []),
        ),
        target: fc.constantFrom(...KEYS, ...KEYS, 'collection' as const),
        ifMatch: fc.constantFrom<IfMatchChoice>(
          'none',
          'current',
          'current',
          'stale',
          'star',
          'malformed',
          'weak-current',
          'list',
          'huge',
        ),
        ifNoneMatch: fc.constantFrom<IfNoneMatchChoice>('none', 'none', 'none', 'star', 'current', 'malformed'),
        contentType: contentTypes,
        body: bodies,
        transport: fc.constantFrom(...transports),
        variant: fc.nat({ max: 4 }),
      })
      .map(({ body, ...rest }) => ({ ...rest, bodyKind: body.kind, body: body.body, testName: body.testName })),
  );
}
