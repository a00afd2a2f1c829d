/**
 * The robustness suite's model: the requests it generates, and what each must do to the
 * stored state, written independently of @ifmatch/http from RFC 9110 §13, RFC 7396 and the
 * table in the README. The suite compares every answer and every stored record with it.
 */
import { type Item, parseItem } from './http-fixtures.js';

/** The records requests address; few, so that requests meet the same record often. */
export const KEYS = ['k0', 'k1', 'k2'] as const;

/** The methods the model knows; any other is refused (405, or the server's 400/404 for a method it does not route). */
export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'] as const;

/** A tag no record ever has. */
export const STALE_TAG = '"stale-made-up-tag"';

/**
 * The bounds of an `If-Match` field the README documents (`limits`: a longer field or a longer
 * list is malformed, and a malformed field never matches).
 */
const MAX_FIELD_LENGTH = 8192;
const MAX_TAGS = 64;

/**
 * Which `If-Match` a request carries, relative to the record's state when it is sent: one of
 * the fixed shapes, `random` text (`ifMatchText`), or `many` random valid tags (`manyTags`).
 */
export type IfMatchChoice =
  | 'none'
  | 'current'
  | 'stale'
  | 'star'
  | 'malformed'
  | 'weak-current'
  | 'list'
  | 'huge'
  | 'random'
  | 'many';
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

/**
 * Ways the request may be odd on the wire (raw socket only, but for `random-headers`, which the
 * Fetch handler is sent too): fixed oddities, and random `Host` values, request targets and
 * extra header lines.
 */
export type Transport =
  | 'normal'
  | 'absolute-form'
  | 'obs-text'
  | 'duplicate-if-match'
  | 'bad-host'
  | 'no-host'
  | 'duplicate-host'
  | 'weird-target'
  | 'random-host'
  | 'random-target'
  | 'random-headers';

/** `many`: random valid tags, and where the current tag goes among them (`absent`: nowhere). */
export interface ManyTags {
  readonly tags: readonly string[];
  readonly current: 'absent' | 'strong' | 'weak';
  /** Index in `tags` before which the current tag goes. */
  readonly at: number;
}

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
  /** For `ifMatch: 'random'`: the field value, any text (control characters, non-Latin-1, long). */
  readonly ifMatchText?: string | undefined;
  /** For `ifMatch: 'many'`. */
  readonly manyTags?: ManyTags | undefined;
  /** For `random-host`: the `Host` field value. */
  readonly host?: string | undefined;
  /** For `random-target`: the request target, `before` + the request's path (when `path`) + `after`. */
  readonly requestTarget?: { readonly before: string; readonly path: boolean; readonly after: string } | undefined;
  /** For `random-headers`: extra header lines, `X-` names (no meaning to ifmatch) with any value. */
  readonly extraHeaders?: readonly (readonly [string, string])[] | undefined;
}

/** The `If-Match` field line `command` carries when the record's tag is `tag` (`undefined`: absent). */
export function ifMatchLine(command: Command, tag: string | undefined): string | undefined {
  const current = tag ?? STALE_TAG;
  switch (command.ifMatch) {
    case 'none':
      return undefined;
    case 'current':
      return current;
    case 'stale':
      return STALE_TAG;
    case 'star':
      return '*';
    case 'malformed':
      return 'no-quotes';
    case 'weak-current':
      return `W/${current}`;
    case 'list':
      return `${STALE_TAG}, ${current}`;
    case 'huge':
      return `"${'x'.repeat(9000)}"`;
    case 'random':
      return command.ifMatchText ?? '';
    case 'many': {
      const many = command.manyTags ?? { tags: [], current: 'absent', at: 0 };
      const tags = many.tags.map((opaque) => `"${opaque}"`);
      if (many.current !== 'absent') tags.splice(many.at, 0, many.current === 'weak' ? `W/${current}` : current);
      return tags.join(', ');
    }
  }
}

/** A field value without the optional whitespace around it (RFC 9110 §5.5: SP and HTAB). */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}

/** A control character other than HTAB: a strict HTTP/1.1 parser refuses it in a field value (400). */
function hasControl(value: string): boolean {
  for (let at = 0; at < value.length; at++) {
    const code = value.charCodeAt(at);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/**
 * Whether the HTTP parser in front of the application may refuse the request before any of its
 * code runs (400 for a control character in a field, 431 for fields too large, 400 for a broken
 * Host): the request is on the wire and odd there. Such a refusal is a legitimate answer, as
 * long as it is a 4xx and nothing is written.
 */
export function parserMayRefuse(command: Command): boolean {
  return command.transport !== 'normal' || (command.ifMatch === 'random' && hasControl(command.ifMatchText ?? ''));
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

/**
 * What a request must do. `value` undefined on success: the record is gone. `contentRefusable`:
 * the request carries content the resource ignores (a DELETE with a body), which a body parser
 * in front may refuse on its own (400, 413, 415; RFC 9110 §9.3.5 lets a server reject it), and
 * whose refusal the integration must not overrule: such an answer, with nothing written, is right too.
 */
export type Expectation =
  | {
      readonly kind: 'success';
      readonly status: number;
      readonly value: Item | undefined;
      readonly contentRefusable?: boolean;
    }
  /** Exactly this status, nothing written (a precondition, a missing record, a validator in front). */
  | { readonly kind: 'failure'; readonly status: number; readonly contentRefusable?: boolean }
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

/**
 * Whether `If-Match` holds on a record that does (not) exist. A second `If-Match` line carrying
 * a stale tag joins the first as one list (RFC 9110 §5.3): `"current", "stale"` still matches;
 * `*, "stale"` is malformed. Random text never carries the record's tag (tags are random and
 * long): it holds only when it is `*`. A list of `many` tags holds when it carries the current
 * tag, strong, within the documented bounds.
 */
function ifMatchHolds(command: Command, exists: boolean, tag: string | undefined): boolean {
  const duplicate = command.transport === 'duplicate-if-match';
  switch (command.ifMatch) {
    case 'none':
      return true;
    case 'random':
      return exists && !duplicate && trimOws(command.ifMatchText ?? '') === '*';
    case 'many': {
      const many = command.manyTags;
      if (!exists || many?.current !== 'strong') return false;
      const sent = `${ifMatchLine(command, tag)}${duplicate ? `, ${STALE_TAG}` : ''}`;
      const count = many.tags.length + 1 + (duplicate ? 1 : 0);
      return count <= MAX_TAGS && sent.length <= MAX_FIELD_LENGTH;
    }
    default:
      return exists && (duplicate ? ['current', 'list'] : ['current', 'star', 'list']).includes(command.ifMatch);
  }
}

/** Whether the request's preconditions hold on a record that does (not) exist; `undefined`: it has none. */
function preconditionsHold(command: Command, exists: boolean, tag: string | undefined): boolean | undefined {
  if (command.ifMatch === 'none' && command.ifNoneMatch === 'none') return undefined;
  const ifMatch = ifMatchHolds(command, exists, tag);
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

/**
 * What `command` must do to a record currently `current` with the tag `tag` (both undefined:
 * absent). A method the model does not know is refused, whatever it is (random tokens, invalid
 * characters, lower case: methods are case-sensitive, RFC 9110 §9.1).
 */
export function expectation(
  command: Command,
  current: Item | undefined,
  refusedInFront: boolean,
  tag?: string,
): Expectation {
  // Another path, another host, `*`: the request may address anything, or nothing.
  if (command.transport === 'weird-target' || command.transport === 'random-target') return { kind: 'any' };
  if (!(METHODS as readonly string[]).includes(command.method)) return { kind: 'refusal' };
  if (refusedInFront && validatorReads(command.contentType)) {
    const sent = command.method === 'GET' || command.method === 'HEAD' ? '' : command.body;
    if (!parses(sent)) return { kind: 'failure', status: 400 };
  }
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
    case 'DELETE': {
      const expected = writeExpectation(command, current, tag);
      const refusable = command.body !== undefined && command.body.length > 0;
      return refusable && (expected.kind === 'success' || expected.kind === 'failure')
        ? { ...expected, contentRefusable: true }
        : expected;
    }
    case 'PUT':
    case 'PATCH':
      return writeExpectation(command, current, tag);
    default:
      return { kind: 'refusal' };
  }
}

/** PUT, PATCH and DELETE of a record: preconditions (§13.2.1-2), then the content. */
function writeExpectation(command: Command, current: Item | undefined, tag: string | undefined): Expectation {
  const exists = current !== undefined;
  const holds = preconditionsHold(command, exists, tag);
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
