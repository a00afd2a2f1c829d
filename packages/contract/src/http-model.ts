/**
 * The robustness suite's model: the requests it generates, and what each must do to the
 * stored state, written independently of @ifmatch/http from RFC 9110 §13, RFC 7396 and the
 * table in the README. The suite compares every answer and every stored record with it.
 */
import { type Item, parseItem } from './http-fixtures.js';

/** The records requests address; few, so that requests meet the same record often. */
export const KEYS = ['k0', 'k1', 'k2'] as const;

/** Which `If-Match` a request carries, relative to the record's state when it is sent. */
export type IfMatchChoice = 'none' | 'current' | 'stale' | 'star' | 'malformed' | 'weak-current' | 'list' | 'huge';
/** Which `If-None-Match` a request carries. */
export type IfNoneMatchChoice = 'none' | 'star' | 'current' | 'malformed';

/** Bodies whose meaning the model knows, plus random text. */
export type BodyKind =
  | 'none'
  | 'item'
  | 'item-extra'
  | 'item-wrong'
  | 'proto'
  | 'broken'
  | 'empty'
  | 'deep'
  | 'duplicate'
  | 'merge'
  | 'merge-proto'
  | 'json-patch'
  | 'json-patch-bad'
  | 'random';

/** Ways the request may be odd on the wire (raw socket only). */
export type Transport =
  | 'normal'
  | 'absolute-form'
  | 'obs-text'
  | 'duplicate-if-match'
  | 'bad-host'
  | 'no-host'
  | 'duplicate-host'
  | 'weird-target';

/** One generated request. */
export interface Command {
  readonly method: string;
  readonly target: (typeof KEYS)[number] | 'collection';
  readonly ifMatch: IfMatchChoice;
  readonly ifNoneMatch: IfNoneMatchChoice;
  /** `undefined`: no Content-Type; a string from `CONTENT_TYPES` or random. */
  readonly contentType: string | undefined;
  readonly bodyKind: BodyKind;
  readonly body: string | undefined;
  /** For `json-patch`: the name the `test` operation expects. */
  readonly testName?: string | undefined;
  readonly transport: Transport;
  /** Which odd request target, for `weird-target`. */
  readonly variant: number;
}

/** Content types with a known meaning: `representation` for PUT/POST, or the patch format. */
export const CONTENT_TYPES: Readonly<Record<string, 'representation' | 'merge' | 'json-patch' | 'other'>> = {
  'application/json': 'representation',
  'application/json; charset=utf-8': 'representation',
  'Application/JSON': 'representation',
  'application/vnd.items+json': 'representation',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json-patch',
  'text/plain': 'other',
  'text/plain; charset=utf-8': 'other',
  'application/x-www-form-urlencoded': 'other',
  'multipart/form-data; boundary=x': 'other',
  'application/json; charset=utf-16': 'other',
  'application/octet-stream': 'other',
  'application/json, text/plain': 'other',
  '': 'other',
  ';;;': 'other',
};

/** What a request must do. `value` undefined on success: the record is gone. */
export type Expectation =
  | { readonly kind: 'success'; readonly status: number; readonly value: Item | undefined }
  /** Exactly this status, nothing written (a precondition, a missing record, a validator in front). */
  | { readonly kind: 'failure'; readonly status: number }
  /** Some 4xx other than 412 and 428, nothing written (content refused, method not served). */
  | { readonly kind: 'refusal' }
  /** Nothing written, never a 5xx (reads, OPTIONS, requests on the collection other than POST). */
  | { readonly kind: 'no-write' }
  /** Nothing the model can foresee exactly: never a 5xx, and whatever is stored is a valid item. */
  | { readonly kind: 'any' };

/** Whether `body` is JSON at all (`undefined` is an empty body). */
function parses(body: string | undefined): boolean {
  try {
    JSON.parse(body ?? '');
    return true;
  } catch {
    return false;
  }
}

/** Hono's `validator('json')` reads bodies of these media types (its own pattern). */
function validatorReads(contentType: string | undefined): boolean {
  return /^application\/([\w.-]+\+)?json$/i.test((contentType ?? '').split(';')[0]?.trim() ?? '');
}

/** RFC 7396 §2 as the model writes it (own members, so `__proto__` is data). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = {};
  const source = typeof target === 'object' && target !== null && !Array.isArray(target) ? target : {};
  for (const [name, value] of Object.entries(source))
    Object.defineProperty(result, name, { value, enumerable: true, configurable: true, writable: true });
  for (const [name, value] of Object.entries(patch)) {
    const own = Object.hasOwn(result, name) ? result[name] : undefined;
    if (value === null) delete result[name];
    else
      Object.defineProperty(result, name, {
        value: mergePatch(own, value),
        enumerable: true,
        configurable: true,
        writable: true,
      });
  }
  return result;
}

function asItem(value: unknown): Item | undefined {
  try {
    return parseItem(value);
  } catch {
    return undefined;
  }
}

/** Whether the request's preconditions hold on a record that does (not) exist; `undefined`: it has none. */
function preconditionsHold(command: Command, exists: boolean): boolean | undefined {
  if (command.ifMatch === 'none' && command.ifNoneMatch === 'none') return undefined;
  // A second `If-Match` line carrying a stale tag joins the first as one list (RFC 9110 §5.3):
  // `"current", "stale"` still matches; `*, "stale"` is malformed.
  const listed = command.transport === 'duplicate-if-match' ? ['current', 'list'] : ['current', 'star', 'list'];
  const ifMatch = command.ifMatch === 'none' || (exists && listed.includes(command.ifMatch));
  // `current` on an absent record is a tag no record has: If-None-Match holds.
  const ifNoneMatch =
    command.ifNoneMatch === 'none' ||
    (!exists && (command.ifNoneMatch === 'star' || command.ifNoneMatch === 'current'));
  return ifMatch && ifNoneMatch;
}

/** The value a write's content makes of `current`, `undefined` when the content is refused; `'any'` when unforeseeable. */
function content(command: Command, current: Item | undefined): Item | undefined | 'any' {
  if (command.bodyKind === 'random' || command.bodyKind === 'duplicate') return 'any';
  const format: string = command.contentType === undefined ? 'other' : (CONTENT_TYPES[command.contentType] ?? 'any');
  if (format === 'any') return 'any';
  if (command.bodyKind === 'deep' || !parses(command.body)) return undefined;
  const body: unknown = JSON.parse(command.body ?? '');
  if (command.method !== 'PATCH') return format === 'representation' ? asItem(body) : undefined;
  if (format === 'merge') return asItem(mergePatch(current, body));
  if (format !== 'json-patch' || command.bodyKind !== 'json-patch') return undefined;
  // The generated JSON Patch: test /name, then replace /count.
  const operations = body as { op: string; path: string; value: unknown }[];
  if (current?.name !== command.testName) return undefined;
  return asItem({ ...current, count: operations[1]?.value });
}

/** What `command` must do to a record currently `current` (undefined: absent). */
export function expectation(command: Command, current: Item | undefined, refusedInFront: boolean): Expectation {
  if (command.transport === 'weird-target') return { kind: 'any' };
  if (['TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'put', 'FOO'].includes(command.method)) return { kind: 'refusal' };
  if (refusedInFront && validatorReads(command.contentType)) {
    const sent = command.method === 'GET' || command.method === 'HEAD' ? '' : command.body;
    if (!parses(sent)) return { kind: 'failure', status: 400 };
  }
  const exists = current !== undefined;
  if (command.target === 'collection') {
    if (command.method !== 'POST') return { kind: 'no-write' };
    const value = content(command, undefined);
    if (value === 'any') return { kind: 'any' };
    return value === undefined ? { kind: 'refusal' } : { kind: 'success', status: 201, value };
  }
  switch (command.method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return { kind: 'no-write' };
    case 'PUT':
    case 'PATCH':
    case 'DELETE': {
      const holds = preconditionsHold(command, exists);
      if (holds === undefined) return { kind: 'failure', status: 428 };
      // §13.2.1: a PATCH or DELETE of a missing record is 404 whatever its preconditions.
      if (!exists && command.method !== 'PUT') return { kind: 'failure', status: 404 };
      if (!holds) return { kind: 'failure', status: 412 };
      if (command.method === 'DELETE') return { kind: 'success', status: 204, value: undefined };
      const value = content(command, current);
      if (value === 'any') return { kind: 'any' };
      if (value === undefined) return { kind: 'refusal' };
      return { kind: 'success', status: exists ? 200 : 201, value };
    }
    default:
      return { kind: 'refusal' };
  }
}
