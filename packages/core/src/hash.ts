/**
 * Content hashing for entity tags, in plain TypeScript so core runs on any JavaScript
 * runtime (no `node:crypto`).
 *
 * `hashEtag` is MurmurHash3 x86 128-bit: fast, well distributed, and 128 bits make an
 * accidental collision negligible. It is not cryptographic: a tag reveals nothing readable,
 * but someone who can guess a representation can confirm the guess. `keyedHashEtag` uses
 * HMAC-SHA-256 from Web Crypto with a server secret when tags must not reveal the content
 * (equal content still has an equal tag, so a guess can be confirmed by whoever can have the
 * store tag a value of their choice).
 */

import { base64url } from './base64url.js';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const encoder = new TextEncoder();
/** Reused for string input so hashing a large body does not allocate per call. */
let scratch = new Uint8Array(4096);
let scratchView = new DataView(scratch.buffer);

/** A view of the bytes; the scratch buffer's is made once (hashing a short body is dominated by such costs). */
function viewOf(data: Uint8Array): DataView {
  return data === scratch ? scratchView : new DataView(data.buffer, data.byteOffset, data.byteLength);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** MurmurHash3_x86_128 with seed 0; returns the four 32-bit words h1..h4. */
export function murmur3x86128(data: Uint8Array, length: number = data.length): [number, number, number, number] {
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blockEnd = length - (length % 16);
  // Little-endian 32-bit reads, as the reference implementation does on x86.
  const view = viewOf(data);
  let i = 0;
  for (; i < blockEnd; i += 16) {
    let k1 = view.getInt32(i, true);
    let k2 = view.getInt32(i + 4, true);
    let k3 = view.getInt32(i + 8, true);
    let k4 = view.getInt32(i + 12, true);

    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }

  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  const tail = length & 15;
  // The tail bytes fill k1..k4 little-endian, exactly as the reference switch fall-through.
  for (let t = tail - 1; t >= 0; t--) {
    const byte = view.getUint8(i + t);
    const shift = (t & 3) * 8;
    if (t >= 12) k4 ^= byte << shift;
    else if (t >= 8) k3 ^= byte << shift;
    else if (t >= 4) k2 ^= byte << shift;
    else k1 ^= byte << shift;
  }
  if (tail > 12) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (tail > 8) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (tail > 4) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (tail > 0) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);

  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** The 16 bytes of a digest, reused: `base64url` copies them into the tag's text. */
const digest = new Uint8Array(16);

function toBytes(body: string | Uint8Array): { bytes: Uint8Array; length: number } {
  if (typeof body !== 'string') return { bytes: body, length: body.length };
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (scratch.length < body.length * 3) {
    scratch = new Uint8Array(body.length * 3);
    scratchView = new DataView(scratch.buffer);
  }
  const { written } = encoder.encodeInto(body, scratch);
  return { bytes: scratch, length: written };
}

/**
 * A strong entity tag's opaque part for a representation body: 22 base64url characters
 * (128 bits). Strings are hashed as UTF-8. The same bytes always give the same tag.
 */
export function hashEtag(body: string | Uint8Array): string {
  const { bytes, length } = toBytes(body);
  const words = murmur3x86128(bytes, length);
  // Each word little-endian, as the reference implementation's output bytes.
  for (let w = 0; w < 4; w++) {
    const word = words[w] as number;
    for (let b = 0; b < 4; b++) digest[w * 4 + b] = (word >>> (8 * b)) & 0xff;
  }
  return base64url(digest);
}

/**
 * Like `hashEtag`, but an HMAC-SHA-256 keyed with `secret` (truncated to 128 bits): without
 * the secret a tag cannot be computed, so it confirms nothing about the content.
 */
export async function keyedHashEtag(body: string | Uint8Array, secret: CryptoKey): Promise<string> {
  const mac = await globalThis.crypto.subtle.sign('HMAC', secret, bufferSource(body));
  return base64url(new Uint8Array(mac, 0, 16));
}

/** Web Crypto takes only bytes backed by an `ArrayBuffer` (not a shared one). */
function bufferSource(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof data === 'string') return encoder.encode(data);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return copy;
}

/** Imports a secret (at least 32 bytes or characters) for `keyedHashEtag`. */
export function importEtagSecret(secret: string | Uint8Array): Promise<CryptoKey> {
  const bytes = bufferSource(secret);
  // Thrown here, not as a rejection, so a short secret fails where the store is configured.
  if (bytes.length < 32) throw new TypeError('an ETag secret needs at least 32 bytes');
  return globalThis.crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}
