/**
 * Incarnations: a random id drawn for each record a store creates, kept by every update. A
 * record's tags carry it, so a tag of a deleted record never matches the record created again
 * under the same key, whatever the clock says (RFC 9110 §8.8.1: a strong validator is unique
 * across all versions of a resource over time).
 */
import { base64url } from '../base64url.js';

/** 64 random bits: 11 base64url characters. */
export function newIncarnation(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(8)));
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
