/** @ifmatch/core against the packages people use today for the same job. */
import { evaluatePreconditions, hashEtag, strongTag } from '@ifmatch/core';
import etag from 'etag';
import fresh from 'fresh';
import { compare, type Pair } from './harness.js';

const LAST_MODIFIED = 'Sat, 21 Nov 2026 10:00:00 GMT';
const ETAG = '"v12345"';

/**
 * The same conditional GETs for both, fresh's own cases: an exact match, a mismatch, a list of
 * four with the match last, a weak tag, and If-Modified-Since.
 */
const requests: Record<string, string>[] = [
  { 'if-none-match': ETAG },
  { 'if-none-match': '"v999"' },
  { 'if-none-match': '"v1", "v2", W/"v3", "v12345"' },
  { 'if-none-match': `W/${ETAG}` },
  { 'if-modified-since': LAST_MODIFIED },
];
const responseHeaders = { etag: ETAG, 'last-modified': LAST_MODIFIED };
const target = { exists: true, etag: strongTag('v12345'), lastModified: Date.parse(LAST_MODIFIED) };

let sink = 0;

/**
 * Each task repeats its work: a call through the harness costs a few nanoseconds of its own,
 * which would otherwise dilute the ratio of two sub-microsecond functions towards 1.
 */
const REPEAT = 20;

function body(size: number): string {
  let text = '';
  while (text.length < size) text += `{"id":${text.length},"name":"item ${text.length}","tags":["a","b"]},`;
  return text.slice(0, size);
}
const kib = body(1024);
const mib = body(1024 * 1024);

export function coreBenchmarks() {
  const pairs: Pair[] = [
    {
      name: 'conditional GET decision (5 requests, fresh’s cases): evaluatePreconditions ÷ fresh',
      subject: [
        'ifmatch evaluatePreconditions',
        () => {
          for (let r = 0; r < REPEAT; r++) {
            for (const headers of requests) {
              if (evaluatePreconditions('GET', headers, target).outcome === 'not-modified') sink++;
            }
          }
        },
      ],
      baseline: [
        'fresh',
        () => {
          for (let r = 0; r < REPEAT; r++) {
            for (const headers of requests) if (fresh(headers, responseHeaders)) sink++;
          }
        },
      ],
      metric: 'speedup',
      target: 1.5,
    },
    {
      name: 'hash ETag of a 1 KiB body: hashEtag ÷ etag',
      subject: [
        'ifmatch hashEtag',
        () => {
          for (let r = 0; r < REPEAT; r++) sink += hashEtag(kib).length;
        },
      ],
      baseline: [
        'etag',
        () => {
          for (let r = 0; r < REPEAT; r++) sink += etag(kib).length;
        },
      ],
      metric: 'speedup',
      target: 1,
    },
    {
      name: 'hash ETag of a 1 MiB body: hashEtag ÷ etag',
      subject: ['ifmatch hashEtag', () => (sink += hashEtag(mib).length)],
      baseline: ['etag', () => (sink += etag(mib).length)],
      metric: 'speedup',
      target: 1,
    },
  ];
  return compare(pairs);
}
