/**
 * Incarnations: a random id drawn for each record a store creates, kept by every update. A
 * record's tags carry it, so a tag of a deleted record never matches the record created again
 * under the same key, whatever the clock says (RFC 9110 §8.8.1: a strong validator is unique
 * across all versions of a resource over time).
 */
import { base64url } from '../base64url.js';

/**
 * Random bytes drawn 512 ids at a time: one call to the platform's generator costs as much as
 * many ids (it crosses into native code), and every write draws one.
 */
const POOL = new Uint8Array(8 * 512);
let used = POOL.length;

/** 64 random bits: 11 base64url characters. */
export function newIncarnation(): string {
  if (used === POOL.length) {
    globalThis.crypto.getRandomValues(POOL);
    used = 0;
  }
  const id = base64url(POOL.subarray(used, used + 8));
  used += 8;
  return id;
}

/** At most 11 base64url characters (no '.' or ':', which tags and SQL state keys use as separators). */
export function isIncarnation(text: string): boolean {
  if (text.length === 0 || text.length > 11) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alphanumeric = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alphanumeric && c !== 0x2d && c !== 0x5f) return false;
  }
  return true;
}
