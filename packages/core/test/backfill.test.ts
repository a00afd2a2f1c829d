import { BackfillError, type BackfillProgress, IfMatchError, isIfMatchError, parseCheckpoint } from '@ifmatch/core';
import { type BackfillSource, planBackfill, runBackfill } from '@ifmatch/core/driver';
import { describe, expect, it } from 'vitest';

interface Fake {
  key: string;
  version: number | null;
  modifiedAt: number | null;
  hash: string | null;
  value: unknown;
}

/**
 * A source over an in-memory table, keyset-paginated by key in `lanes` interleaved slices;
 * `onApply` may throw or refuse writes, as a database would.
 */
function fakeSource(
  records: Fake[],
  options: { lanes?: number; onApply?: (batch: number, keys: string[]) => boolean[] | undefined } = {},
) {
  const lanes = options.lanes ?? 1;
  const scans: string[][] = [];
  let applies = 0;
  const source: BackfillSource<Fake> = {
    target: 'fake:items',
    lanes,
    storesHashes: true,
    count: async () => records.filter((r) => r.version === null || r.modifiedAt === null).length,
    async scan(lane, after, limit) {
      const slice = records
        .filter((_, i) => i % lanes === lane)
        .filter((r) => after === null || r.key > (after as string))
        .filter((r) => r.version === null || r.modifiedAt === null);
      const page = slice.slice(0, limit);
      scans.push(page.map((r) => r.key));
      return { records: page.map((r) => ({ ...r })), next: page.at(-1)?.key ?? after, done: page.length < limit };
    },
    stateOf: (r) => ({ key: r.key, version: r.version, modifiedAt: r.modifiedAt, hash: r.hash, value: () => r.value }),
    async apply(changes) {
      applies++;
      const keys = changes.map((c) => c.record.key);
      const verdicts = options.onApply?.(applies, keys) ?? keys.map(() => true);
      changes.forEach((change, i) => {
        const stored = records.find((r) => r.key === change.record.key);
        if (stored === undefined || verdicts[i] !== true) return;
        stored.version = change.fields.version ?? stored.version;
        stored.modifiedAt = change.fields.modifiedAt ?? stored.modifiedAt;
        stored.hash = change.fields.hash ?? stored.hash;
      });
      return verdicts;
    },
  };
  return { source, scans, applies: () => applies };
}

const legacy = (count: number): Fake[] =>
  Array.from({ length: count }, (_, i) => ({
    key: `k${String(i).padStart(3, '0')}`,
    version: null,
    modifiedAt: null,
    hash: null,
    value: { n: i },
  }));

describe('planBackfill', () => {
  const state = (fields: Partial<Omit<Fake, 'value'>>) => ({
    key: 'k',
    version: null,
    modifiedAt: null,
    hash: null,
    value: () => ({ n: 1 }),
    ...fields,
  });
  it('gives a missing version 0, so the tag "v0" keeps meaning the same content', async () => {
    expect(await planBackfill(state({ modifiedAt: 5 }), 9, undefined)).toEqual({ version: 0 });
  });
  it('gives a missing modification time the clock, and keeps an existing one', async () => {
    expect(await planBackfill(state({ version: 7 }), 9, undefined)).toEqual({ modifiedAt: 9 });
    expect(await planBackfill(state({ version: 7, modifiedAt: 5 }), 9, undefined)).toBeUndefined();
  });
  it('stores a hash only when asked, computed from the value', async () => {
    const hashValue = (value: unknown) => `h:${JSON.stringify(value)}`;
    expect(await planBackfill(state({ version: 1, modifiedAt: 2 }), 9, hashValue)).toEqual({ hash: 'h:{"n":1}' });
    expect(await planBackfill(state({ version: 1, modifiedAt: 2, hash: 'x' }), 9, hashValue)).toBeUndefined();
  });
});

describe('runBackfill', () => {
  it('brings every record up to date in batches, and a second run changes nothing', async () => {
    const records = legacy(10);
    const { source, scans } = fakeSource(records);
    const progress: BackfillProgress[] = [];
    const report = await runBackfill(source, {
      batchSize: 4,
      now: () => 1000,
      onProgress: (p) => void progress.push(p),
    });
    expect(report).toMatchObject({ complete: true, run: { scanned: 10, updated: 10, skipped: 0, errors: 0 } });
    expect(scans.map((s) => s.length)).toEqual([4, 4, 2]);
    expect(progress.map((p) => p.checkpoint.lanes[0])).toEqual([
      { after: 'k003', done: false },
      { after: 'k007', done: false },
      { after: 'k009', done: true },
    ]);
    expect(progress[0]?.total).toBe(10);
    expect(records.every((r) => r.version === 0 && r.modifiedAt === 1000 && r.hash === null)).toBe(true);
    const again = await runBackfill(source, { batchSize: 4 });
    expect(again.run).toEqual({ scanned: 0, updated: 0, skipped: 0, errors: 0 });
  });

  it('reports records written in between as skipped, with their keys', async () => {
    const { source } = fakeSource(legacy(5), { onApply: (_, keys) => keys.map((k) => k !== 'k002') });
    const skipped: unknown[] = [];
    const report = await runBackfill(source, { onProgress: (p) => void skipped.push(...p.batch.skipped) });
    expect(report.run).toEqual({ scanned: 5, updated: 4, skipped: 1, errors: 0 });
    expect(skipped).toEqual(['k002']);
  });

  it('in a dry run writes nothing, and its checkpoint cannot resume a real run', async () => {
    const records = legacy(6);
    const { source, applies } = fakeSource(records);
    const report = await runBackfill(source, { dryRun: true, batchSize: 4 });
    expect(report).toMatchObject({ dryRun: true, complete: true, run: { scanned: 6, updated: 6 } });
    expect(applies()).toBe(0);
    expect(records.every((r) => r.version === null)).toBe(true);
    await expect(runBackfill(source, { checkpoint: report.checkpoint })).rejects.toThrow(/dry run/);
  });

  it('stops after the batch under way when its signal aborts, and resumes where it stopped', async () => {
    const records = legacy(10);
    const { source, scans } = fakeSource(records);
    const stop = new AbortController();
    const first = await runBackfill(source, {
      batchSize: 3,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.run.scanned >= 6) stop.abort();
      },
    });
    expect(first).toMatchObject({ complete: false, run: { scanned: 6, updated: 6 } });
    // Through JSON, as a state file would keep it.
    const saved = parseCheckpoint(JSON.parse(JSON.stringify(first.checkpoint)));
    const second = await runBackfill(source, { batchSize: 3, checkpoint: saved });
    expect(second).toMatchObject({ complete: true, run: { scanned: 4, updated: 4 }, totals: { scanned: 10 } });
    expect(scans.flat()).toEqual(records.map((r) => r.key));
  });

  it('stops on a database error with the checkpoint of the last completed batch', async () => {
    const records = legacy(10);
    const { source } = fakeSource(records, {
      onApply: (batch) => {
        if (batch === 3) throw new IfMatchError('TRANSPORT', 'connection lost');
        return undefined;
      },
    });
    const failed = await runBackfill(source, { batchSize: 3 }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(BackfillError);
    expect(isIfMatchError(failed, 'TRANSPORT')).toBe(true);
    const { checkpoint } = failed as BackfillError;
    expect(checkpoint.lanes).toEqual([{ after: 'k005', done: false }]);
    expect(checkpoint.totals).toMatchObject({ scanned: 6, updated: 6 });
    expect(records.filter((r) => r.version === 0)).toHaveLength(6);
    const resumed = await runBackfill(fakeSource(records).source, { batchSize: 3, checkpoint });
    expect(resumed).toMatchObject({ complete: true, totals: { scanned: 10, updated: 10 } });
  });

  it('runs lanes side by side, each with its own position', async () => {
    const records = legacy(20);
    const { source } = fakeSource(records, { lanes: 4 });
    const report = await runBackfill(source, { batchSize: 2 });
    expect(report.checkpoint.lanes).toHaveLength(4);
    expect(report.checkpoint.lanes.every((lane) => lane.done)).toBe(true);
    expect(report.run.updated).toBe(20);
  });

  it('counts a record whose value cannot be read as an error and leaves it alone', async () => {
    const records = legacy(3);
    const { source } = fakeSource(records);
    const broken = {
      ...source,
      stateOf: (r: Fake) => ({
        ...source.stateOf(r),
        value: () => {
          if (r.key === 'k001') throw new Error('bad JSON');
          return r.value;
        },
      }),
    };
    const report = await runBackfill(broken, { strategy: 'hash' });
    expect(report.run).toEqual({ scanned: 3, updated: 2, skipped: 0, errors: 1 });
    expect(report.failures).toEqual([{ key: 'k001', message: 'bad JSON' }]);
    expect(records[1]?.version).toBeNull();
  });

  it('refuses a checkpoint of another target or another number of lanes, and a bad batch size', async () => {
    const { source } = fakeSource(legacy(1));
    const { checkpoint } = await runBackfill(source);
    await expect(runBackfill({ ...source, target: 'fake:other' }, { checkpoint })).rejects.toThrow(/fake:items/);
    await expect(runBackfill({ ...source, lanes: 2 }, { checkpoint })).rejects.toThrow(/lanes/);
    await expect(runBackfill(source, { batchSize: 0 })).rejects.toThrow(TypeError);
    await expect(runBackfill({ ...source, storesHashes: false }, { strategy: 'hash' })).rejects.toThrow(/hashes/);
    expect(() => parseCheckpoint({ format: 'ifmatch-backfill/1', target: 'x' })).toThrow(TypeError);
  });
});
