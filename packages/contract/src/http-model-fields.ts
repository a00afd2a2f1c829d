/**
 * The robustness model's view of a request's header fields: the `If-Match` line a command
 * carries, whether its preconditions hold (RFC 9110 §13.1.1-2, within the bounds the README
 * documents), and whether the HTTP parser in front may refuse it before the application runs.
 */
import { type Command, STALE_TAG } from './http-command.js';

/**
 * The bounds of an `If-Match` field the README documents (`limits`: a longer field or a longer
 * list is malformed, and a malformed field never matches).
 */
const MAX_FIELD_LENGTH = 8192;
const MAX_TAGS = 64;

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
export function preconditionsHold(command: Command, exists: boolean, tag: string | undefined): boolean | undefined {
  if (command.ifMatch === 'none' && command.ifNoneMatch === 'none') return undefined;
  const ifMatch = ifMatchHolds(command, exists, tag);
  // `current` on an absent record is a tag no record has: If-None-Match holds.
  const ifNoneMatch =
    command.ifNoneMatch === 'none' ||
    (!exists && (command.ifNoneMatch === 'star' || command.ifNoneMatch === 'current'));
  return ifMatch && ifNoneMatch;
}
