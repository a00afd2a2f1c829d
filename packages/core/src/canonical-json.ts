import { IfMatchError } from './errors.js';

/**
 * JSON with object keys sorted at every level, so two values that are equal as JSON give
 * the same text whatever order their keys were inserted in. Otherwise it follows
 * `JSON.stringify` (toJSON, undefined members dropped, undefined in arrays as null).
 * Throws `INVALID_VALUE` for what JSON cannot hold faithfully: bigint, non-finite
 * numbers, cycles, and a top-level undefined.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const text = write(value, seen);
  if (text === undefined) throw new IfMatchError('INVALID_VALUE', 'the value is not representable as JSON');
  return text;
}

function write(value: unknown, seen: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new IfMatchError('INVALID_VALUE', `${value} is not representable as JSON`);
      return JSON.stringify(value);
    case 'bigint':
      throw new IfMatchError('INVALID_VALUE', 'a bigint is not representable as JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) throw new IfMatchError('INVALID_VALUE', 'the value contains a cycle');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => write(item, seen) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = write((object as Record<string, unknown>)[key], seen);
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${member}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(object);
  return out;
}
