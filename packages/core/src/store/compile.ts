/**
 * Compiling a `WriteCondition` (on entity tags) into a `DriverCondition` (on stored fields),
 * with the store's strategy telling which state each tag stands for.
 */
import type { EntityTag } from '../entity-tag.js';
import type { Sealer } from '../strategies/sealed.js';
import type { EtagStrategy } from '../strategies/strategy.js';
import type { DriverCondition, StateSet, TaggedState } from './driver.js';
import type { WriteCondition } from './write-condition.js';

/**
 * A condition no record can satisfy (an `If-Match` whose tags this store never issued, an
 * empty list, or a contradiction such as "absent and in state s"). No driver sees it: the
 * store reads the current record to report it, and writes nothing.
 */
export const NO_RECORD_MATCHES: unique symbol = Symbol('ifmatch.noRecordMatches');

/** A compiled condition: what the database must check, or `NO_RECORD_MATCHES`. */
export type Compiled = DriverCondition | typeof NO_RECORD_MATCHES;

/** More tags than any header the HTTP layer accepts; bounds the size of one condition. */
export const MAX_CONDITION_TAGS = 256;

function assertTags(tags: unknown, name: string): asserts tags is readonly EntityTag[] {
  if (!Array.isArray(tags)) throw new TypeError(`${name} must be an array of entity tags`);
  if (tags.length > MAX_CONDITION_TAGS) throw new TypeError(`${name} has more than ${MAX_CONDITION_TAGS} tags`);
  for (const tag of tags) {
    if (typeof tag !== 'object' || tag === null || typeof tag.opaque !== 'string' || typeof tag.weak !== 'boolean') {
      throw new TypeError(`${name} must hold entity tags ({ weak, opaque })`);
    }
  }
}

/**
 * The distinct states the tags stand for, or undefined when none is a tag this store issues.
 * `strongOnly` drops weak tags: If-Match compares strongly (RFC 9110 §8.8.3.2), and every tag
 * a store issues is strong.
 */
function statesOf(tags: readonly EntityTag[], strongOnly: boolean, strategy: EtagStrategy): StateSet | undefined {
  let states: TaggedState[] | undefined;
  for (const tag of tags) {
    if (strongOnly && tag.weak) continue;
    const state = strategy.stateFor(tag.opaque);
    if (state === undefined) continue;
    // Usually one tag: a list made whole (not grown), and no search, for the first.
    if (states === undefined) states = [state];
    else if (!states.some((s) => s.value === state.value && s.incarnation === state.incarnation)) states.push(state);
  }
  return states === undefined ? undefined : { field: strategy.field, states };
}

/** Throws a `TypeError` for a condition of the wrong shape (a programming mistake, not a conflict). */
export function checkCondition(condition: WriteCondition): void {
  if (typeof condition !== 'object' || condition === null) {
    throw new TypeError('a write condition is required (UNCONDITIONAL for last-one-wins)');
  }
  if (condition.etagIn !== undefined) assertTags(condition.etagIn, 'etagIn');
  if (condition.etagNotIn !== undefined) assertTags(condition.etagNotIn, 'etagNotIn');
}

/**
 * What the database must check for `condition` (already checked, its tags in clear). Runs
 * on every conditional write: synchronous, and no allocation beyond the result.
 */
export function compileCondition(condition: WriteCondition, strategy: EtagStrategy): Compiled {
  const { exists, etagIn, etagNotIn, unmodifiedSince } = condition;
  if (exists !== undefined && typeof exists !== 'boolean') throw new TypeError('exists must be a boolean');
  let anyOf: StateSet | undefined;
  if (etagIn !== undefined) {
    anyOf = statesOf(etagIn, true, strategy);
    // No tag this store issued: no record is in any of their states.
    if (anyOf === undefined || exists === false) return NO_RECORD_MATCHES;
  }
  // If-Match alone, the common case, as one literal: no member added one at a time.
  if (exists === undefined && anyOf !== undefined && etagNotIn === undefined && unmodifiedSince === undefined) {
    return { anyOf };
  }
  const compiled: { -readonly [P in keyof DriverCondition]: DriverCondition[P] } = {};
  if (exists !== undefined) compiled.exists = exists;
  if (anyOf !== undefined) compiled.anyOf = anyOf;
  if (etagNotIn !== undefined) {
    // Tags this store never issued match no record: "none of them" then always holds.
    const noneOf = statesOf(etagNotIn, false, strategy);
    if (noneOf !== undefined) compiled.noneOf = noneOf;
  }
  if (unmodifiedSince !== undefined) {
    if (!Number.isFinite(unmodifiedSince)) throw new TypeError('unmodifiedSince must be a finite number');
    compiled.modifiedAtMost = unmodifiedSince;
  }
  return compiled;
}

/**
 * The condition with its sealed tags opened (a tag the sealer did not seal matches nothing),
 * so that compiling it needs no await.
 */
export async function openCondition(condition: WriteCondition, sealer: Sealer): Promise<WriteCondition> {
  const openAll = (tags: readonly EntityTag[]) =>
    Promise.all(tags.map(async (tag) => ({ weak: tag.weak, opaque: (await sealer.open(tag.opaque)) ?? '' })));
  const opened: { -readonly [P in keyof WriteCondition]: WriteCondition[P] } = { ...condition };
  if (condition.etagIn !== undefined) opened.etagIn = await openAll(condition.etagIn);
  if (condition.etagNotIn !== undefined) opened.etagNotIn = await openAll(condition.etagNotIn);
  return opened;
}

/**
 * A store's compiler: checks a condition and compiles it against the stored fields, its sealed
 * tags opened first. Synchronous without a secret, the common path.
 */
export function conditionCompiler(strategy: EtagStrategy): (condition: WriteCondition) => Compiled | Promise<Compiled> {
  const { sealer } = strategy;
  return (condition) => {
    checkCondition(condition);
    if (sealer === undefined) return compileCondition(condition, strategy);
    return openCondition(condition, sealer).then((opened) => compileCondition(opened, strategy));
  };
}
