export { canonicalJson } from './canonical-json.js';
export { UNCONDITIONAL, type WriteCondition } from './condition.js';
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
export { errorGuard, IfMatchError, type IfMatchErrorCode, isIfMatchError, type OperationKind } from './errors.js';
export { hashEtag, importEtagSecret, keyedHashEtag } from './hash.js';
export { type HeaderSource, readHeader } from './headers.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { applyMergePatch } from './merge-patch.js';
export {
  type Decision,
  evaluatePreconditions,
  type PreconditionHeader,
  type PreconditionPolicy,
  type Preconditions,
  preconditionsToWriteCondition,
  readPreconditions,
  type TargetState,
  type WriteConditionResult,
} from './preconditions.js';
export { backoffDelay, RETRY, type RetryOptions, retryOnConflict } from './retry.js';
export {
  type DeleteOutcome,
  defineStore,
  type RawOutcome,
  type RawRecord,
  type RawWrite,
  type StorageCondition,
  type Store,
  type StoreCapabilities,
  type StoreDriver,
  type StoredRecord,
  type StoreOptions,
  satisfiesStorageCondition,
  toStorageCondition,
  type WriteOutcome,
} from './store.js';
export {
  type EtagStrategy,
  type HashStrategyOptions,
  hashStrategy,
  type RecordMeta,
  type StrategyName,
  strategyByName,
  type TokenField,
  timestampStrategy,
  versionStrategy,
} from './strategies.js';
