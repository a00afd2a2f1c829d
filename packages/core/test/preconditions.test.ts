import { describe, expect, it } from 'vitest';
import {
  type Decision,
  evaluatePreconditions,
  formatHttpDate,
  type PreconditionPolicy,
  preconditionsToWriteCondition,
  readPreconditions,
  type TargetState,
} from '../src/index.js';

const MODIFIED = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
const current: TargetState = { exists: true, etag: { weak: false, opaque: 'v2' }, lastModified: MODIFIED };
const absent: TargetState = { exists: false };
const BEFORE = formatHttpDate(MODIFIED - 60_000);
const SAME_SECOND = formatHttpDate(MODIFIED);
const AFTER = formatHttpDate(MODIFIED + 60_000);

function decide(
  method: string,
  headers: Record<string, string>,
  target: TargetState = current,
  policy?: PreconditionPolicy,
): Decision['outcome'] {
  return evaluatePreconditions(method, headers, target, policy).outcome;
}

describe('evaluatePreconditions (RFC 9110 §13.2.2)', () => {
  describe('If-Match', () => {
    it('proceeds when a listed tag matches strongly', () => {
      expect(decide('PUT', { 'if-match': '"v1", "v2"' })).toBe('proceed');
    });
    it('fails on a stale tag', () => {
      expect(decide('PUT', { 'if-match': '"v1"' })).toBe('precondition-failed');
    });
    it('fails on a weak tag even with the same opaque part', () => {
      expect(decide('PUT', { 'if-match': 'W/"v2"' })).toBe('precondition-failed');
    });
    it('* proceeds when the resource exists and fails when it does not', () => {
      expect(decide('PUT', { 'if-match': '*' })).toBe('proceed');
      expect(decide('PUT', { 'if-match': '*' }, absent)).toBe('precondition-failed');
    });
    // §13.2.1: the caller answers 404 first when that is what the request gets without
    // preconditions (a GET of a missing resource); for a PUT that would create, it is a 412.
    it('fails for a missing resource', () => {
      expect(decide('PUT', { 'if-match': '"v2"' }, absent)).toBe('precondition-failed');
    });
    it('fails when malformed (it matches nothing)', () => {
      expect(decide('PUT', { 'if-match': 'v2' })).toBe('precondition-failed');
    });
    it('takes precedence over If-Unmodified-Since', () => {
      expect(decide('PUT', { 'if-match': '"v2"', 'if-unmodified-since': BEFORE })).toBe('proceed');
    });
    it('is evaluated before If-None-Match', () => {
      const decision = evaluatePreconditions('GET', { 'if-match': '"v1"', 'if-none-match': '"v2"' }, current);
      expect(decision).toEqual({ outcome: 'precondition-failed', status: 412, header: 'If-Match' });
    });
  });

  describe('If-Unmodified-Since', () => {
    it('proceeds when not modified since (same second included)', () => {
      expect(decide('DELETE', { 'if-unmodified-since': SAME_SECOND })).toBe('proceed');
      expect(decide('DELETE', { 'if-unmodified-since': AFTER })).toBe('proceed');
    });
    it('fails when modified since', () => {
      expect(decide('DELETE', { 'if-unmodified-since': BEFORE })).toBe('precondition-failed');
    });
    it('is ignored when the date is invalid or the resource has no date', () => {
      expect(decide('DELETE', { 'if-unmodified-since': 'not a date' })).toBe('proceed');
      expect(decide('DELETE', { 'if-unmodified-since': BEFORE }, { exists: true })).toBe('proceed');
    });
  });

  describe('If-None-Match', () => {
    it('answers 304 to a GET or HEAD whose tag matches, weakly', () => {
      expect(decide('GET', { 'if-none-match': 'W/"v2"' })).toBe('not-modified');
      expect(decide('HEAD', { 'if-none-match': '"v1", "v2"' })).toBe('not-modified');
    });
    it('fails a write whose tag matches', () => {
      expect(decide('PUT', { 'if-none-match': '"v2"' })).toBe('precondition-failed');
    });
    it('* fails when the resource exists (create-only) and proceeds when it does not', () => {
      expect(decide('PUT', { 'if-none-match': '*' })).toBe('precondition-failed');
      expect(decide('PUT', { 'if-none-match': '*' }, absent)).toBe('proceed');
      expect(decide('GET', { 'if-none-match': '*' })).toBe('not-modified');
    });
    it('proceeds when no tag matches', () => {
      expect(decide('GET', { 'if-none-match': '"v1"' })).toBe('proceed');
    });
    it('when malformed, is ignored on GET and fails a write', () => {
      expect(decide('GET', { 'if-none-match': 'v2' })).toBe('proceed');
      expect(decide('PUT', { 'if-none-match': 'v2' }, absent)).toBe('precondition-failed');
    });
    it('takes precedence over If-Modified-Since', () => {
      expect(decide('GET', { 'if-none-match': '"v1"', 'if-modified-since': AFTER })).toBe('proceed');
    });
  });

  describe('If-Modified-Since', () => {
    it('answers 304 when not modified since', () => {
      expect(decide('GET', { 'if-modified-since': SAME_SECOND })).toBe('not-modified');
    });
    it('proceeds when modified since', () => {
      expect(decide('GET', { 'if-modified-since': BEFORE })).toBe('proceed');
    });
    it('applies to GET and HEAD only', () => {
      expect(decide('PUT', { 'if-modified-since': AFTER })).toBe('proceed');
    });
    it('is ignored when the date is invalid', () => {
      expect(decide('GET', { 'if-modified-since': 'Sun, 06 Nov 1994 08:49:37 XYZ' })).toBe('proceed');
    });
  });

  describe('policy', () => {
    const strict: PreconditionPolicy = { requireFor: ['PUT', 'PATCH', 'DELETE'] };
    it('answers 428 to a write with neither If-Match nor If-None-Match', () => {
      expect(evaluatePreconditions('PUT', {}, current, strict)).toEqual({
        outcome: 'precondition-required',
        status: 428,
      });
      expect(decide('DELETE', { 'if-unmodified-since': AFTER }, current, strict)).toBe('precondition-required');
    });
    it('can answer 400 instead', () => {
      const decision = evaluatePreconditions('PATCH', {}, current, {
        ...strict,
        missingStatus: 400,
      });
      expect(decision).toEqual({ outcome: 'precondition-required', status: 400 });
    });
    it('lets other methods and preconditioned writes through', () => {
      expect(decide('GET', {}, current, strict)).toBe('proceed');
      expect(decide('POST', {}, current, strict)).toBe('proceed');
      expect(decide('PUT', { 'if-match': '*' }, current, strict)).toBe('proceed');
    });
    it('can refuse malformed fields with 400', () => {
      const decision = evaluatePreconditions('GET', { 'if-none-match': 'nope' }, current, {
        malformedStatus: 400,
      });
      expect(decision).toMatchObject({ outcome: 'bad-request', status: 400, header: 'If-None-Match' });
    });
  });

  it('reads headers from a Fetch Headers object, joining repeated fields', () => {
    const headers = new Headers();
    headers.append('If-None-Match', '"v1"');
    headers.append('If-None-Match', '"v2"');
    expect(evaluatePreconditions('GET', headers, current).outcome).toBe('not-modified');
    expect(decide('GET', { 'if-none-match': ['"v1"', '"v2"'] } as never)).toBe('not-modified');
  });
});

describe('preconditionsToWriteCondition', () => {
  const condition = (headers: Record<string, string>, policy?: PreconditionPolicy) =>
    preconditionsToWriteCondition('PUT', headers, policy);

  it('is unconditional without preconditions', () => {
    expect(condition({})).toEqual({ outcome: 'condition', condition: {} });
  });
  it('maps If-Match to its strong tags', () => {
    expect(condition({ 'if-match': '"a", W/"b", "c"' })).toEqual({
      outcome: 'condition',
      condition: {
        etagIn: [
          { weak: false, opaque: 'a' },
          { weak: false, opaque: 'c' },
        ],
      },
    });
  });
  it('maps If-Match: * to "exists" and If-None-Match: * to "absent"', () => {
    expect(condition({ 'if-match': '*' })).toEqual({ outcome: 'condition', condition: { exists: true } });
    expect(condition({ 'if-none-match': '*' })).toEqual({ outcome: 'condition', condition: { exists: false } });
  });
  it('maps a malformed If-Match or If-None-Match to a condition nothing satisfies', () => {
    expect(condition({ 'if-match': 'bad' })).toEqual({ outcome: 'condition', condition: { etagIn: [] } });
    expect(condition({ 'if-none-match': 'bad' })).toEqual({ outcome: 'condition', condition: { etagIn: [] } });
  });
  it('maps If-None-Match tags to etagNotIn, weak ones included', () => {
    expect(condition({ 'if-none-match': 'W/"a"' })).toEqual({
      outcome: 'condition',
      condition: { etagNotIn: [{ weak: true, opaque: 'a' }] },
    });
  });
  it('maps If-Unmodified-Since to the end of that second, unless If-Match is present', () => {
    expect(condition({ 'if-unmodified-since': SAME_SECOND })).toEqual({
      outcome: 'condition',
      condition: { unmodifiedSince: Math.floor(MODIFIED / 1000) * 1000 + 999 },
    });
    expect(condition({ 'if-match': '*', 'if-unmodified-since': SAME_SECOND })).toEqual({
      outcome: 'condition',
      condition: { exists: true },
    });
  });
  it('makes If-Match with If-None-Match: * unsatisfiable', () => {
    expect(condition({ 'if-match': '*', 'if-none-match': '*' })).toEqual({
      outcome: 'condition',
      condition: { exists: true, etagIn: [] },
    });
  });
  it('applies the same policy as the decision table', () => {
    expect(condition({}, { requireFor: ['PUT'] })).toEqual({ outcome: 'precondition-required', status: 428 });
    expect(condition({ 'if-match': 'x' }, { malformedStatus: 400 })).toMatchObject({
      outcome: 'bad-request',
      header: 'If-Match',
    });
  });
});

describe('readPreconditions', () => {
  it('parses the four fields, dropping an invalid date', () => {
    expect(
      readPreconditions({
        'if-match': '"a"',
        'if-none-match': '*',
        'if-modified-since': SAME_SECOND,
        'if-unmodified-since': 'garbage',
      }),
    ).toEqual({
      ifMatch: { kind: 'tags', tags: [{ weak: false, opaque: 'a' }] },
      ifNoneMatch: { kind: 'any' },
      ifModifiedSince: Math.floor(MODIFIED / 1000) * 1000,
      ifUnmodifiedSince: undefined,
    });
  });
});
