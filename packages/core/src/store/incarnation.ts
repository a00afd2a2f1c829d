/**
 * Incarnations: a random id drawn for each record a store creates, kept by every update. A
 * record's tags carry it, so a tag of a deleted record never matches the record created again
 * under the same key, whatever the clock says (RFC 9110 §8.8.1: a strong validator is unique
 * across all versions of a resource over time).
 */
import { base64url } from '../base64url.js';

/** Ids drawn at once: one call to the platform's generator costs as much as many ids. */
const POOL_IDS = 512;
/** 11 base64url characters per id: 66 random bits. */
const ID_LENGTH = 11;
/** The bytes behind a pool's text: 6 random bits per character. */
const POOL_BYTES = new Uint8Array((POOL_IDS * ID_LENGTH * 6) / 8);
let pool = '';
let used = POOL_IDS;

/**
 * 66 random bits as 11 base64url characters. Every write draws one, so a pool of ids is
 * encoded at once and each id is a slice of its text: every character of base64url text
 * carries 6 bits of the random bytes, whatever the slice's alignment.
 */
export function newIncarnation(): string {
  if (used === POOL_IDS) {
    pool = base64url(globalThis.crypto.getRandomValues(POOL_BYTES));
    used = 0;
  }
  const start = used++ * ID_LENGTH;
  return pool.slice(start, start + ID_LENGTH);
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
