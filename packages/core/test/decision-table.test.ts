import { describe, expect, it } from 'vitest';
import {
  type Decision,
  evaluatePreconditions,
  type PreconditionPolicy,
  preconditionsToWriteCondition,
  readPreconditions,
  type TargetState,
} from '../src/index.js';

// The whole answer of each step of RFC 9110 §13.2.2, status and header included, and the
// write condition each request becomes: the table a server's responses are built from.
// Dates are written out, not formatted by the code under test.
const MODIFIED = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
const BEFORE = 'Thu, 01 Jan 2026 11:59:00 GMT';
const SAME_SECOND = 'Thu, 01 Jan 2026 12:00:00 GMT';
const current: TargetState = { exists: true, etag: { weak: false, opaque: 'v2' }, lastModified: MODIFIED };
const absent: TargetState = { exists: false };
const ONE_TAG = { maxLength: 8192, maxTags: 1 };

const failed = (header: string): Decision => ({ outcome: 'precondition-failed', status: 412, header }) as Decision;
const notModified = (header: string): Decision => ({ outcome: 'not-modified', status: 304, header }) as Decision;
const proceed: Decision = { outcome: 'proceed' };

describe('evaluatePreconditions: the whole decision', () => {
  it.each<[string, string, Record<string, string>, TargetState, Decision]>([
    ['If-Match matches', 'PUT', { 'if-match': '"v2"' }, current, proceed],
    ['If-Match does not match', 'PUT', { 'if-match': '"v1"' }, current, failed('If-Match')],
    [
      'If-Unmodified-Since is before the change',
      'DELETE',
      { 'if-unmodified-since': BEFORE },
      current,
      failed('If-Unmodified-Since'),
    ],
    ['If-None-Match matches a GET', 'GET', { 'if-none-match': '"v2"' }, current, notModified('If-None-Match')],
    ['If-None-Match matches a HEAD', 'HEAD', { 'if-none-match': 'W/"v2"' }, current, notModified('If-None-Match')],
    ['If-None-Match matches a write', 'PATCH', { 'if-none-match': '"v2"' }, current, failed('If-None-Match')],
    ['If-None-Match: * meets a write', 'PUT', { 'if-none-match': '*' }, current, failed('If-None-Match')],
    [
      'If-Modified-Since is the change',
      'GET',
      { 'if-modified-since': SAME_SECOND },
      current,
      notModified('If-Modified-Since'),
    ],
  ])('when %s (%s), the answer is exact', (_when, method, headers, target, decision) => {
    expect(evaluatePreconditions(method, headers, target)).toStrictEqual(decision);
  });

  describe('when the resource does not exist', () => {
    // §13.1.4: a resource without a modification date ignores If-Unmodified-Since, and a
    // missing one has none, whatever the caller passes.
    it('ignores If-Unmodified-Since even if the caller gives a date', () => {
      const gone = { exists: false, lastModified: MODIFIED };
      expect(evaluatePreconditions('PUT', { 'if-unmodified-since': BEFORE }, gone)).toStrictEqual(proceed);
    });
  });

  describe('when the policy sets parse limits', () => {
    it('is 412 for an If-Match over them (it matches nothing)', () => {
      const headers = { 'if-match': '"v1", "v2"' };
      expect(evaluatePreconditions('PUT', headers, current)).toStrictEqual(proceed);
      expect(evaluatePreconditions('PUT', headers, current, { limits: ONE_TAG })).toStrictEqual(failed('If-Match'));
    });
    it('is 400 for a field over them when malformed fields are refused', () => {
      const policy: PreconditionPolicy = { malformedStatus: 400, limits: ONE_TAG };
      expect(evaluatePreconditions('GET', { 'if-none-match': '"v1", "v2"' }, current, policy)).toStrictEqual({
        outcome: 'bad-request',
        status: 400,
        header: 'If-None-Match',
        reason: 'more than 1 entity tags',
      });
    });
  });

  describe('when the policy requires a precondition', () => {
    const policy: PreconditionPolicy = { requireFor: ['PUT'] };
    it('accepts If-None-Match alone (a create-only PUT)', () => {
      expect(evaluatePreconditions('PUT', { 'if-none-match': '*' }, absent, policy)).toStrictEqual(proceed);
    });
    it('accepts If-Match alone', () => {
      expect(evaluatePreconditions('PUT', { 'if-match': '"v2"' }, current, policy)).toStrictEqual(proceed);
    });
  });
});

describe('preconditionsToWriteCondition: the exact condition', () => {
  // Strict equality: a condition carries only the fields that apply, never `undefined` ones.
  it.each<[string, Record<string, string>, object]>([
    ['no precondition', {}, {}],
    ['If-Match: *', { 'if-match': '*' }, { exists: true }],
    ['If-None-Match: *', { 'if-none-match': '*' }, { exists: false }],
    ['If-Match with a list', { 'if-match': '"a"' }, { etagIn: [{ weak: false, opaque: 'a' }] }],
    ['If-None-Match with a list', { 'if-none-match': '"a"' }, { etagNotIn: [{ weak: false, opaque: 'a' }] }],
    [
      'If-Unmodified-Since',
      { 'if-unmodified-since': SAME_SECOND },
      { unmodifiedSince: Date.UTC(2026, 0, 1, 12) + 999 },
    ],
    ['If-Modified-Since (not for writes)', { 'if-modified-since': SAME_SECOND }, {}],
    // Both must hold at once: a record with tag "a" that does not exist.
    ['If-Match "a" with If-None-Match: *', { 'if-match': '"a"', 'if-none-match': '*' }, { etagIn: [] }],
  ])('for %s', (_for, headers, condition) => {
    expect(preconditionsToWriteCondition('PUT', headers)).toStrictEqual({ outcome: 'condition', condition });
  });

  describe('when the policy requires a precondition', () => {
    it('accepts If-None-Match alone (a create-only PUT)', () => {
      expect(preconditionsToWriteCondition('PUT', { 'if-none-match': '*' }, { requireFor: ['PUT'] })).toStrictEqual({
        outcome: 'condition',
        condition: { exists: false },
      });
    });
  });

  describe('when malformed fields are refused', () => {
    it('is 400 for a malformed If-None-Match', () => {
      expect(preconditionsToWriteCondition('PUT', { 'if-none-match': 'nope' }, { malformedStatus: 400 })).toStrictEqual(
        {
          outcome: 'bad-request',
          status: 400,
          header: 'If-None-Match',
          reason: 'malformed entity tag at position 0',
        },
      );
    });
  });
});

describe('readPreconditions', () => {
  it('leaves out the fields that are absent or not valid dates', () => {
    expect(readPreconditions({})).toStrictEqual({});
    expect(readPreconditions({ 'if-modified-since': 'soon', 'if-unmodified-since': 'later' })).toStrictEqual({});
  });
});
