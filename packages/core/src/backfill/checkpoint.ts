/**
 * Checkpoints: where a backfill stands, as plain JSON the caller can persist (a file, a row)
 * and pass back to resume. One lane per independent scan (DynamoDB's parallel segments; one
 * for the others), each with the position after its last completed batch.
 */

/** A JSON value: what a position is made of, so a checkpoint survives `JSON.stringify`. */
export type BackfillJson =
  | null
  | boolean
  | number
  | string
  | readonly BackfillJson[]
  | { readonly [member: string]: BackfillJson };

/** One scan's position: after `after` (null: from the start), or `done`. */
export interface BackfillLane {
  readonly after: BackfillJson;
  readonly done: boolean;
}

/** How many records a backfill read, brought up to date, left alone, and could not handle. */
export interface BackfillCounts {
  /** Records read that lacked a system field. */
  readonly scanned: number;
  /** Records brought up to date (in a dry run: that would be). */
  readonly updated: number;
  /** Records written by someone else between the backfill's read and its write: left alone. */
  readonly skipped: number;
  /** Records whose value could not be read (to hash it): left alone, listed in `failures`. */
  readonly errors: number;
}

/** Where a backfill stands: JSON to save after each batch and pass back as `checkpoint` to resume. */
export interface BackfillCheckpoint {
  /** The checkpoint's format, so that one from another version of the loop is refused, not misread. */
  readonly format: 'ifmatch-backfill/1';
  /** What was backfilled (`sqlite:orders`, say): a checkpoint resumes only the same target. */
  readonly target: string;
  /** A dry run's checkpoint, which a real run refuses: the dry run changed nothing. */
  readonly dryRun: boolean;
  readonly lanes: readonly BackfillLane[];
  /** The counts since the first run, this checkpoint's runs included. */
  readonly totals: BackfillCounts;
}

/** The format a checkpoint names (`BackfillCheckpoint['format']`). */
export const CHECKPOINT_FORMAT: BackfillCheckpoint['format'] = 'ifmatch-backfill/1';

/** Nothing counted yet. */
export const ZERO_COUNTS: BackfillCounts = Object.freeze({ scanned: 0, updated: 0, skipped: 0, errors: 0 });

/** Two runs' counts together. */
export function addCounts(a: BackfillCounts, b: BackfillCounts): BackfillCounts {
  return {
    scanned: a.scanned + b.scanned,
    updated: a.updated + b.updated,
    skipped: a.skipped + b.skipped,
    errors: a.errors + b.errors,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks a checkpoint read back from storage (`JSON.parse` of a state file, say) and returns
 * it typed; a `TypeError` says what is wrong with it.
 */
export function parseCheckpoint(value: unknown): BackfillCheckpoint {
  if (!isRecord(value) || value.format !== CHECKPOINT_FORMAT) {
    throw new TypeError(`not a backfill checkpoint (format ${CHECKPOINT_FORMAT})`);
  }
  const { target, dryRun, lanes, totals } = value;
  if (typeof target !== 'string' || typeof dryRun !== 'boolean') {
    throw new TypeError('a checkpoint names its target and says whether it is a dry run');
  }
  if (!Array.isArray(lanes) || lanes.length === 0) throw new TypeError('a checkpoint has at least one lane');
  for (const lane of lanes) {
    if (!isRecord(lane) || typeof lane.done !== 'boolean' || !('after' in lane)) {
      throw new TypeError('each lane of a checkpoint has `after` and `done`');
    }
  }
  if (
    !isRecord(totals) ||
    !isCount(totals.scanned) ||
    !isCount(totals.updated) ||
    !isCount(totals.skipped) ||
    !isCount(totals.errors)
  ) {
    throw new TypeError('a checkpoint counts scanned, updated, skipped and errors');
  }
  return value as unknown as BackfillCheckpoint;
}
