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

/** `tags` as a list of at most `MAX_CONDITION_TAGS`, or a `TypeError` naming the member. */
function tagList(tags: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(tags)) throw new TypeError(`${name} must be an array of entity tags`);
  if (tags.length > MAX_CONDITION_TAGS) throw new TypeError(`${name} has more than ${MAX_CONDITION_TAGS} tags`);
  return tags;
}

/**
 * The distinct states the tags stand for, or undefined when none is a tag this store issues;
 * a `TypeError` for anything but a list of entity tags. Each tag is checked where it is read,
 * and each of its members read once: what is checked is what is compiled, whatever getters
 * the objects have. `strongOnly` drops weak tags: If-Match compares strongly (RFC 9110
 * §8.8.3.2), and every tag a store issues is strong.
 */
function statesOf(tags: unknown, name: string, strongOnly: boolean, strategy: EtagStrategy): StateSet | undefined {
  const list = tagList(tags, name);
  let states: TaggedState[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const tag = list[i];
    const { weak, opaque }: Partial<EntityTag> = typeof tag === 'object' && tag !== null ? tag : {};
    if (typeof opaque !== 'string' || typeof weak !== 'boolean') {
      throw new TypeError(`${name} must hold entity tags ({ weak, opaque })`);
    }
    if (strongOnly && weak) continue;
    const state = strategy.stateFor(opaque);
    if (state === undefined) continue;
    // Usually one tag: a list made whole (not grown), and no search, for the first.
    if (states === undefined) states = [state];
    else if (!states.some((s) => s.value === state.value && s.incarnation === state.incarnation)) states.push(state);
  }
  return states === undefined ? undefined : { field: strategy.field, states };
}

function requireCondition(condition: WriteCondition): void {
  if (typeof condition !== 'object' || condition === null) {
    throw new TypeError('a write condition is required (UNCONDITIONAL for last-one-wins)');
  }
}

/**
 * What the database must check for `condition` (its tags in clear), or a `TypeError` for a
 * condition of the wrong shape (a programming mistake, not a conflict), whatever else it
 * holds. Runs on every conditional write: synchronous, each member read once, and no
 * allocation beyond the result.
 */
export function compileCondition(condition: WriteCondition, strategy: EtagStrategy): Compiled {
  requireCondition(condition);
  const { exists, etagIn, etagNotIn, unmodifiedSince } = condition;
  if (exists !== undefined && typeof exists !== 'boolean') throw new TypeError('exists must be a boolean');
  if (unmodifiedSince !== undefined && !Number.isFinite(unmodifiedSince)) {
    throw new TypeError('unmodifiedSince must be a finite number');
  }
  const anyOf = etagIn === undefined ? undefined : statesOf(etagIn, 'etagIn', true, strategy);
  // Tags this store never issued match no record: "none of them" then always holds.
  const noneOf = etagNotIn === undefined ? undefined : statesOf(etagNotIn, 'etagNotIn', false, strategy);
  // No tag this store issued: no record is in any of their states.
  if (etagIn !== undefined && (anyOf === undefined || exists === false)) return NO_RECORD_MATCHES;
  // If-Match alone, the common case, as one literal: no member added one at a time.
  if (exists === undefined && noneOf === undefined && unmodifiedSince === undefined && anyOf !== undefined) {
    return { anyOf };
  }
  const compiled: { -readonly [P in keyof DriverCondition]: DriverCondition[P] } = {};
  if (exists !== undefined) compiled.exists = exists;
  if (anyOf !== undefined) compiled.anyOf = anyOf;
  if (noneOf !== undefined) compiled.noneOf = noneOf;
  if (unmodifiedSince !== undefined) compiled.modifiedAtMost = unmodifiedSince;
  return compiled;
}

/**
 * The condition with its sealed tags opened (a tag the sealer did not seal matches nothing),
 * so that compiling it needs no await. Each member of `condition` is read once; the copy,
 * whose lists are new, is what `compileCondition` then checks.
 */
export async function openCondition(condition: WriteCondition, sealer: Sealer): Promise<WriteCondition> {
  requireCondition(condition);
  const { exists, etagIn, etagNotIn, unmodifiedSince } = condition;
  const openAll = (tags: unknown, name: string) =>
    Promise.all(
      tagList(tags, name).map(async (tag) => {
        const { weak, opaque } = (tag ?? {}) as Partial<EntityTag>;
        // Left as it is when it is no tag: compiling the copy refuses it.
        return typeof opaque === 'string' ? { weak, opaque: (await sealer.open(opaque)) ?? '' } : tag;
      }),
    );
  const opened: { -readonly [P in keyof WriteCondition]: WriteCondition[P] } = {};
  if (exists !== undefined) opened.exists = exists;
  if (unmodifiedSince !== undefined) opened.unmodifiedSince = unmodifiedSince;
  if (etagIn !== undefined) opened.etagIn = (await openAll(etagIn, 'etagIn')) as EntityTag[];
  if (etagNotIn !== undefined) opened.etagNotIn = (await openAll(etagNotIn, 'etagNotIn')) as EntityTag[];
  return opened;
}

/**
 * A store's compiler: checks a condition and compiles it against the stored fields, its sealed
 * tags opened first. Synchronous without a secret, the common path.
 */
export function conditionCompiler(strategy: EtagStrategy): (condition: WriteCondition) => Compiled | Promise<Compiled> {
  const { sealer } = strategy;
  return (condition) => {
    if (sealer === undefined) return compileCondition(condition, strategy);
    return openCondition(condition, sealer).then((opened) => compileCondition(opened, strategy));
  };
}
