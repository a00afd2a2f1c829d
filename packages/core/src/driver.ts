/**
 * @ifmatch/core/driver: what an adapter author uses to build a `Store` on a database. An
 * adapter is one factory returning `defineStore(driver, options)`; see the README's
 * "Writing an adapter".
 */
export { type BackfillFields, type BackfillState, planBackfill } from './backfill/plan.js';
export {
  type BackfillChange,
  type BackfillPage,
  type BackfillSource,
  runBackfill,
} from './backfill/run.js';
export { canonicalJson, hashableJson, jsonCopy, jsonText } from './canonical-json.js';
export { type ErrorGuard, errorGuard, IfMatchError, type OperationKind } from './errors.js';
export { MAX_CONDITION_TAGS } from './store/compile.js';
export { defineStore, driverOf } from './store/define-store.js';
export {
  type DriverCondition,
  type DriverOutcome,
  type DriverRecord,
  type DriverWrite,
  pinnedVersion,
  type StatementKind,
  type StateSet,
  type StoreCapabilities,
  type StoreDriver,
  satisfiesCondition,
  stateKeys,
  statementCache,
  statementShape,
  statesByIncarnation,
  storedTime,
  type TagField,
  type TaggedState,
  writeKind,
} from './store/driver.js';
export { checkMembers, type MemberRules } from './store/members.js';
