/**
 * What a backfill writes into a record no store has written yet: the decisions, made once for
 * every adapter. The rule they keep: after a backfill every record is still served with a
 * valid tag, no write is lost, and no tag handed out before is valid for other content.
 *
 * | field | missing becomes | why it is safe |
 * |---|---|---|
 * | version | 0 | the store already serves such a record as version 0 (`"v0"`): storing 0 changes no tag, so `"v0"` keeps meaning this content. 1 would make every `"v0"` stale for nothing. |
 * | modifiedAt | the backfill's clock | no earlier date is known, and a later one is the safe side: caches revalidate, an older `If-Unmodified-Since` fails instead of passing. A timestamp tag moves from `"t0"` to the new time: `"t0"` becomes stale, never valid for other content. |
 * | incarnation | stays missing | it means "created by a store" (core tells a create from an update by it); a record created before the store has none and its tags carry none, so keeping none keeps every version tag valid. |
 * | hash (hash strategy only) | the hash of the value exactly as the store reads it | it is the tag the store already serves, now stored. The adapter writes it only if the content is still the one hashed, so a stored hash never vouches for other content. |
 *
 * Every write is pinned by the adapter to the exact state read (each system field null-safe,
 * and the content when a hash is stored): a record written in between is left alone.
 */

/**
 * A record as a backfill read it. Fields the store reads as missing are `null`: absent, NULL,
 * or of a type the store does not read (a version that is no number).
 */
export interface BackfillState {
  /** The key, as the store reports keys (for progress and failures). */
  readonly key: unknown;
  readonly version: number | null;
  readonly modifiedAt: number | null;
  readonly hash: string | null;
  /** The value exactly as the store reads it; called only when a hash is to be stored. */
  value(): unknown;
}

/** The system fields a backfill sets on one record; absent members are left as they are. */
export interface BackfillFields {
  readonly version?: number;
  readonly modifiedAt?: number;
  readonly hash?: string;
}

/**
 * The fields to set on `state`, or `undefined` when it lacks none. `hashValue` is the hash
 * strategy's function (with the store's secret), given only when hashes are to be stored.
 */
export async function planBackfill(
  state: BackfillState,
  now: number,
  hashValue: ((value: unknown) => string | Promise<string>) | undefined,
): Promise<BackfillFields | undefined> {
  const fields: { version?: number; modifiedAt?: number; hash?: string } = {};
  if (state.version === null) fields.version = 0;
  if (state.modifiedAt === null) fields.modifiedAt = now;
  if (hashValue !== undefined && state.hash === null) fields.hash = await hashValue(state.value());
  return Object.keys(fields).length === 0 ? undefined : fields;
}
