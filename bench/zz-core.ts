import { type DriverRecord, defineStore, type StoreDriver } from '@ifmatch/core/driver';

type Doc = { title: string; count: number; details: { tags: string[] } };
let rec: DriverRecord<Doc, string> = {
  key: 'a',
  value: { title: 'x', count: 0, details: { tags: [] } },
  version: 1,
  modifiedAt: 1,
  incarnation: 'AAAAAAAAAAA',
  hash: null,
};
const driver: StoreDriver<Doc, string> = {
  capabilities: { strategies: ['version'] },
  checkKey() {},
  prepareValue: (v) => v,
  read: async () => rec,
  write: async (key, w) => {
    rec = {
      key,
      value: w.value,
      version: rec.version + 1,
      modifiedAt: w.now,
      incarnation: rec.incarnation,
      hash: null,
    };
    return { ok: true, record: rec };
  },
  remove: async () => ({ ok: false, current: rec }),
};
const store = defineStore(driver);
let tag = (await store.get('a'))!.etag;
const N = 300000;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const o = await store.put('a', { title: 'x', count: i, details: { tags: ['a'] } }, { etagIn: [tag] });
    if (!o.ok) throw new Error();
    tag = o.record.etag;
  }
  console.log('core put overhead', (((performance.now() - t) / N) * 1000).toFixed(2), 'µs');
}
