/**
 * @ifmatch/core: what an API author uses. Entity tags, HTTP dates, the RFC 9110 §13.2.2
 * decision table, write conditions, the `Store` interface and the in-memory store, errors and
 * retry, and JSON text read exactly (integers past 2^53 as bigints). Adapter authors import
 * `@ifmatch/core/driver` as well.
 */

export {
  type BackfillCheckpoint,
  type BackfillCounts,
  type BackfillJson,
  type BackfillLane,
  parseCheckpoint,
} from './backfill/checkpoint.js';
export {
  type BackfillBatch,
  BackfillError,
  type BackfillFailure,
  type BackfillHashOptions,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillReport,
} from './backfill/run.js';
export {
  DEFAULT_PARSE_LIMITS,
  type EntityTag,
  type EntityTagList,
  formatEntityTag,
  matchEntityTagList,
  type ParseLimits,
  parseEntityTag,
  parseEntityTagList,
  strongMatch,
  strongTag,
  weakMatch,
  weakTag,
} from './entity-tag.js';
export { IfMatchError, type IfMatchErrorCode, isIfMatchError } from './errors.js';
export { type ExactIntegers, exactNumberText, MAX_INTEGER_DIGITS, parseJsonExactly } from './exact-json.js';
export { hashEtag, importEtagSecret, keyedHashEtag } from './hash.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export { type JsonTextVisitor, scanJsonText } from './json-text.js';
export { type Decision, evaluatePreconditions, type TargetState } from './preconditions/decision.js';
export {
  type HeaderSource,
  type PreconditionHeader,
  type Preconditions,
  readPreconditions,
} from './preconditions/fields.js';
export type { PolicyRefusal, PreconditionPolicy } from './preconditions/policy.js';
export { preconditionsToWriteCondition, type WriteConditionResult } from './preconditions/write-condition.js';
export { CONFLICT, type RetryOptions, retryOnConflict } from './retry.js';
export type { DriverRecord, StoreCapabilities } from './store/driver.js';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export type { DeleteOutcome, Store, StoredRecord, StoreOptions, WriteOutcome } from './store/store.js';
export { UNCONDITIONAL, type WriteCondition } from './store/write-condition.js';
export type { StrategyName } from './strategies/strategy.js';
