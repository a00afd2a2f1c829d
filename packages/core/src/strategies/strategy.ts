/**
 * ETag strategies: how a record's entity tag is derived from its system fields, and which
 * state of the record a tag stands for, so that a condition on tags compiles into a
 * condition the database checks.
 *
 * | strategy | tag | stands for |
 * |---|---|---|
 * | `version` (default) | `v` + version (base 36) + `.` + incarnation | the incarnation and the version |
 * | `timestamp` | `t` + modification time (ms, base 36) + `.` + incarnation | the incarnation and the time |
 * | `hash` | 128-bit hash of the value's canonical JSON | the content |
 *
 * With a `secret`, version and timestamp tags are sealed (encrypted and authenticated, see
 * `sealed.ts`) at the store's boundary, and hash tags are HMACs: a tag then cannot be forged
 * and hides the version, time or content, but not equality (deterministic on purpose: one
 * state keeps one tag; the README's table says which states share a tag). Everything else
 * works on tags in clear, synchronously.
 */
import { importEtagSecret } from '../hash.js';
import type { TagField, TaggedState } from '../store/driver.js';
import { contentHashStrategy } from './content-hash.js';
import { counterStrategy } from './counter.js';
import { type Sealer, sealer } from './sealed.js';

export type StrategyName = 'version' | 'timestamp' | 'hash';

/** The system fields a tag is computed from (`hash`: stored, or computed from the content). */
export interface TagSource {
  readonly version: number;
  readonly modifiedAt: number | null;
  readonly incarnation: string | null;
  readonly hash: string | null;
}

export interface EtagStrategy {
  readonly name: StrategyName;
  /** The stored field its tags stand for. */
  readonly field: TagField;
  /** The opaque part of the record's strong entity tag (in clear; see `sealer`). */
  tagFor(source: TagSource): string;
  /**
   * The state an opaque tag (in clear) stands for, or `undefined` when this strategy never
   * issues such a tag (it then matches no record).
   */
  stateFor(opaque: string): TaggedState | undefined;
  /** The `hash` field for a value about to be written; only the hash strategy has one (async with a secret). */
  readonly hashValue?: (value: unknown) => string | Promise<string>;
  /** With a secret, for the version and timestamp strategies: seals tags on the way out, opens them on the way in. */
  readonly sealer?: Sealer;
}

/** The strategy a store runs with. A secret (≥ 32 bytes) makes every strategy's tags opaque. */
export function createStrategy(name: StrategyName, secret?: string | Uint8Array): EtagStrategy {
  // Imported once per store; a short secret is a TypeError here, where the store is configured.
  const key = secret === undefined ? undefined : importEtagSecret(secret);
  switch (name) {
    case 'version':
    case 'timestamp': {
      const strategy = counterStrategy(name);
      return key === undefined ? strategy : { ...strategy, sealer: sealer(key) };
    }
    case 'hash':
      return contentHashStrategy(key);
    default:
      throw new TypeError(`unknown ETag strategy: ${String(name)}`);
  }
}
