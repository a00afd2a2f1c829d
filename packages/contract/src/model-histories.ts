/**
 * What the model test's random histories are made of (`model.ts` runs them): steps, the
 * conditions they write under, named by what they refer to and resolved when they run, records
 * seeded as if the store had not written them, and the tags of a strategy's shape that the
 * store never issued.
 */
import type { EntityTag } from '@ifmatch/core';
import fc from 'fast-check';
import type { SeedFields } from './subject.js';

export type Strategy = 'version' | 'timestamp' | 'hash';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const base64urlText = (length: number) =>
  fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: length, maxLength: length });

/**
 * A tag no store issued for the key, shaped as the strategy's own tags so that the store
 * parses it and compares it with the record (a tag of another shape matches nothing before
 * it reaches the database): for the version and timestamp strategies a number near the
 * record's with a random incarnation, or a number far from any it can have without one; for
 * the hash strategy 22 random characters.
 */
export interface RandomTag {
  readonly kind: 'random';
  readonly near: number;
  readonly incarnation: string | null;
  readonly hash: string;
}

/** A condition, named by what it refers to; resolved against the tags seen so far when it runs. */
export type ConditionPlan =
  | { readonly kind: 'unconditional' | 'current' | 'weak-current' | 'exists' | 'absent' | 'not-current' }
  | RandomTag
  | { readonly kind: 'stale' | 'not-stale'; readonly pick: number }
  | { readonly kind: 'list'; readonly picks: readonly number[]; readonly withCurrent: boolean }
  | { readonly kind: 'since'; readonly offset: number }
  | { readonly kind: 'both'; readonly first: ConditionPlan; readonly second: ConditionPlan };

export type Step =
  | { readonly op: 'create'; readonly title: string }
  | { readonly op: 'put'; readonly title: string; readonly condition: ConditionPlan }
  | { readonly op: 'update'; readonly condition: ConditionPlan }
  | { readonly op: 'delete'; readonly condition: ConditionPlan }
  | { readonly op: 'clock'; readonly step: number };

const simplePlan: fc.Arbitrary<ConditionPlan> = fc.oneof(
  fc.constantFrom<ConditionPlan>(
    { kind: 'unconditional' },
    { kind: 'current' },
    { kind: 'current' },
    { kind: 'weak-current' },
    { kind: 'exists' },
    { kind: 'absent' },
    { kind: 'not-current' },
  ),
  fc.record({
    kind: fc.constant('random' as const),
    near: fc.constantFrom(-1, 0, 1, 1_000),
    incarnation: fc.option(base64urlText(11), { nil: null }),
    hash: base64urlText(22),
  }),
  fc.record({ kind: fc.constantFrom('stale' as const, 'not-stale' as const), pick: fc.nat(50) }),
  fc.record({
    kind: fc.constant('list' as const),
    picks: fc.array(fc.nat(50), { maxLength: 3 }),
    withCurrent: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('since' as const), offset: fc.constantFrom(-100_000, -1, 0, 999, 5_000) }),
);
const plan: fc.Arbitrary<ConditionPlan> = fc.oneof(
  { weight: 5, arbitrary: simplePlan },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('both' as const), first: simplePlan, second: simplePlan }) },
);
const title = fc.constantFrom('a', 'b', 'c');
export const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('create' as const), title }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('put' as const), title, condition: plan }) },
  fc.record({ op: fc.constant('update' as const), condition: plan }),
  fc.record({ op: fc.constant('delete' as const), condition: plan }),
  // The clock stands still, moves a little, a second, or steps back.
  fc.record({ op: fc.constant('clock' as const), step: fc.constantFrom(0, 1, 1_000, -5_000) }),
);
export const seedFields: fc.Arbitrary<SeedFields | undefined> = fc.option(
  fc.record(
    { version: fc.nat(20), modifiedAt: fc.integer({ min: 1_700_000_000_000, max: 1_700_100_000_000 }) },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/**
 * A tag of this strategy's shape that the store never issued for the key (see `RandomTag`),
 * near the model's `state` of it, or near `clock` while it has no modification time.
 */
export function randomTag(
  p: RandomTag,
  strategy: Strategy,
  state: { readonly version: number; readonly modifiedAt: number | null },
  clock: number,
): EntityTag {
  if (strategy === 'hash') return { weak: false, opaque: p.hash };
  const [letter, number] = strategy === 'version' ? ['v', state.version] : ['t', state.modifiedAt ?? clock];
  // Without an incarnation, only a number no record of this key can have: the tags of a
  // record the store did not write carry none, and versions stay below 100, times above 10^12.
  const opaque =
    p.incarnation === null
      ? `${letter}${(1_000 + p.near + (strategy === 'version' ? 100 : 0)).toString(36)}`
      : `${letter}${Math.max(0, number + p.near).toString(36)}.${p.incarnation}`;
  return { weak: false, opaque };
}

/**
 * A tag of this strategy's shape, for a condition that refers to a tag before the store issued
 * any; a timestamp tag names `start`, where the clock stands at the start of every history.
 */
export function foreignTag(strategy: Strategy, start: number): EntityTag {
  return {
    weak: false,
    opaque:
      strategy === 'hash' ? 'A'.repeat(22) : `${strategy === 'version' ? 'v1' : `t${start.toString(36)}`}.AAAAAAAAAAA`,
  };
}
