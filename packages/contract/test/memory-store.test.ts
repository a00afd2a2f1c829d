import { type ContractDocument, describeStoreContract } from '@ifmatch/contract';
import { canonicalJson, createMemoryStore, type RawRecord } from '@ifmatch/core';

// A whole contract test: a store factory, and `inspect`, a raw view of what was persisted.
// Here the suite tests itself against core's in-memory reference store.
const records = new Map<string, RawRecord<ContractDocument, string>>();

describeStoreContract({
  name: 'memory (reference store)',
  capabilities: { strategies: ['version', 'timestamp', 'hash'] },
  createStore: (options) => ({
    store: createMemoryStore({ ...options, records }),
    inspect: async (key) => records.get(canonicalJson(key)),
  }),
});
