import type { ContractDocument } from './subject.js';

/** Random keys: stores under test may share a table with other runs. */
export function newKey(): string {
  return `contract-${globalThis.crypto.randomUUID()}`;
}

export function doc(title: string, count = 0): ContractDocument {
  return { title, count, details: { tags: ['a', 'b'], note: null, ratio: 0.5 } };
}
