import { canonicalJson } from '@ifmatch/core/driver';

const v = { tags: ['a', 'b'] };
const big = {
  order: 'A-17',
  lines: [
    { sku: 'tea', quantity: 2, note: 'x' },
    { sku: 'milk', quantity: 1, note: null },
  ],
  total: 12.5,
  paid: false,
  meta: { a: 1, b: [1, 2, 3] },
};
const N = 500000;
const time = (name: string, f: () => unknown) => {
  const t = performance.now();
  for (let i = 0; i < N; i++) f();
  console.log(name.padEnd(26), (((performance.now() - t) / N) * 1000).toFixed(3), 'µs');
};
for (let r = 0; r < 2; r++) {
  time('canonical small', () => canonicalJson(v));
  time('stringify small', () => JSON.stringify(v));
  time('parse small', () => JSON.parse('{"tags":["a","b"]}'));
  time('canonical big', () => canonicalJson(big));
  time('stringify big', () => JSON.stringify(big));
}
