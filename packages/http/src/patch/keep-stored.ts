/**
 * A patch applies to the stored value's JSON document (the one a GET answers, and the one the
 * client wrote its patch against), so its result holds every member the patch did not touch in
 * its JSON form: a `Date` as its ISO string, a `Set` as `{}`, bytes as an object of indices, an
 * `ObjectId` as its hex. Written back as it is, a PATCH of one member would change members
 * nobody changed. `keepStored` puts the stored value's own parts back wherever the result
 * still equals the document: only what the patch changed is written as JSON.
 */
import { isJsonObject, type JsonObject, ownMember, setMember } from './json-value.js';

/** An object whose members map one to one onto those of its JSON document. */
function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** An array whose items map one to one onto those of its JSON document (no subclass, no `toJSON`). */
function isPlainArray(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    Object.getPrototypeOf(value) === Array.prototype &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

const NOT_DATA: unique symbol = Symbol('not a data property');

/**
 * The stored member `name` when it is a data property, else `NOT_DATA`: a getter may answer
 * otherwise now than when the document was written.
 */
function dataMember(object: object, name: string | number): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, name);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : NOT_DATA;
}

/** Whether two JSON documents (bigints allowed) are equal, member order aside. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && jsonEqual(a[name], b[name]));
}

/**
 * `result` (the patched document, already checked: bounded depth, no shared nodes), with each
 * part equal to the `document`'s part at the same path replaced by `stored`'s part there, as
 * far as `stored` maps onto its document (plain objects by member, plain arrays by index).
 * Neither argument is modified; the value returned shares the parts it keeps with `stored`
 * (the stores copy what they write). Linear: each node of the result is compared once.
 *
 * Array items are matched by index. When the patch changed an array's length (an `add` or a
 * `remove` shifted its items), an item is kept only when it equals the stored one whole: a
 * member-by-member match could then take members from a neighbour, equal as JSON but not in
 * type (an `ObjectId` for its hex string). The JSON written is the patched document's in every
 * case.
 */
export function keepStored(result: unknown, document: unknown, stored: unknown): unknown {
  return kept(result, document, stored, false)[0];
}

/**
 * The part to write, and whether `result` equals `document` there (then it is `stored`).
 * `whole`: keep `stored` only if all of it is unchanged, never some of its members.
 */
function kept(result: unknown, document: unknown, stored: unknown, whole: boolean): [unknown, boolean] {
  if (!whole && isJsonObject(result) && isJsonObject(document) && isPlainObject(stored)) {
    let same = Object.keys(result).length === Object.keys(document).length;
    const out: JsonObject = {};
    for (const name of Object.keys(result)) {
      const inDocument = Object.hasOwn(document, name);
      const member = inDocument ? dataMember(stored, name) : NOT_DATA;
      const [part, equal] =
        member === NOT_DATA
          ? [result[name], inDocument && jsonEqual(result[name], ownMember(document, name))]
          : kept(result[name], ownMember(document, name), member, false);
      same &&= equal;
      setMember(out, name, part);
    }
    return same ? [stored, true] : [out, false];
  }
  if (
    !whole &&
    Array.isArray(result) &&
    Array.isArray(document) &&
    isPlainArray(stored) &&
    stored.length === document.length
  ) {
    // JSON.stringify writes an array item for item (undefined as null): indices line up.
    const shifted = result.length !== document.length;
    let same = !shifted;
    const out = result.map((item, i) => {
      const member = i < document.length ? dataMember(stored, i) : NOT_DATA;
      if (member === NOT_DATA) {
        same = false;
        return item;
      }
      const [part, equal] = kept(item, document[i], member, shifted);
      same &&= equal;
      return part;
    });
    return same ? [stored, true] : [out, false];
  }
  const equal = jsonEqual(result, document);
  return [equal ? stored : result, equal];
}
