/**
 * Truly random input from a hostile client, as fast-check arbitraries: method tokens and strings
 * with invalid characters, `Host` values, request targets (absolute-form, `*`, very long),
 * `If-Match` text and lists of many tags, and extra header lines with control characters,
 * non-Latin-1 text or tens of kilobytes. Every string is bounded, so a run costs bounded time.
 */
import { METHODS as NODE_METHODS } from 'node:http';
import fc from 'fast-check';
import type { Command, ManyTags } from './http-command.js';
import { fetchSafe, fitBytes } from './http-wire-text.js';

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

/** `tchar` (RFC 9110 §5.6.2): a method is a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/;

/**
 * Random methods: every method Node's parser knows, random tokens (which it mostly refuses),
 * strings with characters no token has, and very long ones. For a Fetch handler, only tokens
 * a `Request` can carry, normalised as Fetch does (`put` is `PUT`, `patch` stays `patch`).
 */
export function randomMethods(wire: boolean): fc.Arbitrary<string> {
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
export const randomHosts: fc.Arbitrary<string> = fc.oneof(
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
export const randomTargets: fc.Arbitrary<NonNullable<Command['requestTarget']>> = fc.oneof(
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
export const manyTags: fc.Arbitrary<ManyTags> = fc
  .record({
    tags: fc.array(fc.string({ unit: etagChar, maxLength: 12 }), { maxLength: 80, size: 'max' }),
    current: fc.constantFrom<ManyTags['current']>('absent', 'strong', 'strong', 'weak'),
    at: fc.nat(),
  })
  .map(({ tags, current, at }) => ({ tags, current, at: at % (tags.length + 1) }));

/**
 * `If-Match` text from a hostile client: near-misses of `*`, and any text up to 10,000 bytes
 * (past the 8,192 characters ifmatch reads, within the 16 KiB of fields Node accepts).
 */
export function randomIfMatch(wire: boolean): fc.Arbitrary<string> {
  const text = fc.oneof(
    fc.constantFrom('*', ' * ', '\t*', '', ' ', '*,*', '**', '"', '""', 'W/', 'W/"', 'w/"x"', '"a" "b"', ',,,'),
    hostileText(60, 10_000),
  );
  return wire ? text.map((value) => fitBytes(value, 10_000)) : text.map(fetchSafe);
}

/** Extra header lines with names ifmatch gives no meaning, and hostile values (up to 20,000 characters). */
export function extraHeaders(wire: boolean): fc.Arbitrary<[string, string][]> {
  const value = wire ? hostileText(60, 20_000) : hostileText(60, 20_000).map(fetchSafe);
  return fc.array(fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,16}$/), value), { minLength: 1, maxLength: 4 });
}
