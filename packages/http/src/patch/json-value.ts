/**
 * Helpers the patch formats share for working on parsed JSON safely: members are read and
 * written as *own* data properties only, so `__proto__`, `constructor` and `prototype` are
 * ordinary member names (never a path to `Object.prototype`, never a prototype change), and
 * every walk is charged to a `Budget`, so no input costs unbounded work.
 */
import { problem } from '../problem.js';

/** A JSON object as parsed: own enumerable members only. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The member `name` of `object` if it is its own, else `undefined`: inherited names do not exist in JSON. */
export function ownMember(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * Sets the member `name`. `object[name] = value` would call the `__proto__` setter and change
 * the object's prototype; defining the property makes `__proto__` a member like any other.
 */
export function setMember(object: JsonObject, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Removes the member `name` if it is the object's own. */
export function removeMember(object: JsonObject, name: string): void {
  if (Object.hasOwn(object, name)) delete object[name];
}

/**
 * Work allowed for one patch, counted in JSON nodes visited, copied or compared. `copy` can
 * double a document per operation, so without a budget a short patch could ask for 2^n work.
 */
export class Budget {
  #remaining: number;

  constructor(nodes: number) {
    this.#remaining = nodes;
  }

  /** Charges `nodes`; throws a 422 when the budget is spent. */
  spend(nodes = 1): void {
    this.#remaining -= nodes;
    if (this.#remaining < 0) {
      throw problem(422, 'Unprocessable Content', 'applying this patch would take more work than the server allows');
    }
  }
}

/** A default that is far above any reasonable patch and far below a denial of service. */
export const DEFAULT_PATCH_BUDGET = 1_000_000;

/** Deepest value a patch walks recursively: above it, 422 instead of a stack overflow. */
export const MAX_WALK_DEPTH = 1000;

function tooDeep(): never {
  throw problem(422, 'Unprocessable Content', `the document nests deeper than ${MAX_WALK_DEPTH} levels`);
}

/** A deep copy of a JSON value, with own members only. */
export function cloneJson(value: unknown, budget: Budget, depth = 0): unknown {
  budget.spend();
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_WALK_DEPTH) tooDeep();
  if (Array.isArray(value)) return value.map((item) => cloneJson(item, budget, depth + 1));
  const copy: JsonObject = {};
  for (const name of Object.keys(value))
    setMember(copy, name, cloneJson((value as JsonObject)[name], budget, depth + 1));
  return copy;
}

/**
 * JSON equality as RFC 6902 §4.6 defines it for `test`: same type; numbers by value; strings
 * by code units; arrays element by element; objects by the same member names with equal values.
 */
export function jsonEqual(a: unknown, b: unknown, budget: Budget, depth = 0): boolean {
  budget.spend();
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return scalarEqual(a, b);
  if (depth > MAX_WALK_DEPTH) tooDeep();
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index], budget, depth + 1));
  }
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every(
    (name) => Object.hasOwn(b, name) && jsonEqual((a as JsonObject)[name], (b as JsonObject)[name], budget, depth + 1),
  );
}

/**
 * A bigint is a number too (RFC 6902 §4.6: numbers are equal when their values are): it equals
 * another bigint of the same value, and a number that is an integer of the same value. A bigint
 * comes from a stored value (json-representation.ts) or from the patch, whose integers are read
 * exactly (json.ts): `9007199254740993` in the patch is that bigint, and `100000000000000000000`
 * the double that is exactly that integer, so each equals the stored integer with its digits.
 * A fraction or an exponent in the patch (`9007199254740993.0`) is read as its double, and
 * compared as that double.
 */
function scalarEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) && a === BigInt(b);
  if (typeof a === 'number' && typeof b === 'bigint') return Number.isInteger(a) && BigInt(a) === b;
  return a === b;
}
