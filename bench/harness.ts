import { Bench } from 'tinybench';

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
  /** Absent for an informational comparison. */
  readonly target?: string;
  readonly pass?: boolean;
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

/** Runs both tasks of each pair in one Bench, interleaved in rounds so drift hits both alike. */
export async function compare(pairs: readonly Pair[], time = 400): Promise<Comparison[]> {
  const rounds = 3;
  const ops = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const pair of pairs) {
      const bench = new Bench({ time, warmupTime: 100, throws: true });
      // Alternate the order per round: neither side always runs first.
      const tasks = round % 2 === 0 ? [pair.subject, pair.baseline] : [pair.baseline, pair.subject];
      for (const [name, fn] of tasks) bench.add(`${pair.name}:${name}`, fn);
      await bench.run();
      for (const task of bench.tasks) {
        const result = task.result as unknown as { throughput: { mean: number } };
        ops.set(task.name, [...(ops.get(task.name) ?? []), result.throughput.mean]);
      }
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return pairs.map((pair) => {
    const subjectOps = median(ops.get(`${pair.name}:${pair.subject[0]}`)!);
    const baselineOps = median(ops.get(`${pair.name}:${pair.baseline[0]}`)!);
    const value = pair.metric === 'speedup' ? subjectOps / baselineOps : baselineOps / subjectOps;
    const target = pair.target;
    return {
      name: pair.name,
      subject: pair.subject[0],
      baseline: pair.baseline[0],
      subjectOps,
      baselineOps,
      metric: pair.metric,
      value,
      target: target === undefined ? undefined : `${pair.metric === 'speedup' ? '≥' : '≤'} ${target}`,
      pass: target === undefined ? undefined : pair.metric === 'speedup' ? value >= target : value <= target,
    };
  });
}
