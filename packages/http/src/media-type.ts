/**
 * The `Content-Type` field value (RFC 9110 §8.3.1): `type "/" subtype *( OWS ";" OWS
 * parameter )`. One left-to-right scan, no regular expression, bounded by `MAX_LENGTH`: a
 * hostile header costs at most that many steps, and anything that is not the grammar is
 * `undefined`, never an exception.
 */

/** A parsed media type. Type, subtype and parameter names are case-insensitive (§8.3.1), so lower-cased. */
export interface MediaType {
  /** `type/subtype`, lower case: what a media type is compared by. */
  readonly essence: string;
  readonly type: string;
  readonly subtype: string;
  /** Parameter names lower case; values as sent, a quoted-string unescaped. */
  readonly parameters: ReadonlyMap<string, string>;
}

/** Longer `Content-Type` values are refused: no legitimate media type comes near. */
const MAX_LENGTH = 1024;

/** tchar (RFC 9110 §5.6.2): `!#$%&'*+-.^_`|~`, digits and letters. */
function isTokenChar(code: number): boolean {
  if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(code));
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Reads a token from `start`; returns its end (== start when there is none). */
function tokenEnd(value: string, start: number): number {
  let end = start;
  while (end < value.length && isTokenChar(value.charCodeAt(end))) end++;
  return end;
}

/** Parses a `Content-Type` value; `undefined` when it is absent, too long or not the grammar. */
export function parseMediaType(value: string | null | undefined): MediaType | undefined {
  if (value === null || value === undefined || value.length > MAX_LENGTH) return undefined;
  let at = 0;
  while (at < value.length && isWhitespace(value.charCodeAt(at))) at++;
  const typeEnd = tokenEnd(value, at);
  if (typeEnd === at || value.charCodeAt(typeEnd) !== 0x2f /* / */) return undefined;
  const subtypeEnd = tokenEnd(value, typeEnd + 1);
  if (subtypeEnd === typeEnd + 1) return undefined;
  const type = value.slice(at, typeEnd).toLowerCase();
  const subtype = value.slice(typeEnd + 1, subtypeEnd).toLowerCase();
  const parameters = new Map<string, string>();
  at = subtypeEnd;
  for (;;) {
    while (at < value.length && isWhitespace(value.charCodeAt(at))) at++;
    if (at === value.length) break;
    if (value.charCodeAt(at) !== 0x3b /* ; */) return undefined;
    at++;
    while (at < value.length && isWhitespace(value.charCodeAt(at))) at++;
    // `;` with no parameter after it is allowed (`text/plain;`).
    if (at === value.length || value.charCodeAt(at) === 0x3b) continue;
    const nameEnd = tokenEnd(value, at);
    if (nameEnd === at || value.charCodeAt(nameEnd) !== 0x3d /* = */) return undefined;
    const name = value.slice(at, nameEnd).toLowerCase();
    at = nameEnd + 1;
    let parameter: string;
    if (value.charCodeAt(at) === 0x22 /* " */) {
      // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (§5.6.4)
      let text = '';
      at++;
      for (;;) {
        if (at >= value.length) return undefined;
        const code = value.charCodeAt(at);
        if (code === 0x22) break;
        if (code === 0x5c /* \ */) {
          at++;
          if (at >= value.length) return undefined;
        }
        text += value[at];
        at++;
      }
      parameter = text;
      at++;
    } else {
      const end = tokenEnd(value, at);
      if (end === at) return undefined;
      parameter = value.slice(at, end);
      at = end;
    }
    // The first occurrence of a parameter wins; a repeated one is not a second meaning.
    if (!parameters.has(name)) parameters.set(name, parameter);
  }
  return { essence: `${type}/${subtype}`, type, subtype, parameters };
}
