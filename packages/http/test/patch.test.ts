import { applyJsonPatch, applyMergePatch, isHttpProblem, parseJsonPatch } from '@ifmatch/http';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../src/json.js';
import { parseJsonPointer } from '../src/patch/json-pointer.js';

/** The status of the HttpProblem `run` throws. */
function statusOf(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (isHttpProblem(error)) return error.problem.status;
    throw error;
  }
  return undefined;
}

describe('JSON Merge Patch (RFC 7396)', () => {
  // Appendix A, every example: target, patch, result.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('appendix A: %j patched with %j is %j', (target, patch, result) => {
    const before = JSON.stringify(target);
    expect(applyMergePatch(target, patch)).toEqual(result);
    expect(JSON.stringify(target)).toBe(before); // the target is not modified
  });

  describe('when a member is named __proto__, constructor or prototype', () => {
    it('is an own data member, never a prototype change', () => {
      const patch = parseJson('{"__proto__": {"status": "shipped"}, "constructor": {"prototype": {"x": 1}}}');
      const result = applyMergePatch({ status: 'open' }, patch) as Record<string, unknown>;
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(Object.keys(result)).toEqual(['status', '__proto__', 'constructor']);
      expect(result.status).toBe('open');
      expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ status: 'shipped' });
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(({} as Record<string, unknown>).status).toBeUndefined();
    });

    it('is removed by null like any member', () => {
      const target = parseJson('{"__proto__": {"a": 1}, "b": 2}');
      expect(Object.keys(applyMergePatch(target, parseJson('{"__proto__": null}')) as object)).toEqual(['b']);
    });
  });

  it('refuses a patch nested past its bound with a 422, not a stack overflow', () => {
    let patch: unknown = 1;
    for (let i = 0; i < 100_000; i++) patch = { a: patch };
    expect(statusOf(() => applyMergePatch({}, patch))).toBe(422);
  });
});

describe('JSON Pointer (RFC 6901)', () => {
  it.each([
    ['', []],
    ['/foo', ['foo']],
    ['/foo/0', ['foo', '0']],
    ['/', ['']],
    ['/a~1b', ['a/b']],
    ['/m~0n', ['m~n']],
    ['/~01', ['~1']],
  ])('%j is %j', (pointer, tokens) => {
    expect(parseJsonPointer(pointer)).toEqual(tokens);
  });

  it.each(['foo', '/~2', '/a~'])('%j is not a pointer', (pointer) => {
    expect(parseJsonPointer(pointer)).toBeUndefined();
  });
});

describe('JSON Patch (RFC 6902)', () => {
  // Appendix A: the examples that succeed, with their target, patch and result.
  it.each([
    [
      'A.1 adding an object member',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { baz: 'qux', foo: 'bar' },
    ],
    [
      'A.2 adding an array element',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    [
      'A.4 removing an array element',
      { foo: ['bar', 'qux', 'baz'] },
      [{ op: 'remove', path: '/foo/1' }],
      { foo: ['bar', 'baz'] },
    ],
    [
      'A.5 replacing a value',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 moving an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    [
      'A.10 adding a nested member object',
      { foo: 'bar' },
      [{ op: 'add', path: '/child', value: { grandchild: {} } }],
      { foo: 'bar', child: { grandchild: {} } },
    ],
    [
      'A.11 ignoring unrecognized elements',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
      { foo: 'bar', baz: 'qux' },
    ],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    [
      'A.16 adding an array value',
      { foo: ['bar'] },
      [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
      { foo: ['bar', ['abc', 'def']] },
    ],
    ['copy', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: [2] }], [2]],
  ])('%s', (_name, target, patch, result) => {
    const before = JSON.stringify(target);
    expect(applyJsonPatch(target, patch)).toEqual(result);
    expect(JSON.stringify(target)).toBe(before);
  });

  // Appendix A: the examples that must fail, and none of the patch applies.
  it.each([
    ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 409],
    ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 409],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 409],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 0 }], 409],
    ['a leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], 409],
    ['removing what is absent', { a: 1 }, [{ op: 'remove', path: '/b' }], 409],
    ['an unknown op', { a: 1 }, [{ op: 'merge', path: '/a' }], 400],
    ['a missing value', { a: 1 }, [{ op: 'add', path: '/b' }], 400],
    ['a path that is not a pointer', { a: 1 }, [{ op: 'add', path: 'b', value: 1 }], 400],
    ['moving a value into itself', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b' }], 400],
    ['a document that is not an array', { a: 1 }, { op: 'add', path: '/b', value: 1 }, 400],
  ])('%s is refused (%#)', (_name, target, patch, status) => {
    const before = JSON.stringify(target);
    expect(statusOf(() => applyJsonPatch(target, patch))).toBe(status);
    expect(JSON.stringify(target)).toBe(before);
  });

  it('A.13: a repeated "op" member is refused when the body is parsed (400), not read as its last value', () => {
    expect(statusOf(() => parseJson('[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]'))).toBe(400);
  });

  it('applies all operations or none: a failing test at the end leaves the target as it was', () => {
    const target = { a: 1 };
    const patch = [
      { op: 'replace', path: '/a', value: 2 },
      { op: 'test', path: '/a', value: 3 },
    ];
    expect(statusOf(() => applyJsonPatch(target, patch))).toBe(409);
    expect(target).toEqual({ a: 1 });
  });

  it('can be applied twice from the same document (the store may retry an update)', () => {
    const patch = parseJsonPatch([
      { op: 'add', path: '/x', value: { n: 1 } },
      { op: 'replace', path: '/x/n', value: 2 },
    ]);
    expect(applyJsonPatch({}, patch)).toEqual({ x: { n: 2 } });
    expect(applyJsonPatch({}, patch)).toEqual({ x: { n: 2 } });
  });

  describe('when a path names __proto__, constructor or prototype', () => {
    it('reaches only own members: /constructor/prototype does not exist on a plain object (409)', () => {
      expect(
        statusOf(() => applyJsonPatch({}, [{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }])),
      ).toBe(409);
      expect(statusOf(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 1 }]))).toBe(409);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('adds __proto__ as an own data member, never as a prototype', () => {
      const result = applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/__proto__', value: { admin: true } }]) as Record<
        string,
        unknown
      >;
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(result.admin).toBeUndefined();
      expect(Object.keys(result)).toEqual(['a', '__proto__']);
    });
  });

  it('bounds the work of a patch that doubles the document with every copy (422)', () => {
    const patch = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '', path: `/n${i}` }));
    expect(statusOf(() => applyJsonPatch({ seed: 'x'.repeat(10) }, patch))).toBe(422);
  });
});
