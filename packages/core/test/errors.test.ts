import { describe, expect, it } from 'vitest';
import { errorGuard, IfMatchError, isIfMatchError } from '../src/index.js';

describe('errorGuard', () => {
  const guard = errorGuard(
    (error, kind) => new IfMatchError(kind === 'write' ? 'OUTCOME_UNKNOWN' : 'TRANSPORT', 'mapped', { cause: error }),
  );

  it('passes results through, sync or async', async () => {
    expect(await guard('read', () => 1)).toBe(1);
    expect(await guard('write', async () => 2)).toBe(2);
  });

  it('maps what an operation throws, with the kind of operation, keeping the cause', async () => {
    const native = new Error('socket closed');
    const read = await guard('read', () => {
      throw native;
    }).catch((error: unknown) => error);
    expect(isIfMatchError(read, 'TRANSPORT')).toBe(true);
    expect((read as IfMatchError).cause).toBe(native);
    const write = await guard('write', async () => Promise.reject(native)).catch((error: unknown) => error);
    expect(isIfMatchError(write, 'OUTCOME_UNKNOWN')).toBe(true);
  });
});
