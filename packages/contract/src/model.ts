/**
 * The property-based model test: random sequences of create, put, update and delete under
 * current, stale, random, weak, `*`, list and date conditions, deletes and re-creates, records
 * the store did not write, and a clock that stands still or steps back, each checked against
 * a reference model after every step: the outcome, what `get` returns, what was persisted, and
 * that no tag ever stands for two states of the key.
 *
 * Bounded in time (DynamoDB Local is slow): a run stopped by the time limit still has to have
 * completed `MIN_RUNS` histories, and says how many it completed. Every history starts from the
 * same clock, so the seed and path fast-check reports (`IFMATCH_MODEL_SEED`,
 * `IFMATCH_MODEL_PATH`) replay a failure exactly; `IFMATCH_MODEL_RUNS` searches longer (that
 * many histories, within an hour). The histories are made in `model-histories.ts`.
 */
import type { EntityTag, StoredRecord, WriteCondition, WriteOutcome } from '@ifmatch/core';
import { canonicalJson } from '@ifmatch/core/driver';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { doc, newKey } from './fixtures.js';
import { runsFromEnvironment } from './helpers.js';
import { type ConditionPlan, foreignTag, randomTag, type Strategy, seedFields, step } from './model-histories.js';
import type { ContractDocument, ContractSubject, StoreContractOptions } from './subject.js';

/** Fewer completed histories than this fails the test, even when the time limit stopped it. */
const MIN_RUNS = 10;
/** Histories to try instead of `modelRuns`, to search longer than CI does (0: unset). */
const LONGER = runsFromEnvironment('IFMATCH_MODEL_RUNS');
/** When fast-check stops starting new histories (each one then finishes). */
const TIME_LIMIT_MS = LONGER ? 3_600_000 : 90_000;
/** Where the clock stands at the start of every history. */
const START = 1_750_000_000_000;

/** The reference model of one key. */
interface State {
  exists: boolean;
  value: ContractDocument;
  version: number;
  modifiedAt: number | null;
  /** Which life of the key this is (a delete and a create start another). */
  life: number;
}

export function describeModel(options: StoreContractOptions, strategy: Strategy): void {
  const runs = Math.max(MIN_RUNS, LONGER || (options.modelRuns ?? 40));
  let subject: ContractSubject;
  let clock = START;
  beforeAll(async () => {
    subject = await options.createStore({ strategy, now: () => clock });
  });

  /** What a tag stands for: the life and version, or (hash) the content. */
  const identity = (state: State) =>
    strategy === 'hash' ? canonicalJson(state.value) : `${state.life}:${state.version}`;

  /** A tag of this strategy's shape, for a condition that refers to a tag before the store issued any. */
  const foreign = foreignTag(strategy, START);

  it(
    `agrees with the reference model over random histories (${runs} runs)`,
    async () => {
      const started = Date.now();
      const details = await fc.check(
        fc.asyncProperty(seedFields, fc.array(step, { minLength: 1, maxLength: 30 }), async (seed, steps) => {
          // Every history from the same clock: a replayed case (seed and path) runs as it failed.
          clock = START;
          const key = newKey();
          const state: State = { exists: false, value: doc('none'), version: 0, modifiedAt: null, life: 0 };
          /** Every tag the store issued for this key, and what it stood for. */
          const issued = new Map<string, string>();
          const tagOf = new Map<string, string>();
          const history: EntityTag[] = [];
          const learn = (record: StoredRecord<ContractDocument, string>) => {
            const meaning = identity(state);
            const before = issued.get(record.etag.opaque);
            expect(before === undefined || before === meaning, `tag ${record.etag.opaque} issued for two states`).toBe(
              true,
            );
            // And one state keeps one tag: a tag is stable while nothing changes.
            expect(tagOf.get(meaning) ?? record.etag.opaque, `two tags for one state`).toBe(record.etag.opaque);
            if (before === undefined) {
              issued.set(record.etag.opaque, meaning);
              tagOf.set(meaning, record.etag.opaque);
              history.push(record.etag);
            }
          };
          const currentTag = () => history.find((tag) => state.exists && issued.get(tag.opaque) === identity(state));
          const pick = (n: number): EntityTag =>
            history.length === 0 ? foreign : (history[n % history.length] as EntityTag);

          const resolve = (p: ConditionPlan): WriteCondition => {
            const current = currentTag() ?? pick(0);
            switch (p.kind) {
              case 'unconditional':
                return {};
              case 'current':
                return { etagIn: [current] };
              case 'weak-current':
                return { etagIn: [{ weak: true, opaque: current.opaque }] };
              case 'random':
                return { etagIn: [randomTag(p, strategy, state, clock)] };
              case 'exists':
                return { exists: true };
              case 'absent':
                return { exists: false };
              case 'not-current':
                return { etagNotIn: [{ weak: true, opaque: current.opaque }] };
              case 'stale':
                return { etagIn: [pick(p.pick)] };
              case 'not-stale':
                return { etagNotIn: [pick(p.pick)] };
              case 'list':
                return { etagIn: [...p.picks.map(pick), ...(p.withCurrent ? [current] : [])] };
              case 'since':
                return { unmodifiedSince: (state.modifiedAt ?? clock) + p.offset };
              case 'both':
                return { ...resolve(p.first), ...resolve(p.second) };
            }
          };

          /** The reference predicate, on tags and the model state. */
          const holds = (c: WriteCondition): boolean => {
            const meaning = state.exists ? identity(state) : undefined;
            const matches = (tag: EntityTag) => meaning !== undefined && issued.get(tag.opaque) === meaning;
            if (c.exists === true && !state.exists) return false;
            if (c.exists === false && state.exists) return false;
            if (c.etagIn !== undefined && !c.etagIn.some((tag) => !tag.weak && matches(tag))) return false;
            if (c.etagNotIn?.some(matches)) return false;
            if (c.unmodifiedSince !== undefined && state.exists && state.modifiedAt !== null) {
              return state.modifiedAt <= c.unmodifiedSince;
            }
            return true;
          };

          /**
           * A successful write, in the model. The modification time is `max(clock, previous + 1)`
           * under the timestamp strategy; elsewhere a store may also keep it equal to the clock
           * (it must only never go back), so the model takes what the store reports, within those bounds.
           */
          const write = (value: ContractDocument, reported?: number) => {
            if (state.exists) {
              state.version += 1;
              const strict = Math.max(clock, (state.modifiedAt ?? 0) + 1);
              const loose = Math.max(clock, state.modifiedAt ?? 0);
              const bounded = reported !== undefined && reported >= loose && reported <= strict;
              state.modifiedAt = strategy === 'timestamp' || !bounded ? strict : reported;
            } else {
              state.life += 1;
              state.version = 1;
              state.modifiedAt = clock;
            }
            state.exists = true;
            state.value = value;
          };

          const expectRecord = (record: StoredRecord<ContractDocument, string>) => {
            expect(record.value).toEqual(state.value);
            expect(record.version).toBe(state.version);
            expect(record.lastModified).toBe(state.modifiedAt ?? undefined);
            learn(record);
          };

          const expectFailure = (outcome: {
            ok: boolean;
            reason?: string;
            current?: StoredRecord<ContractDocument, string>;
          }) => {
            expect(outcome.ok, 'the write should have failed').toBe(false);
            expect(outcome.reason).toBe(state.exists ? 'precondition-failed' : 'not-found');
            // A refusal hands back the record that stands, so the caller can retry without a read.
            if (!state.exists) expect(outcome.current).toBeUndefined();
            else if (outcome.current === undefined) expect.fail('a precondition failure without the current record');
            else expectRecord(outcome.current);
          };
          /** A write whose condition held is not "already applied": that is only for a condition that failed. */
          const expectPlainSuccess = (outcome: WriteOutcome<ContractDocument, string>) => {
            if (outcome.ok)
              expect(outcome.alreadyApplied, 'a write whose condition held is not already applied').toBe(undefined);
          };

          const expectWrite = (
            outcome: WriteOutcome<ContractDocument, string>,
            condition: WriteCondition,
            value: ContractDocument,
          ) => {
            if (holds(condition)) {
              const created = !state.exists;
              write(value, outcome.ok ? outcome.record.lastModified : undefined);
              expect(outcome, 'the write should have succeeded').toMatchObject({ ok: true, created });
              expectPlainSuccess(outcome);
              if (outcome.ok) expectRecord(outcome.record);
              return;
            }
            const applied =
              strategy === 'hash' &&
              state.exists &&
              condition.exists !== false &&
              condition.etagNotIn === undefined &&
              canonicalJson(value) === canonicalJson(state.value);
            if (applied) {
              expect(outcome).toMatchObject({ ok: true, created: false, alreadyApplied: true });
              if (outcome.ok) expectRecord(outcome.record);
            } else expectFailure(outcome);
          };

          if (seed !== undefined) {
            await subject.seed(key, doc('seeded', 1), seed);
            Object.assign(state, {
              exists: true,
              value: doc('seeded', 1),
              version: seed.version ?? 0,
              modifiedAt: seed.modifiedAt ?? null,
            });
            const read = await subject.store.get(key);
            if (read === undefined) expect.fail('the seeded record is missing');
            else expectRecord(read);
          }

          for (const s of steps) {
            if (s.op === 'clock') {
              clock += s.step;
              continue;
            }
            if (s.op === 'create') {
              const value = doc(s.title, 0);
              expectWrite(await subject.store.create(key, value), { exists: false }, value);
            } else if (s.op === 'put') {
              const condition = resolve(s.condition);
              const value = doc(s.title, state.value.count);
              expectWrite(await subject.store.put(key, value, condition), condition, value);
            } else if (s.op === 'update') {
              const condition = resolve(s.condition);
              const outcome = await subject.store.update(key, (v) => ({ ...v, count: v.count + 1 }), condition);
              if (state.exists && holds(condition)) {
                write(
                  { ...state.value, count: state.value.count + 1 },
                  outcome.ok ? outcome.record.lastModified : undefined,
                );
                expect(outcome).toMatchObject({ ok: true, created: false });
                expectPlainSuccess(outcome);
                if (outcome.ok) expectRecord(outcome.record);
              } else expectFailure(outcome);
            } else {
              const condition = resolve(s.condition);
              const outcome = await subject.store.delete(key, condition);
              if (state.exists && holds(condition)) {
                expect(outcome.ok, 'the delete should have succeeded').toBe(true);
                if (outcome.ok) expectRecord(outcome.deleted);
                state.exists = false;
              } else expectFailure(outcome);
            }
            // What the store serves and what it persisted agree with the model.
            const read = await subject.store.get(key);
            if (!state.exists) expect(read).toBeUndefined();
            else if (read === undefined) expect.fail('the record is missing');
            else expectRecord(read);
            const persisted = await subject.inspect(key);
            if (!state.exists) expect(persisted).toBeUndefined();
            else {
              expect(persisted?.value).toEqual(state.value);
              expect(persisted?.version ?? 0).toBe(state.version);
            }
          }
        }),
        {
          numRuns: runs,
          // fast-check counts a run it stopped as a pass: the completed ones are checked below.
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          ...(process.env.IFMATCH_MODEL_SEED ? { seed: Number(process.env.IFMATCH_MODEL_SEED) } : {}),
          ...(process.env.IFMATCH_MODEL_PATH ? { path: process.env.IFMATCH_MODEL_PATH } : {}),
        },
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.info(
        `${options.name}, ${strategy} strategy: ${details.numRuns} of ${runs} model histories in ${seconds} s` +
          `${details.interrupted ? ' (stopped by the time limit)' : ''}; IFMATCH_MODEL_SEED=${details.seed}`,
      );
      if (details.failed) {
        const error = details.errorInstance;
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${fc.defaultReportMessage(details)}\n\n${reason}`, { cause: error });
      }
      // A replay (IFMATCH_MODEL_PATH) runs the one history it names.
      if (process.env.IFMATCH_MODEL_PATH === undefined) {
        expect(
          details.numRuns,
          `only ${details.numRuns} histories completed within the time limit`,
        ).toBeGreaterThanOrEqual(MIN_RUNS);
      }
    },
    TIME_LIMIT_MS + 90_000,
  );
}
