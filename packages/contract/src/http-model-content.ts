/**
 * The robustness model's view of a write's content: which media types mean what, and the value
 * a body makes of the record (a representation, an RFC 7396 merge patch, or the JSON Patch
 * `http-requests.ts` generates), written independently of @ifmatch/http.
 */
import type { Command } from './http-command.js';
import { type Item, parseItem } from './http-fixtures.js';

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

/** Whether `body` is JSON at all (`undefined` is an empty body). */
export function parses(body: string | undefined): boolean {
  try {
    JSON.parse(body ?? '');
    return true;
  } catch {
    return false;
  }
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

/** The value a write's content makes of `current`, `undefined` when the content is refused; `'any'` when unforeseeable. */
export function content(command: Command, current: Item | undefined): Item | undefined | 'any' {
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
