/** Unpadded base64url (RFC 4648 §5): the alphabet of entity tags ifmatch issues. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

const CODES = Array.from(ALPHABET, (letter) => letter.charCodeAt(0));
/** Characters per `String.fromCharCode` call: bounded, so no input can overflow the stack. */
const CHUNK = 4096;

function letter(n: number): number {
  return CODES[n & 63] as number;
}

/**
 * Unpadded base64url of bytes. The character codes are collected and turned into a string by
 * one `String.fromCharCode` per chunk: concatenating one letter at a time costs ten times more
 * for a 16-byte tag, and every hash tag is one.
 */
export function base64url(bytes: Uint8Array): string {
  let text = '';
  let codes: number[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    codes.push(letter(n >>> 18), letter(n >>> 12), letter(n >>> 6), letter(n));
    if (codes.length >= CHUNK) {
      text += String.fromCharCode.apply(null, codes);
      codes = [];
    }
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    codes.push(letter(n >>> 18), letter(n >>> 12));
    if (rest === 2) codes.push(letter(n >>> 6));
  }
  const last = String.fromCharCode.apply(null, codes);
  return text === '' ? last : text + last;
}

/**
 * The bytes of unpadded base64url text, or `undefined` when it is not exactly that (a stray
 * character, padding, an impossible length, or unused bits that are not zero: one text per
 * byte string, so a tag has one spelling).
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (VALUES[code] ?? -1) : -1;
    if (value < 0) return undefined;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
