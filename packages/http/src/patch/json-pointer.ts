/**
 * JSON Pointer (RFC 6901): `""` is the whole document, `/a/0/b~1c` is the member `a`, its
 * element 0, then the member `b/c`. A pointer only ever reaches a value's *own* members, so
 * `/constructor/prototype` names data, never `Object.prototype`.
 */

/**
 * The reference tokens of a pointer, unescaped (`~1` is `/`, `~0` is `~`, §4), or
 * `undefined` when it is not a pointer (no leading `/`, or a `~` not followed by 0 or 1).
 */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/');
  for (const [index, token] of tokens.entries()) {
    if (!token.includes('~')) continue;
    let unescaped = '';
    for (let at = 0; at < token.length; at++) {
      if (token[at] !== '~') {
        unescaped += token[at];
        continue;
      }
      const next = token[++at];
      if (next === '0') unescaped += '~';
      else if (next === '1') unescaped += '/';
      else return undefined;
    }
    tokens[index] = unescaped;
  }
  return tokens;
}

/**
 * An array index token (§4): `0`, or digits without a leading zero. Returns the index, or
 * `undefined` for anything else (including `-`, which callers handle themselves).
 */
export function arrayIndex(token: string): number | undefined {
  if (token === '0') return 0;
  if (token.length === 0 || token.length > 15 || token[0] === '0') return undefined;
  for (let at = 0; at < token.length; at++) {
    const code = token.charCodeAt(at);
    if (code < 0x30 || code > 0x39) return undefined;
  }
  return Number(token);
}
