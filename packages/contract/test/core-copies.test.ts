/**
 * The suite runs against third-party adapters, which may carry another installed copy of
 * `@ifmatch/core` than the suite's: their errors are then instances of another class, and the
 * suite must recognise them by brand and code, as `isIfMatchError` does, never `instanceof`.
 */
import { type ContractDocument, describeStoreContract, errorCodeOf } from '@ifmatch/contract';
import { createMemoryStore, IfMatchError, isIfMatchError } from '@ifmatch/core';
import { canonicalJson, type DriverRecord, defineStore, driverOf, type StoreDriver } from '@ifmatch/core/driver';
import { describe, expect, it } from 'vitest';

// A second copy of core's errors module, as npm installs when two packages pin different versions.
const specifier = '../../core/src/errors.ts?another-copy';
const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../../core/src/errors.js');

/** An error of the other copy, for one of this copy's. */
const fromTheOtherCopy = (error: unknown): unknown =>
  isIfMatchError(error) ? new copy.IfMatchError(error.code, error.message, { cause: error }) : error;

describe('another copy of @ifmatch/core', () => {
  it('is another class, whose errors the suite still recognises by their code', async () => {
    expect(copy.IfMatchError).not.toBe(IfMatchError);
    const error = new copy.IfMatchError('TRANSPORT', 'from the other copy');
    expect(error).not.toBeInstanceOf(IfMatchError);
    expect(await errorCodeOf(Promise.reject(error))).toBe('TRANSPORT');
  });
});

// The reference store, as an adapter built on the other copy would be: every IfMatchError it
// throws (INVALID_VALUE for a value it cannot store) is the other copy's.
const records = new Map<string, DriverRecord<ContractDocument, string>>();
describeStoreContract({
  name: 'memory, with errors from another copy of core',
  capabilities: { strategies: ['version', 'timestamp', 'hash'] },
  modelRuns: 10,
  createStore: (options) => {
    const driver = driverOf(createMemoryStore<ContractDocument, string>({ records })) as StoreDriver<
      ContractDocument,
      string
    >;
    const store = defineStore<ContractDocument, string>(
      {
        ...driver,
        prepareValue(value, key) {
          try {
            return driver.prepareValue(value, key);
          } catch (error) {
            throw fromTheOtherCopy(error);
          }
        },
      },
      options,
    );
    return {
      store,
      inspect: async (key) => records.get(canonicalJson(key)),
      seed: async (key, value, fields) => {
        records.set(canonicalJson(key), {
          key,
          value,
          version: fields.version ?? 0,
          modifiedAt: fields.modifiedAt ?? null,
          incarnation: fields.incarnation ?? null,
          hash: fields.hash ?? null,
        });
      },
    };
  },
});
