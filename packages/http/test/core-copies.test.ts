import { createMemoryStore, IfMatchError, type Store } from '@ifmatch/core';
import { createResource } from '@ifmatch/http';
import { describe, expect, it } from 'vitest';

describe('errors from another installed copy of @ifmatch/core', () => {
  it('are still answered by their code (a transport error is 503, not 500)', async () => {
    // A second copy of core's errors module, as npm installs when two packages pin different versions.
    const specifier = '../../core/src/errors.ts?another-copy';
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('../../core/src/errors.js');
    // Really another copy: another class, whose errors this copy's `instanceof` does not recognise.
    expect(copy.IfMatchError).not.toBe(IfMatchError);
    expect(new copy.IfMatchError('TRANSPORT', 'x')).not.toBeInstanceOf(IfMatchError);
    const inner = createMemoryStore<unknown, string>();
    const failing = (code: 'TRANSPORT' | 'OUTCOME_UNKNOWN' | 'INVALID_VALUE'): Store<unknown, string> => ({
      ...inner,
      get: () => Promise.reject(new copy.IfMatchError(code, 'from the other copy')),
      put: () => Promise.reject(new copy.IfMatchError(code, 'from the other copy')),
    });
    const answer = async (code: 'TRANSPORT' | 'OUTCOME_UNKNOWN' | 'INVALID_VALUE', method: 'GET' | 'PUT') => {
      const items = createResource({ store: failing(code), onError: () => {} });
      const request =
        method === 'GET'
          ? new Request('http://x/items/a')
          : new Request('http://x/items/a', {
              method: 'PUT',
              headers: { 'If-Match': '*', 'Content-Type': 'application/json' },
              body: '{}',
            });
      return (await items.handle(request, 'a')).status;
    };
    expect(await answer('TRANSPORT', 'GET')).toBe(503);
    expect(await answer('OUTCOME_UNKNOWN', 'PUT')).toBe(504);
    expect(await answer('INVALID_VALUE', 'PUT')).toBe(422);
  });
});
