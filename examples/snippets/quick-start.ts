import { UNCONDITIONAL } from '@ifmatch/core';
import { createDefaultTable, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';

type Note = { text: string; pinned: boolean };

const db = new Database(':memory:');
createDefaultTable(db, 'notes'); // id, document (JSON), version, modified_at, incarnation, etag_hash
const notes = createSqliteStore<Note, string>({ db, table: 'notes', documentColumn: 'document' });

// Create only if absent (If-None-Match: *).
const created = await notes.create('n1', { text: 'hello', pinned: false });
if (!created.ok) throw new Error('n1 already exists');
const etag = created.record.etag; // { weak: false, opaque: 'v1.Q2hU8tXa0lE' }: version 1, and a random incarnation

// Someone else writes in between…
await notes.put('n1', { text: 'hello, world', pinned: false }, UNCONDITIONAL);

// …so our write, based on what we read, is refused, with the current record to retry from.
const stale = await notes.put('n1', { text: 'hi', pinned: true }, { etagIn: [etag] });
if (!stale.ok && stale.reason === 'precondition-failed') {
  console.log('conflict; current text is', stale.current.value.text); // "hello, world"
}

// Read, change and write back, retried on conflict only (bounded, with jittered backoff).
const pinned = await notes.update('n1', (note) => ({ ...note, pinned: true }), UNCONDITIONAL);
console.log(pinned.ok && pinned.record.version); // 3
