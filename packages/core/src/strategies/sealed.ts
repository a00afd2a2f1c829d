/**
 * Sealed tags: with a secret, a version or timestamp tag is encrypted and authenticated, so
 * it reveals neither the number of writes, nor the time, nor the incarnation, and a tag
 * nobody was given cannot be made up.
 *
 * The construction is SIV (Rogaway and Shrimpton's deterministic authenticated encryption)
 * with HMAC-SHA-256 as the pseudo-random function, from Web Crypto so it runs on every
 * runtime:
 *   iv  = HMAC(k, 0x00 ‖ P)[0..12]         P: the clear tag, zero-padded to 24 bytes
 *   C   = P ⊕ HMAC(k, 0x01 ‖ iv)[0..24]
 *   tag = base64url(iv ‖ C)                 48 characters, the same length for every tag
 * Opening recomputes the keystream from the iv, then checks the iv against the clear text.
 * Deterministic on purpose: the same record state always gets the same tag, as a tag must.
 *
 * A clear tag is at most 24 characters but for one case: a version or time another writer set
 * below −36^10, on a record with an incarnation ("v-" + 11 digits + "." + 11 characters, 25).
 * Such a tag is packed into the same 24 bytes, 7 bits a character (tags are ASCII) behind a
 * first byte with its top bit set, which no tag in clear begins with: so it too is 48
 * characters, and every tag issued before keeps its exact form.
 */
import { base64url, fromBase64url } from '../base64url.js';

const IV = 12;
const BLOCK = 24;
const SEALED_LENGTH = 48; // base64url of IV + BLOCK bytes
/** The first byte of a packed block: this bit, and the number of characters. */
const PACKED = 0x80;
/** Characters a packed block holds: 7 bits each in the 23 bytes after the first. */
const PACKED_MAX = Math.floor(((BLOCK - 1) * 8) / 7);

/**
 * `clear` (ASCII, longer than a block) 7 bits a character into `block`, behind its length
 * with the top bit set; false when it does not fit. Exported for the tests only: no entry
 * point of the package exports it.
 */
export function pack(clear: string, block: Uint8Array): boolean {
  if (clear.length > PACKED_MAX) return false;
  block[0] = PACKED | clear.length;
  for (let i = 0; i < clear.length; i++) {
    const code = clear.charCodeAt(i);
    if (code === 0 || code >= 0x80) return false;
    const bit = 8 + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    // The character's 7 bits, from the top, starting `shift` bits into `byte`.
    block[byte] = (block[byte] as number) | ((code << 1) >> shift);
    if (shift > 1) block[byte + 1] = (code << (9 - shift)) & 0xff;
  }
  return true;
}

/** The clear tag of a packed block, or undefined when the block is no packing `pack` makes. */
export function unpack(block: Uint8Array): string | undefined {
  const length = (block[0] as number) & ~PACKED;
  if (length <= BLOCK || length > PACKED_MAX) return undefined;
  const again = new Uint8Array(BLOCK);
  let clear = '';
  for (let i = 0; i < length; i++) {
    const bit = 8 + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    const code = ((((block[byte] as number) << 8) | (block[byte + 1] ?? 0)) >> (9 - shift)) & 0x7f;
    clear += String.fromCharCode(code);
  }
  // Only the one packing of a tag opens: the same bytes again, to the last (zero) bit.
  if (!pack(clear, again) || again.some((byte, i) => byte !== block[i])) return undefined;
  return clear;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

async function prf(key: CryptoKey, domain: number, data: Uint8Array): Promise<Uint8Array> {
  const message = new Uint8Array(1 + data.length);
  message[0] = domain;
  message.set(data, 1);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, message));
}

async function seal(key: CryptoKey, clear: string): Promise<string> {
  const padded = new Uint8Array(BLOCK);
  const fits = clear.length <= BLOCK ? encoder.encodeInto(clear, padded).written === clear.length : pack(clear, padded);
  // ASCII: a block in clear never begins with the packed form's top bit.
  if (!fits) throw new TypeError(`a tag to seal is ASCII, at most ${PACKED_MAX} characters`);
  const iv = (await prf(key, 0, padded)).subarray(0, IV);
  const stream = await prf(key, 1, iv);
  const sealed = new Uint8Array(IV + BLOCK);
  sealed.set(iv);
  for (let i = 0; i < BLOCK; i++) sealed[IV + i] = (padded[i] as number) ^ (stream[i] as number);
  return base64url(sealed);
}

async function open(key: CryptoKey, opaque: string): Promise<string | undefined> {
  if (opaque.length !== SEALED_LENGTH) return undefined;
  const sealed = fromBase64url(opaque);
  if (sealed === undefined) return undefined;
  const iv = sealed.subarray(0, IV);
  const stream = await prf(key, 1, iv);
  const padded = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) padded[i] = (sealed[IV + i] as number) ^ (stream[i] as number);
  const expected = await prf(key, 0, padded);
  let difference = 0;
  for (let i = 0; i < IV; i++) difference |= (expected[i] as number) ^ (iv[i] as number);
  if (difference !== 0) return undefined;
  if ((padded[0] as number) >= PACKED) return unpack(padded);
  const end = padded.indexOf(0);
  try {
    return decoder.decode(end === -1 ? padded : padded.subarray(0, end));
  } catch {
    return undefined;
  }
}

/** Seals tags in clear on the way out of a store, and opens sealed ones on the way in. */
export interface Sealer {
  seal(clear: string): Promise<string>;
  /** The tag in clear, or `undefined` for a tag this key did not seal (it then matches nothing). */
  open(opaque: string): Promise<string | undefined>;
}

/** A sealer under `key`. */
export function sealer(key: Promise<CryptoKey>): Sealer {
  return {
    seal: async (clear) => seal(await key, clear),
    open: async (opaque) => open(await key, opaque),
  };
}
