/**
 * JSON Merge Patch (RFC 7396), `application/merge-patch+json`: members of the patch replace
 * those of the target, `null` removes a member, nested objects merge, anything else (arrays
 * included) replaces. The algorithm is §2's pseudocode, with two guarantees added:
 * - `__proto__`, `constructor` and `prototype` are member names like any other: they are
 *   defined as own data, never assigned, so no patch changes a prototype (a `__proto__`
 *   member cannot smuggle fields past a `parse` allow-list);
 * - recursion follows the patch's depth and stops with a 422 past a bound, so no patch
 *   overflows the stack.
 */
import { problem } from '../problem.js';
import { isJsonObject, type JsonObject, MAX_WALK_DEPTH, ownMember, removeMember, setMember } from './json-value.js';

/**
 * Applies `patch` to `target` and returns the result. Neither argument is modified; parts
 * of either may be shared with the result, which must then be treated as read-only data
 * (it is: the store copies what it writes).
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return merge(target, patch, 0);
}

function merge(target: unknown, patch: unknown, depth: number): unknown {
  if (!isJsonObject(patch)) return patch;
  if (depth > MAX_WALK_DEPTH) {
    throw problem(422, 'Unprocessable Content', `the merge patch nests deeper than ${MAX_WALK_DEPTH} levels`);
  }
  const result: JsonObject = {};
  if (isJsonObject(target)) for (const name of Object.keys(target)) setMember(result, name, target[name]);
  for (const name of Object.keys(patch)) {
    const value = patch[name];
    if (value === null) removeMember(result, name);
    else setMember(result, name, merge(ownMember(result, name), value, depth + 1));
  }
  return result;
}
