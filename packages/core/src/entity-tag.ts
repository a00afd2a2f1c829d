/**
 * Entity tags (RFC 9110 §8.8.3) and the `If-Match` / `If-None-Match` field syntax
 * (`"*" / #entity-tag`, §13.1.1-2).
 *
 * Parsing is a single left-to-right scan with no regular expression, bounded by
 * `ParseLimits`: a hostile header costs at most `maxLength` steps and never throws.
 */

/** An entity tag: `"xyz"` is `{ weak: false, opaque: 'xyz' }`, `W/"xyz"` is weak. */
export interface EntityTag {
  readonly weak: boolean;
  /** The characters between the double quotes. */
  readonly opaque: string;
}

/** A parsed `If-Match` or `If-None-Match` field value. */
export type EntityTagList =
  | { readonly kind: 'any' }
  | { readonly kind: 'tags'; readonly tags: readonly EntityTag[] }
  /** Not valid syntax, or over the limits. Such a field never matches any tag. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Bounds applied to untrusted header values. */
export interface ParseLimits {
  /** Longest field value accepted, in characters (default 8192). */
  readonly maxLength: number;
  /** Most entity tags accepted in one list (default 64). */
  readonly maxTags: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxLength: 8192, maxTags: 64 };

const DQUOTE = 0x22;
const COMMA = 0x2c;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** etagc = %x21 / %x23-7E / obs-text */
function isEtagChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

/** Creates a strong entity tag, checking that `opaque` holds only characters a tag may carry. */
export function strongTag(opaque: string): EntityTag {
  return checkedTag(false, opaque);
}

/** Creates a weak entity tag (`W/"…"`). */
export function weakTag(opaque: string): EntityTag {
  return checkedTag(true, opaque);
}

function checkedTag(weak: boolean, opaque: string): EntityTag {
  for (let i = 0; i < opaque.length; i++) {
    if (!isEtagChar(opaque.charCodeAt(i))) {
      throw new TypeError(`invalid character in entity tag at position ${i}`);
    }
  }
  return { weak, opaque };
}

/** Formats a tag for an `ETag` header: `"xyz"` or `W/"xyz"`. */
export function formatEntityTag(tag: EntityTag): string {
  return tag.weak ? `W/"${tag.opaque}"` : `"${tag.opaque}"`;
}

/**
 * Parses a single entity tag, as found in an `ETag` header. Returns `undefined` when the
 * value is not exactly one valid tag.
 */
export function parseEntityTag(value: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): EntityTag | undefined {
  const list = parseEntityTagList(value, { ...limits, maxTags: 1 });
  return list.kind === 'tags' && list.tags.length === 1 ? list.tags[0] : undefined;
}

/**
 * Where `scanEntityTagList` leaves the tags it found: per tag, its weakness (0/1) and the
 * bounds of its opaque part. Reused by every call (JavaScript runs one at a time), so
 * matching a header against a tag allocates nothing.
 */
let found = new Int32Array(3 * DEFAULT_PARSE_LIMITS.maxTags);
/** Why the last scan found the value invalid. */
let invalidReason = '';
const SCAN_ANY = -1;
const SCAN_INVALID = -2;

/**
 * Scans an `If-Match` / `If-None-Match` field value once, left to right, without
 * backtracking. Returns the number of tags (left in `found`), `SCAN_ANY` for `*`, or
 * `SCAN_INVALID` (reason in `invalidReason`). Empty list elements are ignored (§5.6.1).
 */
function scanEntityTagList(value: string, limits: ParseLimits): number {
  if (value.length > limits.maxLength) return invalid(`longer than ${limits.maxLength} characters`);
  let start = 0;
  let end = value.length;
  while (start < end && isWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isWhitespace(value.charCodeAt(end - 1))) end--;
  if (start === end) return invalid('empty field value');
  if (end - start === 1 && value.charCodeAt(start) === 0x2a) return SCAN_ANY;
  if (found.length < 3 * limits.maxTags) found = new Int32Array(3 * limits.maxTags);

  let count = 0;
  let i = start;
  while (i < end) {
    const code = value.charCodeAt(i);
    if (isWhitespace(code) || code === COMMA) {
      i++;
      continue;
    }
    let weak = 0;
    if (code === 0x57 /* W */) {
      if (value.charCodeAt(i + 1) !== 0x2f /* / */) return invalidAt(i);
      weak = 1;
      i += 2;
    }
    if (value.charCodeAt(i) !== DQUOTE) return invalidAt(i);
    const opaqueStart = ++i;
    while (i < end && isEtagChar(value.charCodeAt(i))) i++;
    if (i >= end || value.charCodeAt(i) !== DQUOTE) return invalidAt(i);
    if (count === limits.maxTags) return invalid(`more than ${limits.maxTags} entity tags`);
    found[3 * count] = weak;
    found[3 * count + 1] = opaqueStart;
    found[3 * count + 2] = i;
    count++;
    i++;
    // After a tag only whitespace, then a comma or the end, may follow.
    while (i < end && isWhitespace(value.charCodeAt(i))) i++;
    if (i < end && value.charCodeAt(i) !== COMMA) return invalidAt(i);
  }
  return count;
}

function invalid(reason: string): number {
  invalidReason = reason;
  return SCAN_INVALID;
}

function invalidAt(position: number): number {
  return invalid(`malformed entity tag at position ${position}`);
}

/**
 * Parses an `If-Match` / `If-None-Match` field value. Several header lines must be joined
 * with ", " first (RFC 9110 §5.3).
 */
export function parseEntityTagList(value: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): EntityTagList {
  const count = scanEntityTagList(value, limits);
  if (count === SCAN_ANY) return { kind: 'any' };
  if (count === SCAN_INVALID) return { kind: 'invalid', reason: invalidReason };
  const tags: EntityTag[] = [];
  for (let t = 0; t < count; t++) {
    tags.push({ weak: found[3 * t] === 1, opaque: value.slice(found[3 * t + 1], found[3 * t + 2]) });
  }
  return { kind: 'tags', tags };
}

/**
 * Evaluates a list field against one tag without building the list: `'any'` for `*`,
 * `'match'` when a listed tag matches `current` by the given comparison, `'none'` when
 * none does (or `current` is undefined), `'invalid'` for a malformed value.
 */
export function matchEntityTagList(
  value: string,
  current: EntityTag | undefined,
  comparison: 'strong' | 'weak',
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): 'any' | 'match' | 'none' | 'invalid' {
  // The common request repeats the tag it was given, alone: `"opaque"` or `W/"opaque"`. That
  // text is valid syntax (the current tag's characters are), so it matches without a scan.
  if (current !== undefined && value.length <= limits.maxLength && isLoneTag(value, current.opaque)) {
    const weak = value.charCodeAt(0) === W;
    if (comparison === 'weak' || (!weak && !current.weak)) return 'match';
  }
  const count = scanEntityTagList(value, limits);
  if (count === SCAN_ANY) return 'any';
  if (count === SCAN_INVALID) return 'invalid';
  if (current === undefined || (comparison === 'strong' && current.weak)) return 'none';
  const opaque = current.opaque;
  for (let t = 0; t < count; t++) {
    if (comparison === 'strong' && found[3 * t] === 1) continue;
    const start = found[3 * t + 1] ?? 0;
    const end = found[3 * t + 2] ?? 0;
    if (end - start === opaque.length && value.startsWith(opaque, start)) return 'match';
  }
  return 'none';
}

const W = 0x57;

/** Whether `value` is exactly `"opaque"` or `W/"opaque"`, with no space or other tag around it. */
function isLoneTag(value: string, opaque: string): boolean {
  const start = value.charCodeAt(0) === W ? 3 : 1;
  return (
    value.length === opaque.length + start + 1 &&
    value.charCodeAt(start - 1) === DQUOTE &&
    (start === 1 || value.charCodeAt(1) === 0x2f) &&
    value.charCodeAt(value.length - 1) === DQUOTE &&
    value.startsWith(opaque, start) &&
    isOpaque(opaque)
  );
}

/** Only characters a tag may carry (a target's tag comes from the caller: check it). */
function isOpaque(opaque: string): boolean {
  for (let i = 0; i < opaque.length; i++) if (!isEtagChar(opaque.charCodeAt(i))) return false;
  return true;
}

/** Strong comparison (§8.8.3.2): both tags strong and their opaque parts equal. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** Weak comparison (§8.8.3.2): opaque parts equal, weakness ignored. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}
