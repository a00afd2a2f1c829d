import { present } from '@ifmatch/contract';
import { type Store, UNCONDITIONAL } from '@ifmatch/core';

/** One side-by-side comparison: `subject` against `baseline`, measured in the same run. */
export interface Comparison {
  readonly name: string;
  readonly subject: string;
  readonly baseline: string;
  /** Operations per second. */
  readonly subjectOps: number;
  readonly baselineOps: number;
  /** How the ratio is read, and its target. */
  readonly metric: 'speedup' | 'time-ratio';
  readonly value: number;
  /** The ratio of each round (subject and baseline measured back to back); `value` is their median. */
  readonly rounds?: readonly number[];
  /** Absent for an informational comparison. */
  readonly target?: string | undefined;
  readonly pass?: boolean | undefined;
}

/** A race on one hot key: increments that stuck per second, and how many were lost. */
export interface RaceResult {
  readonly name: string;
  readonly goodput: number;
  readonly lostUpdates: number;
  readonly seconds: number;
}

export interface Pair {
  readonly name: string;
  readonly subject: [string, () => unknown];
  readonly baseline: [string, () => unknown];
  /** `speedup`: subject ops/s ÷ baseline ops/s must be ≥ target. `time-ratio`: subject time ÷ baseline time ≤ target. */
  readonly metric: 'speedup' | 'time-ratio';
  /** Omit for a comparison reported without a target. */
  readonly target?: number;
}

/** How `compare` spends its time. */
export interface CompareOptions {
  /** Paired rounds; a pair's ratio is the median of theirs. */
  readonly rounds?: number;
  /** How long each side of a pair runs in one round. */
  readonly sliceMs?: number;
  /**
   * Both sides of every pair, alternately, for this long before the first round; it also
   * measures each side's rate, which sizes its slices. A server with a JIT of its own
   * (DynamoDB Local and the MongoDB stand-in run on the JVM) still speeds up for seconds, and a
   * round measured while it does compares two moments.
   */
  readonly warmupMs?: number;
}

/**
 * The subject of every database comparison: a put of `next()` under `key` with `If-Match`
 * carrying the tag the previous put returned (one write in flight, each expected to succeed),
 * as a user's handler writes it.
 */
export async function ifMatchPut<T>(
  store: Store<T, string>,
  key: string,
  next: () => T,
): Promise<[string, () => Promise<void>]> {
  let tag = present(await store.get(key)).etag;
  return [
    'store.put with etagIn',
    async () => {
      const outcome = await store.put(key, next(), { etagIn: [tag] });
      if (!outcome.ok) throw new Error('unexpected conflict');
      tag = outcome.record.etag;
    },
  ];
}

/** Runs `fn` `times` times (awaiting it only when it returns a promise); the milliseconds it took. */
async function timed(fn: () => unknown, times: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) {
    const result = fn();
    if (result instanceof Promise) await result;
  }
  return performance.now() - started;
}

/**
 * Measures each pair in many short paired rounds: in a round, each side runs for one slice
 * (a number of calls fixed from its warm-up rate, so no clock is read per call), the order
 * alternating, and the round's ratio is of those two slices. Both sides of a round share the
 * machine's state of the moment (another process, a WAL checkpoint, the emulator's garbage
 * collector), which a ratio of two separate medians would not cancel; and the median of many
 * rounds moves far less from one run to the next than that of a few long ones, whose spread is
 * that of the pauses each happened to catch. The ops/s shown are each side's median.
 */
export async function compare(pairs: readonly Pair[], options: CompareOptions = {}): Promise<Comparison[]> {
  const { rounds = 41, sliceMs = 60, warmupMs = 600 } = options;
  /** Calls per slice, by task. */
  const batch = new Map<string, number>();
  for (const pair of pairs) {
    const calls = new Map<string, { count: number; ms: number }>();
    const until = performance.now() + warmupMs;
    // At least a few calls of each side, however slow, alternately.
    for (let turn = 0; performance.now() < until || turn < 6; turn++) {
      const [name, fn] = turn % 2 === 0 ? pair.subject : pair.baseline;
      const spent = calls.get(name) ?? { count: 0, ms: 0 };
      const times = Math.max(1, Math.round(spent.count === 0 ? 1 : (spent.count / spent.ms) * (warmupMs / 20)));
      spent.ms += await timed(fn, times);
      spent.count += times;
      calls.set(name, spent);
    }
    for (const [name, { count, ms }] of calls) {
      batch.set(`${pair.name}:${name}`, Math.max(1, Math.round((count / ms) * sliceMs)));
    }
  }
  const ops = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const pair of pairs) {
      // Alternate the order per round: neither side always runs first.
      const tasks = round % 2 === 0 ? [pair.subject, pair.baseline] : [pair.baseline, pair.subject];
      for (const [name, fn] of tasks) {
        const task = `${pair.name}:${name}`;
        const times = batch.get(task) ?? 1;
        const ms = await timed(fn, times);
        ops.set(task, [...(ops.get(task) ?? []), (times / ms) * 1000]);
      }
    }
  }
  return pairs.map((pair) => {
    const subject = ops.get(`${pair.name}:${pair.subject[0]}`) ?? [];
    const baseline = ops.get(`${pair.name}:${pair.baseline[0]}`) ?? [];
    const ratios = subject.map((s, round) => {
      const b = baseline[round] ?? Number.NaN;
      return pair.metric === 'speedup' ? s / b : b / s;
    });
    const value = quantile(ratios, 0.5);
    const target = pair.target;
    return {
      name: pair.name,
      subject: pair.subject[0],
      baseline: pair.baseline[0],
      subjectOps: quantile(subject, 0.5),
      baselineOps: quantile(baseline, 0.5),
      metric: pair.metric,
      value,
      rounds: ratios,
      target: target === undefined ? undefined : `${pair.metric === 'speedup' ? '≥' : '≤'} ${target}`,
      pass: target === undefined ? undefined : pair.metric === 'speedup' ? value >= target : value <= target,
    };
  });
}

/** The value below which a fraction `q` of `values` lies (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Two races' goodputs as a comparison: the subject's increments per second ÷ the baseline's. */
export function raceRatio(name: string, subject: RaceResult, baseline: RaceResult, target: number): Comparison {
  const value = subject.goodput / baseline.goodput;
  const lost = subject.lostUpdates + baseline.lostUpdates;
  return {
    name: lost === 0 ? name : `${name} (LOST UPDATES: ${lost})`,
    subject: subject.name,
    baseline: baseline.name,
    subjectOps: subject.goodput,
    baselineOps: baseline.goodput,
    metric: 'speedup',
    value,
    target: `≥ ${target}, 0 lost`,
    pass: value >= target && lost === 0,
  };
}

/** Records with a counter: what the races write. Any adapter's store fits. */
type Counted = { count: number };

/** `writers` concurrent puts with one tag: exactly one may win; every extra winner is a lost update. */
export async function oneWinnerRace<T extends Counted>(
  label: string,
  store: Store<T, string>,
  seed: T,
  writers = 100,
): Promise<RaceResult> {
  const key = `race-${Date.now()}-${Math.random()}`;
  const created = await store.create(key, seed);
  if (!created.ok) throw new Error('seed failed');
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      store.put(key, { ...seed, count: i + 1 }, { etagIn: [created.record.etag] }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const winners = outcomes.filter((outcome) => outcome.ok).length;
  return {
    name: `${label}: one tag, ${writers} writers, exactly one may win (winners − 1 = lost updates)`,
    goodput: winners / seconds,
    lostUpdates: winners - 1,
    seconds,
  };
}

/** `writers` × `increments` retried `store.update`s of one record: none may be lost. */
export async function hotKeyRace<T extends Counted>(
  label: string,
  store: Store<T, string>,
  seed: T,
  writers = 32,
  increments = 40,
): Promise<RaceResult> {
  const key = `hot-${Date.now()}-${Math.random()}`;
  await store.create(key, seed);
  const retry = { attempts: 10_000, baseDelayMs: 2, maxDelayMs: 50 };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < increments; i++) {
        const outcome = await store.update(
          key,
          (current) => ({ ...current, count: current.count + 1 }),
          UNCONDITIONAL,
          retry,
        );
        if (!outcome.ok) throw new Error('increment failed');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const final = present(await store.get(key)).value.count - seed.count;
  return {
    name: `${label}: hot key, ${writers} writers × ${increments}, ifmatch store.update (optimistic, retried)`,
    goodput: final / seconds,
    lostUpdates: writers * increments - final,
    seconds,
  };
}
