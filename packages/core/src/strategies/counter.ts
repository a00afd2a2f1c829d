/**
 * The version and timestamp strategies: a letter naming the strategy, a number in base 36,
 * and the record's incarnation (`"v3.Q2hU8tXa0lE"`). The incarnation is what makes a tag
 * unique over the key's whole life (RFC 9110 §8.8.1): a record deleted and created again
 * starts at version 1 again, and may be created in the same millisecond, but under a new
 * random incarnation, so no tag of its previous life matches it. A record that existed before
 * the store has no incarnation: its tags are the letter and the number alone.
 */
import { isIncarnation } from '../store/incarnation.js';
import type { EtagStrategy, TagSource } from './strategy.js';

/** 'v' + 11 base-36 digits (2^53) + '.' + an 11-character incarnation: 24 characters, one sealed block. */
const LONGEST_TAG = 24;

export function counterStrategy(name: 'version' | 'timestamp'): EtagStrategy {
  const prefix = name === 'version' ? 'v' : 't';
  const number = name === 'version' ? (s: TagSource) => s.version : (s: TagSource) => s.modifiedAt ?? 0;
  return {
    name,
    field: name === 'version' ? 'version' : 'modifiedAt',
    tagFor: (source) =>
      prefix + number(source).toString(36) + (source.incarnation === null ? '' : `.${source.incarnation}`),
    stateFor(opaque) {
      if (opaque.length < 2 || opaque.length > LONGEST_TAG || opaque[0] !== prefix) return undefined;
      const dot = opaque.indexOf('.');
      const digits = dot === -1 ? opaque.slice(1) : opaque.slice(1, dot);
      const incarnation = dot === -1 ? null : opaque.slice(dot + 1);
      if (incarnation !== null && !isIncarnation(incarnation)) return undefined;
      const value = Number.parseInt(digits, 36);
      // Only the canonical spelling matches: "v01" was never issued, so it is not "v1".
      if (!Number.isSafeInteger(value) || value < 0 || value.toString(36) !== digits) return undefined;
      return { incarnation, value };
    },
  };
}
