/**
 * Request JSON, parsed so that it costs bounded work and means one thing:
 * - nesting deeper than `maxDepth` is refused (422), so nothing downstream (a merge patch, a
 *   store's serialiser, `JSON.stringify` on the way out) can overflow the stack;
 * - a repeated member name is refused (400): RFC 8259 §4 leaves its meaning to the parser,
 *   and a proxy that reads the first `"op"` while we read the last is a smuggling channel
 *   (RFC 6902 appendix A.13 is exactly that case);
 * - `__proto__` stays ordinary data: `JSON.parse` defines members, it never assigns them, so
 *   the parsed value's prototype is always `Object.prototype`.
 */
import { problem } from './problem.js';

/** The default `maxDepth`: as deep as ASP.NET's default, far deeper than any API document. */
export const DEFAULT_MAX_DEPTH = 64;

/** Parses request JSON text under the rules above; throws an `HttpProblem` (400 or 422). */
export function parseJson(text: string, maxDepth: number = DEFAULT_MAX_DEPTH): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem(400, 'Bad Request', 'the body is not valid JSON');
  }
  // The text is valid JSON now, so one scan of its brackets and keys is exact.
  scanStructure(text, maxDepth);
  return value;
}

/**
 * Checks a value a body parser already produced (`express.json()`), or a patched document: its
 * nesting depth, and that it is JSON data at all. Iterative, so a deep value cannot overflow
 * the stack here. `bigints` admits bigints, which no body parser makes but a patched document
 * keeps from the stored value it was applied to (json-representation.ts).
 */
export function checkJsonValue(
  value: unknown,
  maxDepth: number = DEFAULT_MAX_DEPTH,
  { bigints = false }: { readonly bigints?: boolean } = {},
): unknown {
  const stack: [unknown, number][] = [[value, 0]];
  // A parser never shares a node between two places: a shared (or cyclic) one is not parsed
  // JSON, and refusing it keeps this walk linear.
  const seen = new Set<object>();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'bigint' && bigints) continue;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw problem(400, 'Bad Request', 'the body is not valid JSON');
      continue;
    }
    if (typeof node !== 'object' || !(Array.isArray(node) || isPlainPrototype(Object.getPrototypeOf(node)))) {
      throw problem(400, 'Bad Request', 'the body is not valid JSON');
    }
    if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
    if (seen.has(node)) throw problem(400, 'Bad Request', 'the body is not valid JSON');
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return value;
}

/** A parsed JSON object has `Object.prototype` (or none, from some parsers); a `Date` or a `Map` is not JSON. */
function isPlainPrototype(prototype: unknown): boolean {
  return prototype === null || prototype === Object.prototype;
}

function tooDeep(maxDepth: number) {
  return problem(422, 'Unprocessable Content', `the JSON nests deeper than ${maxDepth} levels`);
}

/**
 * One left-to-right pass over valid JSON text: the nesting depth, and the member names of each
 * object (decoded, so `"a"` and `"\u0061"` are the same name).
 */
function scanStructure(text: string, maxDepth: number): void {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x22 /* " */) {
      let end = at + 1;
      let escaped = false;
      for (; text.charCodeAt(end) !== 0x22; end++) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          escaped = true;
          end++;
        }
      }
      const names = open.at(-1);
      if (expectName && names) {
        const raw = text.slice(at + 1, end);
        const name = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (names.has(name)) {
          throw problem(400, 'Bad Request', `the member name ${JSON.stringify(name)} appears twice in one object`);
        }
        names.add(name);
        expectName = false;
      }
      at = end;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (open.length + 1 > maxDepth) throw tooDeep(maxDepth);
      open.push(code === 0x7b ? new Set() : null);
      expectName = code === 0x7b;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      open.pop();
      expectName = false;
    } else if (code === 0x2c /* , */) {
      expectName = open.at(-1) instanceof Set;
    }
  }
}
