/**
 * The robustness suite's model: what each generated request must do to the stored state,
 * written independently of @ifmatch/http from RFC 9110 §13, RFC 7396 and the table in the
 * README. The suite compares every answer and every stored record with it. Its parts: the
 * header fields (`http-model-fields.ts`) and a write's content (`http-model-content.ts`).
 */
import { type Command, METHODS } from './http-command.js';
import type { Item } from './http-fixtures.js';
import type { RefusedInFront } from './http-in-front.js';
import { CONTENT_TYPES, content } from './http-model-content.js';
import { preconditionsHold } from './http-model-fields.js';

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

/**
 * What `command` must do to a record currently `current` with the tag `tag` (both undefined:
 * absent). A method the model does not know is refused, whatever it is (random tokens, invalid
 * characters, lower case: methods are case-sensitive, RFC 9110 §9.1).
 */
export function expectation(
  command: Command,
  current: Item | undefined,
  refusedInFront: RefusedInFront,
  tag?: string,
): Expectation {
  // Another path, another host, `*`: the request may address anything, or nothing.
  if (command.transport === 'weird-target' || command.transport === 'random-target') return { kind: 'any' };
  if (!(METHODS as readonly string[]).includes(command.method)) return { kind: 'refusal' };
  const sent = command.method === 'GET' || command.method === 'HEAD' ? undefined : command.body;
  if (refusedInFront(command.contentType, sent)) {
    // The middleware's 400 for content the method takes; otherwise a 4xx, which may be the
    // 415 of a media type ifmatch refuses anyway, or the application's answer (a DELETE).
    const format = command.contentType === undefined ? undefined : CONTENT_TYPES[command.contentType];
    const takes =
      command.method === 'PATCH'
        ? format === 'merge' || format === 'json-patch'
        : (command.method === 'PUT' || command.method === 'POST') && format === 'representation';
    return takes ? { kind: 'failure', status: 400 } : { kind: 'refusal' };
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
