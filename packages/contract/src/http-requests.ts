/**
 * The requests the robustness suite sends, as fast-check arbitraries: methods, targets,
 * preconditions, media types and bodies weighted toward what means something, and wire-level
 * oddities (absolute-form and dotted targets, repeated or broken Host, obs-text) for servers.
 * Next to those fixed lists, truly random input (`http-hostile-input.ts`): methods, `Host`
 * values, request targets, `If-Match` text, lists of many tags and extra header lines.
 */
import fc from 'fast-check';
import {
  type BodyKind,
  type Command,
  type IfMatchChoice,
  type IfNoneMatchChoice,
  KEYS,
  METHODS,
  type Transport,
} from './http-command.js';
import type { Item } from './http-fixtures.js';
import {
  extraHeaders,
  manyTags,
  randomHosts,
  randomIfMatch,
  randomMethods,
  randomTargets,
} from './http-hostile-input.js';
import { CONTENT_TYPES } from './http-model-content.js';

const ODD_METHODS = ['TRACE', 'TRACK', 'PROPFIND', 'CONNECT', 'put', 'FOO'];
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
    // Often a name the generated JSON Patch `test`s for, so that some of them apply.
    name: fc.oneof(fc.constantFrom('', 'a', 'other'), fc.string({ maxLength: 6 })),
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

/**
 * The records a sequence starts from: most keys exist, so that writes under `If-Match` meet
 * a current record as often as a missing one.
 */
export const seeds: fc.Arbitrary<[(typeof KEYS)[number], Item][]> = fc
  .tuple(...KEYS.map(() => fc.option(item, { freq: 3 })))
  .map((values) => KEYS.flatMap((key, at) => (values[at] ? [[key, values[at]] as [(typeof KEYS)[number], Item]] : [])));

/** A body, and for a JSON Patch the name its `test` expects. */
type Body = { kind: BodyKind; body: string | undefined; testName?: string };

const itemBody: fc.Arbitrary<Body> = item.map((value) => ({ kind: 'item' as const, body: JSON.stringify(value) }));
const mergeBody: fc.Arbitrary<Body> = merge.map((value) => ({ kind: 'merge' as const, body: JSON.stringify(value) }));
const jsonPatchBody: fc.Arbitrary<Body> = fc
  .tuple(fc.constantFrom('', 'a', 'other'), fc.integer({ min: 0, max: 9 }))
  .map(([testName, count]) => ({
    kind: 'json-patch' as const,
    testName,
    body: JSON.stringify([
      { op: 'test', path: '/name', value: testName },
      { op: 'replace', path: '/count', value: count },
    ]),
  }));

/** A body of each kind. */
const bodies: fc.Arbitrary<Body> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, body: undefined }) },
  { weight: 6, arbitrary: itemBody },
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
  { weight: 4, arbitrary: mergeBody },
  {
    weight: 1,
    arbitrary: fc.constant({ kind: 'merge-proto' as const, body: '{"__proto__": {"count": 5, "name": "smuggled"}}' }),
  },
  { weight: 3, arbitrary: jsonPatchBody },
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

/**
 * What a well-behaved client sends with each method: JSON for PUT and POST, a patch of either
 * format for PATCH. Half the requests carry it, so that writes succeed often enough for the
 * model to follow records through several versions.
 */
const coherentContent = fc.record({
  representation: itemBody,
  patch: fc.oneof(
    mergeBody.map((body) => ({ contentType: 'application/merge-patch+json', body })),
    jsonPatchBody.map((body) => ({ contentType: 'application/json-patch+json', body })),
  ),
});

/** Requests to send; `wire`: over a socket, where oddities the Fetch API cannot express are possible. */
export function commands(wire: boolean): fc.Arbitrary<Command> {
  const transports: Transport[] = wire
    ? [
        'normal',
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
        'random-host',
        'random-target',
        'random-headers',
      ]
    : ['normal', 'normal', 'normal', 'random-headers'];
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
          { weight: 2, arbitrary: randomMethods(wire) },
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
          'random',
          'many',
          'many',
        ),
        ifNoneMatch: fc.constantFrom<IfNoneMatchChoice>('none', 'none', 'none', 'star', 'current', 'malformed'),
        contentType: contentTypes,
        body: bodies,
        coherent: fc.option(coherentContent),
        transport: fc.constantFrom(...transports),
        variant: fc.nat({ max: 4 }),
        ifMatchText: randomIfMatch(wire),
        manyTags,
        host: randomHosts,
        requestTarget: randomTargets,
        extraHeaders: extraHeaders(wire),
      })
      // Each random part only where its choice asks for it, so a failure prints what was sent.
      .map(({ body: anyBody, coherent, ifMatchText, manyTags, host, requestTarget, extraHeaders, ...rest }) => {
        const patch = coherent && rest.method === 'PATCH' ? coherent.patch : undefined;
        const representation = coherent && (rest.method === 'PUT' || rest.method === 'POST');
        const body = patch?.body ?? (representation ? coherent.representation : anyBody);
        const contentType = patch?.contentType ?? (representation ? 'application/json' : rest.contentType);
        return {
          ...rest,
          contentType,
          bodyKind: body.kind,
          body: body.body,
          testName: body.testName,
          ...(rest.ifMatch === 'random' ? { ifMatchText } : {}),
          ...(rest.ifMatch === 'many' ? { manyTags } : {}),
          ...(rest.transport === 'random-host' ? { host } : {}),
          ...(rest.transport === 'random-target' ? { requestTarget } : {}),
          ...(rest.transport === 'random-headers' ? { extraHeaders } : {}),
        };
      }),
  );
}
