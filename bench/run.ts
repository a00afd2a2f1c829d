/**
 * `pnpm bench`: every comparison side by side in one run; prints a table and writes
 * bench/results/latest.json. Numbers are from this machine only: compare ratios, not ops/s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { coreBenchmarks } from './core.bench.js';
import { dynamoBenchmarks } from './dynamodb.bench.js';
import { type Comparison, quantile, type RaceResult } from './harness.js';
import { mongoBenchmarks } from './mongodb.bench.js';
import { postgresBenchmarks } from './postgres.bench.js';
import { sqliteBenchmarks } from './sqlite.bench.js';

type Suite = () => Promise<Comparison[] | { comparisons: Comparison[]; races: RaceResult[] }>;
const suites: [string, Suite][] = [
  ['core', coreBenchmarks],
  ['sqlite', sqliteBenchmarks],
  ['postgres', postgresBenchmarks],
  ['dynamodb', dynamoBenchmarks],
  ['mongodb', mongoBenchmarks],
];

const only = process.argv.slice(2);
const results: Comparison[] = [];
const races: RaceResult[] = [];
for (const [name, run] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`running ${name} benchmarks…\n`);
  const outcome = await run();
  if (Array.isArray(outcome)) results.push(...outcome);
  else {
    results.push(...outcome.comparisons);
    races.push(...outcome.races);
  }
}

const format = (ops: number) =>
  ops >= 1e6 ? `${(ops / 1e6).toFixed(2)}M` : ops >= 1e3 ? `${(ops / 1e3).toFixed(1)}k` : ops.toFixed(1);
console.table(
  results.map((r) => ({
    comparison: r.name,
    'ifmatch (ops/s)': `${format(r.subjectOps)}  ${r.subject}`,
    'baseline (ops/s)': `${format(r.baselineOps)}  ${r.baseline}`,
    ratio: `${r.value.toFixed(2)}${r.metric === 'speedup' ? '× faster' : '× the time'}`,
    // The middle half of the rounds' ratios: how far one round's ratio strays.
    'rounds (p25–p75)': r.rounds
      ? `${quantile(r.rounds, 0.25).toFixed(2)}–${quantile(r.rounds, 0.75).toFixed(2)} (${r.rounds.length})`
      : '',
    target: r.target ?? '(none)',
    met: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  })),
);

if (races.length > 0) {
  console.table(
    races.map((race) => ({
      race: race.name,
      'goodput (increments/s)': race.goodput.toFixed(0),
      'lost updates': race.lostUpdates,
      seconds: race.seconds.toFixed(2),
    })),
  );
}

const out = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(out, { recursive: true });
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  results,
  races,
};
writeFileSync(`${out}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`results written to bench/results/latest.json`);
