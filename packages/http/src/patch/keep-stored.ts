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

/** Whether two JSON documents (bigints allowed) are equal, member order aside. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isJsonObject(a) || !isJsonObject(b) || Array.isArray(b)) return false;
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => Object.hasOwn(b, name) && jsonEqual(a[name], b[name]));
}

/**
 * `result` (the patched document, already checked: bounded depth, no shared nodes), with each
 * part equal to the `document`'s part at the same path replaced by `stored`'s part there, as
 * far as `stored` maps onto its document (plain objects by member, arrays by index). Neither
 * argument is modified. Linear: each node of the result is compared once.
 */
export function keepStored(result: unknown, document: unknown, stored: unknown): unknown {
  return kept(result, document, stored)[0];
}

/** The part to write, and whether `result` equals `document` there (then it is `stored`). */
function kept(result: unknown, document: unknown, stored: unknown): [unknown, boolean] {
  if (isObject(result) && isObject(document) && isPlainObject(stored)) {
    let same = Object.keys(result).length === Object.keys(document).length;
    const out: JsonObject = {};
    for (const name of Object.keys(result)) {
      const [part, equal] = Object.hasOwn(document, name)
        ? Object.hasOwn(stored, name)
          ? kept(result[name], ownMember(document, name), stored[name])
          : [result[name], jsonEqual(result[name], ownMember(document, name))]
        : [result[name], false];
      same &&= equal;
      setMember(out, name, part);
    }
    return same ? [stored, true] : [out, false];
  }
  if (Array.isArray(result) && Array.isArray(document) && Array.isArray(stored) && stored.length === document.length) {
    // JSON.stringify writes an array item for item (undefined as null): indices line up.
    let same = result.length === document.length;
    const out = result.map((item, i) => {
      if (i >= document.length) return item;
      const [part, equal] = kept(item, document[i], stored[i]);
      same &&= equal;
      return part;
    });
    return same ? [stored, true] : [out, false];
  }
  const equal = jsonEqual(result, document);
  return [equal ? stored : result, equal];
}

function isObject(value: unknown): value is JsonObject {
  return isJsonObject(value) && !Array.isArray(value);
}
