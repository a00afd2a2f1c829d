/**
 * The backfill loop, written once for every adapter: batches, lanes run side by side,
 * checkpoints, dry runs, progress, stopping. An adapter only reads a batch (`scan`) and
 * writes it (`apply`), each write pinned to the exact state read; the fields to write are
 * `planBackfill`'s.
 *
 * A batch's position is recorded only once the batch is written, so a checkpoint never
 * points past a record the backfill did not handle; resuming re-reads at most one batch per
 * lane, which is harmless: a record brought up to date no longer lacks anything.
 */
import { IfMatchError, isIfMatchError } from '../errors.js';
import { sleep } from '../retry.js';
import { wholeMilliseconds } from '../store/clock.js';
import { createStrategy, type StrategyName } from '../strategies/strategy.js';
import {
  addCounts,
  type BackfillCheckpoint,
  type BackfillCounts,
  type BackfillJson,
  type BackfillLane,
  CHECKPOINT_FORMAT,
  ZERO_COUNTS,
} from './checkpoint.js';
import { type BackfillFields, type BackfillState, planBackfill } from './plan.js';

/** One batch read by a lane: its records (only those lacking a system field) and the position after it. */
export interface BackfillPage<R> {
  readonly records: readonly R[];
  /** The position after this batch (a JSON value: it is saved in checkpoints). */
  readonly next: BackfillJson;
  /** True when the lane has nothing after this batch. */
  readonly done: boolean;
}

/** One record to write, and the fields to set on it. */
export interface BackfillChange<R> {
  readonly record: R;
  readonly fields: BackfillFields;
}

/** What an adapter implements for `runBackfill`. */
export interface BackfillSource<R> {
  /** Names what is backfilled (`postgres:orders`); a checkpoint resumes only the same target. */
  readonly target: string;
  /** Independent scans run side by side (DynamoDB's parallel segments); 1 for a keyset scan. */
  readonly lanes: number;
  /** Whether the database can pin a write to the content read, so that a hash may be stored. */
  readonly storesHashes: boolean;
  /** How many records lack a system field, for progress; asked only when `onProgress` is given. */
  count(): Promise<number | undefined>;
  /** Reads up to `limit` records lacking a system field, after `after` (null: from the start). */
  scan(lane: number, after: BackfillJson, limit: number): Promise<BackfillPage<R>>;
  /**
   * The record's key, system fields and value. It may throw for a record it cannot read (a
   * number the driver cannot convert, say): that record is a failure of the run (its key
   * unknown, so the message should name it), not the end of it.
   */
  stateOf(record: R): BackfillState;
  /**
   * Writes each change, pinned to the exact state read: its key, every system field
   * (null-safe) and, when a hash is set, its content. Returns, per change, whether it was
   * written (false: the record changed in between and was left alone). Throws only for
   * errors of the database (they stop the run).
   */
  apply(changes: readonly BackfillChange<R>[]): Promise<readonly boolean[]>;
}

/** What one batch did, for progress reports. */
export interface BackfillBatch {
  readonly lane: number;
  readonly scanned: number;
  /** Keys brought up to date (in a dry run: that would be). */
  readonly updated: readonly unknown[];
  /** Keys written by someone else since the batch was read: left alone. */
  readonly skipped: readonly unknown[];
  readonly failed: readonly BackfillFailure[];
}

/** A record left alone because its value could not be read (to hash it), with why. */
export interface BackfillFailure {
  readonly key: unknown;
  readonly message: string;
}

/** What `onProgress` receives after every batch. */
export interface BackfillProgress {
  readonly target: string;
  readonly dryRun: boolean;
  /** Records lacking a system field when this run started (an estimate: writers change it), when known. */
  readonly total: number | undefined;
  /** This run's counts. */
  readonly run: BackfillCounts;
  /** The counts since the first run (a resumed checkpoint's included). */
  readonly totals: BackfillCounts;
  /** Where the backfill stands: save it to resume after an interruption. */
  readonly checkpoint: BackfillCheckpoint;
  readonly batch: BackfillBatch;
}

/** Options every adapter's backfill function takes. */
export interface BackfillOptions {
  /** Records per batch, 1 to 1000 (default 250). */
  readonly batchSize?: number;
  /** Where to resume: a checkpoint from an earlier run on the same target. */
  readonly checkpoint?: BackfillCheckpoint;
  /** Reads and reports what would change, writing nothing. */
  readonly dryRun?: boolean;
  /** Stops the run after the batch under way (the report then says `complete: false`). */
  readonly signal?: AbortSignal;
  /** A pause between two batches of a lane, in ms, to spare a busy database (default 0). */
  readonly pauseMs?: number;
  /** Called after every batch, awaited: save `progress.checkpoint` here to resume after a crash. */
  readonly onProgress?: (progress: BackfillProgress) => void | Promise<void>;
  /** The clock for `modifiedAt`, in ms (default `Date.now`); as a store's (`StoreOptions.now`). */
  readonly now?: () => number;
}

/** Options of the adapters that can store hashes. */
export interface BackfillHashOptions {
  /**
   * The store's strategy. Under `'hash'` the backfill also stores each record's content hash
   * (the tag the store serves for it): give the store's `secret` too. The other strategies
   * change nothing here.
   */
  readonly strategy?: StrategyName;
  /** The store's secret, when it has one: the stored hash must be the one the store computes. */
  readonly secret?: string | Uint8Array;
}

/** What a run did, and where it stands. */
export interface BackfillReport {
  readonly target: string;
  readonly dryRun: boolean;
  /** True when every lane reached its end; false when `signal` stopped the run (resume from `checkpoint`). */
  readonly complete: boolean;
  readonly run: BackfillCounts;
  readonly totals: BackfillCounts;
  readonly checkpoint: BackfillCheckpoint;
  /** The first 100 records that could not be handled, with why. */
  readonly failures: readonly BackfillFailure[];
}

/**
 * A backfill that stopped on an error of the database: nothing after `checkpoint` was
 * written, and resuming from it is safe. `code` and `cause` are the error's.
 */
export class BackfillError extends IfMatchError {
  readonly checkpoint: BackfillCheckpoint;
  readonly report: BackfillReport;

  constructor(cause: unknown, report: BackfillReport) {
    const code = isIfMatchError(cause) ? cause.code : 'STORE_ERROR';
    const message = cause instanceof Error ? cause.message : String(cause);
    super(code, `the backfill of ${report.target} stopped: ${message} (resume from its checkpoint)`, { cause });
    this.name = 'BackfillError';
    this.checkpoint = report.checkpoint;
    this.report = report;
  }
}

const MAX_FAILURES = 100;

function checkOptions(options: BackfillOptions & BackfillHashOptions, source: BackfillSource<unknown>): number {
  const batchSize = options.batchSize ?? 250;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new TypeError('batchSize must be a whole number from 1 to 1000');
  }
  const pause = options.pauseMs ?? 0;
  if (!Number.isFinite(pause) || pause < 0) throw new TypeError('pauseMs must be a number ≥ 0');
  const checkpoint = options.checkpoint;
  if (checkpoint !== undefined) {
    if (checkpoint.format !== CHECKPOINT_FORMAT) throw new TypeError('not a backfill checkpoint (use parseCheckpoint)');
    if (checkpoint.target !== source.target) {
      throw new TypeError(`this checkpoint is for ${checkpoint.target}, not ${source.target}`);
    }
    if (checkpoint.lanes.length !== source.lanes) {
      throw new TypeError(`this checkpoint has ${checkpoint.lanes.length} lanes (segments), not ${source.lanes}`);
    }
    if (checkpoint.dryRun && options.dryRun !== true) {
      throw new TypeError('this checkpoint comes from a dry run, which wrote nothing: a real run starts over');
    }
  }
  if (options.strategy === 'hash' && !source.storesHashes) {
    throw new TypeError(`${source.target}: this backfill cannot store hashes (see the adapter's documentation)`);
  }
  return batchSize;
}

/** Runs a backfill over `source`. Adapters call this; users call the adapter's function. */
export async function runBackfill<R>(
  source: BackfillSource<R>,
  options: BackfillOptions & BackfillHashOptions = {},
): Promise<BackfillReport> {
  const batchSize = checkOptions(options, source as BackfillSource<unknown>);
  const dryRun = options.dryRun === true;
  const clock = wholeMilliseconds(options.now ?? Date.now);
  // createStrategy checks the name and the secret where the backfill is configured.
  const strategy = createStrategy(options.strategy ?? 'version', options.secret);
  const hashValue = strategy.hashValue;
  const lanes: BackfillLane[] = options.checkpoint
    ? [...options.checkpoint.lanes]
    : Array.from({ length: source.lanes }, () => ({ after: null, done: false }));
  const earlier = options.checkpoint?.totals ?? ZERO_COUNTS;
  let run: BackfillCounts = ZERO_COUNTS;
  const failures: BackfillFailure[] = [];
  let stopped: { error: unknown } | undefined;

  const checkpoint = (): BackfillCheckpoint => ({
    format: CHECKPOINT_FORMAT,
    target: source.target,
    dryRun,
    lanes: [...lanes],
    totals: addCounts(earlier, run),
  });
  const report = (): BackfillReport => ({
    target: source.target,
    dryRun,
    complete: lanes.every((lane) => lane.done),
    run,
    totals: addCounts(earlier, run),
    checkpoint: checkpoint(),
    failures: [...failures],
  });
  const total = options.onProgress === undefined ? undefined : await source.count();
  const stopping = () => stopped !== undefined || options.signal?.aborted === true;

  const batch = async (index: number, lane: BackfillLane): Promise<void> => {
    const page = await source.scan(index, lane.after, batchSize);
    const now = clock();
    const changes: BackfillChange<R>[] = [];
    /** The key of each change. */
    const keys: unknown[] = [];
    const failed: BackfillFailure[] = [];
    for (const record of page.records) {
      let key: unknown;
      try {
        const state = source.stateOf(record);
        key = state.key;
        const fields = await planBackfill(state, now, hashValue);
        if (fields !== undefined) {
          changes.push({ record, fields });
          keys.push(key);
        }
      } catch (error) {
        failed.push({ key, message: error instanceof Error ? error.message : String(error) });
      }
    }
    const written = dryRun ? changes.map(() => true) : await source.apply(changes);
    const updated = keys.filter((_, i) => written[i] === true);
    const skipped = keys.filter((_, i) => written[i] !== true);
    lanes[index] = { after: page.next, done: page.done };
    run = addCounts(run, {
      scanned: page.records.length,
      updated: updated.length,
      skipped: skipped.length,
      errors: failed.length,
    });
    failures.push(...failed.slice(0, MAX_FAILURES - failures.length));
    const { totals } = report();
    const progress = { target: source.target, dryRun, total, run, totals, checkpoint: checkpoint() };
    await options.onProgress?.({
      ...progress,
      batch: { lane: index, scanned: page.records.length, updated, skipped, failed },
    });
  };

  const runLane = async (index: number): Promise<void> => {
    for (let first = true; !stopping(); first = false) {
      const lane = lanes[index];
      if (lane === undefined || lane.done) return;
      if (!first && options.pauseMs) await sleep(options.pauseMs, options.signal).catch(() => {});
      if (stopping()) return;
      try {
        await batch(index, lane);
      } catch (error) {
        // The first error stops every lane after its batch under way.
        stopped ??= { error };
        return;
      }
    }
  };

  await Promise.all(lanes.map((_, index) => runLane(index)));
  if (stopped !== undefined) throw new BackfillError(stopped.error, report());
  return report();
}
