/**
 * A PATCH applies to the stored value's JSON document, and writes back as stored every part it
 * did not change: a PATCH of one member never turns bytes into an object of indices, a Set
 * into `{}` or a Date into a string. End to end on SQLite (a BLOB column, read back as a
 * Buffer, in a row written by plain SQL and read back the same way), and `keepStored` itself
 * against its invariant: what it returns has exactly the patched document as its JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatEntityTag } from '@ifmatch/core';
import { applyJsonPatch, applyMergePatch, createResource } from '@ifmatch/http';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonRepresentation } from '../src/json-representation.js';
import { keepStored } from '../src/patch/keep-stored.js';

describe('PATCH on a SQLite row with a BLOB (better-sqlite3, a real file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-http-blob-'));
  const db = new Database(join(dir, 'files.db'));
  db.exec('CREATE TABLE files (id TEXT PRIMARY KEY, name TEXT NOT NULL, content BLOB NOT NULL, tags JSON)');
  addSystemColumns(db, 'files');
  const store = createSqliteStore<{ name: string; content: Uint8Array; tags: unknown }, string>({ db, table: 'files' });
  const resource = createResource({ store });
  const BYTES = Buffer.from([0, 1, 2, 250, 255]);
  db.prepare('INSERT INTO files (id, name, content, tags) VALUES (?, ?, ?, ?)').run('f', 'a.bin', BYTES, '["x"]');
  const row = () =>
    db.prepare('SELECT name, content, tags FROM files WHERE id = ?').get('f') as Record<string, unknown>;
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const patch = async (type: string, body: unknown) => {
    const record = await store.get('f');
    if (record === undefined) throw new Error('missing');
    return resource.handle(
      new Request('http://localhost/files/f', {
        method: 'PATCH',
        headers: { 'If-Match': formatEntityTag(record.etag), 'Content-Type': type },
        body: JSON.stringify(body),
      }),
      'f',
    );
  };

  it('a merge patch of the name keeps the bytes as they were', async () => {
    expect((await patch('application/merge-patch+json', { name: 'b.bin' })).status).toBe(200);
    expect(row()).toEqual({ name: 'b.bin', content: BYTES, tags: '["x"]' });
  });

  it('a JSON Patch of the tags keeps the bytes as they were', async () => {
    const response = await patch('application/json-patch+json', [{ op: 'add', path: '/tags/-', value: 'y' }]);
    expect(response.status).toBe(200);
    expect(row()).toEqual({ name: 'b.bin', content: BYTES, tags: '["x","y"]' });
  });
});

describe('keepStored', () => {
  it('puts back what the patch left alone: a Date, a Set, bytes, nested and in arrays', () => {
    const at = new Date(0);
    const tags = new Set(['a']);
    const bytes = new Uint8Array([1, 2]);
    const stored = { title: 't', at, meta: { tags, n: 1 }, list: [bytes, { at }], gone: undefined };
    const document = jsonRepresentation(stored);
    const result = applyMergePatch(document, { title: 'u', meta: { n: 2 } });
    const kept = keepStored(result, document, stored) as typeof stored;
    expect(kept).toEqual({ title: 'u', at, meta: { tags, n: 2 }, list: [bytes, { at }] });
    expect(kept.at).toBe(at);
    expect(kept.meta.tags).toBe(tags);
    expect(kept.list).toBe(stored.list);
    expect(keepStored(document, document, stored)).toBe(stored);
  });

  it('writes what the patch changed as the patch has it, a replaced Date included', () => {
    const stored = { at: new Date(0), n: 1 };
    const document = jsonRepresentation(stored);
    expect(keepStored(applyMergePatch(document, { at: 'soon' }), document, stored)).toEqual({ at: 'soon', n: 1 });
    expect(keepStored(applyMergePatch(document, { at: null }), document, stored)).toEqual({ n: 1 });
  });

  it('matches array items whole once the patch shifted them, so no item takes a neighbour’s types', () => {
    const stored = {
      items: [
        { id: 'a', since: new Date(0) },
        { id: 'b', since: new Date(0).toISOString() },
      ],
    };
    const document = jsonRepresentation(stored);
    const result = applyJsonPatch(document, [{ op: 'remove', path: '/items/0' }]);
    const kept = keepStored(result, document, stored) as typeof stored;
    expect(kept.items).toEqual([{ id: 'b', since: '1970-01-01T00:00:00.000Z' }]);
    expect(typeof kept.items[0]?.since).toBe('string');
    // An item replaced in place, the array's length unchanged: its other members are kept.
    const replaced = keepStored(
      applyJsonPatch(document, [{ op: 'replace', path: '/items/0/id', value: 'z' }]),
      document,
      stored,
    ) as typeof stored;
    expect(replaced.items[0]?.since).toBe(stored.items[0]?.since);
    expect(replaced.items[1]).toBe(stored.items[1]);
  });

  it('does not look into what does not map onto its document: an array with toJSON, a subclass, a getter', () => {
    const reversed = Object.assign([1, 2, 3], { toJSON: () => [3, 2, 1] });
    class Tens extends Array<number> {
      toJSON() {
        return this.map((n) => n * 10);
      }
    }
    let reads = 0;
    const counter = {
      get t() {
        return reads++;
      },
      n: 1,
    };
    for (const stored of [{ list: reversed }, { list: Tens.from([1, 2, 3]) }, counter]) {
      const document = jsonRepresentation(stored);
      const result =
        'list' in stored
          ? applyJsonPatch(document, [{ op: 'replace', path: '/list/0', value: 9 }])
          : applyMergePatch(document, { n: 2 });
      expect(JSON.stringify(keepStored(result, document, stored))).toBe(JSON.stringify(result));
    }
  });

  it('keeps __proto__ a member, never a prototype', () => {
    const stored = JSON.parse('{"__proto__": {"admin": true}, "n": 1}') as Record<string, unknown>;
    const document = jsonRepresentation(stored);
    const kept = keepStored(applyMergePatch(document, { n: 2 }), document, stored) as Record<string, unknown>;
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.hasOwn(kept, '__proto__')).toBe(true);
    expect(JSON.stringify(kept)).toBe('{"__proto__":{"admin":true},"n":2}');
  });

  // Stored values as drivers hand them back: JSON with Dates and bytes in it.
  const stored = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.date({ noInvalidDate: true }),
      fc.uint8Array({ maxLength: 3 }),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__'), tie('value'), { maxKeys: 3 }),
    ),
  })).value;

  it('returns a value whose JSON is exactly the patched document, whatever the value and the merge patch', () => {
    fc.assert(
      fc.property(stored, fc.jsonValue({ maxDepth: 3 }), (value, patch) => {
        const document = jsonRepresentation(value);
        const result = applyMergePatch(document, patch);
        // As JSON text says it (-0 is written 0).
        const asText = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
        expect(asText(jsonRepresentation(keepStored(result, document, value)))).toStrictEqual(asText(result));
      }),
      { numRuns: 500 },
    );
  });
});
