import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashEtag } from '../src/index.js';
import { createStrategy } from '../src/strategies/strategy.js';

const INCARNATION = 'Q2hU8tXa0lE';
const present = <V>(value: V | undefined): V => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};
const SECRET = 'a-secret-of-at-least-32-bytes-long!!';
const source = (fields: Partial<{ version: number; modifiedAt: number | null; incarnation: string | null }>) => ({
  version: 3,
  modifiedAt: 1_767_225_600_000,
  incarnation: INCARNATION,
  hash: null,
  ...fields,
});

describe('the version strategy', () => {
  const strategy = createStrategy('version');

  it.each([
    [{ version: 1 }, `v1.${INCARNATION}`],
    [{ version: 36 }, `v10.${INCARNATION}`],
    [{ version: 3, incarnation: null }, 'v3'],
    [{ version: 0, incarnation: null }, 'v0'],
  ])('tags %o as %s', (fields, tag) => {
    expect(strategy.tagFor(source(fields))).toBe(tag);
  });

  it.each([
    [`v10.${INCARNATION}`, { incarnation: INCARNATION, value: 36 }],
    ['v3', { incarnation: null, value: 3 }],
    ['v0', { incarnation: null, value: 0 }],
    // Another writer's negative version, which the store reads as it is and tags so.
    ['v-1', { incarnation: null, value: -1 }],
    [`v-10.${INCARNATION}`, { incarnation: INCARNATION, value: -36 }],
  ])('reads %s back as the state it stands for', (tag, state) => {
    expect(strategy.stateFor(tag)).toEqual(state);
  });

  it.each([
    ['a leading zero', `v010.${INCARNATION}`],
    ['another strategy', `t10.${INCARNATION}`],
    ['no number', 'v'],
    ['no number before the incarnation', `v.${INCARNATION}`],
    ['a number past 2^53', 'vzzzzzzzzzzz'],
    ['minus zero', 'v-0'],
    ['a minus sign and no number', 'v-'],
    ['two minus signs', 'v--1'],
    ['a minus sign and a leading zero', 'v-01'],
    ['an empty incarnation', 'v1.'],
    ['a character no incarnation has', 'v1.ab:cd'],
    ['an incarnation too long', 'v1.abcdefghijkl'],
    ['an upper-case digit', `vA.${INCARNATION}`],
    ['two zeros', 'v00'],
    ['a second dot', 'v1.ab.cd'],
    ['a sign', 'v+1'],
  ])('refuses a tag with %s', (_what, tag) => {
    expect(strategy.stateFor(tag)).toBeUndefined();
  });

  /** The reading spelled out: a number in canonical base 36, then "." and an incarnation, or nothing. */
  const reference = (tag: string) => {
    const match = /^v(-?[0-9a-z]+)(?:\.(.*))?$/s.exec(tag);
    if (match === null || tag.length > 25) return undefined;
    const [, digits = '', incarnation] = match;
    const value = Number.parseInt(digits, 36);
    if (!Number.isSafeInteger(value) || value.toString(36) !== digits) return undefined;
    if (incarnation !== undefined && !/^[A-Za-z0-9_-]{1,11}$/.test(incarnation)) return undefined;
    return { incarnation: incarnation ?? null, value };
  };

  it('reads every tag it issues back, and any text exactly as the spelled-out reading does', () => {
    const incarnation = fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,11}$/), { nil: null });
    fc.assert(
      fc.property(fc.maxSafeInteger(), incarnation, (version, id) => {
        const tag = strategy.tagFor(source({ version, incarnation: id }));
        expect(strategy.stateFor(tag)).toEqual({ incarnation: id, value: version });
      }),
    );
    const text = fc.oneof(
      fc.string({ maxLength: 26 }),
      fc.string({ unit: fc.constantFrom(...'v0123456789az.ZA_-'), maxLength: 26 }),
      fc.tuple(fc.constantFrom('v', 'v0', 'v1', 'v-', 'v-1'), fc.string({ maxLength: 24 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(text, (tag) => {
        expect(strategy.stateFor(tag)).toEqual(reference(tag));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the timestamp strategy', () => {
  const strategy = createStrategy('timestamp');

  it('tags a record by its modification time and incarnation', () => {
    expect(strategy.tagFor(source({}))).toBe(`tmjuohs00.${INCARNATION}`);
    expect(strategy.stateFor(`tmjuohs00.${INCARNATION}`)).toEqual({
      incarnation: INCARNATION,
      value: 1_767_225_600_000,
    });
  });

  it('tags a record without a modification time as time 0', () => {
    expect(strategy.tagFor(source({ modifiedAt: null, incarnation: null }))).toBe('t0');
  });
});

describe('the hash strategy', () => {
  const value = { order: 'A-17', lines: [{ sku: 'tea', quantity: 2, note: 'Grüße 🌍' }], total: 12.5, paid: false };

  it('hashes canonical JSON: golden tags, and key order does not matter', async () => {
    const strategy = createStrategy('hash');
    expect(await strategy.hashValue?.({ ...value, ref: null })).toBe('EAP3GDmz1IbIbeltpwxewQ');
    expect(await strategy.hashValue?.({ a: 1, b: 2 })).toBe(await strategy.hashValue?.({ b: 2, a: 1 }));
    expect(await strategy.hashValue?.({ a: 1 })).toBe(hashEtag('{"a":1}'));
  });

  it('hashes what JSON cannot hold, so any record read back has a tag', async () => {
    const strategy = createStrategy('hash');
    const big = await strategy.hashValue?.({ n: 2n ** 64n });
    expect(big).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(big).not.toBe(await strategy.hashValue?.({ n: '18446744073709551616' }));
    expect(await strategy.hashValue?.({ n: 5n })).not.toBe(await strategy.hashValue?.({ n: 5 }));
    expect(await strategy.hashValue?.({ b: new Uint8Array([1, 2]) })).toBe(
      await strategy.hashValue?.({ b: Buffer.from([1, 2]) }),
    );
  });

  it('uses the record hash as the tag and reads back only 22-character tags', () => {
    const strategy = createStrategy('hash');
    expect(strategy.tagFor({ ...source({}), hash: 'EAP3GDmz1IbIbeltpwxewQ' })).toBe('EAP3GDmz1IbIbeltpwxewQ');
    expect(strategy.stateFor('EAP3GDmz1IbIbeltpwxewQ')).toEqual({ incarnation: null, value: 'EAP3GDmz1IbIbeltpwxewQ' });
    expect(strategy.stateFor('short')).toBeUndefined();
  });

  it('with a secret, gives keyed tags (golden) that do not equal the plain hash', async () => {
    const keyed = createStrategy('hash', SECRET);
    expect(await keyed.hashValue?.({ ...value, ref: null })).toBe('u-j0g4DW_wkrQks4geuFqw');
  });
});

describe('a secret', () => {
  /** A tag as a store with this secret issues it: in clear, then sealed. */
  const sealedTag = async (name: 'version' | 'timestamp', record: ReturnType<typeof source>) => {
    const strategy = createStrategy(name, SECRET);
    return present(strategy.sealer).seal(strategy.tagFor(record));
  };

  it.each([
    ['version', source({}), 'mirMKnkrNesX89P9ajejyPa4JBsRKFDqj04nQ_ztX7dX748U'],
    ['timestamp', source({}), 'Me4RZzokS83p3Ni1rC0r4TwmeQQLII6MtS6y68ebUH7P-EQ3'],
  ] as const)('seals %s tags: golden, opaque, and opened back into the tag in clear', async (name, record, golden) => {
    const tag = await sealedTag(name, record);
    expect(tag).toBe(golden);
    expect(tag).not.toContain(INCARNATION);
    const strategy = createStrategy(name, SECRET);
    expect(await present(strategy.sealer).open(tag)).toBe(strategy.tagFor(record));
  });

  it('gives every sealed tag the same length, whatever the version', async () => {
    const lengths = new Set<number>();
    for (const version of [0, 1, 99, 2 ** 40]) {
      lengths.add((await sealedTag('version', source({ version }))).length);
      lengths.add((await sealedTag('version', source({ version, incarnation: null }))).length);
    }
    expect([...lengths]).toEqual([48]);
  });

  it('seals and opens the 25-character tags of versions and times below −36^10 another writer set, in 48 characters', async () => {
    for (const name of ['version', 'timestamp'] as const) {
      const strategy = createStrategy(name, SECRET);
      for (const number of [-(36 ** 10), -(36 ** 10) - 1, -(2 ** 53 - 2), -(2 ** 52)]) {
        const record = source({ version: number, modifiedAt: number });
        const clear = strategy.tagFor(record);
        expect(clear).toHaveLength(25);
        const tag = await present(strategy.sealer).seal(clear);
        expect(tag).toHaveLength(48);
        expect(await present(strategy.sealer).open(tag)).toBe(clear);
        expect(strategy.stateFor(clear)).toEqual({ incarnation: INCARNATION, value: number });
      }
    }
  });

  it('packs a tag longer than a block in one way only: another packing of it does not open', async () => {
    const { pack, unpack } = await import('../src/strategies/sealed.js');
    const clear = `v-${(36 ** 10).toString(36)}.${INCARNATION}`;
    const block = new Uint8Array(24);
    expect(pack(clear, block)).toBe(true);
    expect(block[0]).toBe(0x80 | 25);
    expect(unpack(block)).toBe(clear);
    const trailing = block.slice();
    trailing[23] = (trailing[23] as number) | 1; // a bit past the last character
    expect(unpack(trailing)).toBeUndefined();
    const short = block.slice();
    short[0] = 0x80 | 24; // a tag of 24 characters is never packed
    expect(unpack(short)).toBeUndefined();
  });

  it('opens every ASCII tag of up to 26 characters it sealed, and only that one, in 48 characters', async () => {
    const sealer = present(createStrategy('version', SECRET).sealer);
    const sealedOf = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)),
          minLength: 1,
          maxLength: 26,
        }),
        async (clear) => {
          const tag = await sealer.seal(clear);
          expect(tag).toHaveLength(48);
          expect(await sealer.open(tag)).toBe(clear);
          const before = sealedOf.get(tag);
          if (before !== undefined) expect(before).toBe(clear);
          sealedOf.set(tag, clear);
        },
      ),
      { numRuns: 400 },
    );
    await expect(sealer.seal('x'.repeat(27))).rejects.toThrow(TypeError);
    await expect(sealer.seal('vé')).rejects.toThrow(TypeError);
  });

  it('refuses a forged or altered tag, and a tag sealed with another secret', async () => {
    const sealer = present(createStrategy('version', SECRET).sealer);
    const tag = await sealedTag('version', source({}));
    const altered = `${tag.slice(0, 20)}${tag[20] === 'A' ? 'B' : 'A'}${tag.slice(21)}`;
    expect(await sealer.open(altered)).toBeUndefined();
    expect(await sealer.open(`v3.${INCARNATION}`)).toBeUndefined();
    const other = present(createStrategy('version', 'another-secret-of-32-bytes-or-more!!').sealer);
    expect(await other.open(tag)).toBeUndefined();
  });

  it('has no sealer without a secret, and keys the hash strategy instead of sealing it', () => {
    expect(createStrategy('version').sealer).toBeUndefined();
    expect(createStrategy('hash', SECRET).sealer).toBeUndefined();
  });

  it('refuses a short secret where the store is configured', () => {
    expect(() => createStrategy('version', 'short')).toThrow(TypeError);
  });
});

describe('incarnations', () => {
  it('are 11 base64url characters, and do not repeat over many draws (the pool refills)', async () => {
    const { newIncarnation, isIncarnation } = await import('../src/store/incarnation.js');
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = newIncarnation();
      expect(isIncarnation(id)).toBe(true);
      expect(id).toHaveLength(11);
      seen.add(id);
    }
    expect(seen.size).toBe(10_000);
    // Every position of an id is random: each of the 64 letters turns up at each of them
    // (an id sliced from the pool at any alignment keeps 6 random bits per character).
    for (let position = 0; position < 11; position++) {
      expect(new Set([...seen].map((id) => id[position])).size, `position ${position}`).toBe(64);
    }
  });
});

describe('base36', () => {
  it('spells every number as toString(36) does: safe integers either side of each 36² step, and others', async () => {
    const { base36 } = await import('../src/strategies/counter.js');
    const around = [
      0,
      1,
      35,
      36,
      1295,
      1296,
      1297,
      1296 ** 2 - 1,
      1296 ** 2,
      1296 ** 3,
      1296 ** 4,
      1296 ** 5,
      2 ** 53 - 1,
    ];
    for (const n of around.flatMap((x) => [x, -x, x + 1, -(x + 1)])) expect(base36(n)).toBe(n.toString(36));
    for (const n of [-0, 0.5, -1.25, 2 ** 53, 1e21, Number.NaN, Number.POSITIVE_INFINITY])
      expect(base36(n)).toBe(n.toString(36));
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.double()), (n) => {
        expect(base36(n)).toBe(n.toString(36));
      }),
      { numRuns: 20_000 },
    );
  });
});
