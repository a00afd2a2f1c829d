/**
 * ETag strategies: how a stored record's tag is derived, and which stored field a tag
 * stands for so that a condition on tags compiles to a condition on that field.
 *
 * Every record carries three system fields that adapters keep up to date *inside the
 * database* on every write:
 * - `version`: 1 on create, then `version + 1` (the database increments it, never the client);
 * - `modifiedAt`: milliseconds, `max(now, previous + 1)`, so it strictly increases per record
 *   even for two writes in one millisecond or a clock that steps back;
 * - `hash`: the content hash, computed here from the value being written (hash strategy only).
 */
import { canonicalJson } from './canonical-json.js';
import { hashEtag, importEtagSecret, keyedHashEtag } from './hash.js';

/** The system fields of a stored record. */
export interface RecordMeta {
  readonly version: number;
  readonly modifiedAt: number;
  /** Present when the record was written under the hash strategy. */
  readonly hash?: string | null;
}

export type StrategyName = 'version' | 'timestamp' | 'hash';

/** The stored field a strategy's tags stand for. */
export type TokenField = 'version' | 'modifiedAt' | 'hash';

export interface EtagStrategy {
  readonly name: StrategyName;
  readonly field: TokenField;
  /** The opaque part of the record's strong entity tag. */
  tagFor(meta: RecordMeta): string;
  /**
   * The value of `field` that the opaque tag stands for, or `undefined` when this strategy
   * never issues such a tag (it then matches no record).
   */
  tokenFor(opaque: string): number | string | undefined;
  /** The `hash` field for a value about to be written; only the hash strategy has it. */
  hashValue?(value: unknown): string | Promise<string>;
}

/** Tags are a letter naming the strategy and a base-36 number: never the same across strategies. */
function numericStrategy(name: 'version' | 'timestamp', prefix: string, field: 'version' | 'modifiedAt'): EtagStrategy {
  const read = (meta: RecordMeta) => (field === 'version' ? meta.version : meta.modifiedAt);
  return {
    name,
    field,
    tagFor: (meta) => prefix + read(meta).toString(36),
    tokenFor(opaque) {
      if (opaque.length < 2 || opaque.length > 12 || opaque[0] !== prefix) return undefined;
      const value = Number.parseInt(opaque.slice(1), 36);
      // Only the canonical spelling matches: "v01" was never issued, so it is not "v1".
      return Number.isSafeInteger(value) && prefix + value.toString(36) === opaque ? value : undefined;
    },
  };
}

/**
 * The default. The tag counts writes: `"v1"`, `"v2"`, … Never repeats for a record (a
 * record deleted and created again starts at 1 again, like any new resource).
 */
export function versionStrategy(): EtagStrategy {
  return numericStrategy('version', 'v', 'version');
}

/**
 * The tag is the record's modification time, which is also its `Last-Modified`. Monotonic
 * per record: two writes in the same millisecond still get different tags.
 */
export function timestampStrategy(): EtagStrategy {
  return numericStrategy('timestamp', 't', 'modifiedAt');
}

export interface HashStrategyOptions {
  /** A server secret (≥ 32 bytes): tags become HMAC-SHA-256 and reveal nothing. */
  readonly secret?: string | Uint8Array;
}

/**
 * The tag is a hash of the value's canonical JSON: equal content gives an equal tag on any
 * record and any server, which suits caches.
 *
 * It is safe for compare-and-swap in this sense: an `If-Match` write succeeds only when the
 * stored content is, as JSON, exactly what the client saw, so no content is ever lost. Two
 * consequences to know: a write that changes nothing keeps the tag, and after A → B → A a
 * client holding A's tag may write (an "ABA"). If you must detect that *any* write happened
 * in between, use the version or timestamp strategy.
 */
export function hashStrategy(options: HashStrategyOptions = {}): EtagStrategy {
  const secret = options.secret === undefined ? undefined : importEtagSecret(options.secret);
  const TAG_LENGTH = 22; // 128 bits in base64url
  return {
    name: 'hash',
    field: 'hash',
    tagFor: (meta) => meta.hash ?? '',
    tokenFor: (opaque) => (opaque.length === TAG_LENGTH ? opaque : undefined),
    hashValue(value) {
      const json = canonicalJson(value);
      return secret === undefined ? hashEtag(json) : secret.then((key) => keyedHashEtag(json, key));
    },
  };
}

export function strategyByName(name: StrategyName, options?: HashStrategyOptions): EtagStrategy {
  if (name === 'version') return versionStrategy();
  if (name === 'timestamp') return timestampStrategy();
  if (name === 'hash') return hashStrategy(options);
  throw new TypeError(`unknown ETag strategy: ${String(name)}`);
}
