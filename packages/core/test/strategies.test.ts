import { describe, expect, it } from 'vitest';
import { hashEtag, hashStrategy, timestampStrategy, versionStrategy } from '../src/index.js';

describe('versionStrategy', () => {
  const strategy = versionStrategy();
  it('tags a record by its version in base 36', () => {
    expect(strategy.tagFor({ version: 1, modifiedAt: 5 })).toBe('v1');
    expect(strategy.tagFor({ version: 36, modifiedAt: 5 })).toBe('v10');
  });
  it('reads back only the tags it issues', () => {
    expect(strategy.tokenFor('v10')).toBe(36);
    expect(strategy.tokenFor('v010')).toBeUndefined();
    expect(strategy.tokenFor('t10')).toBeUndefined();
    expect(strategy.tokenFor('v')).toBeUndefined();
    expect(strategy.tokenFor('vzzzzzzzzzzz')).toBeUndefined();
  });
});

describe('timestampStrategy', () => {
  const strategy = timestampStrategy();
  it('tags a record by its modification time, not readable as a date', () => {
    const tag = strategy.tagFor({ version: 1, modifiedAt: 1_767_225_600_000 });
    expect(tag).toBe(`t${(1_767_225_600_000).toString(36)}`);
    expect(strategy.tokenFor(tag)).toBe(1_767_225_600_000);
  });
});

describe('hashStrategy', () => {
  it('hashes canonical JSON, so key order does not matter', async () => {
    const strategy = hashStrategy();
    expect(await strategy.hashValue!({ a: 1, b: 2 })).toBe(await strategy.hashValue!({ b: 2, a: 1 }));
    expect(await strategy.hashValue!({ a: 1 })).toBe(hashEtag('{"a":1}'));
    expect(await strategy.hashValue!({ a: 1 })).not.toBe(await strategy.hashValue!({ a: 2 }));
  });
  it('uses the stored hash as the tag', () => {
    const strategy = hashStrategy();
    expect(strategy.tagFor({ version: 3, modifiedAt: 1, hash: 'AAAAAAAAAAAAAAAAAAAAAA' })).toBe(
      'AAAAAAAAAAAAAAAAAAAAAA',
    );
    expect(strategy.tokenFor('short')).toBeUndefined();
  });
  it('with a secret, gives tags that do not equal the plain hash', async () => {
    const keyed = hashStrategy({ secret: 's'.repeat(32) });
    expect(await keyed.hashValue!({ a: 1 })).not.toBe(hashEtag('{"a":1}'));
  });
});
