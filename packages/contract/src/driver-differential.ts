/**
 * The driver-level differential test: random conditions × random stored states, each run
 * through the adapter's own driver (its native SQL, filter or condition expression) and
 * compared with core's reference semantics, `satisfiesCondition`.
 *
 * What a driver must do: never write when the reference says no, write exactly the system
 * fields the contract asks for when it writes, change nothing when it refuses, and decide a
 * condition pinned to one record natively (core's progress depends on it). For any other
 * condition a driver may refuse and hand back the current record (core then pins): that is
 * counted, not failed.
 */
import {
  type DriverCondition,
  type DriverRecord,
  driverOf,
  type StateSet,
  type StoreDriver,
  satisfiesCondition,
  type TagField,
} from '@ifmatch/core/driver';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { present } from './helpers.js';
import type { ContractDocument, ContractSubject, SeedFields, StoreContractOptions } from './subject.js';

const INCARNATIONS = ['AAAAAAAAAAA', 'BBBBBBBBBBB'] as const;
const HASHES = ['h1AAAAAAAAAAAAAAAAAAAA', 'h2BBBBBBBBBBBBBBBBBBBB'] as const;
const VERSIONS = [0, 1, 2] as const;
const TIMES = [1_000, 2_000] as const;
/** Later than every seeded time: a driver that needs `modifiedAt < now` can always write. */
const NOW = 5_000;

export function describeDriverDifferential(options: StoreContractOptions): void {
  const hashes = options.capabilities.strategies.includes('hash');
  const runs = Math.max(30, options.modelRuns ?? 40) * 2;

  const seedFields: fc.Arbitrary<SeedFields> = fc.record(
    {
      version: fc.constantFrom(...VERSIONS),
      modifiedAt: fc.constantFrom(...TIMES),
      incarnation: fc.constantFrom(...INCARNATIONS),
      ...(hashes ? { hash: fc.constantFrom(...HASHES) } : {}),
    },
    { requiredKeys: [] },
  );
  const fields: TagField[] = hashes ? ['version', 'modifiedAt', 'hash'] : ['version', 'modifiedAt'];
  const stateSet: fc.Arbitrary<StateSet> = fc.constantFrom(...fields).chain((field) =>
    fc.record({
      field: fc.constant(field),
      states: fc.uniqueArray(
        fc.record({
          incarnation: field === 'hash' ? fc.constant(null) : fc.constantFrom(null, ...INCARNATIONS),
          value:
            field === 'hash'
              ? fc.constantFrom<number | string>(...HASHES)
              : fc.constantFrom<number | string>(...(field === 'version' ? VERSIONS : [0, ...TIMES])),
        }),
        { minLength: 1, maxLength: 3, selector: (s) => `${s.incarnation}:${s.value}` },
      ),
    }),
  );
  const condition: fc.Arbitrary<DriverCondition> = fc
    .record(
      {
        exists: fc.boolean(),
        anyOf: stateSet,
        noneOf: stateSet,
        modifiedAtMost: fc.constantFrom(500, 1_000, 1_500, 2_500),
      },
      { requiredKeys: [] },
    )
    // Core never sends a condition no record can satisfy: it reads instead.
    .filter((c) => !(c.exists === false && c.anyOf !== undefined));

  /** The stored state as the driver reads it, without the key. */
  const state = (record: DriverRecord<unknown, unknown> | undefined) =>
    record && {
      value: record.value,
      version: record.version,
      modifiedAt: record.modifiedAt,
      incarnation: record.incarnation,
      hash: record.hash,
    };

  const check = async (
    subject: ContractSubject,
    driver: StoreDriver<ContractDocument, string>,
    seeded: SeedFields | undefined,
    c: DriverCondition,
    op: 'write' | 'remove',
  ) => {
    const key = newKey();
    if (seeded !== undefined) await subject.seed(key, doc('seeded', 1), seeded);
    const before = await driver.read(key);
    const expected = satisfiesCondition(c, before);
    const write = {
      value: doc('written', 7),
      hash: hashes ? 'h9ZZZZZZZZZZZZZZZZZZZZ' : null,
      now: NOW,
      strictClock: true,
      incarnation: 'ZZZZZZZZZZZ',
    };
    const outcome = op === 'write' ? await driver.write(key, write, c) : await driver.remove(key, c);
    const after = await driver.read(key);
    const context = JSON.stringify({ op, before: state(before), condition: { ...c, pinned: undefined } });
    if (outcome.ok) {
      expect(expected, `wrote where the reference refuses: ${context}`).toBe(true);
      if (op === 'remove') {
        expect(after, context).toBeUndefined();
        expect(state(outcome.record), context).toEqual(state(before));
      } else {
        const wanted = before
          ? {
              value: write.value,
              version: before.version + 1,
              modifiedAt: Math.max(NOW, (before.modifiedAt ?? 0) + 1),
              incarnation: before.incarnation,
              hash: write.hash,
            }
          : { value: write.value, version: 1, modifiedAt: NOW, incarnation: write.incarnation, hash: write.hash };
        expect(state(after), context).toEqual(wanted);
        expect(state(outcome.record), context).toEqual(wanted);
      }
      return 'decided';
    }
    // Refused: nothing changed, and the current record is the one stored.
    expect(state(after), context).toEqual(state(before));
    expect(state(outcome.current), context).toEqual(state(before));
    if (!expected) return 'decided';
    // Allowed for a condition the driver cannot decide natively, never for a pin.
    expect(c.pinned, `refused a pinned condition that holds: ${context}`).toBeUndefined();
    return 'handed back';
  };

  it(`decides conditions as the reference semantics does (${runs} random conditions × stored states, per operation)`, async () => {
    const subject = await options.createStore({});
    const driver = present(driverOf(subject.store), 'a store built with defineStore');
    const tally = { decided: 0, 'handed back': 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.option(seedFields, { nil: undefined }),
        condition,
        fc.constantFrom('write' as const, 'remove' as const),
        async (seeded, c, op) => {
          // A delete is never satisfied by absence: core always asks for the record.
          const sent = op === 'remove' ? { ...c, exists: true } : c;
          if (op === 'remove' && c.exists === false) return;
          tally[await check(subject, driver, seeded, sent, op)]++;
        },
      ),
      { numRuns: runs, interruptAfterTimeLimit: 60_000 },
    );
    expect(tally.decided).toBeGreaterThan(0);
  }, 120_000);

  it('decides a condition pinned to the record it read, natively, on every stored state', async () => {
    const subject = await options.createStore({});
    const driver = present(driverOf(subject.store), 'a store built with defineStore');
    await fc.assert(
      fc.asyncProperty(seedFields, fc.constantFrom('write' as const, 'remove' as const), async (seeded, op) => {
        const key = newKey();
        await subject.seed(key, doc('seeded', 1), seeded);
        const record = present(await driver.read(key), 'the seeded record');
        const pin: DriverCondition = {
          exists: true,
          anyOf: { field: 'version', states: [{ incarnation: record.incarnation, value: record.version }] },
          pinned: record,
        };
        const write = { value: doc('pinned', 2), hash: null, now: NOW, strictClock: true, incarnation: 'ZZZZZZZZZZZ' };
        const outcome = op === 'write' ? await driver.write(key, write, pin) : await driver.remove(key, pin);
        expect(outcome.ok, JSON.stringify({ op, seeded })).toBe(true);
      }),
      { numRuns: Math.max(20, runs / 4) },
    );
  }, 120_000);
}
