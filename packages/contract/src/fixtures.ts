import { randomUUID } from 'node:crypto';
import type { ContractDocument } from './subject.js';

export function newKey(): string {
  return `contract-${randomUUID()}`;
}

export function doc(title: string, count = 0): ContractDocument {
  return { title, count, details: { tags: ['a', 'b'], note: null, ratio: 0.5 } };
}
