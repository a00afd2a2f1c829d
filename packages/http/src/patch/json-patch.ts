/**
 * JSON Patch (RFC 6902), `application/json-patch+json`: an array of operations (`add`,
 * `remove`, `replace`, `move`, `copy`, `test`) applied in order to a copy of the target; if
 * any fails, none applies (§5). Status codes follow RFC 5789 §2.2: a malformed patch
 * document is 400, a patch that cannot apply to the current state (a missing path, a failed
 * `test`) is 409, a patch that would cost more than the server allows is 422.
 *
 * Paths only reach own members (see json-pointer.ts), members are defined as own data (see
 * json-value.ts), and all work is charged to a budget: no patch pollutes a prototype,
 * overflows the stack or runs unbounded.
 */
import { problem } from '../problem.js';
import { arrayIndex, parseJsonPointer } from './json-pointer.js';
import {
  Budget,
  cloneJson,
  DEFAULT_PATCH_BUDGET,
  isJsonObject,
  type JsonObject,
  jsonEqual,
  ownMember,
  removeMember,
  setMember,
} from './json-value.js';

/** One operation of a JSON Patch document (§4). Members not defined for an operation are ignored (§4). */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** An operation with its pointers parsed. */
interface Step {
  readonly op: JsonPatchOperation['op'];
  readonly path: readonly string[];
  readonly pathText: string;
  readonly from: readonly string[];
  readonly fromText: string;
  readonly value: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function malformed(index: number, detail: string): never {
  throw problem(400, 'Bad Request', `JSON Patch operation ${index}: ${detail}`);
}

function conflict(detail: string): never {
  throw problem(409, 'Conflict', detail);
}

/** The last reference token of a path that is not the whole document. */
function lastToken(path: readonly string[]): string {
  return path[path.length - 1] ?? '';
}

/** The index of an array element already found by `valueAt` (so a valid index). */
function existingIndex(path: readonly string[], token: string): number {
  return arrayIndex(token) ?? conflict(`${show(path)} is not an index of the array`);
}

/** Checks a parsed JSON Patch document; throws a 400 `HttpProblem` when it is malformed. */
export function parseJsonPatch(document: unknown): JsonPatchOperation[] {
  return steps(document).map(({ op, pathText, fromText, value }) =>
    op === 'remove'
      ? { op, path: pathText }
      : op === 'move' || op === 'copy'
        ? { op, path: pathText, from: fromText }
        : { op, path: pathText, value },
  );
}

function steps(document: unknown): Step[] {
  if (!Array.isArray(document)) throw problem(400, 'Bad Request', 'a JSON Patch document is an array of operations');
  return document.map((operation: unknown, index): Step => {
    if (!isJsonObject(operation)) malformed(index, 'not an object');
    const op = ownMember(operation, 'op');
    if (typeof op !== 'string' || !OPS.has(op))
      malformed(index, '"op" must be one of add, remove, replace, move, copy, test');
    const pathText = ownMember(operation, 'path');
    if (typeof pathText !== 'string') malformed(index, '"path" must be a string');
    const path =
      parseJsonPointer(pathText) ?? malformed(index, `"path" ${JSON.stringify(pathText)} is not a JSON Pointer`);
    let from: string[] = [];
    let fromText = '';
    if (op === 'move' || op === 'copy') {
      const given = ownMember(operation, 'from');
      if (typeof given !== 'string') malformed(index, '"from" must be a string');
      fromText = given;
      from = parseJsonPointer(fromText) ?? malformed(index, `"from" ${JSON.stringify(fromText)} is not a JSON Pointer`);
      // §4.4: a location cannot be moved into one of its own children.
      if (op === 'move' && from.length < path.length && from.every((token, at) => token === path[at])) {
        malformed(index, '"from" is a proper prefix of "path": a value cannot move into itself');
      }
    }
    if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(operation, 'value')) {
      malformed(index, `"${op}" needs a "value"`);
    }
    return { op: op as Step['op'], path, pathText, from, fromText, value: ownMember(operation, 'value') };
  });
}

/**
 * Applies a JSON Patch document to `target` and returns the result; `target` is not modified.
 * `budget` bounds the work in JSON nodes (default one million).
 */
export function applyJsonPatch(target: unknown, patch: unknown, budget: number = DEFAULT_PATCH_BUDGET): unknown {
  const work = new Budget(budget);
  const operations = steps(patch);
  let document = cloneJson(target, work);
  for (const step of operations) {
    switch (step.op) {
      case 'add':
        document = add(document, step.path, cloneJson(step.value, work), work);
        break;
      case 'remove':
        remove(document, step.path, work);
        break;
      case 'replace':
        valueAt(document, step.path, work);
        document = step.path.length === 0 ? cloneJson(step.value, work) : replace(document, step, work);
        break;
      case 'move': {
        const value = valueAt(document, step.from, work);
        remove(document, step.from, work);
        document = add(document, step.path, value, work);
        break;
      }
      case 'copy':
        document = add(document, step.path, cloneJson(valueAt(document, step.from, work), work), work);
        break;
      case 'test':
        if (!jsonEqual(valueAt(document, step.path, work), step.value, work)) {
          conflict(`test failed: ${JSON.stringify(step.pathText)} does not hold the value given`);
        }
        break;
    }
  }
  return document;
}

const show = (path: readonly string[]) => JSON.stringify(`/${path.join('/')}`);

/** The container holding the last token of `path`: every step must exist and be a container. */
function parentOf(document: unknown, path: readonly string[], work: Budget): unknown {
  let node = document;
  for (let at = 0; at < path.length - 1; at++) {
    work.spend();
    node = child(node, path[at] ?? '');
    if (node === undefined) conflict(`${show(path.slice(0, at + 1))} does not exist`);
  }
  return node;
}

/** The child `token` of `node`, or `undefined` when there is none (never an inherited property). */
function child(node: unknown, token: string): unknown {
  if (Array.isArray(node)) {
    const index = arrayIndex(token);
    return index !== undefined && index < node.length ? node[index] : undefined;
  }
  return isJsonObject(node) ? ownMember(node, token) : undefined;
}

/** The value at `path`; a 409 when there is none (§4.2, §4.3, §4.4, §4.6). */
function valueAt(document: unknown, path: readonly string[], work: Budget): unknown {
  if (path.length === 0) return document;
  const value = child(parentOf(document, path, work), lastToken(path));
  return value === undefined ? conflict(`${show(path)} does not exist`) : value;
}

/** §4.1: adds or replaces a member, inserts an array element (`-` appends), or replaces the whole document. */
function add(document: unknown, path: readonly string[], value: unknown, work: Budget): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(document, path, work);
  const token = lastToken(path);
  if (Array.isArray(parent)) {
    const index = token === '-' ? parent.length : arrayIndex(token);
    if (index === undefined || index > parent.length) conflict(`${show(path)} is not an index of the array`);
    work.spend(parent.length);
    parent.splice(index, 0, value);
  } else if (isJsonObject(parent)) {
    setMember(parent, token, value);
  } else {
    conflict(`${show(path.slice(0, -1))} is not an object or an array`);
  }
  return document;
}

/** §4.2: the target must exist. The whole document cannot be removed: there would be nothing left to store. */
function remove(document: unknown, path: readonly string[], work: Budget): void {
  if (path.length === 0) conflict('the whole document cannot be removed');
  valueAt(document, path, work);
  const parent = parentOf(document, path, work);
  const token = lastToken(path);
  if (Array.isArray(parent)) {
    work.spend(parent.length);
    parent.splice(existingIndex(path, token), 1);
  } else removeMember(parent as JsonObject, token);
}

/** §4.3: like remove then add at the same place, on a target known to exist. */
function replace(document: unknown, step: Step, work: Budget): unknown {
  const parent = parentOf(document, step.path, work);
  const token = lastToken(step.path);
  const value = cloneJson(step.value, work);
  if (Array.isArray(parent)) parent[existingIndex(step.path, token)] = value;
  else setMember(parent as JsonObject, token, value);
  return document;
}
