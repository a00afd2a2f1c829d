/**
 * One left-to-right pass over JSON text, token by token: what a check of the text itself
 * needs (`@ifmatch/http` refuses a member name repeated in one object, which `JSON.parse`
 * silently resolves, and nesting past a limit) and what reading its numbers exactly needs
 * (exact-json.ts). Written once, so the two never disagree on where a string ends or which
 * string is a member name.
 *
 * The text must be one `JSON.parse` accepted: the pass then only tells tokens apart, since no
 * error can remain to find (a string ends at the first `"` no backslash escapes, a number or
 * a literal at the first delimiter). It is iterative, with a stack of one boolean per open
 * container, so its work is linear in the text and no nesting overflows the call stack.
 */

/** What the pass reports, in the order of the text. */
export interface JsonTextVisitor {
  /** `{` (`array` false) or `[` (`array` true): a container opens; its members or items follow. */
  open(array: boolean): void;
  /** `}` or `]`: the innermost open container closes. */
  close(): void;
  /** A member name, decoded (`"\u0061"` and `"a"` are the name `a`); the member's value follows. */
  name(name: string): void;
  /**
   * A value that is not a container: `text.slice(start, end)` is its token (a string with its
   * quotes, a number, `true`, `false` or `null`); `escaped` when a string token holds a
   * backslash (`JSON.parse` of the token decodes it then; without one its content is the text
   * between the quotes).
   */
  scalar(start: number, end: number, escaped: boolean): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Reports every token of `text`, which `JSON.parse` accepted, to `visitor`. */
export function scanJsonText(text: string, visitor: JsonTextVisitor): void {
  // One entry per open container: true for an array, false for an object.
  const arrays: boolean[] = [];
  // In an object, a string after `{` or `,` is a member name; any other string is a value.
  let expectName = false;
  for (let at = 0; at < text.length; ) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      let end = at + 1;
      let escaped = false;
      for (; text.charCodeAt(end) !== QUOTE; end++) {
        if (text.charCodeAt(end) === BACKSLASH) {
          escaped = true;
          end++; // the escaped character, a quote included, is not the end
        }
      }
      end++;
      if (expectName) {
        expectName = false;
        visitor.name(escaped ? (JSON.parse(text.slice(at, end)) as string) : text.slice(at + 1, end - 1));
      } else {
        visitor.scalar(at, end, escaped);
      }
      at = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      arrays.push(code === OPEN_ARRAY);
      expectName = code === OPEN_OBJECT;
      visitor.open(code === OPEN_ARRAY);
      at++;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      arrays.pop();
      expectName = false;
      visitor.close();
      at++;
    } else if (code === COMMA) {
      expectName = arrays.at(-1) === false;
      at++;
    } else if (code === COLON || isWhitespace(code)) {
      at++;
    } else {
      // A number, `true`, `false` or `null`: it runs to the next delimiter or the end.
      let end = at + 1;
      while (end < text.length && !isDelimiter(text.charCodeAt(end))) end++;
      visitor.scalar(at, end, false);
      at = end;
    }
  }
}

/** RFC 8259 §2: space, horizontal tab, line feed, carriage return. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** What may follow a number or a literal in valid JSON. */
function isDelimiter(code: number): boolean {
  return code === COMMA || code === CLOSE_ARRAY || code === CLOSE_OBJECT || isWhitespace(code);
}
