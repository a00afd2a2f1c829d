import type { EntityTag } from '../entity-tag.js';

/**
 * A storage-neutral write condition: what must be true of the stored record for a write to
 * happen. Every field present must hold (a conjunction). An adapter compiles it into ONE
 * native conditional write, so the check and the write are atomic in the database.
 *
 * `preconditionsToWriteCondition` builds one from a request; code that is not HTTP builds
 * one directly (`{ etagIn: [record.etag] }` is "unchanged since I read it").
 */
export interface WriteCondition {
  /** `true`: the record must exist. `false`: it must be absent (create-only). */
  readonly exists?: boolean;
  /**
   * The record exists and its tag equals one of these by strong comparison; weak tags never
   * match. An empty list never passes.
   */
  readonly etagIn?: readonly EntityTag[];
  /** The record is absent, or its tag equals none of these by weak comparison. */
  readonly etagNotIn?: readonly EntityTag[];
  /**
   * The record is absent, or it was last modified at or before this time (milliseconds
   * since the epoch, inclusive).
   */
  readonly unmodifiedSince?: number;
}

/** The write happens whatever the record's state: last one wins. */
export const UNCONDITIONAL: WriteCondition = Object.freeze({});
