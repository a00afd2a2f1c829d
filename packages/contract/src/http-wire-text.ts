/**
 * Text as the robustness suite sends it: over a socket, one byte per character (`rawRequest`
 * writes Latin-1), so text beyond Latin-1 travels as its UTF-8 bytes; to a Fetch handler, only
 * what a `Headers` value can hold.
 */

/**
 * Text as the bytes a client sends, one character per byte (`rawRequest` writes Latin-1):
 * Latin-1 text as it is, anything beyond it as its UTF-8 bytes.
 */
export function wireText(text: string): string {
  return beyondLatin1(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

function beyondLatin1(text: string): boolean {
  for (let at = 0; at < text.length; at++) if (text.charCodeAt(at) > 0xff) return true;
  return false;
}

/**
 * A string as a Fetch `Headers` value can hold it (the handler is sent `Request`s, not bytes):
 * its bytes on the wire, without the NUL, CR and LF `Headers` refuses.
 */
export function fetchSafe(value: string): string {
  return wireText(value).replace(/[\0\r\n]/g, '');
}

/** The longest prefix of `text` whose bytes on the wire (see `wireText`) are at most `max`. */
export function fitBytes(text: string, max: number): string {
  const bytes = Buffer.from(wireText(text), 'latin1');
  if (bytes.byteLength <= max) return text;
  // Non-Latin-1 text travels as UTF-8: cut there, and drop a character cut in half.
  return beyondLatin1(text)
    ? bytes
        .subarray(0, max)
        .toString('utf8')
        .replace(/\ufffd$/, '')
    : text.slice(0, max);
}
