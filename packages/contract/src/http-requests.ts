/**
 * The requests the robustness suite sends, as fast-check arbitraries: methods, targets,
 * preconditions, media types and bodies weighted toward what means something, and wire-level
 * oddities (absolute-form and dotted targets, repeated or broken Host, obs-text) for servers.
 * Next to those fixed lists, truly random input: method tokens and strings with invalid
 * characters, `Host` values, request targets (absolute-form, `*`, very long), `If-Match` text
 * and lists of many tags, and extra header lines with control characters, non-Latin-1 text or
 * tens of kilobytes. Every string is bounded, so a run costs bounded time.
 */
import { METHODS as NODE_METHODS } from 'node:http';
import fc from 'fast-check';
import type { Item } from './http-fixtures.js';
import {
  type BodyKind,
  CONTENT_TYPES,
  type Command,
  type IfMatchChoice,
  type IfNoneMatchChoice,
  KEYS,
  type ManyTags,
  METHODS,
  STALE_TAG,
  type Transport,
} from './http-model.js';

export { STALE_TAG };

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

/** One character of `codes`, any of the inclusive ranges. */
function charIn(...ranges: [number, number][]): fc.Arbitrary<string> {
  return fc.oneof(...ranges.map(([min, max]) => fc.integer({ min, max }).map((code) => String.fromCharCode(code))));
}

/**
 * One character a hostile client may put anywhere on a line: printable ASCII, control
 * characters (but CR and LF, which would end the line and make the rest another request, whose
 * answer the suite could not attribute), Latin-1, and characters beyond it (sent as UTF-8).
 */
const hostileChar = fc.oneof(
  { weight: 6, arbitrary: charIn([0x20, 0x7e]) },
  { weight: 2, arbitrary: charIn([0x00, 0x09], [0x0b, 0x0c], [0x0e, 0x1f], [0x7f, 0x7f]) },
  { weight: 1, arbitrary: charIn([0x80, 0xff]) },
  { weight: 1, arbitrary: fc.constantFrom('\u0100', '\u20ac', '\u4e2d', '\ufeff', '\u2028', '\ud83d\ude00') },
);

/** Hostile text of up to `maxLength` characters, or one unit repeated up to `maxRepeat` times (long, cheap to make). */
function hostileText(maxLength: number, maxRepeat: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: hostileChar, maxLength, size: 'max' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ unit: hostileChar, minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: maxRepeat }))
        .map(([unit, times]) => unit.repeat(times).slice(0, maxRepeat)),
    },
  );
}

/**
 * Text as the bytes a client sends, one character per byte (`rawRequest` writes Latin-1):
 * Latin-1 text as it is, anything beyond it as its UTF-8 bytes.
 */
export function wireText(text: string): string {
  return beyondLatin1(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

function beyondLatin1(text: string): boolean {
  for (let at = 0; at < text.length; at++) if (text.charCodeAt(at) > 0xff) return true;
  return false;
}

/**
 * A string as a Fetch `Headers` value can hold it (the handler is sent `Request`s, not bytes):
 * its bytes on the wire, without the NUL, CR and LF `Headers` refuses.
 */
function fetchSafe(value: string): string {
  return wireText(value).replace(/[\0\r\n]/g, '');
}

/** `tchar` (RFC 9110 §5.6.2): a method is a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/;

/**
 * Random methods: every method Node's parser knows, random tokens (which it mostly refuses),
 * strings with characters no token has, and very long ones. For a Fetch handler, only tokens
 * a `Request` can carry, normalised as Fetch does (`put` is `PUT`, `patch` stays `patch`).
 */
function randomMethods(wire: boolean): fc.Arbitrary<string> {
  const token = fc.stringMatching(TOKEN);
  if (!wire) {
    const normalised = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
    return token
      .filter((method) => !['CONNECT', 'TRACE', 'TRACK', 'PATCH'].includes(method.toUpperCase()) || method === 'PATCH')
      .map((method) => (normalised.has(method.toUpperCase()) ? method.toUpperCase() : method));
  }
  return fc.oneof(
    fc.constantFrom(...NODE_METHODS),
    token,
    fc.string({ unit: hostileChar, minLength: 1, maxLength: 16 }),
    fc.integer({ min: 1, max: 20_000 }).map((length) => 'G'.repeat(length)),
  );
}

/** Random `Host` values: names, addresses and ports that may be valid, and anything else. */
const randomHosts: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.ipV6().map((ip) => `[${ip}]`),
      ),
      fc.option(fc.nat({ max: 99_999 })),
    )
    .map(([name, port]) => (port === null ? name : `${name}:${port}`)),
  hostileText(40, 20_000),
  fc.constantFrom('', ' ', 'a@b', 'a/b', 'a?b', 'a#b', 'a\\b', '[::1', 'x:', ':80', '127.0.0.1:80:80'),
);

/** Random request targets, around the request's path or without it. */
const randomTargets: fc.Arbitrary<NonNullable<Command['requestTarget']>> = fc.oneof(
  fc.constant({ before: '*', path: false, after: '' }),
  // absolute-form, any scheme and authority (RFC 9112 §3.2.2)
  fc
    .tuple(fc.constantFrom('http', 'https', 'HTTP', 'ftp', 'file', 'x-y'), randomHosts, fc.boolean())
    .map(([scheme, host, path]) => ({ before: `${scheme}://${host}`, path, after: path ? '' : '/' })),
  // origin-form, hostile text after the path or instead of it
  fc
    .tuple(fc.boolean(), fc.constantFrom('', '/', '?', '#', '/../', '%'), hostileText(40, 5000))
    .map(([path, glue, text]) => ({ before: path ? '' : '/', path, after: `${glue}${text}` })),
  // very long: a query, or a key, past what a server reads in a request line
  fc
    .tuple(fc.constantFrom('?q=', '/'), fc.integer({ min: 1, max: 20_000 }))
    .map(([glue, length]) => ({ before: '', path: true, after: `${glue}${'q'.repeat(length)}` })),
  hostileText(40, 20).map((text) => ({ before: text, path: false, after: '' })),
);

/** `etagc` (RFC 9110 §8.8.3): what an entity tag may hold, obs-text included. */
const etagChar = charIn([0x21, 0x21], [0x23, 0x7e], [0x80, 0xff]);

/** Lists of valid tags, sometimes past the 64 the parser accepts, the current one among them or not. */
const manyTags: fc.Arbitrary<ManyTags> = fc
  .record({
    tags: fc.array(fc.string({ unit: etagChar, maxLength: 12 }), { maxLength: 80, size: 'max' }),
    current: fc.constantFrom<ManyTags['current']>('absent', 'strong', 'strong', 'weak'),
    at: fc.nat(),
  })
  .map(({ tags, current, at }) => ({ tags, current, at: at % (tags.length + 1) }));

/** The longest prefix of `text` whose bytes on the wire (see `wireText`) are at most `max`. */
function fitBytes(text: string, max: number): string {
  const bytes = Buffer.from(wireText(text), 'latin1');
  if (bytes.byteLength <= max) return text;
  // Non-Latin-1 text travels as UTF-8: cut there, and drop a character cut in half.
  return beyondLatin1(text)
    ? bytes
        .subarray(0, max)
        .toString('utf8')
        .replace(/\ufffd$/, '')
    : text.slice(0, max);
}

/**
 * `If-Match` text from a hostile client: near-misses of `*`, and any text up to 10,000 bytes
 * (past the 8,192 characters ifmatch reads, within the 16 KiB of fields Node accepts).
 */
function randomIfMatch(wire: boolean): fc.Arbitrary<string> {
  const text = fc.oneof(
    fc.constantFrom('*', ' * ', '\t*', '', ' ', '*,*', '**', '"', '""', 'W/', 'W/"', 'w/"x"', '"a" "b"', ',,,'),
    hostileText(60, 10_000),
  );
  return wire ? text.map((value) => fitBytes(value, 10_000)) : text.map(fetchSafe);
}

/** Extra header lines with names ifmatch gives no meaning, and hostile values (up to 20,000 characters). */
function extraHeaders(wire: boolean): fc.Arbitrary<[string, string][]> {
  const value = wire ? hostileText(60, 20_000) : hostileText(60, 20_000).map(fetchSafe);
  return fc.array(fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,16}$/), value), { minLength: 1, maxLength: 4 });
}

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
