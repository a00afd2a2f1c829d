/**
 * The JSON text of a value the client sends. It is `JSON.stringify`'s text (ECMA-262
 * SerializeJSONProperty: `toJSON(key)`, wrapper objects unwrapped, own enumerable members in
 * their order, a member holding `undefined` absent, `undefined` in an array `null`, -0 as 0),
 * (raw JSON text from `JSON.rawJSON` included), with three differences:
 * - a double from 2^53 up to 1e21 is written with its own digits (`exactNumberText`), where
 *   `JSON.stringify` pads its shortest ones with zeros (2^60 as `1152921504606847000`): a
 *   server reading integers exactly (`@ifmatch/http`) reads those as another integer;
 * - a bigint is a JSON number written with all its digits, where `JSON.stringify` throws. A
 *   JSON number has no precision limit (RFC 8259 §6), and `@ifmatch/http` answers a stored
 *   bigint the same way: a value read and written back keeps its digits. A
 *   `BigInt.prototype.toJSON` shim is not consulted: a bigint is never quoted;
 * - what JSON cannot carry is refused with `INVALID_VALUE` instead of written as something
 *   else: a function or a symbol (`JSON.stringify` drops it from an object and writes `null`
 *   in an array), NaN and ±Infinity (written `null`), a cycle, and a value that writes nothing
 *   at all (a top-level `undefined`). The request is then never sent.
 *
 * Iterative, with an explicit stack: a deep value cannot overflow the call stack here, and
 * each node is visited once.
 */
import { exactNumberText, IfMatchError } from '@ifmatch/core';

/** An object or array being written: its members are written one per turn of the loop. */
interface Frame {
  readonly container: object;
  /** The member names of an object; undefined for an array. */
  readonly names: readonly string[] | undefined;
  readonly size: number;
  /** The next member (or item) to write. */
  next: number;
  /** Whether a member was written yet (a member holding `undefined` is skipped). */
  written: boolean;
}

/** The text of `value` as the body of a request; throws `IfMatchError('INVALID_VALUE')`. */
export function writeJson(value: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  // The objects being written: one met again inside itself is a cycle.
  const open = new Set<object>();

  /** Writes a prepared value: a scalar at once, an object or array by pushing its frame. */
  const write = (item: unknown): void => {
    switch (typeof item) {
      case 'string':
        out.push(JSON.stringify(item));
        return;
      case 'boolean':
        out.push(item ? 'true' : 'false');
        return;
      case 'bigint':
        out.push(item.toString());
        return;
      case 'number':
        if (!Number.isFinite(item)) throw refused(stack, `is ${item}, which JSON cannot carry`);
        out.push(exactNumberText(item));
        return;
      case 'function':
      case 'symbol':
        throw refused(stack, `is a ${typeof item}, which JSON cannot carry`);
      case 'undefined':
        throw refused(stack, 'is undefined, which JSON cannot carry');
    }
    if (item === null) {
      out.push('null');
      return;
    }
    // Raw JSON text a `toJSON` returned (`JSON.rawJSON`, Node 21 and later: an exact decimal's),
    // written as it is, as `JSON.stringify` writes it, not as an object with a `rawJSON` member.
    if ((JSON as { isRawJSON?: (value: unknown) => boolean }).isRawJSON?.(item)) {
      out.push((item as { rawJSON: string }).rawJSON);
      return;
    }
    const container = item as object;
    if (open.has(container)) throw refused(stack, 'is one of its own ancestors: a cycle JSON cannot carry');
    open.add(container);
    const array = Array.isArray(container);
    const names = array ? undefined : Object.keys(container);
    out.push(array ? '[' : '{');
    stack.push({ container, names, size: names?.length ?? (container as unknown[]).length, next: 0, written: false });
  };

  write(prepared(value, ''));
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    if (frame.next === frame.size) {
      out.push(frame.names === undefined ? ']' : '}');
      open.delete(frame.container);
      stack.pop();
      continue;
    }
    const index = frame.next++;
    if (frame.names === undefined) {
      if (index > 0) out.push(',');
      // An array has no absent items: `undefined` (and a hole) is written `null`, as JSON.stringify does.
      const item = prepared((frame.container as unknown[])[index], String(index));
      if (item === undefined) out.push('null');
      else write(item);
    } else {
      const name = frame.names[index] as string;
      const member = prepared((frame.container as Record<string, unknown>)[name], name);
      // A member holding `undefined` is absent, as JSON.stringify writes it (an optional member).
      if (member === undefined) continue;
      if (frame.written) out.push(',');
      frame.written = true;
      out.push(JSON.stringify(name), ':');
      write(member);
    }
  }
  return out.join('');
}

/** What is written for `value` under `key`: what its `toJSON` returns, a wrapper object unwrapped. */
function prepared(value: unknown, key: string): unknown {
  // A BigInt wrapper is unwrapped, not passed to a `BigInt.prototype.toJSON` shim (a string).
  if (typeof value === 'object' && value !== null && !(value instanceof BigInt)) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean || value instanceof BigInt) return value.valueOf();
  return value;
}

/** The refusal of what is being written, named by its JSON Pointer (RFC 6901) in the value. */
function refused(stack: readonly Frame[], what: string): IfMatchError {
  const pointer = stack
    .map((frame) => {
      const at = frame.next - 1;
      const token = frame.names === undefined ? String(at) : (frame.names[at] as string);
      return `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    })
    .join('');
  return new IfMatchError(
    'INVALID_VALUE',
    `${pointer === '' ? 'the value' : `the member at ${pointer}`} ${what}; nothing was sent`,
  );
}
