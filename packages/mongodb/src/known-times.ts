/**
 * The modification times of the document states this store last wrote or read. MongoDB's
 * replace cannot compute `max(now, modifiedAt + 1)`, so a pinned write carries "modified no
 * later than now" in its filter, which the server evaluates on every write (some 4% of a
 * replaceOne on the stand-in). That clause is redundant where the store knows the time of the
 * state the write is pinned to, and the time is not after `now`.
 *
 * It knows it because a state is written once: a document's (incarnation, version) is set by
 * exactly one write, conditional on the state before it, and an incarnation is drawn at random
 * for each creation. So the time read or written with a key's state is that state's for as
 * long as the document is in it, in every process, while versions only move forward. (A
 * writer that moves a version back, or leaves one that is no number, which reads as 0 and has
 * the store count from 1 again in the same incarnation, makes an old state, and an old tag,
 * come back: see "Records the store did not write". A write pinned to it then matches, as the
 * tag does, with a time this process remembers from before: the time can go back then.) Kept by key too: a document copied whole under another `_id` shares its states. A
 * state without an incarnation (a document from before the store) or without a version (0) is
 * not unique, and a key that is neither a string, a number nor an ObjectId has no short text
 * to keep it by: none of these is kept.
 *
 * Bounded: two generations of at most `capacity` states each; the older is dropped whole.
 */
export interface KnownTimes {
  /** Keeps the time of a state (nothing without an incarnation or a time). */
  remember(key: unknown, incarnation: string | null, version: number, modifiedAt: number | null): void;
  /** The time of a key's state, if this store wrote or read it lately. */
  timeOf(key: unknown, incarnation: string | null, version: number): number | undefined;
}

export function knownTimes(capacity = 1024): KnownTimes {
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  return {
    remember(key, incarnation, version, modifiedAt) {
      const state = stateOf(key, incarnation, version);
      if (state === undefined || modifiedAt === null) return;
      if (current.size >= capacity) {
        previous = current;
        current = new Map();
      }
      current.set(state, modifiedAt);
    },
    timeOf(key, incarnation, version) {
      const state = stateOf(key, incarnation, version);
      return state === undefined ? undefined : (current.get(state) ?? previous.get(state));
    },
  };
}

/** A key's state as text, or undefined for one not kept (see above). Typed: "3" and 3 are two keys. */
function stateOf(key: unknown, incarnation: string | null, version: number): string | undefined {
  if (incarnation === null || version === 0) return undefined;
  const id =
    typeof key === 'string'
      ? `s${key}`
      : typeof key === 'number'
        ? `n${key}`
        : (key as { _bsontype?: unknown } | null)?._bsontype === 'ObjectId'
          ? `o${String(key)}`
          : undefined;
  return id === undefined ? undefined : `${version}:${incarnation}:${id}`;
}
