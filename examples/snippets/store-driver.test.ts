/**
 * The README's "Writing an adapter" shows the driver contract as `store-driver.ts`; these are
 * the same types as core's own, so the README cannot drift from the code. `pnpm typecheck`
 * compiles the assertions, and they run as tests too.
 */
import type * as core from '@ifmatch/core/driver';
import { describe, expectTypeOf, it } from 'vitest';
import type { DriverOutcome, DriverRecord, DriverWrite, StoreDriver } from './store-driver.js';

type Value = { title: string };
type Key = { tenant: string; id: number };

describe('the driver contract in the README', () => {
  it('is core’s StoreDriver', () => {
    expectTypeOf<StoreDriver<Value, Key>>().toEqualTypeOf<core.StoreDriver<Value, Key>>();
  });

  it('is core’s DriverRecord, DriverWrite and DriverOutcome', () => {
    expectTypeOf<DriverRecord<Value, Key>>().toEqualTypeOf<core.DriverRecord<Value, Key>>();
    expectTypeOf<DriverWrite<Value>>().toEqualTypeOf<core.DriverWrite<Value>>();
    expectTypeOf<DriverOutcome<Value, Key>>().toEqualTypeOf<core.DriverOutcome<Value, Key>>();
  });
});
