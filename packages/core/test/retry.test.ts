import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFLICT, IfMatchError, retryOnConflict } from '../src/index.js';
import { backoffDelay } from '../src/retry.js';

afterEach(() => {
  vi.restoreAllMocks();
});

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

  it('waits between attempts: half of each doubling ceiling when the jitter draws 0.5', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const started = performance.now();
    const at: number[] = [];
    await retryOnConflict(
      async (attempt) => {
        at.push(performance.now() - started);
        return attempt < 4 ? CONFLICT : 'done';
      },
      { baseDelayMs: 20, maxDelayMs: 50 },
    );
    // Ceilings 20, 40, 50 (capped): waits of 10, 20 and 25 ms.
    const waits = at.slice(1).map((time, i) => time - (at[i] ?? 0));
    expect(waits[0]).toBeGreaterThanOrEqual(9);
    expect(waits[1]).toBeGreaterThanOrEqual(19);
    expect(waits[2]).toBeGreaterThanOrEqual(24);
    expect(at[3]).toBeLessThan(55 + 200); // and not much more: the cap holds
  });

  it('validates its bounds', async () => {
    await expect(retryOnConflict(async () => 1, { attempts: 0 })).rejects.toThrow(TypeError);
  });
});

describe('backoffDelay', () => {
  it.each([
    [1, 10],
    [4, 80],
    [30, 1000],
  ])('after attempt %i, spreads delays over [0, %i): full jitter under the capped ceiling', (attempt, ceiling) => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(attempt, { baseDelayMs: 10, maxDelayMs: 1000 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(ceiling);
    // Spread over the whole range, not stuck at 0 or at the ceiling.
    expect(Math.max(...delays)).toBeGreaterThan(ceiling * 0.9);
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(mean).toBeGreaterThan(ceiling * 0.4);
    expect(mean).toBeLessThan(ceiling * 0.6);
  });

  it('is exactly the jitter times the ceiling', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    expect(backoffDelay(3, { baseDelayMs: 10, maxDelayMs: 1000 })).toBe(10);
    expect(backoffDelay(20, { baseDelayMs: 10, maxDelayMs: 1000 })).toBe(250);
  });
});
