import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkMembers,
  type DriverCondition,
  type DriverRecord,
  defineStore,
  driverOf,
  pinnedVersion,
  type StatementKind,
  type StateSet,
  statementCache,
  statementShape,
  storedTime,
  writeKind,
} from '../src/driver.js';
import { createMemoryStore, UNCONDITIONAL } from '../src/index.js';

const kinds: StatementKind[] = ['insert', 'update', 'upsert', 'delete', 'read'];
const sets = (): (StateSet | undefined)[] => [
  undefined,
  ...(['version', 'modifiedAt', 'hash'] as const).flatMap((field) => [
    { field, states: [{ incarnation: 'a', value: 1 }] },
    {
      field,
      states: [
        { incarnation: 'a', value: 1 },
        { incarnation: 'b', value: 2 },
      ],
    },
  ]),
];

/** What a driver's SQL depends on: the parts statementShape must tell apart. */
function signature(kind: StatementKind, c: DriverCondition): string {
  const set = (s: StateSet | undefined) => (s === undefined ? '-' : `${s.field}:${s.states.length === 1}`);
  return `${kind} ${set(c.anyOf)} ${set(c.noneOf)} ${c.modifiedAtMost !== undefined}`;
}

describe('statementShape', () => {
  it('gives every distinct statement its own number, and equal statements the same one', () => {
    const byShape = new Map<number, string>();
    for (const kind of kinds) {
      for (const anyOf of sets()) {
        for (const noneOf of sets()) {
          for (const since of [undefined, 5]) {
            const condition: DriverCondition = {
              ...(anyOf ? { anyOf } : {}),
              ...(noneOf ? { noneOf } : {}),
              ...(since === undefined ? {} : { modifiedAtMost: since }),
            };
            const shape = statementShape(kind, condition);
            const seen = byShape.get(shape);
            if (seen !== undefined) expect(seen).toBe(signature(kind, condition));
            byShape.set(shape, signature(kind, condition));
          }
        }
      }
    }
    expect(byShape.size).toBe(kinds.length * 7 * 7 * 2);
  });

  it('refuses a kind it does not know, rather than sharing a shape', () => {
    expect(() => statementShape('merge' as StatementKind, {})).toThrow(TypeError);
  });
});

describe('statementCache', () => {
  /** A cache whose statements record what they were prepared for, and the list of preparations. */
  const counting = () => {
    const prepared: string[] = [];
    const statement = statementCache((kind, condition) => {
      prepared.push(signature(kind, condition));
      return { sql: signature(kind, condition) };
    });
    return { prepared, statement };
  };
  const tags = (n: number): StateSet => ({
    field: 'version',
    states: Array.from({ length: n }, (_, i) => ({ incarnation: 'a', value: i + 1 })),
  });

  it('prepares a shape once, and gives the same statement for it every time after', () => {
    const { prepared, statement } = counting();
    const first = statement('update', { anyOf: tags(1) });
    expect(statement('update', { anyOf: tags(1) })).toBe(first);
    expect(
      statement('update', { exists: true, anyOf: { field: 'version', states: [{ incarnation: null, value: 7 }] } }),
    ).toBe(first);
    expect(prepared).toEqual(['update version:true - false']);
  });

  it('keeps each shape’s statement, whatever the order the shapes come in', () => {
    const { prepared, statement } = counting();
    const one = statement('update', { anyOf: tags(1) });
    const insert = statement('insert', { exists: false });
    const list = statement('update', { anyOf: tags(2) });
    for (let i = 0; i < 3; i++) {
      expect(statement('insert', { exists: false })).toBe(insert);
      expect(statement('update', { anyOf: tags(1) })).toBe(one);
      expect(statement('update', { anyOf: tags(3) })).toBe(list);
      expect(statement('update', { anyOf: tags(1) })).toBe(one);
    }
    expect(new Set([one, insert, list]).size).toBe(3);
    expect(prepared).toHaveLength(3);
  });

  it('is bounded: If-Match lists of every length from 1 to 256 prepare two statements', () => {
    const { prepared, statement } = counting();
    for (let n = 1; n <= 256; n++) statement('update', { anyOf: tags(n) });
    for (let n = 1; n <= 256; n++) statement('upsert', { noneOf: tags(n) });
    expect(prepared).toEqual([
      'update version:true - false',
      'update version:false - false',
      'upsert - version:true false',
      'upsert - version:false false',
    ]);
  });

  it('holds at most one statement per shape, over every condition a driver can be given', () => {
    const { prepared, statement } = counting();
    for (let round = 0; round < 2; round++) {
      for (const kind of kinds) {
        for (const anyOf of sets()) {
          for (const noneOf of sets()) {
            statement(kind, { ...(anyOf ? { anyOf } : {}), ...(noneOf ? { noneOf } : {}), modifiedAtMost: 5 });
          }
        }
      }
    }
    expect(prepared).toHaveLength(kinds.length * 7 * 7);
    expect(new Set(prepared).size).toBe(prepared.length);
  });
});

describe('writeKind and pinnedVersion', () => {
  it('inserts under exists: false, updates under exists or anyOf, upserts otherwise', () => {
    expect(writeKind({ exists: false })).toBe('insert');
    expect(writeKind({ exists: true })).toBe('update');
    expect(writeKind({ anyOf: { field: 'hash', states: [{ incarnation: null, value: 'h' }] } })).toBe('update');
    expect(writeKind({})).toBe('upsert');
  });

  it('finds the one version a condition pins, and no other', () => {
    const one = { field: 'version' as const, states: [{ incarnation: 'x', value: 3 }] };
    expect(pinnedVersion({ anyOf: one })).toEqual({ incarnation: 'x', version: 3 });
    expect(pinnedVersion({ anyOf: { ...one, states: [...one.states, { incarnation: 'x', value: 4 }] } })).toBe(
      undefined,
    );
    expect(pinnedVersion({ anyOf: { field: 'modifiedAt', states: one.states } })).toBe(undefined);
    expect(pinnedVersion({})).toBe(undefined);
  });

  it('refuses to pin a version one more than which is no longer exact (2^53 − 1 and beyond)', () => {
    const at = (value: number) => ({ anyOf: { field: 'version' as const, states: [{ incarnation: null, value }] } });
    expect(pinnedVersion(at(Number.MAX_SAFE_INTEGER - 1))).toEqual({
      incarnation: null,
      version: Number.MAX_SAFE_INTEGER - 1,
    });
    for (const value of [Number.MAX_SAFE_INTEGER, 2 ** 53, 1e308, Number.POSITIVE_INFINITY, 2.5]) {
      expect(() => pinnedVersion(at(value))).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    }
  });
});

describe('a version that cannot count on (2^53, which only another writer can have set)', () => {
  it('refuses update() before its change runs, and a put core settles on the record it read', async () => {
    const records = new Map<string, DriverRecord<{ n: number }, string>>();
    const memory = createMemoryStore<{ n: number }, string>({ records });
    await memory.create('k', { n: 1 });
    const [id] = [...records.keys()];
    const stored = id === undefined ? undefined : records.get(id);
    if (id === undefined || stored === undefined) throw new Error('the record is stored');
    records.set(id, { ...stored, version: 2 ** 53 });
    // One more than 2^53 is 2^53: the version would not move, and both updates would win.
    let changes = 0;
    const change = (value: { n: number }) => {
      changes++;
      return { n: value.n + 1 };
    };
    const both = await Promise.allSettled([
      memory.update('k', change, UNCONDITIONAL),
      memory.update('k', change, UNCONDITIONAL),
    ]);
    expect(both).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'INVALID_VALUE' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'INVALID_VALUE' }) },
    ]);
    expect(changes).toBe(0);
    // A driver that refuses first (as one that reads to decide does): core pins the retry to the record read.
    const inner = driverOf(memory);
    if (inner === undefined) throw new Error('the memory store has a driver');
    let refused = false;
    const settling = defineStore<{ n: number }, string>({
      ...inner,
      async write(key, write, condition) {
        if (refused) return inner.write(key, write, condition);
        refused = true;
        return { ok: false, current: await inner.read(key) };
      },
    });
    await expect(settling.put('k', { n: 5 }, UNCONDITIONAL)).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(records.get(id)).toMatchObject({ version: 2 ** 53, value: { n: 1 } });
  });
});

describe('the incarnation a write carries', () => {
  /** A memory store whose driver records the incarnation of every write it is given. */
  const recorded = (records = new Map<string, DriverRecord<{ n: number }, string>>()) => {
    const inner = driverOf(createMemoryStore<{ n: number }, string>({ records }));
    if (inner === undefined) throw new Error('the memory store has a driver');
    const incarnations: string[] = [];
    const store = defineStore<{ n: number }, string>({
      ...inner,
      write(key, write, condition) {
        incarnations.push(write.incarnation);
        return inner.write(key, write, condition);
      },
    });
    return { store, incarnations };
  };

  it('is drawn for a write that may create, and empty for one that cannot', async () => {
    const { store, incarnations } = recorded();
    const created = await store.create('a', { n: 1 });
    const upserted = await store.put('b', { n: 1 }, UNCONDITIONAL);
    if (!created.ok || !upserted.ok) throw new Error('expected both writes to succeed');
    await store.put('a', { n: 2 }, { etagIn: [created.record.etag] });
    await store.put('a', { n: 3 }, { exists: true });
    await store.update('b', ({ n }) => ({ n: n + 1 }), UNCONDITIONAL);
    expect(incarnations.map((id) => id.length)).toEqual([11, 11, 0, 0, 0]);
  });

  it('never makes an update of a record stored with an empty incarnation count as a create', async () => {
    const records = new Map([
      ['"a"', { key: 'a', value: { n: 1 }, version: 3, modifiedAt: 1, incarnation: '', hash: null }],
    ]);
    const { store } = recorded(records);
    const outcome = await store.update('a', ({ n }) => ({ n: n + 1 }), UNCONDITIONAL);
    expect(outcome).toMatchObject({ ok: true, created: false, record: { value: { n: 2 }, version: 4 } });
  });
});

describe('storedTime', () => {
  it('reads milliseconds from whatever a driver hands back as a number', () => {
    expect(storedTime(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(storedTime(1_700_000_000_000n)).toBe(1_700_000_000_000);
    expect(storedTime(new Date(1_700_000_000_000))).toBe(1_700_000_000_000);
    expect(storedTime(0)).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['NULL', null],
    ['an ISO string (another writer’s)', '2024-05-01T10:00:00Z'],
    ['digits as a string', '1700000000000'],
    ['a boolean', true],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an object', { at: 1 }],
    ['an array of one number', [1_700_000_000_000]],
    ['bytes', new Uint8Array([5])],
  ])('reads %s as no time', (_what, value) => {
    expect(storedTime(value)).toBeNull();
  });
});

describe('checkMembers', () => {
  const columns = ['title', 'count', 'details'];
  const rules = (order?: readonly string[]) => ({
    noun: 'column',
    isMember: (name: string) => columns.includes(name),
    keyPart: (name: string, key: unknown) => (name === 'id' ? key : undefined),
    ...(order === undefined ? {} : { order }),
  });
  const verdict = (value: unknown, order?: readonly string[]) => {
    try {
      checkMembers(value, rules(order), 'k');
      return 'accepted';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  };

  it('accepts a value whose keys are the members in order, and refuses one with another member', () => {
    expect(verdict({ title: 't', count: 1, details: null }, columns)).toBe('accepted');
    expect(verdict({ title: 't', count: 1, other: null }, columns)).toBe('INVALID_VALUE');
    expect(verdict({ title: 't', count: 1, details: null, other: 1 }, columns)).toBe('INVALID_VALUE');
    // Not an object of members, whatever its keys: an array whose indexes would be the order.
    expect(verdict(['a', 'b', 'c'], ['0', '1', '2'])).toBe('INVALID_VALUE');
  });

  it('decides as the member-by-member check does, with or without the order', () => {
    const name = fc.constantFrom('title', 'count', 'details', 'id', 'other', '0', '__proto__', 'constructor');
    const member = fc.constantFrom(undefined, null, 1, 'k', 'x');
    const value = fc.oneof(
      fc.dictionary(name, member, { maxKeys: 6 }),
      fc.uniqueArray(name, { maxLength: 5 }).map((names) => Object.fromEntries(names.map((n) => [n, 1]))),
      fc.constant(Object.create({ inherited: 1 }, { title: { value: 't', enumerable: true } })),
      fc.constantFrom(null, 'text', 5, ['title'], new Uint8Array(1)),
    );
    fc.assert(
      fc.property(value, fc.shuffledSubarray(columns), (v, order) => {
        expect(verdict(v, order)).toBe(verdict(v));
        expect(verdict(v, columns)).toBe(verdict(v));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the store’s clock', () => {
  it('writes whole milliseconds: a fraction is rounded down, and reads back as the time written', async () => {
    const store = createMemoryStore<{ n: number }>({ now: () => 1_700_000_000_000.75 });
    const created = await store.create('k', { n: 1 });
    expect(created.ok && created.record.lastModified).toBe(1_700_000_000_000);
    expect((await store.get('k'))?.lastModified).toBe(1_700_000_000_000);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, '1700000000000', undefined, 2 ** 53, -(2 ** 60), 1e300, 1n])(
    'refuses a clock that returns %s with a TypeError, writing nothing',
    async (time) => {
      const store = createMemoryStore<{ n: number }>({ now: () => time as number });
      await expect(store.create('k', { n: 1 })).rejects.toThrow(TypeError);
      await expect(store.put('k', { n: 1 }, UNCONDITIONAL)).rejects.toThrow(TypeError);
      expect(await store.get('k')).toBeUndefined();
    },
  );
});

describe('a write condition', () => {
  /** `target` with each member behind a getter that counts its reads in `reads`. */
  function counted<T extends object>(target: T, reads: Map<string, number>, prefix: string): T {
    const out = {} as T;
    for (const [name, value] of Object.entries(target)) {
      Object.defineProperty(out, name, {
        enumerable: true,
        get: () => {
          reads.set(`${prefix}${name}`, (reads.get(`${prefix}${name}`) ?? 0) + 1);
          return value;
        },
      });
    }
    return out;
  }

  it.each([
    ['without a secret', undefined],
    ['with a secret', 'a server secret of at least thirty-two bytes!'],
  ])('is read once, each tag once, %s: what is checked is what is compiled', async (_name, secret) => {
    const store = createMemoryStore<{ n: number }>(secret === undefined ? {} : { secret });
    const created = await store.create('k', { n: 1 });
    if (!created.ok) throw new Error('not created');
    const reads = new Map<string, number>();
    const tag = counted(created.record.etag, reads, 'tag.');
    const condition = counted({ etagIn: [tag], etagNotIn: [], unmodifiedSince: 8.64e15 }, reads, '');
    const written = await store.put('k', { n: 2 }, condition);
    expect(written.ok).toBe(true);
    expect(Object.fromEntries(reads)).toEqual({
      etagIn: 1,
      etagNotIn: 1,
      unmodifiedSince: 1,
      'tag.weak': 1,
      'tag.opaque': 1,
    });
  });

  it('whose list changes between reads is compiled as first read: no second read gets past the checks', async () => {
    const store = createMemoryStore<{ n: number }>();
    const created = await store.create('k', { n: 1 });
    if (!created.ok) throw new Error('not created');
    let reads = 0;
    const many = Array.from({ length: 10_000 }, () => ({ weak: false, opaque: 'x' }));
    const condition = {
      get etagIn() {
        return reads++ === 0 ? [created.record.etag] : many;
      },
    };
    expect((await store.put('k', { n: 2 }, condition)).ok).toBe(true);
    expect(reads).toBe(1);
  });

  it.each([
    { etagIn: [{ weak: false, opaque: 'not a tag it issued' }], unmodifiedSince: Number.NaN },
    { etagIn: [{ weak: false, opaque: 'not a tag it issued' }], etagNotIn: 'v1' },
    { etagIn: [{ weak: false, opaque: 'not a tag it issued' }], exists: 'yes' },
  ])('of the wrong shape is a TypeError even when its tags match nothing (%o)', async (condition) => {
    const store = createMemoryStore<{ n: number }>();
    await store.create('k', { n: 1 });
    await expect(store.put('k', { n: 2 }, condition as never)).rejects.toThrow(TypeError);
    expect((await store.get('k'))?.value).toEqual({ n: 1 });
  });
});
