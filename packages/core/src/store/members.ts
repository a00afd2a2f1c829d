/**
 * Checking a value whose members become a row's columns, an item's attributes or a document's
 * fields: the one check every adapter makes at the boundary, written once.
 */
import { IfMatchError } from '../errors.js';

export interface MemberRules {
  /** What a value's members become, for the messages: "column", "attribute", "field". */
  readonly noun: string;
  /** Whether a member may be stored under `name`. */
  isMember(name: string): boolean;
  /**
   * The part of `key` for a member named like a key column, or `undefined` for any other
   * name: a row read back and spread into the value carries its key, which is no change.
   */
  keyPart(name: string, key: unknown): unknown;
  /**
   * The members in the order a read gives them, when there is one: a value whose own keys are
   * exactly these, in this order (a record read, changed and written back; a value written in
   * the table's order), is checked with one comparison per key instead of a lookup and an
   * own-property test per key.
   */
  readonly order?: readonly string[];
}

/** Whether the own enumerable keys of `value` are `order`, in that order. */
function hasKeysInOrder(value: object, order: readonly string[]): boolean {
  const keys = Object.keys(value);
  if (keys.length !== order.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== order[i]) return false;
  return true;
}

/**
 * Checks that `value` is an object whose defined members are all members (or the key itself),
 * else `INVALID_VALUE` before anything is sent. Undefined members are ignored: they are dropped.
 */
export function checkMembers(
  value: unknown,
  rules: MemberRules,
  key: unknown,
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new IfMatchError('INVALID_VALUE', `a value is an object whose members are ${rules.noun}s`);
  }
  if (rules.order !== undefined && hasKeysInOrder(value, rules.order)) return;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const member = (value as Record<string, unknown>)[name];
    if (member === undefined || rules.isMember(name)) continue;
    const keyPart = rules.keyPart(name, key);
    if (keyPart !== undefined && member === keyPart) continue;
    throw new IfMatchError('INVALID_VALUE', `the value has a member no ${rules.noun} holds: ${JSON.stringify(name)}`);
  }
}
