import { describe, expect, it } from 'vitest';
import { errorGuard } from '../src/driver.js';
import { IfMatchError, isIfMatchError } from '../src/index.js';

describe('errorGuard', () => {
  const guard = errorGuard(
    (error, kind) => new IfMatchError(kind === 'write' ? 'OUTCOME_UNKNOWN' : 'TRANSPORT', 'mapped', { cause: error }),
  );

  it('passes a synchronous result through at once, an asynchronous one as its promise', async () => {
    // At once: a driver on a synchronous database answers without a turn of the event loop.
    expect(guard('read', () => 1)).toBe(1);
    const later = guard('write', async () => 2);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(2);
  });

  it('turns what a synchronous operation throws into a rejected promise, never a throw', async () => {
    const answer = guard('read', (): number => {
      throw new Error('disk I/O error');
    });
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toMatchObject({ code: 'TRANSPORT' });
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

  it('passes up to three arguments on to the operation, and maps what it throws the same way', async () => {
    const sum = (a: number, b: string, c: boolean) => `${a}${b}${c}`;
    expect(guard('read', sum, 1, 'b', true)).toBe('1btrue');
    expect(await guard('write', async (key: string) => key.toUpperCase(), 'k')).toBe('K');
    const failing = (key: string): string => {
      throw new Error(`no ${key}`);
    };
    await expect(guard('read', failing, 'k')).rejects.toMatchObject({ code: 'TRANSPORT', cause: { message: 'no k' } });
  });
});

describe('isIfMatchError', () => {
  it('recognises an error from another copy of @ifmatch/core by its brand, not instanceof', async () => {
    // A second copy of the module, as npm installs when two packages pin different versions.
    const specifier = '../src/errors.ts?second-copy'; // a query makes vite load a separate instance
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../src/errors.js');
    expect(copy.IfMatchError).not.toBe(IfMatchError);
    const foreign = new copy.IfMatchError('TRANSPORT', 'from the other copy');
    expect(foreign instanceof IfMatchError).toBe(false);
    expect(isIfMatchError(foreign)).toBe(true);
    expect(isIfMatchError(foreign, 'TRANSPORT')).toBe(true);
    expect(isIfMatchError(foreign, 'THROTTLED')).toBe(false);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an object with only a code', { code: 'TRANSPORT' }],
    ['an object that only looks like one', { name: 'IfMatchError', code: 'TRANSPORT', message: 'x' }],
    ['null', null],
    ['a string', 'TRANSPORT'],
  ])('refuses %s', (_name, candidate) => {
    expect(isIfMatchError(candidate)).toBe(false);
  });

  it('lets an IfMatchError thrown inside errorGuard pass through unmapped', async () => {
    const guard = errorGuard(() => new IfMatchError('STORE_ERROR', 'mapped'));
    const invalid = new IfMatchError('INVALID_VALUE', 'bad value');
    await expect(
      guard('write', () => {
        throw invalid;
      }),
    ).rejects.toBe(invalid);
  });
});
