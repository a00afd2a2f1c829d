/**
 * `describeStoreContract` registers the whole ifmatch contract for one `Store`
 * implementation. An adapter is done when it passes.
 */
import { type StrategyName, UNCONDITIONAL } from '@ifmatch/core';
import { afterAll, describe, expect, it } from 'vitest';
import { describeConcurrency } from './concurrency.js';
import { describeDriverDifferential } from './driver-differential.js';
import { newKey } from './fixtures.js';
import { describeForeignRecords } from './foreign-records.js';
import { describeLifetime } from './lifetime.js';
import { describeModel } from './model.js';
import { describeSemantics } from './semantics.js';
import { describeStrategy } from './strategies.js';
import type { StoreContractOptions } from './subject.js';
import { describeValues } from './values.js';

export { errorCodeOf, expectValidForSameContentOrStale, freeLoopbackPort, present } from './helpers.js';
export { describeHttpConformance } from './http.js';
export {
  type ConformanceResource,
  type HttpConformanceOptions,
  header,
  type Item as ConformanceItem,
  type RawResponse,
  rawRequest,
  type ServerUnderTest,
} from './http-fixtures.js';
export { type RefusedInFront, refusedInFrontByExpressJson } from './http-in-front.js';
export { describeHttpRobustness, type HttpRobustnessOptions } from './http-robustness.js';
export type {
  ContractDocument,
  ContractSubject,
  PersistedRecord,
  SeedFields,
  StoreContractOptions,
} from './subject.js';

const STRATEGIES: readonly StrategyName[] = ['version', 'timestamp', 'hash'];

/**
 * Registers every contract test. The only way to skip tests is a capability: a strategy
 * missing from `options.capabilities.strategies` skips that strategy's tests, and the
 * suite then checks that choosing it fails with `NOT_SUPPORTED`.
 */
export function describeStoreContract(options: StoreContractOptions): void {
  describe(`${options.name}: ifmatch store contract`, () => {
    if (options.teardown) afterAll(options.teardown);

    it('declares the capabilities it was registered with', async () => {
      const subject = await options.createStore({});
      expect(subject.store.capabilities).toEqual(options.capabilities);
      expect(await subject.store.delete(newKey(), UNCONDITIONAL)).toEqual({ ok: false, reason: 'not-found' });
    });

    describe('driver', () => describeDriverDifferential(options));

    for (const strategy of STRATEGIES) {
      if (!options.capabilities.strategies.includes(strategy)) {
        it(`refuses the ${strategy} strategy with NOT_SUPPORTED`, async () => {
          await expect(Promise.resolve().then(() => options.createStore({ strategy }))).rejects.toMatchObject({
            code: 'NOT_SUPPORTED',
          });
        });
        continue;
      }
      describe(`${strategy} strategy`, () => {
        describe('semantics', () => describeSemantics(options, { strategy }));
        describe('values and keys', () => describeValues(options, { strategy }));
        describe('tags', () => describeStrategy(options, { strategy }));
        describe('lifetime', () => describeLifetime(options, { strategy }));
        describe('records the store did not write', () => describeForeignRecords(options, { strategy }));
        describe('model', () => describeModel(options, strategy));
        describe('concurrency', () => describeConcurrency(options, { strategy }));
      });
    }
  });
}
