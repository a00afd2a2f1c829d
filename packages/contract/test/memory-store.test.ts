import { canonicalJson, createMemoryStore, type RawRecord } from '@ifmatch/core';
import { type ContractDocument, describeStoreContract } from '../src/index.js';

// The suite runs itself against the in-memory reference store; `inspect` reads the map
// the store writes to.
describeStoreContract({
  name: 'memory',
  capabilities: { strategies: ['version', 'timestamp', 'hash'] },
  createStore(options) {
    const records = new Map<string, RawRecord<string, ContractDocument>>();
    return {
      store: createMemoryStore({ ...options, records }),
      inspect: async (key) => records.get(canonicalJson(key)),
    };
  },
});
