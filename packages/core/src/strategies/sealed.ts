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
 */
import { base64url, fromBase64url } from '../base64url.js';

const IV = 12;
const BLOCK = 24;
const SEALED_LENGTH = 48; // base64url of IV + BLOCK bytes

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
  const { written } = encoder.encodeInto(clear, padded);
  if (written !== clear.length || clear.length > BLOCK)
    throw new TypeError(`a tag to seal is at most ${BLOCK} ASCII characters`);
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
