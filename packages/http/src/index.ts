export { HttpProblem, type Problem, problemResponse } from './problem.js';
export {
  type ConflictEvent,
  conflictCounter,
  createResource,
  hasPrecondition,
  type Resource,
  type ResourceOptions,
  storeErrorResponse,
  validators,
} from './resource.js';
