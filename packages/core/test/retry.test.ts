import { describe, expect, it } from 'vitest';
import { CONFLICT, IfMatchError, retryOnConflict } from '../src/index.js';
import { backoffDelay } from '../src/retry.js';

describe('retryOnConflict', () => {
  it('retries only on CONFLICT and returns the first other result', async () => {
    const attempts: number[] = [];
    const result = await retryOnConflict(
      async (attempt) => {
        attempts.push(attempt);
        return attempt < 3 ? CONFLICT : 'done';
      },
      { baseDelayMs: 0 },
    );
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after the bounded number of attempts', async () => {
    let calls = 0;
    const failing = retryOnConflict(
      async () => {
        calls++;
        return CONFLICT;
      },
      { attempts: 4, baseDelayMs: 0 },
    );
    await expect(failing).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED' });
    expect(calls).toBe(4);
  });

  it('never retries an error', async () => {
    let calls = 0;
    const boom = new IfMatchError('TRANSPORT', 'connection lost');
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const pending = retryOnConflict(async () => CONFLICT, { baseDelayMs: 10_000, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('validates its bounds', async () => {
    await expect(retryOnConflict(async () => 1, { attempts: 0 })).rejects.toThrow(TypeError);
  });
});

describe('backoffDelay', () => {
  it('stays below an exponentially growing, capped ceiling', () => {
    for (let i = 0; i < 200; i++) {
      expect(backoffDelay(1, { baseDelayMs: 10, maxDelayMs: 1000 })).toBeLessThan(10);
      expect(backoffDelay(4, { baseDelayMs: 10, maxDelayMs: 1000 })).toBeLessThan(80);
      expect(backoffDelay(30, { baseDelayMs: 10, maxDelayMs: 1000 })).toBeLessThan(1000);
    }
  });
});
