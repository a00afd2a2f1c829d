/**
 * The hash strategy: the tag is a hash of the value's canonical form, so equal content gives
 * an equal tag on any key and any server, which suits caches.
 *
 * What it guarantees, exactly: an `If-Match` write succeeds only when the stored content is,
 * value for value, what the client read, so the client's change is always computed from the
 * current content and no content is ever lost. What it does not: the tag repeats when content
 * repeats (A → B → A, a write that changes nothing, a record deleted and created again with
 * the same content), so a client holding A's tag may write after other writes that ended in
 * A, without learning about them. Use the version or timestamp strategy when a write must
 * fail after ANY other write, not only after a change of content.
 */
import { hashableJson } from '../canonical-json.js';
import { hashEtag, keyedHashEtag } from '../hash.js';
import type { EtagStrategy } from './strategy.js';

/** 128 bits in base64url. */
const TAG_LENGTH = 22;

export function contentHashStrategy(secret?: Promise<CryptoKey>): EtagStrategy {
  return {
    name: 'hash',
    field: 'hash',
    // Core gives every record a hash: the stored one, or one computed from its content.
    tagFor: (source) => source.hash ?? '',
    stateFor: (opaque) => (opaque.length === TAG_LENGTH ? { incarnation: null, value: opaque } : undefined),
    hashValue(value) {
      const text = hashableJson(value);
      return secret === undefined ? hashEtag(text) : secret.then((key) => keyedHashEtag(text, key));
    },
  };
}
